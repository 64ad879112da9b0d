/* store_account.h: KEP accounts known to the store.
 *
 * Packages, evidence and sync state refer to an account by its unique name
 * (the configuration's account name); the account must have been made known
 * with store_account_ensure() first. Thread safety: as struct store. */
#ifndef KEP_STORE_ACCOUNT_H
#define KEP_STORE_ACCOUNT_H

#include <stdint.h>

#include "err.h"

struct store;

/* Inserts the account or updates its address and provider; *id_r (may be
 * NULL) gets its id. */
int store_account_ensure(struct store *store, const char *name, const char *address,
			 const char *provider, int64_t *id_r, struct kerr *err);

#endif
