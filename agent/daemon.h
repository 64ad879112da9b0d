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

#include <stdint.h>

#include "err.h"
#include "util.h"

struct daemon;
struct config;
struct store;

/* This thread's store connection, opened on first use and closed when the
 * thread ends. Do not close it. NULL with err set when the store cannot be
 * opened. */
struct store *daemon_store(struct daemon *d, struct kerr *err);

/* The current configuration snapshot; give it back with daemon_config_put. */
const struct config *daemon_config_get(struct daemon *d);
void daemon_config_put(struct daemon *d, const struct config *cfg);

/* Asks the account's scheduler to refresh now (same code path and lock as
 * `kepagent refresh`). KERR_NOTFOUND for an unknown account, KERR_BUSY when a
 * refresh of it is already running. Returns at once; the refresh runs on the
 * account's thread. */
int daemon_refresh_now(struct daemon *d, const char *account, struct kerr *err);

struct account_status {
	char name[128];
	char address[256];
	int refreshing;               /* a refresh is running now */
	int64_t last_refresh_ms;      /* start of the last finished refresh; 0: none */
	int64_t last_success_ms;      /* end of the last successful refresh; 0: none */
	int64_t next_refresh_ms;      /* when the scheduler runs it next */
	char last_result[32];         /* "ok", "failed", "needs-officer", "" */
	char last_error[1024];
	int consecutive_failures;
	unsigned long packages_synced;  /* since the daemon started */
	unsigned long evidence_synced;
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
