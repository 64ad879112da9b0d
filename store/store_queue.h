/* store_queue.h: the import queue, from which EBYS takes stored packages.
 *
 * States: pending -> claimed (leased to an owner until lease_expires) ->
 * acked (final) or rejected (waits retry_delay, then claimable again) ->
 * parked after max_attempts rejections (needs a person). An expired lease
 * makes a claimed item claimable again. Claims take the write lock first
 * (BEGIN IMMEDIATE), so claimers in several processes never get the same
 * item while its lease runs. Listed items are owned by the caller:
 * store_queue_items_free(). Thread safety: as struct store. */
#ifndef KEP_STORE_QUEUE_H
#define KEP_STORE_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

enum store_queue_state {
	STORE_Q_PENDING = 0,
	STORE_Q_CLAIMED,
	STORE_Q_ACKED,
	STORE_Q_REJECTED,
	STORE_Q_PARKED,
};

struct store_queue_item {
	int64_t id, package_id;
	char *account;
	enum store_queue_state state;
	char *lease_owner;           /* NULL unless claimed */
	int64_t lease_expires;
	int64_t not_before;          /* rejected: claimable from then */
	int64_t attempts;            /* rejections so far */
	char *last_reason;
	int64_t created_at, updated_at;
};

const char *store_queue_state_name(enum store_queue_state s);
/* -1 when unknown. */
int store_queue_state_from_name(const char *name);

/* Queues a stored package as pending (no-op when already queued). */
int store_queue_enqueue(struct store *store, int64_t package_id, struct kerr *err);

struct store_queue_filter {
	const char *account;   /* NULL: all */
	int state;             /* enum store_queue_state, or -1: all */
	int64_t after_id;      /* paging: items with id > after_id */
	size_t limit;          /* 0: 100 */
};
int store_queue_list(struct store *store, const struct store_queue_filter *f,
		     struct store_queue_item **items_r, size_t *n_r, struct kerr *err);

/* Claims up to max items (oldest first; account NULL: any) for owner with a
 * lease of lease_ms. *n_r may be 0. */
int store_queue_claim(struct store *store, const char *owner, const char *account,
		      size_t max, int64_t lease_ms, struct store_queue_item **items_r,
		      size_t *n_r, struct kerr *err);
/* Final. Acking an acked item again succeeds (idempotent). KERR_NOTFOUND when
 * the package is not queued. */
int store_queue_ack(struct store *store, int64_t package_id, const char *actor,
		    struct kerr *err);
/* attempts + 1; parked when attempts reach max_attempts, else rejected and
 * claimable again after retry_delay_ms. KERR_USAGE on an acked item. */
int store_queue_reject(struct store *store, int64_t package_id, const char *actor,
		       const char *reason, int64_t retry_delay_ms, int max_attempts,
		       struct kerr *err);

void store_queue_items_free(struct store_queue_item **items, size_t n);

#endif
