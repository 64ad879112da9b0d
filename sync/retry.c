/* retry.c: bounded exponential back-off with jitter (see retry.h). */
#include "retry.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "provider.h"
#include "util.h"

void retry_policy_default(struct retry_policy *p)
{
	const char *s = getenv("KEPAGENT_RETRY_BASE_MS");
	char *end;
	long long v;

	p->tries = 4;
	p->base_ms = 200;
	p->cap_ms = 5000;
	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 60000)
			p->base_ms = v;
	}
}

int64_t retry_delay_ms(const struct retry_policy *p, int attempt, unsigned *seed)
{
	int64_t d = p->base_ms;
	int i;

	for (i = 2; i < attempt && d < p->cap_ms; i++)
		d *= 2;
	if (d > p->cap_ms)
		d = p->cap_ms;
	if (d <= 1)
		return d;
	return d / 2 + (int64_t)(rand_r(seed) % (unsigned)(d / 2 + 1));
}

/* Sleeps ms in short steps so a stop request is seen quickly. */
static void nap(int64_t ms, volatile sig_atomic_t *stop)
{
	while (ms > 0 && (stop == NULL || !*stop)) {
		int64_t step = ms < 100 ? ms : 100;
		struct timespec ts = { step / 1000, (long)(step % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) < 0 && errno == EINTR && (stop == NULL || !*stop))
			;
		ms -= step;
	}
}

int retry_run(const struct retry_policy *p, volatile sig_atomic_t *stop, retry_fn *fn,
	      void *arg, int *tries_r, struct kerr *err)
{
	unsigned seed = (unsigned)now_ms() ^ (unsigned)getpid();
	int attempt, rc = -1, tries = p->tries < 1 ? 1 : p->tries;
	long long asked = 0;

	for (attempt = 1; attempt <= tries; attempt++) {
		if (attempt > 1) {
			int64_t d = retry_delay_ms(p, attempt, &seed);

			if (stop != NULL && *stop)
				break;
			if (asked > d)
				d = asked;
			if (asked > 0)
				log_info("waiting %lld ms before try %d, as the provider asked "
					 "(Retry-After)", (long long)d, attempt);
			nap(d, stop);
		}
		kerr_clear(err);
		rc = fn(arg, err);
		if (rc == 0 || err == NULL || !kep_err_retryable(err))
			break;
		asked = err->retry_after_ms;
		if (asked > p->cap_ms) {
			/* Coming back sooner than the provider asked would only
			 * add load to a busy server: this run gives up on the call
			 * and the next one (the daemon's poll) tries again. */
			size_t l = strlen(err->msg);

			snprintf(err->msg + l, sizeof(err->msg) - l,
				 " (not retried now: the provider asks for %lld s, more than the "
				 "%lld ms back-off bound)", asked / 1000, (long long)p->cap_ms);
			break;
		}
	}
	if (tries_r != NULL)
		*tries_r = attempt > tries ? tries : attempt;
	return rc;
}
