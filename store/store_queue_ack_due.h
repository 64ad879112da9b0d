/* store_queue_ack_due.h: the import queue's EBYS acknowledgement joined to
 * the provider acknowledgement, for accounts whose ack_policy is on-import
 * (the store does not know the policy: the caller chooses the function).
 * Not thread-safe per connection, like every store call. */
#ifndef KEP_STORE_QUEUE_ACK_DUE_H
#define KEP_STORE_QUEUE_ACK_DUE_H

#include <stdint.h>

#include "err.h"

struct store;

/* store_queue_ack() and, in the same transaction, the package's
 * provider_ack 'none' -> 'due' (a 'due' or 'done' package is left as it
 * is). Idempotent; KERR_NOTFOUND when the package is not queued. Runs as a
 * savepoint inside a caller's store_begin(). */
int store_queue_ack_due(struct store *store, int64_t package_id, const char *actor,
			struct kerr *err);

#endif
