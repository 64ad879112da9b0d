/* daemon_sync.c: see daemon_sync.h. */
#include "daemon_sync.h"

#include "config.h"
#include "sync.h"

static void on_request(void *arg, const char *account, const char *op, int64_t ms, int ok)
{
	(void)account;
	daemon_metrics_request(arg, op, (double)ms / 1000.0, ok);
}

static void free_env(void *state)
{
	struct sync_env *env = state;

	sync_env_free(&env);
}

int daemon_sync_account(struct daemon *d, const struct config *cfg,
			const struct account_config *acct, volatile sig_atomic_t *stop,
			struct daemon_sync_result *res, struct kerr *err)
{
	struct sync_hooks hooks = { .arg = d, .request = on_request };
	struct sync_report rep = { 0 };
	void **state = daemon_refresh_state(d, free_env);
	int r;

	res->needs_officer = kep_officer_check(acct->driver, acct->driver_conf, acct->name, 0,
					       NULL) < 0;
	/* The env (trust store, chain cache, revocation checker) is made at
	 * the account's first refresh under a configuration and kept for the
	 * next ones, so a signer's chain is judged once, not once a refresh;
	 * a reload drops it (daemon_refresh_state). */
	if (*state == NULL) {
		struct sync_env *env = NULL;

		if (sync_env_new(cfg, 0, stop, &env, err) < 0)
			return -1;
		*state = env;
	}
	r = sync_account(*state, acct, &hooks, &rep, err);
	res->packages = rep.new_packages;
	res->evidence = rep.new_evidence;
	res->quota_known = rep.quota_known;
	res->quota_over = rep.quota_over;
	res->quota_used_kb = rep.quota.used_kb;
	res->quota_total_kb = rep.quota.total_kb;
	res->credit = rep.quota.credit;
	sync_report_free(&rep);
	return r;
}
