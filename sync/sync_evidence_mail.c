/* sync_evidence_mail.c: a delil delivered as an e-mail (kep-domain.md §4)
 * as a package: what it is (sync_evidence_mail_kind: evidence only when
 * its KEPHS signature verifies, since a forged "evidence mail" may be a
 * real document in disguise), and the retry of a delil whose storing did
 * not happen after its carrier was committed (the pending extraction of
 * store_evidence_mail.h), read back from the stored carrier. */
#include <string.h>

#include "log.h"
#include "mime.h"
#include "package_view.h"
#include "store_archive.h"
#include "store_blob.h"
#include "store_evidence_mail.h"
#include "sync_p.h"
#include "verdict.h"
#include "verify_package.h"

const struct mime_attachment *sync_evidence_mail_xml(const struct mime_package *mp)
{
	const struct mime_message *m = &mp->envelope;
	size_t i;

	if (!mime_is_evidence_mail(m))
		return NULL;
	/* Only what the signature covers is the delil (att: the signed entity). */
	for (i = 0; i < m->n_att; i++)
		if (strstr(m->att[i].content_type, "xml") != NULL ||
		    strstr(m->att[i].content_type, "zip") != NULL)
			return &m->att[i];
	return NULL;
}

enum store_evidence_mail sync_evidence_mail_kind(const struct mime_package *mp,
						 const struct pkg_report *r)
{
	size_t i;

	if (sync_evidence_mail_xml(mp) == NULL)
		return STORE_EVMAIL_NONE;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].name, "envelope-signature") == 0)
			return verdict_acceptable(r->checks[i].verdict) ? STORE_EVMAIL_EVIDENCE
									: STORE_EVMAIL_UNVERIFIED;
	return STORE_EVMAIL_UNVERIFIED;
}

static int retry_one(struct sync_ctx *c, int64_t id, struct kerr *err)
{
	struct kbuf raw = { 0 };
	struct pkg_view v;
	struct pkg_report r = { 0 };
	int rc = -1;

	if (store_content_read_mem(c->store, STORE_BLOB_PACKAGE_RAW, id, 64u << 20, &raw,
				   err) < 0) {
		kbuf_free(&raw);
		return -1;
	}
	pkg_view_open(raw.data, raw.len, c->env->store_dir, &v);
	if (!v.parsed)
		kerr_set(err, KERR_PACKAGE, "the stored evidence mail does not parse: %s",
			 v.perr.msg);
	else if (verify_package_view(&c->vo, &v, &r, err) < 0)
		kerr_prefix(err, "verify");
	else
		rc = sync_evidence_mail(c, id, &v.mp, &r, err);
	pkg_report_free(&r);
	pkg_view_free(&v);
	kbuf_free(&raw);
	return rc;
}

void sync_evidence_mail_retry(struct sync_ctx *c)
{
	int64_t *ids = NULL;
	size_t n = 0, i;
	struct kerr err;

	if (store_evidence_mail_pending(c->store, c->acct->name, &ids, &n, &err) < 0) {
		sync_fail(c, NULL, NULL, &err);
		return;
	}
	for (i = 0; i < n && !c->fatal && !sync_stopping(c); i++) {
		char item[32];

		log_info("evidence mail of package %lld: its delil was not stored, extracting again",
			 (long long)ids[i]);
		if (retry_one(c, ids[i], &err) < 0) {
			snprintf(item, sizeof(item), "package %lld", (long long)ids[i]);
			sync_fail(c, NULL, item, &err);
		}
	}
	free(ids);
}
