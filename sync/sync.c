/* sync.c: the sync engine's frame: the shared environment, one account's
 * run (lock, store, login, folders, acknowledgements), the folder window,
 * and the helpers its other files share (see sync.h and sync_p.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "chain_cache.h"
#include "crashpoint.h"
#include "lock.h"
#include "log.h"
#include "revcache_store.h"
#include "revocation.h"
#include "store_account.h"
#include "store_audit.h"
#include "store_package.h"
#include "store_quota.h"
#include "store_sync_state.h"
#include "sync_p.h"
#include "trust_config.h"
#include "trust.h"
#include "util.h"

/* ---- environment ---- */

/* The store's directory, private to the agent: the store and its download
 * temporaries hold mail. Never its parents: a mistyped store.path must not
 * grow a tree (check-config says so first). An existing directory is left
 * as it is (store_open checks its permissions). */
static int make_store_dir(const char *dir, struct kerr *err)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return kerr_errno(err, KERR_CONFIG, errno, "cannot create the store directory %s "
				  "(its parent must exist)", dir);
	return 0;
}

int sync_env_new(const struct config *cfg, int interactive, volatile sig_atomic_t *stop,
		 struct sync_env **env_r, struct kerr *err)
{
	struct sync_env *e = xcalloc(1, sizeof(*e));
	struct rev_cache_ops ops;
	enum rev_mode mode;

	e->cfg = cfg;
	e->interactive = interactive;
	e->stop = stop;
	retry_policy_default(&e->retry);
	e->store_dir = path_dir(cfg->store_path);
	e->trust = trust_new();
	if (trust_load_config(cfg, e->trust, err) < 0) {
		sync_env_free(&e);
		return -1;
	}
	if (make_store_dir(e->store_dir, err) < 0) {
		sync_env_free(&e);
		return -1;
	}
	e->cache = chain_cache_new(0);
	mode = cfg->revocation == REVOCATION_OFFLINE ? REV_OFFLINE
	       : cfg->revocation == REVOCATION_REQUIRE ? REV_REQUIRE : REV_ONLINE;
	if (revcache_store_new(cfg->store_path, &e->rcs, err) < 0) {
		sync_env_free(&e);
		return kerr_prefix(err, "store %s", cfg->store_path);
	}
	ops = revcache_store_ops(e->rcs);
	e->rev = revocation_new(mode, &ops);
	*env_r = e;
	return 0;
}

void sync_env_free(struct sync_env **env)
{
	struct sync_env *e = *env;

	if (e == NULL)
		return;
	revocation_free(&e->rev);
	revcache_store_free(&e->rcs);
	chain_cache_free(&e->cache);
	trust_free(&e->trust);
	free(e->store_dir);
	free(e);
	*env = NULL;
}

/* ---- helpers shared by the sync files ---- */

int sync_stopping(const struct sync_ctx *c)
{
	return c->env->stop != NULL && *c->env->stop;
}

void sync_fail(struct sync_ctx *c, const char *folder, const char *item, const struct kerr *e)
{
	struct sync_report *r = c->rep;
	struct sync_failure *f;

	/* Work abandoned because a stop was asked for is not a failure: the
	 * run ends as interrupted and the next one does it again. */
	if (e->cls == KERR_INTERRUPTED) {
		log_info("%s%s%s%s%s", folder ? folder : "", folder ? ": " : "", item ? item : "",
			 item ? ": " : "", e->msg);
		return;
	}
	r->failures = xrealloc(r->failures, (r->n_failures + 1) * sizeof(*r->failures));
	f = &r->failures[r->n_failures++];
	f->folder = folder != NULL ? xstrdup(folder) : NULL;
	f->item = item != NULL ? xstrdup(item) : NULL;
	f->cls = e->cls;
	f->reason = xstrdup(e->msg);
	log_error("%s%s%s%s%s", folder ? folder : "", folder ? ": " : "", item ? item : "",
		  item ? ": " : "", e->msg);
	if (c->store != NULL) {
		char obj[600];

		snprintf(obj, sizeof(obj), "%s%s%s", folder ? folder : "", folder && item ? "/" : "",
			 item ? item : "");
		sync_audit(c, "sync.failed", obj[0] ? obj : NULL, e->msg);
	}
	if ((e->cls == KERR_AUTH || e->cls == KERR_STORE) && !c->fatal) {
		c->fatal = 1;
		c->fatal_err = *e;
	}
}

static char *dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

void sync_flagged(struct sync_ctx *c, const char *what, const char *folder, const char *kep_id,
		  const char *item, const char *subject, const char *verdict, const char *reason)
{
	struct sync_report *r = c->rep;
	struct sync_flag *f;

	r->flags = xrealloc(r->flags, (r->n_flags + 1) * sizeof(*r->flags));
	f = &r->flags[r->n_flags++];
	f->what = what;
	f->folder = dup_or_null(folder);
	f->kep_id = dup_or_null(kep_id);
	f->item = dup_or_null(item);
	f->subject = dup_or_null(subject);
	f->verdict = dup_or_null(verdict);
	f->reason = dup_or_null(reason);
	r->flagged++;
}

void sync_audit(struct sync_ctx *c, const char *action, const char *object, const char *detail)
{
	struct kerr err;

	if (store_audit_append(c->store, SYNC_ACTOR, action, c->acct->name, object, detail,
			       &err) < 0)
		log_warn("audit %s: %s", action, err.msg);
}

struct call {
	struct sync_ctx *c;
	const char *op;
	sync_op_fn *fn;
	void *arg;
};

static int timed(void *arg, struct kerr *err)
{
	struct call *k = arg;
	int64_t t0 = now_ms();
	const struct sync_hooks *h = k->c->hooks;
	int rc;

	pthread_mutex_lock(&k->c->sess_mu);
	rc = k->fn(k->c, k->arg, err);
	pthread_mutex_unlock(&k->c->sess_mu);

	if (h != NULL && h->request != NULL)
		h->request(h->arg, k->c->acct->name, k->op, now_ms() - t0, rc == 0);
	if (rc < 0 && err != NULL && kep_err_retryable(err))
		log_warn("%s: %s (retrying)", k->op, err->msg);
	return rc;
}

int sync_call(struct sync_ctx *c, const char *op, sync_op_fn *fn, void *arg, struct kerr *err)
{
	struct call k = { c, op, fn, arg };
	int tries = 0, rc;

	rc = retry_run(&c->env->retry, c->env->stop, timed, &k, &tries, err);
	if (rc < 0 && tries > 1)
		kerr_prefix(err, "%s (after %d tries)", op, tries);
	return rc;
}

int sync_tmpfile(const struct sync_ctx *c, struct kerr *err)
{
	return tmpfile_in(c->env->store_dir, ".kepagent-dl", err);
}

int sync_read_fd(int fd, size_t max, struct kbuf *b, struct kerr *err)
{
	unsigned char chunk[65536];
	off_t off = 0;
	ssize_t n;

	for (;;) {
		n = pread(fd, chunk, sizeof(chunk), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kerr_errno(err, KERR_IO, errno, "cannot read a downloaded file");
		if (n == 0)
			return 0;
		if ((size_t)off + (size_t)n > max)
			return kerr_set(err, KERR_LIMIT, "download larger than %zu bytes", max);
		kbuf_append(b, chunk, (size_t)n);
		off += n;
	}
}

/* ---- one folder ---- */

int sync_do_list(struct sync_ctx *c, void *arg, struct kerr *err)
{
	struct sync_list_arg *a = arg;

	kep_package_list_free(&a->list);
	return c->drv->list_packages(c->sess, a->folder, &a->w, &a->list, err);
}

static void progress(struct sync_ctx *c, const char *folder, size_t done, size_t total)
{
	if (c->hooks != NULL && c->hooks->progress != NULL)
		c->hooks->progress(c->hooks->arg, c->acct->name, folder, done, total);
}

/* One more package of the folder examined. Packages count as stored when
 * their batch commits, so the folder's last line commits the open batch
 * first: it counts every package the folder stored. */
static void progress_step(struct sync_ctx *c, const char *folder, size_t *done, size_t total)
{
	if (*done + 1 >= total)
		sync_batch_commit(c);
	progress(c, folder, ++*done, total);
}

static int by_kep_id(const void *a, const void *b)
{
	const struct kep_package_info *const *x = a, *const *y = b;
	int d = strcmp((*x)->kep_id, (*y)->kep_id);

	/* Equal ids keep the listing's order, so the first one stays. */
	return d != 0 ? d : *x < *y ? -1 : *x > *y;
}

/* Distinct usable rows, in the provider's order (lists repeat and reorder);
 * duplicates found by sorting, so a 10,000-row listing costs no more than
 * a sort. */
static size_t dedupe(struct sync_ctx *c, const char *folder, struct kep_package_info *items,
		     size_t count, const struct kep_package_info **out, int *failed)
{
	const struct kep_package_info **sorted;
	unsigned char *dup;
	size_t i, n = 0;

	for (i = 0; i < count; i++) {
		const struct kep_package_info *p = &items[i];

		if (p->status != 0 || p->kep_id == NULL || p->kep_id[0] == '\0') {
			struct kerr e;

			kerr_set(&e, KERR_PACKAGE, "listing row %zu (#%lld): %s", i,
				 (long long)p->seq, p->error ? p->error : "no KEP id");
			sync_fail(c, folder, p->kep_id, &e);
			*failed = 1;
			continue;
		}
		out[n++] = p;
	}
	sorted = xcalloc(n + 1, sizeof(*sorted));
	memcpy(sorted, out, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_kep_id);
	dup = xcalloc(count + 1, 1);
	for (i = 1; i < n; i++)
		if (strcmp(sorted[i - 1]->kep_id, sorted[i]->kep_id) == 0)
			dup[sorted[i] - items] = 1;
	count = n;
	for (i = n = 0; i < count; i++)
		if (!dup[out[i] - items])
			out[n++] = out[i];
	free(dup);
	free(sorted);
	return n;
}

/* Evidence of a sent package is followed at least this many days. */
static int64_t evidence_days(const struct account_config *a)
{
	return a->initial_days > SYNC_EVIDENCE_DAYS ? (int64_t)a->initial_days : SYNC_EVIDENCE_DAYS;
}

/* A window's bound for logs and the audit trail: RFC 3339, UTC. */
static void window_time(time_t t, char buf[24])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void sync_note_provider_time(struct sync_ctx *c, int64_t provider_ms)
{
	if (provider_ms <= 0)
		return;
	/* The Date has whole seconds and the answer just came: near enough
	 * for windows with margins of a day. */
	c->provider_skew_ms = provider_ms - now_ms();
	c->provider_skew_known = 1;
}

/* Where the next window may start: the end of this listing by the
 * provider's clock, which dates the mail and reads the window. Ours may run
 * ahead of it: a window ending at our now would skip what arrives meanwhile
 * by the provider's time, overlap_seconds or not. Ours is kept when it is
 * behind (the next window starts earlier: nothing is skipped) or when the
 * provider's time is unknown. */
static int64_t window_end(const char *folder, const struct account_config *a, int64_t now,
			  int64_t provider_ms)
{
	if (provider_ms <= 0 || provider_ms >= now)
		return now;
	if (now - provider_ms > (int64_t)a->overlap_seconds * 1000)
		log_warn("%s: the local clock is %lld s ahead of the provider's: the next "
			 "window starts from the provider's time", folder,
			 (long long)((now - provider_ms) / 1000));
	return provider_ms;
}

enum { HAVE_NOT, HAVE_STORED, HAVE_FAILED, HAVE_REUSED };

/* Which listed rows are stored already (have[i], ids[i]) and which are to
 * be downloaded (fetch, in the listing's order; their count returned). A
 * row whose kepId is stored under another kepSiraNo is another package
 * (HAVE_REUSED, sync_kep_id_reuse). A failed lookup is the row's failure. */
static size_t to_fetch(struct sync_ctx *c, const char *folder,
		       const struct kep_package_info *const *rows, size_t n, int64_t *ids,
		       unsigned char *have, const struct kep_package_info **fetch, int *failed)
{
	size_t i, nf = 0;
	struct kerr err;
	int found, reused;

	for (i = 0; i < n; i++) {
		found = store_package_exists(c->store, c->acct->name, folder, rows[i]->kep_id,
					     &ids[i], &err);
		if (found > 0 && (reused = sync_kep_id_reused(c, rows[i], ids[i], &err)) != 0)
			found = reused < 0 ? -1 : 2;
		if (found == 2) {
			have[i] = HAVE_REUSED;
		} else if (found < 0) {
			sync_fail(c, folder, rows[i]->kep_id, &err);
			*failed = 1;
			have[i] = HAVE_FAILED;
		} else if (found) {
			have[i] = HAVE_STORED;
		} else {
			have[i] = HAVE_NOT;
			fetch[nf++] = rows[i];
		}
	}
	return nf;
}

static void sync_folder(struct sync_ctx *c, const char *folder, int received)
{
	const struct account_config *a = c->acct;
	struct store_sync_state st = { 0 };
	struct sync_list_arg la = { .folder = folder };
	const struct kep_package_info **rows, **fetch;
	struct sync_fetch *f = NULL;
	int64_t now = now_ms(), start, *ids;
	unsigned char *have;
	char from[24], to[24];
	size_t n, i, k, nf, done = 0;
	int failed = 0, had;
	struct kerr err;

	had = store_sync_get(c->store, a->name, folder, &st, &err);
	if (had < 0) {
		sync_fail(c, folder, NULL, &err);
		return;
	}
	start = had && st.window_end > 0 ? st.window_end - (int64_t)a->overlap_seconds * 1000
					  : now - (int64_t)a->initial_days * 86400000;
	/* The last window ends after now: the clock was ahead then and has been
	 * set back, so where that window really ended is unknown; mail that
	 * came since would fall before a window started there. List from the
	 * initial window again (what is stored is skipped). */
	if (had && st.window_end > now) {
		log_warn("%s: the last listing ended after now (the clock was set back): listing "
			 "the last %ld days again", folder, (long)a->initial_days);
		start = now - (int64_t)a->initial_days * 86400000;
	}
	store_sync_state_clear(&st);
	la.w.start = (time_t)(start / 1000);
	la.w.end = (time_t)(now / 1000);
	window_time(la.w.start, from);
	window_time(la.w.end, to);
	log_info("%s: listing %s .. %s", folder, from, to);
	if (sync_call(c, "list_packages", sync_do_list, &la, &err) < 0) {
		sync_fail(c, folder, NULL, &err);
		sync_folders_forget(c);
		if (store_sync_failure(c->store, a->name, folder, now, err.msg, &err) < 0)
			log_warn("%s: %s", folder, err.msg);
		return;
	}
	sync_note_provider_time(c, la.list.provider_time_ms);
	rows = xcalloc(la.list.n + 1, sizeof(*rows));
	n = dedupe(c, folder, la.list.items, la.list.n, rows, &failed);
	c->rep->listed += n;
	progress(c, folder, 0, n);
	fetch = xcalloc(n + 1, sizeof(*fetch));
	ids = xcalloc(n + 1, sizeof(*ids));
	have = xcalloc(n + 1, 1);
	nf = to_fetch(c, folder, rows, n, ids, have, fetch, &failed);
	/* Sent packages are followed for evidence one by one (provider calls
	 * between them): committed one at a time. */
	c->batching = received;
	if (nf > 1 && sync_fetch_start(c, folder, fetch, nf, &f, &err) < 0)
		log_warn("%s: %s (downloading one package at a time)", folder, err.msg);
	for (i = 0, k = 0; i < n && !c->fatal; i++) {
		int64_t id = ids[i];
		int isnew = 0, rc = 0;

		if (sync_stopping(c)) {
			failed = 1;
			break;
		}
		if (have[i] == HAVE_FAILED)
			continue;
		if (have[i] == HAVE_REUSED) {
			/* Another package: its evidence is not the stored one's. */
			sync_batch_commit(c);
			if (!c->fatal && sync_kep_id_reuse(c, folder, rows[i], id, &err) < 0) {
				sync_fail(c, folder, rows[i]->kep_id, &err);
				failed = 1;
			}
			progress_step(c, folder, &done, n);
			continue;
		}
		/* The write lock is not held across a wait for the provider. */
		if (have[i] == HAVE_NOT && sync_batch_due(c, f, k))
			sync_batch_commit(c);
		if (have[i] == HAVE_NOT && !c->fatal)
			rc = f != NULL ? sync_package_fetched(c, f, k++, folder, rows[i], received, &id,
							      &isnew, &err)
				       : sync_package(c, folder, rows[i], received, &id, &isnew, &err);
		if (rc < 0) {
			sync_fail(c, folder, rows[i]->kep_id, &err);
			failed = 1;
		} else if (!received && !c->fatal && !sync_stopping(c) &&
			   sync_evidence_follow(c, folder, rows[i], id, &err) < 0) {
			/* Evidence is followed on every run: it does not hold the window. */
			sync_fail(c, folder, rows[i]->kep_id, &err);
		}
		progress_step(c, folder, &done, n);
	}
	sync_batch_commit(c);
	c->batching = 0;
	sync_fetch_stop(&f);
	free(have);
	free(ids);
	free(fetch);
	/* Older sent packages: their evidence is followed from the store, not
	 * by listing the whole folder again. */
	if (!received && !c->fatal && !sync_stopping(c))
		sync_evidence_pending(c, folder, now - evidence_days(a) * 86400000, rows, n);
	if (c->fatal)
		failed = 1;
	crashpoint("window-before-record");
	if (!failed) {
		if (store_sync_success(c->store, a->name, folder,
				       window_end(folder, a, now, la.list.provider_time_ms), now,
				       &err) < 0)
			sync_fail(c, folder, NULL, &err);
		else
			sync_audit(c, "sync.window", folder, to);
	} else if (store_sync_failure(c->store, a->name, folder, now, "some packages failed",
				      &err) < 0) {
		log_warn("%s: %s", folder, err.msg);
	}
	crashpoint("window-after-record");
	free(rows);
	kep_package_list_free(&la.list);
}

/* ---- one account ---- */

static int do_login(struct sync_ctx *c, void *arg, struct kerr *err)
{
	(void)arg;
	return c->drv->login(c->sess, err);
}

static int open_session(struct sync_ctx *c, struct kerr *err)
{
	const struct account_config *a = c->acct;
	struct kep_provider_opts o = { 0 };
	struct kep_login_info li = { 0 };
	int rc;

	c->drv = a->driver;
	o.conf = a->driver_conf;
	o.mailbox = a->mailbox; /* the whole address, as the public clients send kepHesap */
	o.ca_file = a->ca_file;
	o.proxy = a->proxy;
	o.connect_timeout_s = a->connect_timeout;
	o.transfer_timeout_s = a->timeout;
	/* Response bodies (whole packages) spool beside the store, not in /tmp. */
	o.tmp_dir = c->env->store_dir;
	o.stop = c->env->stop;
	c->sess = c->drv->open(&o, err);
	if (c->sess == NULL)
		return -1;
	config_login_info(a, &li);
	/* A login a person answers (a code, a PIN) is never retried. */
	if (!li.personal)
		rc = sync_call(c, "login", do_login, NULL, err);
	else
		rc = timed(&(struct call){ c, "login", do_login, NULL }, err);
	if (rc < 0)
		return kerr_prefix(err, "login");
	sync_audit(c, "sync.login", NULL, li.mode);
	return 0;
}

static int do_quota(struct sync_ctx *c, void *arg, struct kerr *err)
{
	return c->drv->quota(c->sess, arg, err);
}

/* A stored quota answer younger than this is shown again when the run did
 * not change the mailbox (no package stored, sent or deleted; evidence is
 * small beside them). */
#define QUOTA_MAX_AGE_MS (3600LL * 1000)

/* The quota, asked again only when the mailbox changed or the stored
 * answer is old: an idle refresh stays at its three requests. 1 when the
 * stored answer serves, 0 when the provider must be asked. */
static int quota_from_store(struct sync_ctx *c)
{
	struct sync_report *r = c->rep;
	struct store_quota q;
	struct kerr err;

	if (r->new_packages > 0 || r->deleted > 0)
		return 0;
	if (store_quota_get(c->store, c->acct->name, &q, &err) != 1 ||
	    now_ms() - q.asked_at > QUOTA_MAX_AGE_MS || now_ms() < q.asked_at)
		return 0;
	r->quota.used_kb = q.used_kb;
	r->quota.total_kb = q.total_kb;
	r->quota.credit = q.credit;
	return 1;
}

/* After each sync: a full PTT mailbox blocks sending, so the officer must
 * hear of it before. One try; the answer is information, its failure is
 * not the sync's. */
static void sync_quota(struct sync_ctx *c)
{
	struct sync_report *r = c->rep;
	int pct;
	struct kerr err;
	char detail[160];

	if (c->drv->quota == NULL || c->sess == NULL)
		return;
	if (!quota_from_store(c)) {
		struct store_quota q;

		if (timed(&(struct call){ c, "quota", do_quota, &r->quota }, &err) < 0) {
			log_warn("quota: %s", err.msg);
			return;
		}
		q.used_kb = r->quota.used_kb;
		q.total_kb = r->quota.total_kb;
		q.credit = r->quota.credit;
		q.asked_at = now_ms();
		if (store_quota_put(c->store, c->acct->name, &q, &err) < 0)
			log_warn("quota: %s", err.msg);
	}
	r->quota_known = 1;
	pct = kep_quota_percent(&r->quota);
	if (!kep_quota_over(&r->quota, c->acct->quota_warn_percent))
		return;
	r->quota_over = 1;
	snprintf(detail, sizeof(detail), "%d%% used (%lld of %lld KB), warning at %ld%%", pct,
		 (long long)r->quota.used_kb, (long long)r->quota.total_kb,
		 c->acct->quota_warn_percent);
	log_warn("the mailbox is %s: sending is blocked once it is full; delete old "
		 "packages at the provider or raise the quota", detail);
	sync_audit(c, "sync.quota-warning", NULL, detail);
}

static void run_account(struct sync_ctx *c)
{
	struct kep_folder_list fl = { 0, NULL };
	struct kerr err;

	if (open_session(c, &err) < 0) {
		sync_fail(c, NULL, NULL, &err);
		if (!c->fatal) {
			c->fatal = 1;
			c->fatal_err = err;
		}
		return;
	}
	if (sync_folders(c, &fl, &err) < 0) {
		sync_fail(c, NULL, NULL, &err);
		c->fatal = 1;
		c->fatal_err = err;
		return;
	}
	sync_map_roles(c->acct, &fl, &c->rep->inbox, &c->rep->sent);
	kep_folder_list_free(&fl);
	if (c->rep->inbox != NULL && !c->fatal)
		sync_folder(c, c->rep->inbox, 1);
	if (!c->fatal && !sync_stopping(c))
		sync_evidence_mail_backfill(c);
	if (!c->fatal && !sync_stopping(c))
		sync_evidence_mail_retry(c);
	/* Before the sent folder: what is submitted now is stored and followed
	 * by this same run. */
	if (!c->fatal && !sync_stopping(c))
		sync_send(c);
	if (c->rep->sent != NULL && !c->fatal && !sync_stopping(c))
		sync_folder(c, c->rep->sent, 0);
	if (!c->fatal)
		sync_send_link(c);
	if (!c->fatal && !sync_stopping(c))
		sync_ack_due(c);
	if (!c->fatal && !sync_stopping(c))
		sync_backfill(c);
	if (!c->fatal && !sync_stopping(c))
		sync_quota(c);
}

/* Single items that failed are item failures (exit 1) whatever their cause;
 * only a folder that could not be listed for a transient reason means the
 * provider could not be reached (exit 5). */
static enum kerr_class failures_class(const struct sync_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n_failures; i++) {
		if (rep->failures[i].item == NULL && rep->failures[i].cls == KERR_TRANSIENT)
			return KERR_TRANSIENT;
	}
	return KERR_PACKAGE;
}

static void batch_commit_cb(void *c)
{
	sync_batch_commit(c);
}

int sync_account(const struct sync_env *env, const struct account_config *acct,
		 const struct sync_hooks *hooks, struct sync_report *rep, struct kerr *err)
{
	struct sync_ctx c = { 0 };
	struct account_lock *lock = NULL;
	char detail[200];
	int rc = 0;

	memset(rep, 0, sizeof(*rep));
	rep->account = xstrdup(acct->name);
	rep->started = now_ms();
	c.env = env;
	c.acct = acct;
	c.hooks = hooks;
	c.rep = rep;
	c.vo.trust = env->trust;
	c.vo.rev = env->rev;
	c.vo.cache = env->cache;
	c.vo.provider = acct->driver->name; /* its KEPHS signs (trust.kephs) */
	pthread_mutex_init(&c.sess_mu, NULL);
	log_set_context(acct->name);
	if (kep_officer_check(acct->driver, acct->driver_conf, acct->name, env->interactive,
			      err) < 0 ||
	    account_lock_acquire(env->store_dir, acct->name, 0, &lock, err) < 0 ||
	    store_open(env->cfg->store_path, &c.store, err) < 0 ||
	    store_account_ensure(c.store, acct->name, acct->mailbox, acct->driver->name,
				 NULL, err) < 0) {
		sync_fail(&c, NULL, NULL, err);
		rc = -1;
		goto out;
	}
	/* Verification writes the revocation cache inside the open batch
	 * (sync_p.h), through this connection, and ends the batch before it
	 * asks the network (revcache_store.h). */
	revcache_store_attach(env->rcs, c.store, batch_commit_cb, &c);
	sync_audit(&c, "sync.started", NULL, NULL);
	run_account(&c);
	snprintf(detail, sizeof(detail), "new packages %zu, new evidence %zu, acknowledged %zu, "
		 "failures %zu%s", rep->new_packages, rep->new_evidence, rep->acknowledged,
		 rep->n_failures, sync_stopping(&c) ? ", stopped" : "");
	sync_audit(&c, "sync.finished", NULL, detail);
	if (c.fatal) {
		if (err != NULL)
			*err = c.fatal_err;
		rc = -1;
	} else if (sync_stopping(&c)) {
		rc = kerr_set(err, KERR_INTERRUPTED, "stopped by a signal before the end%s",
			      rep->n_failures > 0 ? " (failures listed)" : "");
	} else if (rep->n_failures > 0) {
		rc = kerr_set(err, failures_class(rep), "%zu item(s) failed; first: %s",
			      rep->n_failures, rep->failures[0].reason);
	}
out:
	if (c.sess != NULL)
		c.drv->close(&c.sess);
	revcache_store_detach(env->rcs);
	store_close(&c.store);
	account_lock_release(&lock);
	pthread_mutex_destroy(&c.sess_mu);
	rep->finished = now_ms();
	log_set_context(NULL);
	return rc;
}

void sync_report_free(struct sync_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n_failures; i++) {
		free(rep->failures[i].folder);
		free(rep->failures[i].item);
		free(rep->failures[i].reason);
	}
	free(rep->failures);
	for (i = 0; i < rep->n_flags; i++) {
		free(rep->flags[i].folder);
		free(rep->flags[i].kep_id);
		free(rep->flags[i].item);
		free(rep->flags[i].subject);
		free(rep->flags[i].verdict);
		free(rep->flags[i].reason);
	}
	free(rep->flags);
	free(rep->account);
	free(rep->inbox);
	free(rep->sent);
	memset(rep, 0, sizeof(*rep));
}
