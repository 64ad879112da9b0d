/* store_queue_p.h: enqueueing inside a caller's transaction (private to store/). */
#ifndef KEP_STORE_QUEUE_P_H
#define KEP_STORE_QUEUE_P_H

#include "store_p.h"

/* Adds the package as pending; a package already queued is left alone. */
int st_queue_enqueue(struct store *s, int64_t package_id, struct kerr *err);

#endif
