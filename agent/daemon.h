/* daemon.h: the running agent (`kepagent run`) as seen by its parts.
 *
 * The daemon owns the configuration (reloaded on SIGHUP: an invalid new file
 * is reported and the old one kept), one scheduler thread per account, and
 * the HTTP API server. HTTP handlers reach it through req->user, which is
 * the struct daemon *.
 *
 * Thread-safety: every function here may be called from any thread.
 * Configuration snapshots are reference counted: a handler takes one with
 * daemon_config_get() and gives it back with daemon_config_put(); a reload
 * never frees a snapshot still in use. */
#ifndef KEP_DAEMON_H
#define KEP_DAEMON_H

#include <signal.h>
#include <stdint.h>

#include "err.h"
#include "util.h"

struct daemon;
struct config;
struct account_config;
struct store;

/* The life cycle (cmd_run.c), and what one scheduled refresh reports back. */
struct daemon_sync_result {
	unsigned long packages;   /* new packages stored */
	unsigned long evidence;   /* new evidence items stored */
	int needs_officer;        /* the account cannot sync unattended (otp/eimza) */
	int quota_known;          /* the provider answered the quota after the sync */
	int quota_over;           /* at or above the account's quota_warn_percent */
	int64_t quota_used_kb, quota_total_kb, credit; /* -1: not answered */
};

/* Runs one refresh of acct; 0 on success, -1 with err. stop is raised on
 * SIGTERM: the refresh must finish or abandon its current package and return. */
typedef int daemon_sync_fn(struct daemon *d, const struct config *cfg,
			   const struct account_config *acct, volatile sig_atomic_t *stop,
			   struct daemon_sync_result *res, struct kerr *err);

/* What a daemon_sync_fn keeps for its account between the refreshes of one
 * configuration (the sync engine's env: trust store, chain cache,
 * revocation checker, so the caches outlive a refresh): called from within
 * a daemon_sync_fn, the slot of this account's state. It is NULL at the
 * account's first refresh under a configuration: after a reload (SIGHUP)
 * the daemon frees the previous state with free_fn before the next
 * refresh, and frees it when the account's scheduler ends. */
typedef void daemon_state_free_fn(void *state);
void **daemon_refresh_state(struct daemon *d, daemon_state_free_fn *free_fn);

/* Creates the daemon around cfg (which it then owns) and starts one
 * scheduler thread per enabled account. */
int daemon_start(struct config *cfg, daemon_sync_fn *sync, struct daemon **d_r,
		 struct kerr *err);
/* Installs a newly loaded configuration (owned from now on): accounts
 * added start, accounts removed stop after their current refresh. What
 * refreshes kept goes, since the new configuration may trust other anchors
 * or ask other responders: each account's sync state (its judged chains,
 * daemon_refresh_state) before its next refresh, and the revocation answers
 * kept in the store (CRLs and OCSP answers, fetched again at their next use;
 * a reload is also how an operator has revocation asked again now). */
void daemon_reload(struct daemon *d, struct config *cfg);
/* Raises the stop flag, wakes every scheduler and joins them. */
void daemon_stop(struct daemon *d);
void daemon_free(struct daemon **d);

/* This thread's store connection, opened on first use and closed when the
 * thread ends; it reads the first GiB of the file through a memory map
 * (store_map_reads). Do not close it. NULL with err set when the store
 * cannot be opened. */
struct store *daemon_store(struct daemon *d, struct kerr *err);

/* The current configuration snapshot; give it back with daemon_config_put. */
const struct config *daemon_config_get(struct daemon *d);
void daemon_config_put(struct daemon *d, const struct config *cfg);

/* Asks the account's scheduler to refresh now (same code path and lock as
 * `kepagent refresh`). KERR_NOTFOUND for an unknown account, KERR_BUSY when a
 * refresh of it is already running. Returns at once; the refresh runs on the
 * account's thread. */
int daemon_refresh_now(struct daemon *d, const char *account, struct kerr *err);

/* How an account's last refresh ended. */
enum account_result {
	ACCOUNT_RESULT_NONE = 0,       /* no refresh finished yet */
	ACCOUNT_RESULT_OK,
	ACCOUNT_RESULT_FAILED,         /* retried with back-off */
	ACCOUNT_RESULT_NEEDS_OFFICER,  /* waits for an officer at a terminal: no back-off */
};
/* "ok", "failed", "needs-officer"; NULL for ACCOUNT_RESULT_NONE. */
const char *account_result_name(enum account_result r);

struct account_status {
	char name[128];
	char address[256];
	int refreshing;               /* a refresh is running now */
	int64_t last_refresh_ms;      /* start of the last finished refresh; 0: none */
	int64_t last_success_ms;      /* end of the last successful refresh; 0: none */
	int64_t next_refresh_ms;      /* when the scheduler runs it next (CLOCK_MONOTONIC) */
	enum account_result last_result;
	char last_error[1024];
	int consecutive_failures;
	unsigned long packages_synced;  /* since the daemon started */
	unsigned long evidence_synced;
	/* The last quota the provider answered (kept when a later ask fails). */
	int quota_known, quota_over;
	int64_t quota_used_kb, quota_total_kb, credit; /* -1: not answered */
	long quota_warn_percent;
};

/* Number of configured accounts, and the status of the i-th / named one.
 * Returns 0, or -1 (KERR_NOTFOUND). */
int daemon_account_count(struct daemon *d);
int daemon_account_status_at(struct daemon *d, int i, struct account_status *st,
			     struct kerr *err);
int daemon_account_status(struct daemon *d, const char *account, struct account_status *st,
			  struct kerr *err);

/* Appends the Prometheus text exposition of the daemon's figures to out. */
void daemon_metrics_render(struct daemon *d, struct kbuf *out);

#endif
