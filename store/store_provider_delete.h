/* store_provider_delete.h: deletion of stored packages on the provider
 * (delete_after_ack), recorded so that a crash between the acknowledgement
 * and PaketSil still deletes on the next run. Not thread-safe per
 * connection, like every store call. */
#ifndef KEP_STORE_PROVIDER_DELETE_H
#define KEP_STORE_PROVIDER_DELETE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

/* Records the provider acknowledgement as done and, in the same
 * transaction, the deletion as due when delete is set. */
int store_package_ack_done(struct store *store, int64_t package_id, int delete_due,
			   struct kerr *err);
/* The deletion was made (PaketSil answered). */
int store_provider_delete_done(struct store *store, int64_t package_id, struct kerr *err);
/* Ids of the account's packages whose deletion is due, oldest first, at
 * most limit (0: 1000); *ids_r malloc'd (free()). */
int store_provider_delete_due(struct store *store, const char *account, size_t limit,
			      int64_t **ids_r, size_t *n_r, struct kerr *err);

#endif
