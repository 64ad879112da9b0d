/* daemon.c: the running agent's state and per-account scheduling.
 *
 * Each enabled account has a thread that sleeps until its next refresh is
 * due, or until the API asks for one, then runs the sync. The first refresh
 * of each account is spread over a few seconds and every interval carries
 * ±10% jitter, so many accounts do not hit the provider at once. Failures
 * back off exponentially (capped, reset on success) without touching the
 * other accounts. Accounts that need an officer (otp/eimza without a
 * code or PIN file) are not retried: they wait for `kepagent refresh`. */
#include "daemon_p.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "crashpoint.h"
#include "log.h"
#include "retention.h"
#include "store.h"
#include "store_revcache.h"

#define BACKOFF_CAP_MS (3600LL * 1000)
#define NEEDS_OFFICER_RECHECK_MS (24LL * 3600 * 1000)
#define HOUSEKEEPING_FIRST_MS (60LL * 1000)
#define HOUSEKEEPING_EVERY_MS (24LL * 3600 * 1000)

const char *account_result_name(enum account_result r)
{
	switch (r) {
	case ACCOUNT_RESULT_OK:
		return "ok";
	case ACCOUNT_RESULT_FAILED:
		return "failed";
	case ACCOUNT_RESULT_NEEDS_OFFICER:
		return "needs-officer";
	case ACCOUNT_RESULT_NONE:
		break;
	}
	return NULL;
}

static void close_thread_store(void *p)
{
	struct store *s = p;

	store_close(&s);
}

#define DAEMON_STORE_MAP_BYTES ((int64_t)1 << 30)

struct store *daemon_store(struct daemon *d, struct kerr *err)
{
	struct store *s = pthread_getspecific(d->store_key);
	const struct config *cfg;
	int r;

	if (s != NULL)
		return s;
	cfg = daemon_config_get(d);
	r = store_open(cfg->store_path, &s, err);
	daemon_config_put(d, cfg);
	if (r < 0)
		return NULL;
	/* The API's lookups read pages all over the store's indexes: mapped,
	 * they come from the page cache the threads share, with no copy and no
	 * pread per page (a status lookup spent ~15% of its CPU copying pages).
	 * Address space is cheap only on 64-bit systems. */
	if (sizeof(void *) >= 8 && store_map_reads(s, DAEMON_STORE_MAP_BYTES, err) < 0)
		log_warn("the store is read without a memory map: %s", err->msg);
	pthread_setspecific(d->store_key, s);
	return s;
}

const struct config *daemon_config_get(struct daemon *d)
{
	struct config *cfg;

	pthread_mutex_lock(&d->mu);
	d->cfgs[d->n_cfgs - 1].refs++;
	cfg = d->cfgs[d->n_cfgs - 1].cfg;
	pthread_mutex_unlock(&d->mu);
	return cfg;
}

/* Frees snapshots that are no longer current nor referenced. Locked. */
static void gc_configs(struct daemon *d)
{
	size_t i = 0;

	while (i + 1 < d->n_cfgs) {
		if (d->cfgs[i].refs > 0) {
			i++;
			continue;
		}
		config_free(&d->cfgs[i].cfg);
		memmove(&d->cfgs[i], &d->cfgs[i + 1], (d->n_cfgs - i - 1) * sizeof(d->cfgs[0]));
		d->n_cfgs--;
	}
}

void daemon_config_put(struct daemon *d, const struct config *cfg)
{
	size_t i;

	pthread_mutex_lock(&d->mu);
	for (i = 0; i < d->n_cfgs; i++) {
		if (d->cfgs[i].cfg == cfg) {
			d->cfgs[i].refs--;
			break;
		}
	}
	gc_configs(d);
	pthread_mutex_unlock(&d->mu);
}

static int64_t jitter(struct daemon *d, int64_t ms)
{
	/* ±10%, from a per-daemon seed (locked by callers). */
	int64_t span = ms / 5;

	if (span <= 0)
		return ms;
	return ms - span / 2 + (int64_t)(rand_r(&d->seed) % (unsigned int)(span + 1));
}

static int64_t next_delay(struct daemon *d, const struct account_config *acct,
			  const struct account_status *st)
{
	int64_t interval = (int64_t)acct->poll_interval * 1000;
	int64_t delay = interval;
	int i;

	if (st->consecutive_failures > 0 && st->last_result != ACCOUNT_RESULT_NEEDS_OFFICER) {
		int64_t cap = interval > BACKOFF_CAP_MS ? interval : BACKOFF_CAP_MS;

		for (i = 0; i < st->consecutive_failures && delay < cap; i++)
			delay *= 2;
		if (delay > cap)
			delay = cap;
	}
	return jitter(d, delay);
}

/* The schedule runs on the monotonic clock: a step of the wall clock (NTP,
 * an operator's date) neither stalls the refreshes (backwards) nor starts
 * them all at once (forwards). The condition variable waits on it too. */
static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The scheduler whose refresh runs in this thread (daemon_refresh_state). */
static __thread struct sched *refreshing;

void **daemon_refresh_state(struct daemon *d, daemon_state_free_fn *free_fn)
{
	(void)d;
	refreshing->state_free = free_fn;
	return &refreshing->state;
}

static void drop_state(struct sched *s)
{
	if (s->state != NULL && s->state_free != NULL)
		s->state_free(s->state);
	s->state = NULL;
}

/* The generation of snapshot cfg. Locked. */
static unsigned long config_gen(const struct daemon *d, const struct config *cfg)
{
	size_t i;

	for (i = 0; i < d->n_cfgs; i++)
		if (d->cfgs[i].cfg == cfg)
			return d->cfgs[i].gen;
	return 0;
}

/* Runs one refresh of s's account outside the lock. Called locked; returns locked. */
static void run_refresh(struct sched *s)
{
	struct daemon *d = s->d;
	struct daemon_sync_result res = { 0 };
	const struct account_config *acct;
	const struct config *cfg;
	struct kerr err = { 0 };
	int64_t start = now_ms();
	unsigned long gen;
	int r;

	s->st.refreshing = 1;
	s->trigger = 0;
	pthread_mutex_unlock(&d->mu);

	cfg = daemon_config_get(d);
	pthread_mutex_lock(&d->mu);
	gen = config_gen(d, cfg);
	pthread_mutex_unlock(&d->mu);
	if (s->state_gen != gen) {
		/* Reloaded: what the last configuration's refreshes kept goes. */
		drop_state(s);
		s->state_gen = gen;
	}
	acct = config_find_account(cfg, s->st.name);
	if (acct == NULL) {
		r = kerr_set(&err, KERR_NOTFOUND, "account %s is no longer configured", s->st.name);
	} else {
		log_info("refresh started");
		refreshing = s;
		r = d->sync(d, cfg, acct, &d->stop_flag, &res, &err);
		refreshing = NULL;
		log_set_context(s->st.name); /* the sync may have changed it */
		crashpoint("daemon-refreshed");
	}

	pthread_mutex_lock(&d->mu);
	s->st.refreshing = 0;
	s->st.last_refresh_ms = start;
	s->st.packages_synced += res.packages;
	s->st.evidence_synced += res.evidence;
	if (res.quota_known) {
		s->st.quota_known = 1;
		s->st.quota_over = res.quota_over;
		s->st.quota_used_kb = res.quota_used_kb;
		s->st.quota_total_kb = res.quota_total_kb;
		s->st.credit = res.credit;
		if (acct != NULL)
			s->st.quota_warn_percent = acct->quota_warn_percent;
	}
	if (r == 0) {
		s->st.last_success_ms = now_ms();
		s->st.consecutive_failures = 0;
		s->st.last_result = ACCOUNT_RESULT_OK;
		s->st.last_error[0] = '\0';
		log_info("refresh done: %lu new packages, %lu new evidence items",
			 res.packages, res.evidence);
	} else {
		s->st.consecutive_failures++;
		s->st.last_result = res.needs_officer ? ACCOUNT_RESULT_NEEDS_OFFICER
						      : ACCOUNT_RESULT_FAILED;
		snprintf(s->st.last_error, sizeof(s->st.last_error), "%s", err.msg);
		/* The sync has said why an officer is needed; say nothing twice. */
		if (!res.needs_officer)
			log_error("refresh failed (%d in a row): %s", s->st.consecutive_failures,
				  err.msg);
	}
	if (acct != NULL && r != 0 && res.needs_officer)
		/* Nothing changes until an officer refreshes from the CLI or the
		 * configuration is reloaded: look again once a day. */
		s->st.next_refresh_ms = mono_ms() + NEEDS_OFFICER_RECHECK_MS;
	else if (acct != NULL)
		s->st.next_refresh_ms = mono_ms() + next_delay(d, acct, &s->st);
	pthread_mutex_unlock(&d->mu);
	daemon_config_put(d, cfg);
	pthread_mutex_lock(&d->mu);
}

static void *sched_thread(void *arg)
{
	struct sched *s = arg;
	struct daemon *d = s->d;

	log_set_context(s->st.name);
	pthread_mutex_lock(&d->mu);
	while (!d->stopping && !s->removed) {
		int64_t now = mono_ms();

		if (s->trigger || now >= s->st.next_refresh_ms) {
			run_refresh(s);
			continue;
		}
		{
			int64_t at = s->st.next_refresh_ms;
			struct timespec ts = { .tv_sec = at / 1000, .tv_nsec = (at % 1000) * 1000000 };

			pthread_cond_timedwait(&d->cv, &d->mu, &ts);
		}
	}
	pthread_mutex_unlock(&d->mu);
	drop_state(s);
	log_set_context(NULL);
	return NULL;
}

/* Applies the retention policy a minute after start, then once a day. Off
 * (the default) it does nothing: evidence is kept forever. */
static void *housekeeping_thread(void *arg)
{
	struct daemon *d = arg;
	int64_t next = mono_ms() + HOUSEKEEPING_FIRST_MS;

	log_set_context("retention");
	pthread_mutex_lock(&d->mu);
	while (!d->stopping) {
		struct timespec ts = { .tv_sec = next / 1000, .tv_nsec = (next % 1000) * 1000000 };

		if (mono_ms() < next) {
			pthread_cond_timedwait(&d->cv, &d->mu, &ts);
			continue;
		}
		pthread_mutex_unlock(&d->mu);
		{
			const struct config *cfg = daemon_config_get(d);
			struct kerr err = { 0 };
			struct store *s = daemon_store(d, &err);

			if (s == NULL || retention_run(cfg, s, &err) < 0)
				log_error("%s", err.msg);
			daemon_config_put(d, cfg);
		}
		next = mono_ms() + HOUSEKEEPING_EVERY_MS;
		pthread_mutex_lock(&d->mu);
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

/* Starts a scheduler for acct. Locked. */
static int add_sched(struct daemon *d, const struct account_config *acct, struct kerr *err)
{
	struct sched *s = xcalloc(1, sizeof(*s));
	int64_t spread = (int64_t)acct->poll_interval * 1000;

	if (spread > 10000)
		spread = 10000;
	s->d = d;
	snprintf(s->st.name, sizeof(s->st.name), "%s", acct->name);
	snprintf(s->st.address, sizeof(s->st.address), "%s", acct->mailbox);
	s->st.next_refresh_ms = mono_ms() + (spread > 0 ? rand_r(&d->seed) % spread : 0);
	if (pthread_create(&s->thread, NULL, sched_thread, s) != 0) {
		free(s);
		return kerr_set(err, KERR_INTERNAL, "cannot start the scheduler of account %s",
				acct->name);
	}
	s->started = 1;
	d->scheds = xrealloc(d->scheds, (d->n_scheds + 1) * sizeof(*d->scheds));
	d->scheds[d->n_scheds++] = s;
	return 0;
}

static struct sched *find_sched(struct daemon *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_scheds; i++)
		if (!d->scheds[i]->removed && strcmp(d->scheds[i]->st.name, name) == 0)
			return d->scheds[i];
	return NULL;
}

int daemon_start(struct config *cfg, daemon_sync_fn *sync, struct daemon **d_r,
		 struct kerr *err)
{
	struct daemon *d = xcalloc(1, sizeof(*d));
	size_t i;

	pthread_mutex_init(&d->mu, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
		pthread_cond_init(&d->cv, &ca);
		pthread_condattr_destroy(&ca);
	}
	pthread_key_create(&d->store_key, close_thread_store);
	d->sync = sync;
	d->started_ms = now_ms();
	d->seed = (unsigned int)(d->started_ms ^ (int64_t)getpid());
	d->cfgs = xcalloc(1, sizeof(*d->cfgs));
	d->cfgs[0].cfg = cfg;
	d->cfgs[0].gen = d->last_gen = 1;
	d->n_cfgs = 1;
	*d_r = d;
	pthread_mutex_lock(&d->mu);
	for (i = 0; i < cfg->n_accounts; i++) {
		if (!cfg->accounts[i].enabled)
			continue;
		if (add_sched(d, &cfg->accounts[i], err) < 0) {
			pthread_mutex_unlock(&d->mu);
			return -1;
		}
	}
	if (pthread_create(&d->housekeeper, NULL, housekeeping_thread, d) == 0)
		d->housekeeper_started = 1;
	pthread_mutex_unlock(&d->mu);
	return 0;
}

/* A reload's part of the revocation cache (daemon_reload). */
static void drop_revocation_answers(struct daemon *d)
{
	struct kerr err = { 0 };
	struct store *s = daemon_store(d, &err);
	int n = s != NULL ? store_revcache_clear(s, &err) : -1;

	if (n < 0)
		log_warn("revocation answers kept: %s", err.msg);
	else
		log_info("%d revocation answer(s) dropped: asked again at their next use", n);
}

void daemon_reload(struct daemon *d, struct config *cfg)
{
	struct kerr err;
	size_t i;

	pthread_mutex_lock(&d->mu);
	d->cfgs = xrealloc(d->cfgs, (d->n_cfgs + 1) * sizeof(*d->cfgs));
	d->cfgs[d->n_cfgs].cfg = cfg;
	d->cfgs[d->n_cfgs].refs = 0;
	d->cfgs[d->n_cfgs].gen = ++d->last_gen;
	d->n_cfgs++;
	for (i = 0; i < d->n_scheds; i++) {
		const struct account_config *a = config_find_account(cfg, d->scheds[i]->st.name);

		if (a == NULL || !a->enabled)
			d->scheds[i]->removed = 1;
		else if (d->scheds[i]->st.last_result == ACCOUNT_RESULT_NEEDS_OFFICER)
			d->scheds[i]->st.next_refresh_ms = mono_ms(); /* its login may have changed */
	}
	for (i = 0; i < cfg->n_accounts; i++) {
		if (!cfg->accounts[i].enabled || find_sched(d, cfg->accounts[i].name) != NULL)
			continue;
		if (add_sched(d, &cfg->accounts[i], &err) < 0)
			log_error("%s", err.msg);
	}
	gc_configs(d);
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	drop_revocation_answers(d);
}

void daemon_stop(struct daemon *d)
{
	size_t i;

	pthread_mutex_lock(&d->mu);
	d->stopping = 1;
	d->stop_flag = 1;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	for (i = 0; i < d->n_scheds; i++) {
		if (d->scheds[i]->started)
			pthread_join(d->scheds[i]->thread, NULL);
		d->scheds[i]->started = 0;
	}
	if (d->housekeeper_started)
		pthread_join(d->housekeeper, NULL);
	d->housekeeper_started = 0;
}

void daemon_free(struct daemon **dp)
{
	struct daemon *d = *dp;
	struct store *s;
	size_t i;

	if (d == NULL)
		return;
	daemon_stop(d);
	for (i = 0; i < d->n_scheds; i++)
		free(d->scheds[i]);
	free(d->scheds);
	for (i = 0; i < d->n_cfgs; i++)
		config_free(&d->cfgs[i].cfg);
	free(d->cfgs);
	s = pthread_getspecific(d->store_key);
	store_close(&s);
	pthread_key_delete(d->store_key);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
	*dp = NULL;
}

int daemon_refresh_now(struct daemon *d, const char *account, struct kerr *err)
{
	struct sched *s;
	int r = 0;

	pthread_mutex_lock(&d->mu);
	s = find_sched(d, account);
	if (s == NULL)
		r = kerr_set(err, KERR_NOTFOUND, "no enabled account called '%s'", account);
	else if (s->st.refreshing || s->trigger)
		r = kerr_set(err, KERR_BUSY, "a refresh of account '%s' is already running", account);
	else
		s->trigger = 1;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
	return r;
}

int daemon_account_count(struct daemon *d)
{
	size_t i;
	int n = 0;

	pthread_mutex_lock(&d->mu);
	for (i = 0; i < d->n_scheds; i++)
		n += !d->scheds[i]->removed;
	pthread_mutex_unlock(&d->mu);
	return n;
}

int daemon_account_status_at(struct daemon *d, int idx, struct account_status *st,
			     struct kerr *err)
{
	size_t i;
	int n = 0;

	pthread_mutex_lock(&d->mu);
	for (i = 0; i < d->n_scheds; i++) {
		if (d->scheds[i]->removed)
			continue;
		if (n++ == idx) {
			*st = d->scheds[i]->st;
			st->refreshing = st->refreshing || d->scheds[i]->trigger;
			pthread_mutex_unlock(&d->mu);
			return 0;
		}
	}
	pthread_mutex_unlock(&d->mu);
	return kerr_set(err, KERR_NOTFOUND, "no account number %d", idx);
}

int daemon_account_status(struct daemon *d, const char *account, struct account_status *st,
			  struct kerr *err)
{
	struct sched *s;

	pthread_mutex_lock(&d->mu);
	s = find_sched(d, account);
	if (s != NULL) {
		*st = s->st;
		st->refreshing = st->refreshing || s->trigger;
	}
	pthread_mutex_unlock(&d->mu);
	if (s == NULL)
		return kerr_set(err, KERR_NOTFOUND, "no enabled account called '%s'", account);
	return 0;
}
