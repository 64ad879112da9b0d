/* sync_backfill.c: the dates and parties of a package (store_package_details.h)
 * derived from its MIME, for new packages (sync_package.c) and, a batch per
 * refresh, for packages stored before the store kept them: their bytes are
 * read back through the content layer (the store or the archive), opened as
 * a package view (sync_stored_open, shared with the judgements of stored
 * delil mails), and the details and the sender's raw attachment names
 * written. */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "mime.h"
#include "package_view.h"
#include "store_archive.h"
#include "store_package_details.h"
#include "sync_p.h"
#include "util.h"

#define BACKFILL_BATCH 200

void sync_details_derive(const struct mime_package *mp, struct sync_details *sd)
{
	const struct mime_message *o = mp->has_original ? &mp->original : &mp->envelope;
	size_t i;

	memset(sd, 0, sizeof(*sd));
	sd->d.message_date = o->date_ms;
	/* The provider's envelope is dated by the KEPHS when it takes the
	 * message in; an original without an envelope has no such time. */
	sd->d.provider_time = mp->has_original ? mp->envelope.date_ms : 0;
	sd->r = xcalloc(o->n_rcpt + 1, sizeof(*sd->r));
	for (i = 0; i < o->n_rcpt; i++) {
		if (o->rcpt[i].addr == NULL || *o->rcpt[i].addr == '\0')
			continue;
		sd->r[sd->d.n_recipients].role = o->rcpt[i].role == 'c' ? "cc" : "to";
		sd->r[sd->d.n_recipients].address = o->rcpt[i].addr;
		sd->r[sd->d.n_recipients].name = o->rcpt[i].name;
		sd->d.n_recipients++;
	}
	sd->d.recipients = sd->r;
}

void sync_details_free(struct sync_details *sd)
{
	free(sd->r);
	memset(sd, 0, sizeof(*sd));
}

int sync_stored_open(struct sync_ctx *c, int64_t id, struct sync_stored *sp, struct kerr *err)
{
	memset(sp, 0, sizeof(*sp));
	if (store_content_read_mem(c->store, STORE_BLOB_PACKAGE_RAW, id, 64u << 20, &sp->raw,
				   err) < 0)
		return -1;
	pkg_view_open(sp->raw.data, sp->raw.len, c->env->store_dir, &sp->v);
	return 0;
}

void sync_stored_free(struct sync_stored *sp)
{
	pkg_view_free(&sp->v);
	kbuf_free(&sp->raw);
}

/* Part idx 0 is the original, then the original's attachments in order
 * (sync_package.c's derive_parts). */
static int fill_one(struct sync_ctx *c, int64_t id, struct kerr *err)
{
	struct sync_stored sp;
	struct sync_details sd;
	const struct mime_package *mp = &sp.v.mp;
	const char **names = NULL;
	size_t n_names = 0, i;
	int rc;

	if (sync_stored_open(c, id, &sp, err) < 0) {
		sync_stored_free(&sp);
		return -1;
	}
	if (!sp.v.parsed) {
		/* Stored as malformed: nothing to derive, but never look again. */
		struct store_package_details none = { 0 };

		sync_stored_free(&sp);
		return store_package_details_fill(c->store, id, &none, NULL, 0, err);
	}
	sync_details_derive(mp, &sd);
	if (mp->has_original) {
		n_names = mp->original.n_att + 1;
		names = xcalloc(n_names, sizeof(*names));
		for (i = 0; i < mp->original.n_att; i++)
			names[i + 1] = mp->original.att[i].raw_filename;
	}
	rc = store_package_details_fill(c->store, id, &sd.d, names, n_names, err);
	free(names);
	sync_details_free(&sd);
	sync_stored_free(&sp);
	return rc;
}

void sync_backfill(struct sync_ctx *c)
{
	int64_t *ids = NULL;
	size_t n = 0, i, done = 0;
	struct kerr err;

	if (store_package_details_missing(c->store, BACKFILL_BATCH, &ids, &n, &err) < 0) {
		log_warn("back-fill of package dates and recipients: %s", err.msg);
		return;
	}
	for (i = 0; i < n && !sync_stopping(c); i++) {
		if (fill_one(c, ids[i], &err) < 0)
			log_warn("back-fill of package %lld: %s", (long long)ids[i], err.msg);
		else
			done++;
	}
	if (done > 0)
		log_info("back-filled dates and recipients of %zu stored package(s)", done);
	free(ids);
}
