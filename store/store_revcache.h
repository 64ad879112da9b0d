/* store_revcache.h: cached revocation data (CRLs, OCSP responses) for the verifier.
 *
 * key names what was fetched (a CRL URL, an OCSP request id); der is the
 * response exactly as fetched. The store does not judge freshness: the
 * verifier compares next_update with its validation time. An entry returned
 * by store_revcache_get() is owned by the caller: store_revcache_entry_free().
 * Thread safety: as struct store. */
#ifndef KEP_STORE_REVCACHE_H
#define KEP_STORE_REVCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

struct store_revcache_entry {
	char *key;
	unsigned char *der;
	size_t der_len;
	int64_t this_update, next_update, fetched_at;
};

/* Inserts or replaces the entry for key. */
int store_revcache_put(struct store *store, const char *key, const void *der, size_t der_len,
		       int64_t this_update, int64_t next_update, int64_t fetched_at,
		       struct kerr *err);
/* 1 and *entry_r when cached, 0 when not. */
int store_revcache_get(struct store *store, const char *key,
		       struct store_revcache_entry **entry_r, struct kerr *err);
void store_revcache_entry_free(struct store_revcache_entry **entry);
/* Drops every entry (CRLs and OCSP answers): the next use of each fetches
 * it again. The number dropped, or -1. */
int store_revcache_clear(struct store *store, struct kerr *err);

#endif
