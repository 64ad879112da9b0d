/* daemon_sync.c: see daemon_sync.h. */
#include "daemon_sync.h"

#include "config.h"
#include "sync.h"

static void on_request(void *arg, const char *account, const char *op, int64_t ms, int ok)
{
	(void)account;
	daemon_metrics_request(arg, op, (double)ms / 1000.0, ok);
}

int daemon_sync_account(struct daemon *d, const struct config *cfg,
			const struct account_config *acct, volatile sig_atomic_t *stop,
			struct daemon_sync_result *res, struct kerr *err)
{
	struct sync_hooks hooks = { .arg = d, .request = on_request };
	struct sync_report rep = { 0 };
	struct sync_env *env = NULL;
	int r;

	res->needs_officer = kep_officer_check(acct->driver, acct->driver_conf, acct->name, 0,
					       NULL) < 0;
	/* The env holds the trust store and chain cache for this refresh; a
	 * reloaded configuration is picked up by the next one. */
	if (sync_env_new(cfg, 0, stop, &env, err) < 0)
		return -1;
	r = sync_account(env, acct, &hooks, &rep, err);
	res->packages = rep.new_packages;
	res->evidence = rep.new_evidence;
	res->quota_known = rep.quota_known;
	res->quota_over = rep.quota_over;
	res->quota_used_kb = rep.quota.used_kb;
	res->quota_total_kb = rep.quota.total_kb;
	res->credit = rep.quota.credit;
	sync_report_free(&rep);
	sync_env_free(&env);
	return r;
}
