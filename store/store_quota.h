/* store_quota.h: the provider quota last asked for an account (quota_state).
 *
 * The quota changes only when the mailbox does (mail stored, sent or
 * deleted), so the sync asks the provider again only then or when the
 * stored answer is old, and shows the stored figures otherwise: an idle
 * refresh stays at its three requests. */
#ifndef KEP_STORE_QUOTA_H
#define KEP_STORE_QUOTA_H

#include <stdint.h>

#include "err.h"
#include "store.h"

struct store_quota {
	int64_t used_kb, total_kb, credit;   /* -1 when the provider did not say */
	int64_t asked_at;                    /* ms since the epoch */
};

/* 1 with *q filled when the account has a stored answer, 0 when none. */
int store_quota_get(struct store *store, const char *account, struct store_quota *q,
		    struct kerr *err);
/* Replaces the account's stored answer. */
int store_quota_put(struct store *store, const char *account, const struct store_quota *q,
		    struct kerr *err);

#endif
