/* sync_state.c: the sync_state table (see store_sync_state.h). */
#include "store_sync_state.h"

#include <stdlib.h>
#include <string.h>

#include "store_p.h"

int store_sync_get(struct store *s, const char *account, const char *folder,
		   struct store_sync_state *state, struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(state, 0, sizeof(*state));
	if (st_prepare(s, "SELECT window_end, last_run, last_error, consecutive_failures"
		       " FROM sync_state ss JOIN accounts a ON a.id = ss.account_id"
		       " WHERE a.name = :acc AND ss.folder = :folder", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	st_bind_text(st, ":folder", folder);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		state->window_end = st_col_int64(st, 0);
		state->last_run = st_col_int64(st, 1);
		state->last_error = st_col_str(st, 2);
		state->consecutive_failures = st_col_int64(st, 3);
	} else if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot read sync state");
	}
	st_finalize(s, st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int record(struct store *s, const char *sql, const char *account, const char *folder,
		  int64_t window_end, int64_t run_time, const char *error, struct kerr *err)
{
	sqlite3_stmt *st;
	int64_t acc;

	if (st_account_id(s, account, &acc, err) < 0 || st_prepare(s, sql, &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	st_bind_text(st, ":folder", folder);
	st_bind_time(st, ":run", run_time);
	if (error != NULL)
		st_bind_text(st, ":error", error);
	else
		st_bind_time(st, ":window_end", window_end);
	return st_run(s, st, "cannot record sync state", err);
}

int store_sync_success(struct store *s, const char *account, const char *folder,
		       int64_t window_end, int64_t run_time, struct kerr *err)
{
	return record(s, "INSERT INTO sync_state (account_id, folder, window_end, last_run,"
		      " last_error, consecutive_failures) VALUES (:acc, :folder, :window_end,"
		      " :run, NULL, 0) ON CONFLICT (account_id, folder) DO UPDATE SET"
		      " window_end = excluded.window_end, last_run = excluded.last_run,"
		      " last_error = NULL, consecutive_failures = 0",
		      account, folder, window_end, run_time, NULL, err);
}

int store_sync_failure(struct store *s, const char *account, const char *folder,
		       int64_t run_time, const char *error, struct kerr *err)
{
	return record(s, "INSERT INTO sync_state (account_id, folder, last_run, last_error,"
		      " consecutive_failures) VALUES (:acc, :folder, :run, :error, 1)"
		      " ON CONFLICT (account_id, folder) DO UPDATE SET"
		      " last_run = excluded.last_run, last_error = excluded.last_error,"
		      " consecutive_failures = consecutive_failures + 1",
		      account, folder, 0, run_time, error != NULL ? error : "unknown error", err);
}

void store_sync_state_clear(struct store_sync_state *state)
{
	free(state->last_error);
	memset(state, 0, sizeof(*state));
}
