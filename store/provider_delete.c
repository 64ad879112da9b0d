/* provider_delete.c: see store_provider_delete.h. */
#include "store_provider_delete.h"

#include <stdlib.h>

#include "store_p.h"
#include "store_package.h"
#include "util.h"

static int set_state(struct store *s, int64_t package_id, const char *state, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "INSERT INTO provider_deletions (package_id, state, updated_at)"
		       " VALUES (:pkg, :state, :now) ON CONFLICT (package_id) DO UPDATE"
		       " SET state = excluded.state, updated_at = excluded.updated_at",
		       &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_text(st, ":state", state);
	st_bind_int64(st, ":now", now_ms());
	return st_run(s, st, "cannot record the provider deletion", err);
}

int store_package_ack_done(struct store *s, int64_t package_id, int delete_due,
			   struct kerr *err)
{
	struct st_tx tx;

	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (store_package_set_ack(s, package_id, STORE_ACK_DONE, 0, err) < 0 ||
	    (delete_due && set_state(s, package_id, "due", err) < 0)) {
		st_tx_rollback(s, &tx);
		return -1;
	}
	return st_tx_commit(s, &tx, err);
}

int store_provider_delete_done(struct store *s, int64_t package_id, struct kerr *err)
{
	return set_state(s, package_id, "done", err);
}

int store_provider_delete_due(struct store *s, const char *account, size_t limit,
			      int64_t **ids_r, size_t *n_r, struct kerr *err)
{
	sqlite3_stmt *st;

	*ids_r = NULL;
	*n_r = 0;
	if (st_prepare(s, "SELECT d.package_id FROM provider_deletions d"
		       " JOIN packages p ON p.id = d.package_id"
		       " JOIN accounts a ON a.id = p.account_id"
		       " WHERE d.state = 'due' AND a.name = :acc"
		       " ORDER BY d.package_id LIMIT :limit", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	st_bind_int64(st, ":limit", limit ? (int64_t)limit : 1000);
	return st_step_ids(s, st, ids_r, n_r, "cannot list the provider deletions due", err);
}
