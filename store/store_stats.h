/* store_stats.h: counts for monitoring (the daemon's /metrics).
 *
 * One call runs a few aggregate queries in a read transaction. Results are
 * returned as (label, count) rows the caller owns: store_stats_free().
 * Thread safety: as struct store. */
#ifndef KEP_STORE_STATS_H
#define KEP_STORE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

struct store_count {
	char *what;     /* "packages", "evidence", "queue" or "outbox" */
	char *label;    /* verdict name, or queue/outbox state; "none" for NULL */
	int64_t count;
};

struct store_stats {
	size_t n;
	struct store_count *rows;
};

/* Packages and evidence by verdict, queue and outbox items by state. */
int store_stats_collect(struct store *store, struct store_stats *out, struct kerr *err);
void store_stats_free(struct store_stats *st);

#endif
