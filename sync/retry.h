/* retry.h: bounded exponential back-off with jitter for provider calls.
 *
 * retry_run() calls fn until it succeeds, fails with an error that
 * kep_err_retryable() does not accept (auth, permanent, per-package: never
 * retried, a PIN above all), or has been tried p->tries times. Between
 * tries it sleeps a random time in [d/2, d] with d = base * 2^(try-1)
 * capped at cap ("equal jitter", so many agents do not retry in step).
 * A failure that carries the server's Retry-After (err->retry_after_ms)
 * waits at least that long; one that asks for more than cap is not retried
 * by this run (the message says so).
 * A set *stop ends the waiting at once (err keeps the last failure).
 * Thread-safe (the jitter source is per call). */
#ifndef KEP_RETRY_H
#define KEP_RETRY_H

#include <signal.h>
#include <stdint.h>

#include "err.h"

struct retry_policy {
	int tries;          /* >= 1; default 4 */
	int64_t base_ms;    /* default 200, or $KEPAGENT_RETRY_BASE_MS */
	int64_t cap_ms;     /* default 5000 */
};

/* The default policy (reads $KEPAGENT_RETRY_BASE_MS once per call). */
void retry_policy_default(struct retry_policy *p);

typedef int retry_fn(void *arg, struct kerr *err);

/* Returns fn's last result; *tries_r (may be NULL) gets the number of calls. */
int retry_run(const struct retry_policy *p, volatile sig_atomic_t *stop, retry_fn *fn,
	      void *arg, int *tries_r, struct kerr *err);

/* The delay before try number `attempt` (2, 3, ...), jitter from *seed. */
int64_t retry_delay_ms(const struct retry_policy *p, int attempt, unsigned *seed);

#endif
