/* folder_list.c: the folder_lists table (see store_folder_list.h). */
#include "store_folder_list.h"

#include <stdlib.h>

#include "store_p.h"
#include "util.h"

int store_folders_get(struct store *s, const char *account, int64_t since_ms,
		      char ***names_r, size_t *n_r, struct kerr *err)
{
	char **names = NULL;
	size_t n = 0, i;
	sqlite3_stmt *st;
	int rc;

	*names_r = NULL;
	*n_r = 0;
	if (st_prepare(s, "SELECT f.name FROM folder_lists f JOIN accounts a ON a.id = f.account_id"
		       " WHERE a.name = :acc AND f.fetched_at >= :since ORDER BY f.idx",
		       &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	st_bind_int64(st, ":since", since_ms);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = st_col_str(st, 0);
	}
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot read the folder list");
		st_finalize(s, st);
		for (i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return -1;
	}
	st_finalize(s, st);
	*names_r = names;
	*n_r = n;
	return n > 0;
}

static int forget(struct store *s, int64_t acc, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "DELETE FROM folder_lists WHERE account_id = :acc", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	return st_run(s, st, "cannot drop the folder list", err);
}

int store_folders_put(struct store *s, const char *account, char *const *names, size_t n,
		      int64_t fetched_ms, struct kerr *err)
{
	sqlite3_stmt *st = NULL;
	struct st_tx tx;
	int64_t acc;
	size_t i;

	if (st_account_id(s, account, &acc, err) < 0 || st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (forget(s, acc, err) < 0)
		goto fail;
	if (n > 0 && st_prepare(s, "INSERT INTO folder_lists (account_id, idx, name, fetched_at)"
				" VALUES (:acc, :idx, :name, :at)", &st, err) < 0)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_reset(st);
		st_bind_int64(st, ":acc", acc);
		st_bind_int64(st, ":idx", (int64_t)i);
		st_bind_text(st, ":name", names[i]);
		st_bind_int64(st, ":at", fetched_ms);
		if (st_step_done(s, st, "cannot store the folder list", err) < 0)
			goto fail;
	}
	st_finalize(s, st);
	return st_tx_commit(s, &tx, err);
fail:
	st_finalize(s, st);
	st_tx_rollback(s, &tx);
	return -1;
}

int store_folders_forget(struct store *s, const char *account, struct kerr *err)
{
	int64_t acc;

	if (st_account_id(s, account, &acc, err) < 0)
		return -1;
	return forget(s, acc, err);
}
