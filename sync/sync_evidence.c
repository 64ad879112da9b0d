/* sync_evidence.c: the evidence (delil) of a sent package. Listed with
 * list_evidence until a final code is stored (60 read, or a failure);
 * each new item is downloaded, judged against the stored original by
 * delil_judge() (delil_verdict.h: the one home of a delil's verdict), and
 * stored with that verdict, however bad. Unknown codes are kept as they are.
 * An item whose MessageIdentifierByREMMD names another package is stored
 * under that KEP id (package NULL until the store knows it). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crashpoint.h"
#include "delil.h"
#include "delil_verdict.h"
#include "evidence_stage.h"
#include "evidence.h"
#include "log.h"
#include "mime.h"
#include "store_archive.h"
#include "store_evidence.h"
#include "store_evidence_mail.h"
#include "store_evidence_pending.h"
#include "store_package.h"
#include "store_part.h"
#include "sync_p.h"
#include "trust.h"
#include "util.h"
#include "verify_package.h"

struct ev_list_arg {
	const struct kep_pkg_ref *ref;
	struct kep_evidence_list list;
};

static int do_list(struct sync_ctx *c, void *arg, struct kerr *err)
{
	struct ev_list_arg *a = arg;

	return c->drv->list_evidence(c->sess, a->ref, &a->list, err);
}

struct ev_dl_arg {
	const char *delil_id;
	int fd;
};

static int do_download(struct sync_ctx *c, void *arg, struct kerr *err)
{
	struct ev_dl_arg *a = arg;

	if (ftruncate(a->fd, 0) < 0 || lseek(a->fd, 0, SEEK_SET) < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot reset the download file");
	return c->drv->download_evidence(c->sess, a->delil_id, a->fd, err);
}

static int rejudge_unchecked(struct sync_ctx *c, int64_t package_id,
			     struct store_evidence_row *rows, size_t n, struct kerr *err);

/* In the reason of a delil that came as an e-mail whose own signature is
 * not acceptable: what follows it is that check, and it stays part of the
 * verdict when the delil is judged again. */
#define CARRIER_MARK "carrying message: "

static void carrier_apply(struct delil_verdict *dv, enum verdict v, const char *text)
{
	size_t n = strlen(dv->reason);

	dv->verdict = verdict_worst(dv->verdict, v);
	snprintf(dv->reason + n, sizeof(dv->reason) - n, "%s" CARRIER_MARK "%s", n ? "; " : "",
		 text);
}

/* 1 when the stored, verified evidence is final (evidence_stage.h), and
 * then recorded so the store stops listing the package as pending. Final
 * items are fetched last and a package's fetching stops at its first
 * failure, so a final stage means every item listed with it is stored too.
 * A final code whose verdict is not acceptable (a forgery) does not count:
 * the follow-up goes on. */
static int settle(struct sync_ctx *c, int64_t package_id, struct kerr *err)
{
	struct store_evidence_row *rows = NULL;
	struct evidence_stage stage = { 0 };
	size_t n = 0, i;

	if (store_evidence_list_for_package(c->store, package_id, &rows, &n, err) < 0)
		return -1;
	if (rejudge_unchecked(c, package_id, rows, n, err) < 0) {
		store_evidence_rows_free(&rows, n);
		return -1;
	}
	for (i = 0; i < n; i++)
		evidence_stage_add(&stage, (int)rows[i].meta.delil_tur_id, rows[i].meta.verdict);
	store_evidence_rows_free(&rows, n);
	if (!evidence_stage_final(&stage))
		return 0;
	return store_evidence_final_mark(c->store, package_id, err) < 0 ? -1 : 1;
}

/* The stored original message of the package, for the digest check. */
static void load_original(struct sync_ctx *c, int64_t package_id, struct kbuf *orig)
{
	struct store_part_row *rows = NULL;
	size_t n = 0, i;
	struct kerr err;

	if (store_part_list(c->store, package_id, &rows, &n, &err) < 0) {
		log_warn("evidence: cannot read the original of package %lld: %s",
			 (long long)package_id, err.msg);
		return;
	}
	for (i = 0; i < n; i++)
		if (strcmp(rows[i].meta.role, "original") == 0) {
			if (store_content_read_mem(c->store, STORE_BLOB_PART, rows[i].id, 64u << 20, orig,
						&err) < 0)
				log_warn("evidence: %s", err.msg);
			break;
		}
	store_part_rows_free(&rows, n);
}

static const char *strip_angle(const char *s, char *buf, size_t len)
{
	size_t n;

	if (s == NULL)
		return NULL;
	while (*s == '<' || *s == ' ')
		s++;
	snprintf(buf, len, "%s", s);
	n = strlen(buf);
	while (n > 0 && (buf[n - 1] == '>' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return buf;
}

/* sync_p.h */
int sync_delil_judge(struct sync_ctx *c, const char *id, int code, const void *data, size_t len,
		     const struct kbuf *orig, struct delil_verdict *dv, struct kerr *err)
{
	struct evidence_opts eo = { 0 };

	eo.verify = &c->vo; /* the signer judged like a CMS signer, chain cache shared */
	eo.anchors = trust_x509_store(c->env->trust, TRUST_ANCHOR);
	eo.intermediates = trust_intermediates(c->env->trust);
	eo.original = orig->len ? orig->data : NULL;
	eo.original_len = orig->len;
	eo.provider_code = code > 0 ? code : 0;
	log_debug("evidence %s: judging the delil", id);
	if (delil_judge(data, len, &eo, dv, err) < 0)
		return kerr_prefix(err, "evidence %s", id);
	return 0;
}

/* The two stored checks of a judged delil (pointers into dv). */
static void checks(const struct delil_verdict *dv, struct store_verification v[2])
{
	const struct evidence *ev = &dv->ev;

	memset(v, 0, 2 * sizeof(*v));
	v[0].check = DELIL_CHECK_SIGNATURE;
	v[0].verdict = verdict_name(ev->verdict);
	v[0].reason = ev->reason;
	v[0].signer_subject = ev->signer_subject[0] ? ev->signer_subject : NULL;
	v[0].signer_serial = ev->signer_serial[0] ? ev->signer_serial : NULL;
	v[0].signer_issuer = ev->signer_issuer[0] ? ev->signer_issuer : NULL;
	v[1].check = DELIL_CHECK_DIGEST;
	v[1].verdict = verdict_name(dv->digest_verdict);
	v[1].reason = ev->digest_reason[0] ? ev->digest_reason : evidence_digest_name(ev->digest);
}

/* Items stored before their package (or whose original could not be read)
 * carry a verdict whose digest was not checked: judged again once the
 * package's original is in the store, so the stage counts only what the
 * bundle's re-verification would count too. rows are updated in place. */
static int rejudge_unchecked(struct sync_ctx *c, int64_t package_id,
			     struct store_evidence_row *rows, size_t n, struct kerr *err)
{
	struct kbuf orig = { 0 };
	int loaded = 0, rc = 0;
	size_t i;

	for (i = 0; i < n && rc == 0; i++) {
		struct store_evidence_row *r = &rows[i];
		struct store_verification v[2];
		struct delil_verdict dv;
		struct kbuf raw = { 0 };
		struct kerr e;

		if (r->meta.verdict_reason == NULL ||
		    strstr(r->meta.verdict_reason, DELIL_DIGEST_UNCHECKED) == NULL)
			continue;
		if (!loaded) {
			load_original(c, package_id, &orig);
			loaded = 1;
		}
		if (orig.len == 0)
			break;
		if (store_content_read_mem(c->store, STORE_BLOB_EVIDENCE_RAW, r->id, EVIDENCE_MAX_LEN,
					&raw, &e) < 0) {
			log_warn("evidence %s: %s", r->meta.delil_id, e.msg);
			continue;
		}
		rc = sync_delil_judge(c, r->meta.delil_id, (int)r->meta.delil_tur_id, raw.data, raw.len,
				      &orig, &dv, err);
		kbuf_free(&raw);
		if (rc < 0)
			break;
		if (dv.digest_verdict != VERDICT_UNSIGNED) {
			const char *carrier = strstr(r->meta.verdict_reason, CARRIER_MARK);
			int old = verdict_from_name(r->meta.verdict);

			if (carrier != NULL)
				carrier_apply(&dv, old < 0 ? VERDICT_INVALID : (enum verdict)old,
					      carrier + strlen(CARRIER_MARK));
			checks(&dv, v);
			rc = store_evidence_rejudge(c->store, r, verdict_name(dv.verdict), dv.reason,
						    v, 2, SYNC_ACTOR, err);
			if (rc == 0) {
				log_info("evidence %s of %s judged again against its original: %s",
					 r->meta.delil_id, r->meta.kep_id ? r->meta.kep_id : "?",
					 verdict_name(dv.verdict));
				free((char *)r->meta.verdict);
				r->meta.verdict = xstrdup(verdict_name(dv.verdict));
			}
		}
		delil_verdict_free(&dv);
	}
	kbuf_free(&orig);
	return rc;
}

/* env: the check of the message that carried the delil (an evidence
 * mail), NULL for a PaketDelilIndir item. judged: raw judged already
 * (sync_evidence_mail_kind or sync_evidence_mail), checked here against
 * orig (its digest only) and left to the caller; NULL: judged here. */
static int store_item(struct sync_ctx *c, const struct kep_package_info *pi,
		      int64_t package_id, const struct kep_evidence_info *ei,
		      const struct kbuf *raw, const struct kbuf *orig,
		      const struct pkg_check *env, struct delil_verdict *judged,
		      int64_t *eid_r, struct kerr *err)
{
	struct store_verification v[2] = { { 0 } };
	struct store_evidence se = { 0 };
	struct delil_verdict own, *dvp = judged != NULL ? judged : &own;
	const struct evidence *ev = &dvp->ev;
	char a[512], b[512];
	const char *ref_id = pi->kep_id;
	int inserted = 0, rc;
	int64_t id;

	if (judged != NULL)
		delil_verdict_digest(judged, orig->len ? orig->data : NULL, orig->len);
	else if (sync_delil_judge(c, ei->id, ei->code, raw->data, raw->len, orig, &own, err) < 0)
		return -1;
	/* An item about another message is not this package's evidence: kept
	 * for that package and judged against its original (the one the store
	 * links it to), or with none when the store does not hold it yet. */
	if (ev->remmd_message_id != NULL && pi->kep_id != NULL &&
	    strcmp(strip_angle(ev->remmd_message_id, a, sizeof(a)),
		   strip_angle(pi->kep_id, b, sizeof(b))) != 0) {
		struct kbuf other = { 0 };
		int64_t *ids = NULL;
		size_t nids = 0;
		struct kerr e;

		log_warn("evidence %s names package %s, not %s: kept for that package",
			 ei->id, ev->remmd_message_id, pi->kep_id);
		if (store_package_find(c->store, STORE_PKG_BY_KEP_ID, c->acct->name,
				       ev->remmd_message_id, &ids, &nids, &e) < 0)
			log_warn("evidence %s: %s", ei->id, e.msg);
		else if (nids > 0)
			load_original(c, ids[0], &other);
		free(ids);
		ref_id = xstrdup(ev->remmd_message_id);
		package_id = 0;
		/* The same document against that original: its digest again. */
		delil_verdict_digest(dvp, other.len ? other.data : NULL, other.len);
		kbuf_free(&other);
	}
	if (env != NULL && !verdict_acceptable(env->verdict)) {
		char why[600];

		snprintf(why, sizeof(why), "%s: %s", env->name, env->reason);
		carrier_apply(dvp, env->verdict, why);
	}
	checks(dvp, v);
	se.meta.account = c->acct->name;
	se.meta.kep_id = ref_id;
	se.meta.provider_seq = package_id != 0 && pi->seq >= 0 ? pi->seq : -1;
	se.meta.delil_id = ei->id;
	se.meta.delil_tur_id = ei->code;
	se.meta.description = ei->text;
	se.meta.event_time = ei->time_ms;
	se.meta.event_time_text = ei->time_text;
	se.meta.issuer = ei->issuer;
	se.meta.verdict = verdict_name(dvp->verdict);
	se.meta.verdict_reason = dvp->reason;
	se.package_id = package_id;
	se.raw = store_content_mem(raw->data, raw->len);
	se.verifications = v;
	se.n_verifications = 2;
	se.actor = SYNC_ACTOR;
	rc = store_evidence_insert(c->store, &se, &id, &inserted, err);
	if (rc == 0 && eid_r != NULL)
		*eid_r = id;
	if (rc == 0 && inserted) {
		crashpoint("evidence-after-store");
		c->rep->new_evidence++;
		if (!verdict_acceptable(dvp->verdict))
			sync_flagged(c, "evidence", NULL, ref_id, ei->id, pi->subject,
				     se.meta.verdict, se.meta.verdict_reason);
		if (c->hooks != NULL && c->hooks->stored != NULL)
			c->hooks->stored(c->hooks->arg, c->acct->name, "evidence",
					 verdict_name(dvp->verdict));
		log_info("evidence %s (code %d) of %s stored (%s)", ei->id, ei->code,
			 ref_id, verdict_name(dvp->verdict));
	}
	if (judged == NULL)
		delil_verdict_free(&own);
	if (ref_id != pi->kep_id)
		free((char *)ref_id);
	return rc;
}

static int have_id(char **ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

static int fetch_item(struct sync_ctx *c, const struct kep_package_info *pi, int64_t package_id,
		      const struct kep_evidence_info *ei, struct kbuf *orig, int *orig_loaded,
		      struct kerr *err)
{
	struct ev_dl_arg a = { ei->id, -1 };
	struct kbuf raw = { 0 };
	int rc;

	a.fd = sync_tmpfile(c, err);
	if (a.fd < 0)
		return -1;
	rc = sync_call(c, "download_evidence", do_download, &a, err);
	if (rc == 0) {
		crashpoint("evidence-downloaded");
		rc = sync_read_fd(a.fd, EVIDENCE_MAX_LEN, &raw, err);
	}
	close(a.fd);
	if (rc == 0 && !*orig_loaded) {
		load_original(c, package_id, orig);
		*orig_loaded = 1;
	}
	if (rc == 0)
		rc = store_item(c, pi, package_id, ei, &raw, orig, NULL, NULL, NULL, err);
	kbuf_free(&raw);
	return rc;
}

int sync_evidence(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		  int64_t package_id, struct kerr *err)
{
	struct kep_pkg_ref ref = { folder, pi->kep_id, pi->seq };
	struct ev_list_arg la = { &ref, { 0, NULL } };
	struct kbuf orig = { 0 };
	char **have = NULL, **seen;
	const struct kep_evidence_info **order;
	size_t nhave = 0, nseen = 0, norder = 0, nstored = 0, i;
	int final, orig_loaded = 0, pass;

	final = settle(c, package_id, err);
	if (final != 0)
		return final < 0 ? -1 : 0;
	if (sync_call(c, "list_evidence", do_list, &la, err) < 0)
		return -1;
	if (store_evidence_delil_ids(c->store, c->acct->name, pi->kep_id, &have, &nhave, err) < 0) {
		kep_evidence_list_free(&la.list);
		return -1;
	}
	seen = xcalloc(la.list.n + 1, sizeof(*seen));
	order = xcalloc(la.list.n + 1, sizeof(*order));
	for (pass = 0; pass < 2; pass++)    /* final codes last */
		for (i = 0; i < la.list.n; i++)
			if (evidence_code_is_final(la.list.items[i].code) == pass)
				order[norder++] = &la.list.items[i];
	for (i = 0; i < norder && !c->fatal && !sync_stopping(c); i++) {
		const struct kep_evidence_info *ei = order[i];
		struct kerr e;
		int64_t eid;

		if (ei->id == NULL || ei->status != 0) {
			kerr_set(&e, KERR_PACKAGE, "evidence listing row %zu: %s", i,
				 ei->error ? ei->error : "no delil id");
			sync_fail(c, folder, pi->kep_id, &e);
			break;
		}
		/* Lists may repeat entries. */
		if (have_id(have, nhave, ei->id) || have_id(seen, nseen, ei->id))
			continue;
		seen[nseen++] = ei->id;
		/* An orphan stored under another kepId is not in `have`. */
		if (store_evidence_exists(c->store, c->acct->name, ei->id, &eid, &e) == 1)
			continue;
		if (fetch_item(c, pi, package_id, ei, &orig, &orig_loaded, &e) < 0) {
			sync_fail(c, folder, ei->id, &e);
			break;      /* the rest waits for the next run */
		}
		nstored++;
	}
	free(seen);
	free(order);
	store_evidence_delil_ids_free(&have, nhave);
	kep_evidence_list_free(&la.list);
	kbuf_free(&orig);
	/* Judged again only when something new came, so a final package is not
	 * listed again. */
	if (nstored > 0 && settle(c, package_id, err) < 0)
		return -1;
	return 0;
}

int sync_evidence_follow(struct sync_ctx *c, const char *folder,
			 const struct kep_package_info *pi, int64_t package_id, struct kerr *err)
{
	size_t got = c->rep->new_evidence, failed = c->rep->n_failures;
	int64_t prev = 0, next, due;
	struct kerr e;
	int rc;

	rc = sync_evidence(c, folder, pi, package_id, err);
	if (c->fatal || sync_stopping(c))
		return rc;
	if (store_evidence_poll_interval(c->store, package_id, &prev, &e) < 0) {
		log_warn("%s: %s", pi->kep_id, e.msg);
		return rc;
	}
	due = now_ms();
	if (rc < 0 || c->rep->n_failures > failed) {
		/* What failed is tried again on the next run; the interval stays. */
		next = prev > 0 ? prev : SYNC_EVIDENCE_POLL_MIN_MS;
	} else {
		if (prev <= 0 || c->rep->new_evidence > got)
			next = SYNC_EVIDENCE_POLL_MIN_MS;
		else if (prev >= SYNC_EVIDENCE_POLL_MAX_MS / 2)
			next = SYNC_EVIDENCE_POLL_MAX_MS;
		else
			next = 2 * prev;
		due += next;
	}
	if (store_evidence_poll_set(c->store, package_id, due, next, &e) < 0)
		log_warn("%s: %s", pi->kep_id, e.msg);
	return rc;
}

static int listed_has(const struct kep_package_info *const *listed, size_t n, const char *kep_id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(listed[i]->kep_id, kep_id) == 0)
			return 1;
	return 0;
}

void sync_evidence_pending(struct sync_ctx *c, const char *folder, int64_t since_ms,
			   const struct kep_package_info *const *listed, size_t n_listed)
{
	struct store_evidence_pending *rows = NULL;
	size_t n = 0, i;
	struct kerr err;

	if (store_evidence_pending_list(c->store, c->acct->name, folder, since_ms, now_ms(), 0,
					&rows, &n, &err) < 0) {
		sync_fail(c, folder, NULL, &err);
		return;
	}
	for (i = 0; i < n && !c->fatal && !sync_stopping(c); i++) {
		struct kep_package_info pi = { 0 };

		/* Listed in this run's window: followed already. */
		if (listed_has(listed, n_listed, rows[i].kep_id))
			continue;
		pi.kep_id = rows[i].kep_id;
		pi.seq = rows[i].provider_seq;
		if (sync_evidence_follow(c, folder, &pi, rows[i].package_id, &err) < 0)
			sync_fail(c, folder, rows[i].kep_id, &err);
	}
	store_evidence_pending_free(&rows, n);
}

int sync_evidence_mail(struct sync_ctx *c, int64_t carrier_id, const struct mime_package *mp,
		       const struct pkg_report *r, struct delil_verdict *judged,
		       struct kerr *err)
{
	const struct mime_message *m = &mp->envelope;
	static const struct pkg_check none = { "envelope-signature", VERDICT_UNSIGNED,
					       "not signed" };
	const struct pkg_check *env = &none;
	const struct mime_attachment *xml = NULL;
	struct kep_package_info pi = { 0 };
	struct kep_evidence_info ei = { 0 };
	struct delil_verdict own, *dv = judged != NULL ? judged : &own;
	struct kbuf raw = { 0 }, orig = { 0 };
	int64_t *ids = NULL, package_id = 0, eid;
	size_t nids = 0, i;
	struct kerr e;
	int rc;

	xml = sync_evidence_mail_xml(mp);
	if (!mime_is_evidence_mail(m) && xml == NULL)
		return 0;
	if (xml == NULL) {
		log_warn("evidence mail %s carries no evidence document",
			 m->message_id ? m->message_id : "?");
		return 0;
	}
	for (i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].name, "envelope-signature") == 0)
			env = &r->checks[i];
	kbuf_append(&raw, xml->data, xml->len);
	/* Judged once (by the caller, or here without an original): its
	 * identifiers read from that judgement, its digest checked in
	 * store_item once the original is known. */
	if (judged == NULL &&
	    sync_delil_judge(c, "(mail)", 0, raw.data, raw.len, &orig, &own, err) < 0) {
		kbuf_free(&raw);
		return -1;
	}
	pi.kep_id = dv->ev.remmd_message_id ? dv->ev.remmd_message_id
		    : (char *)mime_rem_header(m, "X-REM-MessageIdentifierByREMMD");
	pi.kep_id = xstrdup(pi.kep_id ? pi.kep_id : "");
	pi.seq = -1;
	pi.subject = m->subject;
	ei.id = xstrdup(dv->ev.evidence_id ? dv->ev.evidence_id
			: m->message_id ? m->message_id : "evidence-mail");
	ei.code = dv->ev.delil_code > 0 ? dv->ev.delil_code : -1;
	ei.issuer = dv->ev.issuer ? xstrdup(dv->ev.issuer) : NULL;
	if (store_package_find(c->store, STORE_PKG_BY_KEP_ID, c->acct->name, pi.kep_id, &ids,
			       &nids, &e) < 0)
		log_warn("evidence mail %s: %s", ei.id, e.msg);
	else if (nids > 0)
		package_id = ids[0];
	free(ids);
	/* Stored already (a rerun after a kill between the delil and its
	 * carrier's mark, or the same delil by another way): only marked, and
	 * its package settled below all the same: that kill came before the
	 * settling, and a package out of the listing window whose poll is not
	 * due is settled by nothing else. */
	rc = store_evidence_exists(c->store, c->acct->name, ei.id, &eid, &e);
	if (rc == 1) {
		rc = store_evidence_mail_done(c->store, carrier_id, eid, err);
	} else {
		if (package_id != 0)
			load_original(c, package_id, &orig);
		log_info("evidence mail %s: delil %s of %s", m->message_id ? m->message_id : "?",
			 ei.id, pi.kep_id);
		rc = store_item(c, &pi, package_id, &ei, &raw, &orig, env, dv, &eid, err);
		if (rc == 0) {
			crashpoint("evidence-mail-before-mark");
			rc = store_evidence_mail_done(c->store, carrier_id, eid, err);
		}
	}
	if (rc == 0 && package_id != 0 && settle(c, package_id, err) < 0)
		rc = -1;
	if (judged == NULL)
		delil_verdict_free(&own);
	kbuf_free(&raw);
	kbuf_free(&orig);
	free(pi.kep_id);
	free(ei.id);
	free(ei.issuer);
	return rc;
}
