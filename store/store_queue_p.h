/* store_queue_p.h: queue internals shared inside store/ (enqueueing in a
 * caller's transaction, reading queue rows). */
#ifndef KEP_STORE_QUEUE_P_H
#define KEP_STORE_QUEUE_P_H

#include "store_p.h"

/* Adds the package as pending; a package already queued is left alone. */
int st_queue_enqueue(struct store *s, int64_t package_id, struct kerr *err);

struct store_queue_item;
/* Reads the first 11 columns of a row selected with ST_QUEUE_ITEM_COLUMNS
 * into it (strings newly allocated). */
#define ST_QUEUE_ITEM_COLUMNS "q.id, q.package_id, a.name, q.state, q.lease_owner," \
	" q.lease_expires, q.not_before, q.attempts, q.last_reason, q.created_at," \
	" q.updated_at"
void st_queue_read_item(sqlite3_stmt *st, struct store_queue_item *it);

#endif
