/* sync_package.c: one package: downloaded (the whole package) into an
 * unlinked temporary file next to the store (sync_fetch.c), verified, and
 * stored with everything derived from it in one transaction (or one
 * savepoint of the folder's batch: the commit policy, sync_p.h). The file
 * is mapped, not read into a buffer, and the store streams the raw package from the descriptor. One
 * MIME parse and one open of each .eyp serve verification and storage
 * (package_view.h).
 * A package that fails verification is stored all the same, flagged by
 * its verdict: nothing is ever dropped. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "crashpoint.h"
#include "eyp.h"
#include "log.h"
#include "mime.h"
#include "package_view.h"
#include "store_audit.h"
#include "ack_policy.h"
#include "store_package.h"
#include "sync_p.h"
#include "util.h"
#include "verify_package.h"

/* Everything derived from the package, borrowed from the view and the
 * report: the view (package_view.h) is the one MIME parse and the one open
 * of each .eyp, shared with verification. */
struct derived {
	struct pkg_view v;
	const struct eyp *eyp;       /* the first .eyp, open; NULL when none */
	struct store_eyp seyp;
	char *ek_json;
	struct store_part *parts;
	size_t n_parts;
	struct store_verification *verifs;
	struct sync_details details;
};

/* Content held as a range of the raw package (store_blob.h) when its bytes
 * are a slice of it: the original inside the envelope, an attachment
 * without a transfer encoding; else a copy of its own. */
static struct store_content content_of(const struct derived *d, const unsigned char *p,
				       size_t n)
{
	const unsigned char *base = d->v.mp.envelope.data;
	size_t total = d->v.mp.envelope.len;

	if (d->v.mp.orig_in_package && p >= base && n <= total && (size_t)(p - base) <= total - n)
		return store_content_raw_slice(p, n, (size_t)(p - base));
	return store_content_mem(p, n);
}

static void derive_parts(struct derived *d)
{
	const struct mime_message *o = &d->v.mp.original;
	const unsigned char *orig;
	size_t i;

	if (!d->v.parsed || !d->v.mp.has_original)
		return;
	d->parts = xcalloc(o->n_att + 1, sizeof(*d->parts));
	orig = d->v.mp.orig_in_package ? d->v.mp.envelope.data + d->v.mp.orig_off :
		d->v.mp.orig_copy;
	d->parts[0].meta.role = "original";
	d->parts[0].meta.content_type = "message/rfc822";
	d->parts[0].meta.file_name = "original.eml";
	d->parts[0].meta.safe_name = "original.eml";
	d->parts[0].content = content_of(d, orig, d->v.mp.orig_len);
	d->n_parts = 1;
	for (i = 0; i < o->n_att; i++) {
		struct store_part *p = &d->parts[d->n_parts++];

		p->meta.role = o->att[i].is_eyp ? "eyp" : "attachment";
		p->meta.content_type = o->att[i].content_type;
		p->meta.file_name = o->att[i].raw_filename;   /* as the sender wrote it */
		p->meta.safe_name = o->att[i].filename;
		/* A spooled document is copied from its file, not its mapping. */
		p->content = o->att[i].fd >= 0 ? store_content_fd(o->att[i].fd)
					       : content_of(d, o->att[i].data, o->att[i].len);
	}
}

static const char *last_segment(const char *part)
{
	const char *s = strrchr(part, '/');

	return s ? s + 1 : part;
}

/* What EBYS is shown of the package's documents (store_eyp.h): the main
 * document(s), then each attachment Ustveri lists (a file absent from the
 * package is "withheld" when the DagitimListesi says so, else "missing"),
 * then files under /Ekler/ that Ustveri does not list. */
static json_t *eyp_files_json(const struct eyp *e)
{
	json_t *a = json_array();
	char *used = xcalloc(e->n_files + 1, 1);

	for (size_t i = 0; i < e->n_files; i++)
		if (e->files[i].main_doc) {
			json_array_append_new(a, json_pack("{s:b, s:s, s:n, s:s?, s:I, s:s}", "main", 1,
				"name", last_segment(e->files[i].part), "description", "type", e->mime,
				"size", (json_int_t)e->files[i].size, "digest", e->files[i].digest_state));
			used[i] = 1;
		}
	for (size_t k = 0; k < e->n_ekler; k++) {
		const struct eyp_ek *x = &e->ekler[k];
		const struct eyp_file *f = NULL;

		for (size_t i = 0; x->dosya_adi && !f && i < e->n_files; i++)
			if (!e->files[i].main_doc && !used[i] &&
			    strcmp(last_segment(e->files[i].part), x->dosya_adi) == 0) {
				f = &e->files[i];
				used[i] = 1;
			}
		json_array_append_new(a, json_pack("{s:b, s:s?, s:s?, s:s?, s:o, s:s}", "main", 0,
			"name", x->dosya_adi, "description", x->ad, "type", x->mime,
			"size", f ? json_integer((json_int_t)f->size) : json_null(),
			"digest", f ? f->digest_state : x->dosya_adi && eyp_withheld(e, x->dosya_adi)
			? "withheld" : "missing"));
	}
	for (size_t i = 0; i < e->n_files; i++)
		if (!used[i])
			json_array_append_new(a, json_pack("{s:b, s:s, s:n, s:n, s:I, s:s}", "main", 0,
				"name", last_segment(e->files[i].part), "description", "type",
				"size", (json_int_t)e->files[i].size, "digest", e->files[i].digest_state));
	free(used);
	return a;
}

static void derive_eyp(struct derived *d)
{
	const struct pkg_view_eyp *x = pkg_view_first_eyp(&d->v);
	json_t *a;

	if (x == NULL)
		return;
	if (!x->ok) {
		log_warn("e-Yazisma package %s: %s", x->att->filename, x->err.msg);
		return;
	}
	d->eyp = &x->e;
	a = eyp_files_json(d->eyp);
	d->ek_json = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	d->seyp.belge_id = d->eyp->belge_id;
	d->seyp.konu = d->eyp->konu;
	d->seyp.tarih = d->eyp->tarih;
	d->seyp.belge_no = d->eyp->belge_no;
	d->seyp.olusturan = d->eyp->olusturan;
	d->seyp.attachments_json = d->ek_json;
}

static void derive_verifs(struct derived *d, const struct pkg_report *r)
{
	size_t i;

	d->verifs = xcalloc(r->n + 1, sizeof(*d->verifs));
	for (i = 0; i < r->n; i++) {
		const struct pkg_check *k = &r->checks[i];
		struct store_verification *v = &d->verifs[i];

		v->check = k->name;
		v->verdict = verdict_name(k->verdict);
		v->reason = k->reason;
		v->signer_subject = k->signer[0] ? k->signer : NULL;
		v->signer_serial = k->serial[0] ? k->serial : NULL;
		v->signer_issuer = k->issuer[0] ? k->issuer : NULL;
		v->signing_time = (int64_t)k->signing_time * 1000;
		v->timestamp_time = (int64_t)k->timestamp_time * 1000;
		v->validation_time = (int64_t)k->validation_time * 1000;
	}
}

static void derived_free(struct derived *d)
{
	pkg_view_free(&d->v);
	free(d->ek_json);
	free(d->parts);
	free(d->verifs);
	sync_details_free(&d->details);
}

static const char *first_of(const char *a, const char *b)
{
	return a != NULL ? a : b;
}

/* What the sync says of a new package once it is durable (sync_p.h). */
struct sync_stored_note {
	char *folder, *kep_id, *subject, *verdict, *reason;
	int acceptable;
};

static void note_say(struct sync_ctx *c, const struct sync_stored_note *n)
{
	c->rep->new_packages++;
	if (!n->acceptable)
		sync_flagged(c, "package", n->folder, n->kep_id, NULL, n->subject, n->verdict,
			     n->reason);
	if (c->hooks != NULL && c->hooks->stored != NULL)
		c->hooks->stored(c->hooks->arg, c->acct->name, "package", n->verdict);
	log_info("%s: stored %s (%s)", n->folder, n->kep_id, n->verdict);
}

static void note_free(struct sync_stored_note *n)
{
	free(n->folder);
	free(n->kep_id);
	free(n->subject);
	free(n->verdict);
	free(n->reason);
}

/* Said now when the package is committed (stored alone), else when its
 * batch is. */
static void stored_new(struct sync_ctx *c, const char *folder,
		       const struct store_package_meta *m, enum verdict overall, size_t len)
{
	struct sync_stored_note n = { (char *)folder, (char *)m->kep_id, (char *)m->subject,
				      (char *)m->verdict, (char *)m->verdict_reason,
				      verdict_acceptable(overall) };
	struct sync_stored_note *q;

	if (!c->batch_open) {
		note_say(c, &n);
		return;
	}
	c->batch_notes = xrealloc(c->batch_notes, (c->batch_n + 1) * sizeof(*c->batch_notes));
	q = &c->batch_notes[c->batch_n++];
	q->folder = xstrdup(folder);
	q->kep_id = xstrdup(m->kep_id);
	q->subject = m->subject != NULL ? xstrdup(m->subject) : NULL;
	q->verdict = xstrdup(m->verdict);
	q->reason = m->verdict_reason != NULL ? xstrdup(m->verdict_reason) : NULL;
	q->acceptable = n.acceptable;
	c->batch_bytes += len;
}

static int store_it(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		    int received, int fd, const void *data, size_t len, int64_t *id_r,
		    int *new_r, enum store_ack *ack_r, struct kerr *err)
{
	struct derived d = { 0 };
	struct pkg_report r = { 0 };
	struct store_package p = { 0 };
	struct store_package_meta *m = &p.meta;
	const struct mime_message *o;
	char why[600];
	enum store_evidence_mail evmail;
	struct kerr merr;
	struct delil_verdict mdv;
	int rc, alone, mjudged = 0;

	pkg_view_open(data, len, c->env->store_dir, &d.v);
	if (!d.v.parsed)
		log_warn("package %s does not parse: %s (stored as malformed)", pi->kep_id,
			 d.v.perr.msg);
	if (verify_package_view(&c->vo, &d.v, &r, err) < 0) {
		derived_free(&d);
		return kerr_prefix(err, "verify");
	}
	derive_parts(&d);
	derive_eyp(&d);
	derive_verifs(&d, &r);
	o = !d.v.parsed ? NULL : d.v.mp.has_original ? &d.v.mp.original : &d.v.mp.envelope;
	m->account = c->acct->name;
	m->folder = folder;
	m->kep_id = pi->kep_id;
	m->provider_seq = pi->seq;
	m->provider_seq_text = pi->seq_text;
	m->org_mesaj_id = pi->message_id;
	m->message_id = first_of(r.message_id, o ? o->message_id : NULL);
	m->sender = first_of(o ? o->from : NULL, pi->from);
	m->sender_kep = pi->from_kep;
	m->subject = first_of(r.subject, first_of(o ? o->subject : NULL, pi->subject));
	m->received_at = now_ms();
	m->tur = pi->kind;
	m->tur_id = pi->kind_id;
	m->ileti_tip = o ? first_of(o->ileti_tip, d.v.mp.envelope.ileti_tip) : NULL;
	m->ileti_id = o ? first_of(o->ileti_id, d.v.mp.envelope.ileti_id) : NULL;
	m->belge_no = d.eyp != NULL ? d.eyp->belge_no : NULL;
	m->verdict = verdict_name(r.overall);
	m->verdict_reason = pkg_report_reason(&r, why, sizeof(why));
	/* Due now under on-store (ack_policy.h): acknowledged right after the
	 * commit; a crash in between leaves it due for the next run. */
	evmail = d.v.parsed ? sync_evidence_mail_kind(c, &d.v.mp, &r, &mdv, &mjudged)
			    : STORE_EVMAIL_NONE;
	m->ack = ack_policy_on_store(c->acct, received, evmail == STORE_EVMAIL_EVIDENCE);
	*ack_r = m->ack;
	p.raw = store_content_fd(fd);
	p.parts = d.parts;
	p.n_parts = d.n_parts;
	p.eyp = d.eyp != NULL ? &d.seyp : NULL;
	p.verifications = d.verifs;
	p.n_verifications = r.n;
	if (d.v.parsed)
		sync_details_derive(&d.v.mp, &d.details);
	/* Written even when empty: a package that does not parse is never
	 * back-filled again. */
	p.details = &d.details.d;
	/* Evidence is not a document for EBYS; an unverified delil mail is. */
	p.enqueue = received && evmail != STORE_EVMAIL_EVIDENCE;
	p.evidence_mail = evmail;
	p.actor = SYNC_ACTOR;
	crashpoint("package-before-store");
	/* Acknowledged on store, or a delil mail (its delil extracted after
	 * it): stored alone, as ever, so what a crash point after its insert
	 * finds is durable (the open batch is committed first). */
	alone = m->ack == STORE_ACK_DUE || evmail != STORE_EVMAIL_NONE;
	if (alone)
		sync_batch_commit(c);
	if (c->batching && !alone && !c->batch_open) {
		if (store_begin(c->store, err) < 0) {
			rc = -1;
			goto out;
		}
		c->batch_open = 1;
		c->batch_n = 0;
		c->batch_bytes = 0;
		c->batch_t0 = now_ms();
	}
	rc = store_package_insert(c->store, &p, id_r, new_r, err);
	/* SQLite rolled the whole batch back (a full disk): said now. */
	if (rc < 0 && c->batch_open && !store_in_transaction(c->store))
		sync_batch_commit(c);
	if (rc == 0) {
		crashpoint("package-after-store");
		if (*new_r) {
			stored_new(c, folder, m, r.overall, len);
			/* A delil delivered as an e-mail: stored as above, and its XML as
			 * the evidence of the package it names. */
			if (evmail != STORE_EVMAIL_NONE) {
				/* A kill or failure here: the next run extracts it
				 * again (sync_evidence_mail_retry). */
				crashpoint("evidence-mail-before-delil");
				if (sync_evidence_mail(c, *id_r, &d.v.mp, &r, mjudged ? &mdv : NULL,
						       &merr) < 0)
					sync_fail(c, folder, pi->kep_id, &merr);
			}
		}
	}
out:
	if (mjudged)
		delil_verdict_free(&mdv);
	pkg_report_free(&r);
	derived_free(&d);
	return rc;
}

void sync_batch_commit(struct sync_ctx *c)
{
	struct kerr err;
	size_t i;
	int rc;

	if (!c->batch_open)
		return;
	c->batch_open = 0;
	log_debug("committing %zu package(s)", c->batch_n);
	crashpoint("batch-before-commit");
	if (store_in_transaction(c->store))
		rc = store_commit(c->store, &err);
	else
		rc = kerr_set(&err, KERR_STORE, "the store rolled the transaction back");
	if (rc < 0) {
		kerr_prefix(&err, "storing %zu package(s)", c->batch_n);
		err.cls = KERR_STORE;
		sync_fail(c, NULL, NULL, &err);
	} else {
		log_debug("committed %zu package(s), %llu bytes", c->batch_n,
			  (unsigned long long)c->batch_bytes);
	}
	for (i = 0; i < c->batch_n; i++) {
		if (rc == 0)
			note_say(c, &c->batch_notes[i]);
		note_free(&c->batch_notes[i]);
	}
	free(c->batch_notes);
	c->batch_notes = NULL;
	c->batch_n = 0;
	c->batch_bytes = 0;
}

int sync_batch_due(const struct sync_ctx *c, struct sync_fetch *f, size_t k)
{
	if (!c->batch_open)
		return 0;
	if (c->batch_n >= SYNC_BATCH_PACKAGES || c->batch_bytes >= SYNC_BATCH_BYTES)
		return 1;
	/* Ends that depend on timing: none under a crash test (sync_p.h). */
	if (crashpoint_armed())
		return 0;
	return f == NULL || !sync_fetch_ready(f, k) || now_ms() - c->batch_t0 >= SYNC_BATCH_MS;
}

/* A downloaded package (fd, closed here): verified, stored, acknowledged
 * when due on store. */
static int store_downloaded(struct sync_ctx *c, const char *folder,
			    const struct kep_package_info *pi, int received, int fd,
			    int64_t *id_r, int *new_r, struct kerr *err)
{
	enum store_ack ack = STORE_ACK_NONE;
	struct stat st;
	void *map;
	int rc;

	crashpoint("package-downloaded");
	if (fstat(fd, &st) < 0) {
		rc = kerr_errno(err, KERR_IO, errno, "cannot stat the downloaded package");
		close(fd);
		return rc;
	}
	if (c->hooks != NULL && c->hooks->downloaded != NULL)
		c->hooks->downloaded(c->hooks->arg, c->acct->name, folder, (uint64_t)st.st_size);
	if (st.st_size == 0) {
		close(fd);
		return kerr_set(err, KERR_PACKAGE, "the download gave an empty package");
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		rc = kerr_errno(err, KERR_IO, errno, "cannot map the downloaded package");
		close(fd);
		return rc;
	}
	rc = store_it(c, folder, pi, received, fd, map, (size_t)st.st_size, id_r, new_r, &ack,
		      err);
	munmap(map, (size_t)st.st_size);
	close(fd);
	if (rc == 0 && *new_r && ack == STORE_ACK_DUE) {
		struct kerr aerr;

		/* The package is durable (stored alone, store_it); a failed acknowledgement stays
		 * due and is retried by the next run. */
		if (sync_ack_one(c, *id_r, &aerr) < 0)
			sync_fail(c, folder, pi->kep_id, &aerr);
	}
	return rc;
}

int sync_package(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		 int received, int64_t *id_r, int *new_r, struct kerr *err)
{
	int found, fd;

	*new_r = 0;
	found = store_package_exists(c->store, c->acct->name, folder, pi->kep_id, id_r, err);
	if (found != 0)
		return found < 0 ? -1 : 0;
	fd = sync_fetch_one(c, folder, pi, err);
	if (fd < 0)
		return -1;
	return store_downloaded(c, folder, pi, received, fd, id_r, new_r, err);
}

int sync_package_fetched(struct sync_ctx *c, struct sync_fetch *f, size_t k, const char *folder,
			 const struct kep_package_info *pi, int received, int64_t *id_r,
			 int *new_r, struct kerr *err)
{
	int fd;

	*new_r = 0;
	fd = sync_fetch_take(f, k, err);
	if (fd < 0)
		return -1;
	return store_downloaded(c, folder, pi, received, fd, id_r, new_r, err);
}
