/* sync_evidence_mail.c: a delil delivered as an e-mail (kep-domain.md §4)
 * as a package: what it is (sync_evidence_mail_kind: evidence only when
 * its KEPHS envelope and the delil inside both verify, since a forged
 * "evidence mail" may be a real document in disguise), and the retry of
 * a delil whose storing did not happen after its carrier was committed
 * (the pending extraction of store_evidence_mail.h), read back from the
 * stored carrier; and the packages stored before delil mails were
 * recognised, judged once. */
#include <string.h>

#include "ack_policy.h"
#include "delil_verdict.h"
#include "log.h"
#include "mime.h"
#include "package_view.h"
#include "store_archive.h"
#include "store_blob.h"
#include "store_evidence_mail.h"
#include "sync_p.h"
#include "verdict.h"
#include "verify_package.h"

/* Packages judged per refresh by the back-fill: each is read back and
 * parsed, and verified when it is a delil mail. */
#define EVMAIL_BACKFILL_BATCH 200

const struct mime_attachment *sync_evidence_mail_xml(const struct mime_package *mp)
{
	return mime_evidence_part(mp);
}

enum store_evidence_mail sync_evidence_mail_kind(struct sync_ctx *c,
						 const struct mime_package *mp,
						 const struct pkg_report *r,
						 struct delil_verdict *dv, int *judged)
{
	const struct mime_attachment *xml = sync_evidence_mail_xml(mp);
	static const struct kbuf none;
	struct kerr err;
	int env_ok = 0;
	size_t i;

	*judged = 0;
	if (xml == NULL)
		return STORE_EVMAIL_NONE;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].name, "envelope-signature") == 0)
			env_ok = verdict_acceptable(r->checks[i].verdict);
	if (!env_ok)
		return STORE_EVMAIL_UNVERIFIED;
	/* The header that names a delil mail is outside every signature: a
	 * genuine package with an XML part, so relabelled, must not vanish from
	 * the import queue. Evidence only when the delil itself is a KEPHS's,
	 * signed intact (its digest is checked when it is stored). */
	if (sync_delil_judge(c, "(mail)", 0, xml->data, xml->len, &none, dv, &err) < 0) {
		log_warn("evidence mail: %s", err.msg);
		return STORE_EVMAIL_UNVERIFIED;
	}
	*judged = 1;
	return verdict_acceptable(dv->ev.verdict) ? STORE_EVMAIL_EVIDENCE : STORE_EVMAIL_UNVERIFIED;
}

/* Package id read back and verified again: an extraction retried (unjudged
 * 0: a known delil mail), or a package stored before delil mails were
 * recognised (unjudged 1: its kind judged and recorded first). */
static int judge_stored(struct sync_ctx *c, int64_t id, int unjudged, struct kerr *err)
{
	enum store_evidence_mail kind = STORE_EVMAIL_NONE;
	struct pkg_report r = { 0 };
	struct sync_stored sp;
	struct delil_verdict dv;
	int rc = -1, judged = 0;

	if (sync_stored_open(c, id, &sp, err) < 0)
		goto out;
	if (!sp.v.parsed) {
		if (!unjudged)
			kerr_set(err, KERR_PACKAGE, "the stored evidence mail does not parse: %s",
				 sp.v.perr.msg);
		else   /* stored as malformed: no delil mail, never looked at again */
			rc = store_evidence_mail_judged(c->store, id, kind, 0, SYNC_ACTOR, err);
		goto out;
	}
	/* Not a delil mail (most of them): no verification needed to say so. */
	if (unjudged && sync_evidence_mail_xml(&sp.v.mp) == NULL) {
		rc = store_evidence_mail_judged(c->store, id, kind, 0, SYNC_ACTOR, err);
		goto out;
	}
	if (verify_package_view(&c->vo, &sp.v, &r, err) < 0) {
		kerr_prefix(err, "verify");
		goto out;
	}
	if (unjudged) {
		kind = sync_evidence_mail_kind(c, &sp.v.mp, &r, &dv, &judged);
		if (store_evidence_mail_judged(c->store, id, kind,
					       ack_policy_on_store(c->acct, 1, 1) == STORE_ACK_DUE,
					       SYNC_ACTOR, err) < 0)
			goto out;
		log_info("package %lld, stored before delil mails were recognised: %s", (long long)id,
			 kind == STORE_EVMAIL_EVIDENCE ? "a delil mail, evidence"
			 : "a delil mail not signed by a KEPHS, left in the import queue");
	}
	rc = sync_evidence_mail(c, id, &sp.v.mp, &r, judged ? &dv : NULL, err);
out:
	if (judged)
		delil_verdict_free(&dv);
	pkg_report_free(&r);
	sync_stored_free(&sp);
	return rc;
}

/* Judges each of ids (judge_stored), a failure recorded under its package. */
static void judge_each(struct sync_ctx *c, const int64_t *ids, size_t n, int unjudged)
{
	size_t i;

	for (i = 0; i < n && !c->fatal && !sync_stopping(c); i++) {
		struct kerr err;
		char item[32];

		if (!unjudged)
			log_info("evidence mail of package %lld: its delil was not stored,"
				 " extracting again", (long long)ids[i]);
		if (judge_stored(c, ids[i], unjudged, &err) < 0) {
			snprintf(item, sizeof(item), "package %lld", (long long)ids[i]);
			sync_fail(c, NULL, item, &err);
		}
	}
}

void sync_evidence_mail_retry(struct sync_ctx *c)
{
	int64_t *ids = NULL;
	size_t n = 0;
	struct kerr err;

	if (store_evidence_mail_pending(c->store, c->acct->name, &ids, &n, &err) < 0) {
		sync_fail(c, NULL, NULL, &err);
		return;
	}
	judge_each(c, ids, n, 0);
	free(ids);
}

void sync_evidence_mail_backfill(struct sync_ctx *c)
{
	int64_t *ids = NULL;
	size_t n = 0;
	struct kerr err;

	if (store_evidence_mail_unjudged(c->store, c->acct->name, EVMAIL_BACKFILL_BATCH, &ids, &n,
					 &err) < 0) {
		sync_fail(c, NULL, NULL, &err);
		return;
	}
	judge_each(c, ids, n, 1);
	free(ids);
}
