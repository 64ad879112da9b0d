/* revcache_store.h: the revocation checker's CRL cache (struct
 * rev_cache_ops, kep/revocation.h) kept in the store, so CRLs survive
 * restarts and are shared by refresh and the daemon.
 *
 * It holds its own store connection behind a mutex, so the revocation
 * object may call it from any thread. A cache failure is never an error for
 * verification: get() then reports a miss and put() is dropped (logged at
 * debug level). */
#ifndef KEP_REVCACHE_STORE_H
#define KEP_REVCACHE_STORE_H

#include "err.h"
#include "revocation.h"

struct revcache_store;

/* Opens its own connection to the store at path. */
int revcache_store_new(const char *path, struct revcache_store **rc_r, struct kerr *err);
void revcache_store_free(struct revcache_store **rc);
/* The ops to give revocation_new(); valid while rc lives. */
struct rev_cache_ops revcache_store_ops(struct revcache_store *rc);

#endif
