/* queue_ack_due.c: see store_queue_ack_due.h. */
#include "store_queue_ack_due.h"

#include "store_p.h"
#include "store_queue.h"


int store_queue_ack_due(struct store *s, int64_t package_id, const char *actor,
			struct kerr *err)
{
	struct st_tx tx;
	sqlite3_stmt *st;

	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (store_queue_ack(s, package_id, actor, err) < 0)
		goto fail;
	if (st_prepare(s, "UPDATE packages SET provider_ack = 'due', provider_ack_time = NULL"
		       " WHERE provider_ack = 'none' AND id = :pkg", &st, err) < 0)
		goto fail;
	st_bind_int64(st, ":pkg", package_id);
	if (st_step_done(s, st, "cannot mark the provider acknowledgement due", err) < 0) {
		st_finalize(s, st);
		goto fail;
	}
	st_finalize(s, st);
	return st_tx_commit(s, &tx, err);
fail:
	st_tx_rollback(s, &tx);
	return -1;
}
