/* sync.h: the sync engine: one account's mailbox pulled from its provider
 * into the store, exactly once (issue 4). Used by `kepagent refresh` and by
 * the daemon.
 *
 * sync_env_new() loads what every sync shares and must load once: the trust
 * store, the chain cache, the revocation checker (its CRL cache kept in the
 * store, see revcache_store.h). A struct sync_env is read-only once built;
 * one env may serve many sync_account() calls, one per account at a time
 * from any thread (each call opens its own store connection and provider
 * session; the verification objects are thread-safe).
 *
 * sync_account() takes the account's lock (sync/lock.h, next to the store)
 * without waiting (KERR_BUSY when another process syncs it), logs in,
 * maps folder roles, lists, downloads, verifies and stores each new package
 * in one transaction, follows evidence of sent packages until it is final,
 * acknowledges per the account's ack_policy (never before the package is
 * durable), and advances a folder's window only when every package of the
 * window is stored. Transient provider errors are retried with backoff
 * (retry.h); one bad package is reported in rep and the rest go on;
 * KERR_AUTH stops the account at once (a PIN is never retried).
 *
 * Return: 0 when the account synced with no failure at all; -1 otherwise,
 * with err holding the first fatal cause (login, lock, store), else
 * KERR_INTERRUPTED when *stop ended it early, else a summary of the failed
 * items: KERR_TRANSIENT when a folder could not be listed (the provider was
 * unreachable), KERR_PACKAGE when only single items failed. rep is filled
 * in every case (the caller frees it with sync_report_free()).
 *
 * A non-interactive env (the daemon) refuses an account whose login asks a
 * person at a terminal (kep_officer_check(), provider.h): "needs an officer:
 * run `kepagent refresh --account NAME`" (KERR_AUTH). *stop (may be NULL) is checked between packages and
 * during back-off, and the driver abandons a provider request in flight as
 * soon as it is raised (provider.h, stop): the current package is finished
 * or abandoned cleanly (an abandoned package is simply fetched again by the
 * next run). After the sync the mailbox's quota is asked (rep->quota).
 *
 * Crash points: crashpoint() (lib/crashpoint.h) is called at each step that
 * matters. KEPAGENT_RETRY_BASE_MS overrides the back-off base (tests). */
#ifndef KEP_SYNC_H
#define KEP_SYNC_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "err.h"

struct sync_env;

/* Called from the syncing thread; any member may be NULL. */
struct sync_hooks {
	void *arg;
	/* A folder's progress: done of total packages examined so far. */
	void (*progress)(void *arg, const char *account, const char *folder, size_t done,
			 size_t total);
	/* One provider request: op (the driver operation: "login",
	 * "download_package", ...), duration, ok or not. */
	void (*request)(void *arg, const char *account, const char *op, int64_t ms, int ok);
	/* A package of folder downloaded: its size in bytes. */
	void (*downloaded)(void *arg, const char *account, const char *folder, uint64_t bytes);
	/* A package (what = "package") or evidence item ("evidence") stored now,
	 * with its overall verdict name. */
	void (*stored)(void *arg, const char *account, const char *what, const char *verdict);
};

/* One failed item, kept for the summary. Strings owned by the report. */
struct sync_failure {
	char *folder;        /* NULL for account-wide failures */
	char *item;          /* kepId, delilId, or NULL */
	enum kerr_class cls;
	char *reason;
};

/* One new item stored with a verdict worse than valid (flagged), kept for
 * the summary: the officer sees which, not only how many. Strings owned by
 * the report; folder and subject may be NULL. */
struct sync_flag {
	const char *what;    /* "package" or "evidence" (static) */
	char *folder;
	char *kep_id;        /* the package's kepId */
	char *item;          /* delilId for evidence, else NULL */
	char *subject;
	char *verdict;       /* verdict name */
	char *reason;
};

struct sync_report {
	char *account;
	char *inbox, *sent;           /* folder names used; NULL when unmapped */
	size_t listed;                /* distinct packages listed */
	size_t new_packages;
	size_t new_evidence;
	size_t acknowledged;
	size_t deleted;
	size_t flagged;               /* new items stored with a verdict worse than valid */
	struct sync_flag *flags;      /* each of them (n_flags == flagged) */
	size_t n_flags;
	struct sync_failure *failures;
	size_t n_failures;
	int64_t started, finished;    /* ms since the epoch */
	/* The quota asked after the sync (provider.h); quota_known 0 when the
	 * driver has none, the run ended early or the provider did not answer
	 * (that is logged, never a failure of the sync). quota_over: at or
	 * above the account's quota_warn_percent (warned in the log). */
	int quota_known, quota_over;
	struct kep_quota quota;
};

/* interactive: 1 when a person sits at a terminal for OTP/PIN prompts.
 * cfg is borrowed and must outlive the env. */
int sync_env_new(const struct config *cfg, int interactive, volatile sig_atomic_t *stop,
		 struct sync_env **env_r, struct kerr *err);
void sync_env_free(struct sync_env **env);

int sync_account(const struct sync_env *env, const struct account_config *acct,
		 const struct sync_hooks *hooks, struct sync_report *rep, struct kerr *err);
void sync_report_free(struct sync_report *rep);

#endif
