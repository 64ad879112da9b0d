/* store_queue_lease.h: lease tokens and richer views of the import queue.
 *
 * A claim made through store_queue_claim() records its owner; the local API
 * and the CLI use a random opaque token as the owner, so the owner doubles as
 * the lease a client must present to fetch, acknowledge or reject what it
 * claimed. store_queue_lease_check() says whether a token still holds an
 * item. Views add the package's metadata to the queue row and show the queue
 * as clients see it: a claim whose lease ran out reads as pending (without
 * owner or expiry, attempts kept), because it is claimable. Views are owned
 * by the caller: store_queue_views_free(). Thread safety: as struct store. */
#ifndef KEP_STORE_QUEUE_LEASE_H
#define KEP_STORE_QUEUE_LEASE_H

#include <stddef.h>
#include <stdint.h>

#include "store_queue.h"

enum store_lease {
	STORE_LEASE_HELD = 0,   /* claimed by this token and not expired */
	STORE_LEASE_MISMATCH,   /* not claimed, or claimed by another token */
	STORE_LEASE_EXPIRED,    /* claimed by this token but the lease ran out */
};

struct store_queue_view {
	struct store_queue_item item;
	char *kep_id, *subject, *sender, *verdict;
	int64_t received_at;
};

/* The queue row of a package; KERR_NOTFOUND when it is not queued. */
int store_queue_view_get(struct store *store, int64_t package_id,
			 struct store_queue_view **view_r, struct kerr *err);
/* Items in queue order with paging by offset; *total_r (may be NULL) gets
 * the number of items matching the filter (f->after_id is ignored). */
int store_queue_view_list(struct store *store, const struct store_queue_filter *f,
			  size_t offset, struct store_queue_view **views_r, size_t *n_r,
			  int64_t *total_r, struct kerr *err);
void store_queue_views_free(struct store_queue_view **views, size_t n);

/* Compares token with the item's lease owner in constant time, at time now
 * (ms). KERR_NOTFOUND when the package is not queued. */
int store_queue_lease_check(struct store *store, int64_t package_id, const char *token,
			    int64_t now, enum store_lease *lease_r, struct kerr *err);
/* Extends a held lease to now + lease_ms (*expires_r), in one write
 * transaction with the check. Returns the enum store_lease found
 * (STORE_LEASE_HELD when extended; nothing changes otherwise) or -1. */
int store_queue_lease_extend(struct store *store, int64_t package_id, const char *token,
			     int64_t lease_ms, int64_t *expires_r, struct kerr *err);

#endif
