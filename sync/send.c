/* send.c: the sender: one account's outbox driven through its states, with
 * reconciliation before any second submission (see send.h). */
#include "send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "crashpoint.h"
#include "log.h"
#include "store_outbox.h"
#include "sync_p.h"
#include "util.h"

#define SEND_MAX_SUBMIT (40u * 1024 * 1024)
/* Reconciliation lists the sent folder from a day before the item was made
 * to a day after now, both by the provider's clock (its HTTP Date, as the
 * refresh windows are dated): the margin covers its time zone and the
 * listing's own dating, not a clock of ours that is days off. */
#define SEND_RECONCILE_SLACK_MS (86400000LL)
/* The provider_text of an item in submitting whose submission the provider
 * answered with durum 0 but no kepId, until it is found or parked: its
 * parking says so rather than "unanswered". */
#define SEND_NO_ID_TEXT "provider answered OK without a package id"

static enum kep_paket_tur tur_of(const struct store_outbox_item *it)
{
	return strcmp(it->ileti_tip, "eYazisma") == 0 ? KEP_PAKET_EYAZISMA : KEP_PAKET_STANDART;
}

static int step(struct sync_ctx *c, const struct store_outbox_item *it,
		enum store_outbox_state to, const struct store_outbox_step *extra, struct kerr *err)
{
	struct store_outbox_step s = { 0 };

	if (extra != NULL)
		s = *extra;
	s.from = it->state;
	s.to = to;
	if (store_outbox_step(c->store, it->id, &s, err) < 0)
		return -1;
	log_info("outbox item %lld: %s -> %s%s%s", (long long)it->id,
		 store_outbox_state_name(it->state), store_outbox_state_name(to),
		 s.kep_id ? " " : "", s.kep_id ? s.kep_id : "");
	return 0;
}

static void item_fail(struct sync_ctx *c, const struct store_outbox_item *it,
		      enum store_outbox_state to, const struct kerr *why)
{
	struct store_outbox_step s = { .provider_text = why->msg };
	struct kerr err;

	if (step(c, it, to, &s, &err) < 0)
		sync_fail(c, NULL, it->message_id, &err);
	else
		log_error("outbox item %lld %s: %s", (long long)it->id,
			  store_outbox_state_name(to), why->msg);
}

/* ---- MimeYap ---- */

struct prepare_arg {
	const struct store_outbox_item *it;
	struct kep_mime_request req;
	struct kep_send_result res;
};

static int do_prepare(struct sync_ctx *c, void *arg, struct kerr *err)
{
	struct prepare_arg *a = arg;

	kep_send_result_clear(&a->res);
	return c->drv->mime_prepare(c->sess, &a->req, &a->res, err);
}

static int mimeyap(struct sync_ctx *c, const struct store_outbox_item *it, struct kerr *err)
{
	struct prepare_arg a = { .it = it };
	struct kep_attachment *att = xcalloc(it->n_files + 1, sizeof(*att));
	const char **to = xcalloc(it->n_recipients + 1, sizeof(*to));
	const char **cc = xcalloc(it->n_recipients + 1, sizeof(*cc));
	struct kbuf *bufs = xcalloc(it->n_files + 1, sizeof(*bufs));
	struct store_outbox_file_in f;
	struct store_outbox_step s;
	size_t i, n = 0, nto = 0, ncc = 0;
	int rc = 0;

	for (i = 0; i < it->n_recipients; i++) {
		if (strcmp(it->recipients[i].role, "cc") == 0)
			cc[ncc++] = it->recipients[i].address;
		else
			to[nto++] = it->recipients[i].address;
	}
	for (i = 0; rc == 0 && i < it->n_files; i++) {
		const struct store_outbox_file *fi = &it->files[i];

		if (strcmp(fi->role, STORE_OB_FILE_ATTACHMENT) && strcmp(fi->role, STORE_OB_FILE_EYP))
			continue;
		rc = store_outbox_file_read(c->store, fi->id, SEND_MAX_SUBMIT, &bufs[n], err);
		att[n] = (struct kep_attachment){ fi->file_name, fi->content_type, bufs[n].data,
						  bufs[n].len };
		n++;
	}
	a.req = (struct kep_mime_request){ .tur = tur_of(it), .paket_id = it->ileti_id,
		.to = to, .n_to = nto, .cc = cc, .n_cc = ncc, .subject = it->subject, .body = it->body,
		.html = strcmp(it->body_type, "html") == 0, .att = att, .n_att = n };
	if (rc == 0)
		rc = sync_call(c, "mime_prepare", do_prepare, &a, err);
	crashpoint("send-mimeyap-answered");
	if (rc == 0) {
		/* Nothing is sent before SmimeGonder: a crash here costs a draft. */
		f = (struct store_outbox_file_in){ STORE_OB_FILE_EHASH, NULL, "text/plain",
						   store_content_mem(a.res.ehash, a.res.ehash_len) };
		s = (struct store_outbox_step){ .mesaj_id = a.res.mesaj_id, .add_file = &f,
						.detail = a.res.mesaj_id };
		rc = step(c, it, STORE_OB_NEEDS_SIGNATURE, &s, err);
	}
	kep_send_result_clear(&a.res);
	for (i = 0; i < n; i++)
		kbuf_free(&bufs[i]);
	free(bufs);
	free(att);
	free(to);
	free(cc);
	return rc;
}

/* ---- signing (seal) ---- */

/* The PIN file as it is now: a changed file may be tried again. */
static char *pin_fingerprint(const char *path)
{
	struct stat sb;

	if (path == NULL || stat(path, &sb) < 0)
		return xstrdup("missing");
	return xasprintf("%llu:%llu:%lld:%lld.%09ld", (unsigned long long)sb.st_dev,
			 (unsigned long long)sb.st_ino, (long long)sb.st_size,
			 (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
}

/* 1 when sending is blocked for the account (reason in err). */
static int blocked(struct sync_ctx *c, struct kerr *err)
{
	char *reason = NULL, *fp = NULL, *now;
	int rc;

	rc = store_send_block_get(c->store, c->acct->name, &reason, &fp, err);
	if (rc <= 0)
		return rc;
	now = pin_fingerprint(c->acct->sending.pkcs11.pin_file);
	if (fp != NULL && strcmp(fp, now) != 0) {
		/* The operator changed the PIN file: one new try. */
		log_info("the seal's PIN file changed: sending resumes");
		rc = store_send_block_clear(c->store, c->acct->name, err) < 0 ? -1 : 0;
	} else {
		kerr_set(err, KERR_AUTH, "sending is stopped for account %s: %s; fix the PIN file "
			 "%s (the PIN is not tried again until it changes)", c->acct->name,
			 reason, c->acct->sending.pkcs11.pin_file ? c->acct->sending.pkcs11.pin_file
								  : "(none)");
	}
	free(now);
	free(reason);
	free(fp);
	return rc;
}

static int seal_sign(struct sync_ctx *c, const struct store_outbox_item *it, struct kerr *err)
{
	struct kerr e2;
	char *fp;

	if (blocked(c, err) != 0)
		return -1;
	fp = pin_fingerprint(c->acct->sending.pkcs11.pin_file);
	if (send_sign(c->store, c->acct, it->id, SYNC_ACTOR, err) < 0) {
		if (err->cls == KERR_AUTH &&
		    store_send_block_set(c->store, c->acct->name, err->msg, fp, &e2) < 0)
			log_error("%s", e2.msg);
		free(fp);
		return -1;
	}
	free(fp);
	crashpoint("send-signed");
	return 0;
}

/* ---- submission and reconciliation ---- */

struct submit_arg {
	const struct store_outbox_item *it;
	struct kbuf data;
	struct kep_send_result res;
};

static int do_submit(struct sync_ctx *c, void *arg, struct kerr *err)
{
	struct submit_arg *a = arg;

	if (strcmp(a->it->path, "yukle") == 0)
		return c->drv->upload(c->sess, tur_of(a->it), a->data.data, a->data.len, &a->res, err);
	return c->drv->mime_send(c->sess, a->it->mesaj_id, a->data.data, a->data.len, &a->res, err);
}

/* A refused submission (provably not taken) waits in signed for the next
 * run, up to max_attempts in all; then a person decides. */
static int refused(struct sync_ctx *c, struct store_outbox_item *it, const struct kerr *why,
		   struct kerr *err)
{
	struct store_outbox_step s = { .provider_text = why->msg };
	struct kerr park;

	if (why->cls == KERR_PERMANENT || why->cls == KERR_LIMIT) {
		item_fail(c, it, STORE_OB_FAILED, why);
		return 0;
	}
	/* it->attempts counts the submission just refused. */
	if (it->attempts >= c->acct->sending.max_attempts) {
		kerr_set(&park, KERR_PERMANENT, "the provider refused %lld submissions, the last: "
			 "%s; run `kepagent outbox resubmit %lld` to try once more, or `kepagent "
			 "outbox abandon %lld`", (long long)it->attempts, why->msg,
			 (long long)it->id, (long long)it->id);
		item_fail(c, it, STORE_OB_PARKED, &park);
		return 0;
	}
	s.detail = "not taken by the provider; submitted again at the next run";
	if (step(c, it, STORE_OB_SIGNED, &s, err) < 0)
		return -1;
	*err = *why;
	return -1;
}

/* One submission. The provider call is never repeated here: a failure that
 * does not prove the package was refused may mean it was taken, and from
 * then on only the sent folder can say (the item stays in submitting).
 * 0: done (submitted, failed or parked); 1: taken without a kepId; -1 with
 * err: left for a later run (submitting: unknown; signed: refused). */
static int submit(struct sync_ctx *c, struct store_outbox_item *it, struct kerr *err)
{
	struct submit_arg a = { .it = it };
	struct store_outbox_step s = { .bump_attempts = 1 };
	int yukle = strcmp(it->path, "yukle") == 0;
	int64_t fid = store_outbox_file_id(it, yukle ? STORE_OB_FILE_SMIME
					       : STORE_OB_FILE_SIGNATURE);
	const char *op = yukle ? "upload" : "mime_send";
	int64_t t0;
	int rc;

	if (fid == 0)
		return kerr_set(err, KERR_INTERNAL, "outbox item %lld has nothing to submit",
				(long long)it->id);
	if (store_outbox_file_read(c->store, fid, SEND_MAX_SUBMIT, &a.data, err) < 0)
		return -1;
	/* Durable before the provider hears of it: after a crash from here on,
	 * the item is reconciled, never blindly sent again. */
	if (step(c, it, STORE_OB_SUBMITTING, &s, err) < 0) {
		kbuf_free(&a.data);
		return -1;
	}
	it->state = STORE_OB_SUBMITTING;
	it->attempts++;
	crashpoint("send-submitting");
	t0 = now_ms();
	rc = do_submit(c, &a, err);
	if (c->hooks != NULL && c->hooks->request != NULL)
		c->hooks->request(c->hooks->arg, c->acct->name, op, now_ms() - t0, rc == 0);
	kbuf_free(&a.data);
	/* Taken without a package id: recorded before anything else, so a
	 * kill from here on still parks it with that reason, not as an
	 * unanswered submission (the provider did answer, and took it). */
	if (rc == 0 && a.res.kep_id == NULL) {
		kep_send_result_clear(&a.res);
		s = (struct store_outbox_step){ .provider_text = SEND_NO_ID_TEXT,
						.action = "answered-without-id", .detail = op };
		rc = step(c, it, STORE_OB_SUBMITTING, &s, err);
		crashpoint("send-answered");
		if (rc < 0)
			return -1;
		log_warn("outbox item %lld: %s answered without a kepId; reconciling",
			 (long long)it->id, op);
		return 1;
	}
	crashpoint("send-answered");
	if (rc < 0) {
		struct kerr why = *err;

		if (why.not_performed)
			return refused(c, it, &why, err);
		log_warn("outbox item %lld: %s; the provider may have taken it: it is looked for "
			 "in the sent folder at each run and never submitted again by itself",
			 (long long)it->id, err->msg);
		return -1;
	}
	s = (struct store_outbox_step){ .kep_id = a.res.kep_id, .mesaj_id = a.res.mesaj_id,
					.detail = a.res.kep_id };
	rc = step(c, it, STORE_OB_SUBMITTED, &s, err);
	kep_send_result_clear(&a.res);
	crashpoint("send-submitted");
	return rc;
}

/* The sent folder from from_ms (our clock) to now, the window moved to the
 * provider's clock. When this listing is the first word of the provider's
 * clock in the run and it differs from ours by more than half the margin,
 * the folder is listed again by it. */
static int list_sent(struct sync_ctx *c, int64_t from_ms, struct sync_list_arg *la,
		     struct kerr *err)
{
	int known = c->provider_skew_known, pass;

	for (pass = 0; pass < 2; pass++) {
		int64_t skew = c->provider_skew_ms;

		la->w.start = (time_t)((from_ms + skew - SEND_RECONCILE_SLACK_MS) / 1000);
		la->w.end = (time_t)((now_ms() + skew + SEND_RECONCILE_SLACK_MS) / 1000);
		if (llabs(skew) >= 1000)
			log_debug("%s: searched by the provider's clock, %lld s from ours",
				  c->rep->sent, (long long)(skew / 1000));
		if (sync_call(c, "list_packages", sync_do_list, la, err) < 0)
			return -1;
		sync_note_provider_time(c, la->list.provider_time_ms);
		if (known || !c->provider_skew_known ||
		    llabs(c->provider_skew_ms) <= SEND_RECONCILE_SLACK_MS / 2)
			break;
		known = 1;
	}
	return 0;
}

/* An id without its angle brackets. */
static void bare_id(const char **s, size_t *len)
{
	const char *p = *s;
	size_t n = strlen(p);

	if (n > 0 && p[0] == '<')
		p++, n--;
	if (n > 0 && p[n - 1] == '>')
		n--;
	*s = p;
	*len = n;
}

static int same_id(const char *a, const char *b)
{
	size_t la, lb;

	if (a == NULL || b == NULL)
		return 0;
	bare_id(&a, &la);
	bare_id(&b, &lb);
	return la == lb && la > 0 && strncmp(a, b, la) == 0;
}

/* 1 when the row is this item's package. */
static int row_matches(const struct store_outbox_item *it, const struct kep_package_info *p)
{
	return same_id(p->message_id, it->message_id) || same_id(p->kep_id, it->kep_id) ||
	       same_id(p->kep_id, it->mesaj_id) || same_id(p->message_id, it->mesaj_id);
}

/* Looks for the item in the sent folder: 1 adopted (submitted), 2 parked,
 * 0 not there (the provider never took it), -1 could not tell. */
static int reconcile(struct sync_ctx *c, struct store_outbox_item *it, struct kerr *err)
{
	struct sync_list_arg la = { .folder = c->rep->sent };
	const struct kep_package_info *found = NULL;
	struct store_outbox_step s = { 0 };
	struct kerr why;
	size_t i, n = 0;
	int rc;

	if (c->rep->sent == NULL) {
		kerr_set(&why, KERR_PERMANENT, "cannot reconcile: the provider lists no sent folder, "
			 "so whether the provider took the package is unknown");
		item_fail(c, it, STORE_OB_PARKED, &why);
		return 2;
	}
	if (list_sent(c, it->created_at, &la, err) < 0) {
		kep_package_list_free(&la.list);
		return kerr_prefix(err, "reconciling outbox item %lld", (long long)it->id);
	}
	for (i = 0; i < la.list.n; i++) {
		const struct kep_package_info *p = &la.list.items[i];

		if (p->status != 0 || !row_matches(it, p))
			continue;
		/* The same package listed twice is one package. */
		if (found != NULL && same_id(found->kep_id, p->kep_id))
			continue;
		found = p;
		n++;
	}
	if (n == 0) {
		rc = 0;
	} else if (n > 1 || found->kep_id == NULL) {
		kerr_set(&why, KERR_PERMANENT, "ambiguous: %zu packages in %s match Message-ID %s; "
			 "a person must decide which one was this item", n, c->rep->sent,
			 it->message_id);
		item_fail(c, it, STORE_OB_PARKED, &why);
		rc = 2;
	} else {
		s = (struct store_outbox_step){ .kep_id = found->kep_id,
						.detail = "found in the sent folder" };
		rc = step(c, it, STORE_OB_SUBMITTED, &s, err) < 0 ? -1 : 1;
		crashpoint("send-reconciled");
	}
	kep_package_list_free(&la.list);
	return rc;
}

/* The provider said it took the package (status 0) but gave no KEP id: it
 * is in the sent folder, or will be; never submitted again. */
static int unnamed(struct sync_ctx *c, struct store_outbox_item *it, struct kerr *err)
{
	int rc = reconcile(c, it, err);

	if (rc < 0)
		return -1;
	if (rc == 0)
		log_warn("outbox item %lld: taken without a kepId and not in %s yet; looked for "
			 "again at each run", (long long)it->id, c->rep->sent);
	return 0;
}

/* An item in submitting whose package the sent folder does not list: its
 * submission may still have been taken (a provider may list a package
 * late), so it is never submitted again by itself; after park_after_s a
 * person is asked. */
static void not_listed(struct sync_ctx *c, const struct store_outbox_item *it)
{
	int64_t age_s = (now_ms() - it->updated_at) / 1000;
	int no_id = it->provider_text != NULL && strcmp(it->provider_text, SEND_NO_ID_TEXT) == 0;
	const char *what = no_id ? SEND_NO_ID_TEXT ", and it is" : "submission unanswered and";
	struct kerr why;

	if (age_s < 0)
		age_s = 0;
	if (age_s < c->acct->sending.park_after_s) {
		log_info("outbox item %lld: %s; %s does not list it yet; looked for again at each "
			 "run, parked after %ld s (%lld s now)", (long long)it->id,
			 no_id ? SEND_NO_ID_TEXT : "its submission went unanswered", c->rep->sent,
			 c->acct->sending.park_after_s, (long long)age_s);
		return;
	}
	kerr_set(&why, KERR_PERMANENT, "%s not in the sent folder after %lld s; check the "
		 "provider's web mailbox, then run `kepagent outbox resubmit %lld` or `kepagent "
		 "outbox abandon %lld` (POST /v1/outbox/%lld/resubmit or /abandon)", what,
		 (long long)age_s, (long long)it->id, (long long)it->id, (long long)it->id);
	item_fail(c, it, STORE_OB_PARKED, &why);
}

/* A failure to report: sending problems never stop the account's receiving,
 * so a refused PIN is reported without the auth class (which would). */
static void report(struct sync_ctx *c, const struct store_outbox_item *it, const struct kerr *e)
{
	struct kerr r = *e;

	if (r.cls == KERR_AUTH || r.cls == KERR_CONFIG)
		r.cls = KERR_PACKAGE;
	sync_fail(c, "outbox", it->message_id, &r);
}

/* -1 when an error of this class stops the account's sending for this run. */
static int stops(const struct kerr *e)
{
	return e->cls == KERR_AUTH || e->cls == KERR_CONFIG || e->cls == KERR_STORE ? -1 : 0;
}

/* One item, as far as it can go now. -1: stop the account's sending. */
static int advance(struct sync_ctx *c, struct store_outbox_item *it)
{
	struct kerr err;
	int64_t id;
	int rc;

	for (;;) {
		rc = 0;
		switch (it->state) {
		case STORE_OB_ACCEPTED:
			rc = strcmp(it->path, "yukle") == 0
				     ? send_prepare_entity(c->store, c->acct, it->id, SYNC_ACTOR, &err)
				     : mimeyap(c, it, &err);
			crashpoint("send-prepared");
			break;
		case STORE_OB_NEEDS_SIGNATURE:
			if (c->acct->sending.mode != SEND_SEAL)
				return 0;       /* the officer signs at a terminal */
			rc = seal_sign(c, it, &err);
			break;
		case STORE_OB_SIGNED:
			/* Submitted before (refused, or resubmitted by a person): the
			 * sent folder is asked first, in case it was taken after all. */
			if (it->attempts > 0) {
				rc = reconcile(c, it, &err);
				if (rc < 0) {
					report(c, it, &err);
					return stops(&err);
				}
				if (rc > 0)
					return 0;
			}
			rc = submit(c, it, &err);
			if (rc == 1 && (rc = unnamed(c, it, &err)) == 0)
				return 0;
			if (rc < 0) {
				/* The item is where a later run takes it up. */
				report(c, it, &err);
				return stops(&err);
			}
			break;
		case STORE_OB_SUBMITTING:
			rc = reconcile(c, it, &err);
			if (rc < 0) {
				report(c, it, &err);
				return stops(&err);
			}
			if (rc == 0)
				not_listed(c, it);
			return 0;
		default:
			return 0;
		}
		if (rc < 0) {
			if (err.cls == KERR_PERMANENT || err.cls == KERR_LIMIT ||
			    err.cls == KERR_USAGE || err.cls == KERR_MALFORMED) {
				item_fail(c, it, STORE_OB_FAILED, &err);
				return 0;
			}
			report(c, it, &err);
			return stops(&err);
		}
		id = it->id;
		store_outbox_item_clear(it);
		if (store_outbox_get(c->store, id, it, &err) < 0) {
			sync_fail(c, NULL, NULL, &err);
			return -1;
		}
		if (sync_stopping(c))
			return 0;
	}
}

void sync_send(struct sync_ctx *c)
{
	struct store_outbox_filter f = { .account = c->acct->name, .state = -1, .limit = 1000 };
	struct store_outbox_item *items = NULL, it;
	struct kerr err;
	size_t n, i;

	if (c->acct->sending.mode == SEND_OFF)
		return;
	if (c->drv->upload == NULL) {
		kerr_set(&err, KERR_CONFIG, "the %s driver cannot send", c->drv->name);
		sync_fail(c, "outbox", NULL, &err);
		return;
	}
	if (store_outbox_list(c->store, &f, &items, &n, &err) < 0) {
		sync_fail(c, "outbox", NULL, &err);
		return;
	}
	for (i = 0; i < n && !c->fatal && !sync_stopping(c); i++) {
		if (items[i].state >= STORE_OB_SUBMITTED)
			continue;
		if (store_outbox_get(c->store, items[i].id, &it, &err) < 0) {
			sync_fail(c, "outbox", NULL, &err);
			break;
		}
		if (advance(c, &it) < 0) {
			store_outbox_item_clear(&it);
			break;
		}
		store_outbox_item_clear(&it);
	}
	store_outbox_items_free(&items, n);
}

/* Submitted items whose package the sent folder's window did not bring
 * (the provider dates it by its own clock, or lists it late): the folder is
 * listed around the items' own times and their packages stored and
 * followed like any sent package. */
static void adopt_packages(struct sync_ctx *c)
{
	struct store_outbox_filter f = { .account = c->acct->name, .state = STORE_OB_SUBMITTED,
					 .limit = 1000 };
	struct store_outbox_item *items = NULL;
	struct sync_list_arg la = { .folder = c->rep->sent };
	int64_t oldest = 0, since = now_ms() - (int64_t)SYNC_EVIDENCE_DAYS * 86400000;
	size_t n, i, k, want = 0;
	struct kerr err;

	if (c->rep->sent == NULL || store_outbox_list(c->store, &f, &items, &n, &err) < 0)
		return;
	for (i = 0; i < n; i++)
		if (items[i].package_id == 0 && items[i].kep_id != NULL && items[i].created_at > since) {
			want++;
			if (oldest == 0 || items[i].created_at < oldest)
				oldest = items[i].created_at;
		}
	if (want == 0) {
		store_outbox_items_free(&items, n);
		return;
	}
	if (list_sent(c, oldest, &la, &err) < 0) {
		sync_fail(c, c->rep->sent, NULL, &err);
	} else {
		for (k = 0; k < la.list.n && !c->fatal && !sync_stopping(c); k++) {
			const struct kep_package_info *p = &la.list.items[k];
			int64_t id = 0;
			int isnew = 0;

			for (i = 0; i < n; i++)
				if (items[i].package_id == 0 && same_id(items[i].kep_id, p->kep_id))
					break;
			if (i == n || p->status != 0)
				continue;
			if (sync_package(c, c->rep->sent, p, 0, &id, &isnew, &err) < 0 ||
			    sync_evidence(c, c->rep->sent, p, id, &err) < 0)
				sync_fail(c, c->rep->sent, p->kep_id, &err);
			items[i].package_id = id;
		}
	}
	kep_package_list_free(&la.list);
	store_outbox_items_free(&items, n);
}

void sync_send_link(struct sync_ctx *c)
{
	struct kerr err;
	int n;

	if (c->acct->sending.mode == SEND_OFF)
		return;
	if (store_outbox_link_packages(c->store, c->acct->name, &err) < 0)
		log_warn("outbox: %s", err.msg);
	else if (!c->fatal && !sync_stopping(c))
		adopt_packages(c);
	n = store_outbox_link_packages(c->store, c->acct->name, &err);
	if (n < 0)
		log_warn("outbox: %s", err.msg);
	else if (n > 0)
		log_info("outbox: %d submitted item(s) now followed through their sent package", n);
}
