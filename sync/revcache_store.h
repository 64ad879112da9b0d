/* revcache_store.h: the revocation checker's CRL and OCSP cache (struct
 * rev_cache_ops, kep/revocation.h) kept in the store, so answers survive
 * restarts and are shared by refresh and the daemon.
 *
 * It holds its own store connection behind a mutex, so the revocation
 * object may call it from any thread. A sync attaches its own connection
 * (revcache_store_attach): the cache is then read and written through that
 * connection when called from the attaching thread, inside whatever
 * transaction the sync holds open (its batch of packages, sync_p.h), so a
 * write never waits for the sync's own write lock (with a connection of its
 * own it would wait out the busy timeout, then be dropped) and is committed
 * or lost with that transaction. Other threads keep the cache's own
 * connection. A cache failure is never an error for verification: get()
 * then reports a miss and put() is dropped (logged at debug level). */
#ifndef KEP_REVCACHE_STORE_H
#define KEP_REVCACHE_STORE_H

#include "err.h"
#include "revocation.h"

struct revcache_store;
struct store;

/* Opens its own connection to the store at path. */
int revcache_store_new(const char *path, struct revcache_store **rc_r, struct kerr *err);
void revcache_store_free(struct revcache_store **rc);
/* The ops to give revocation_new(); valid while rc lives. */
struct rev_cache_ops revcache_store_ops(struct revcache_store *rc);
/* From now on, calls from this thread go through store (borrowed: detach
 * before closing it); one connection attached at a time. fetching(arg)
 * (may be NULL) is called in this thread before each network fetch of the
 * revocation checker (rev_cache_ops.fetching): the sync commits its open
 * batch there. */
void revcache_store_attach(struct revcache_store *rc, struct store *store,
			   void (*fetching)(void *arg), void *arg);
void revcache_store_detach(struct revcache_store *rc);

#endif
