/* quota.c: the quota_state table (see store_quota.h). */
#include "store_quota.h"

#include "store_p.h"

int store_quota_get(struct store *s, const char *account, struct store_quota *q,
		    struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	if (st_prepare(s, "SELECT q.used_kb, q.total_kb, q.credit, q.asked_at FROM quota_state q"
		       " JOIN accounts a ON a.id = q.account_id WHERE a.name = :acc", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		q->used_kb = st_col_int64(st, 0);
		q->total_kb = st_col_int64(st, 1);
		q->credit = st_col_int64(st, 2);
		q->asked_at = st_col_int64(st, 3);
	} else if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot read the stored quota");
	}
	st_finalize(s, st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int store_quota_put(struct store *s, const char *account, const struct store_quota *q,
		    struct kerr *err)
{
	sqlite3_stmt *st;
	int64_t acc;

	if (st_account_id(s, account, &acc, err) < 0)
		return -1;
	if (st_prepare(s, "INSERT OR REPLACE INTO quota_state (account_id, used_kb, total_kb,"
		       " credit, asked_at) VALUES (:acc, :used, :total, :credit, :at)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	st_bind_int64(st, ":used", q->used_kb);
	st_bind_int64(st, ":total", q->total_kb);
	st_bind_int64(st, ":credit", q->credit);
	st_bind_int64(st, ":at", q->asked_at);
	return st_run(s, st, "cannot store the quota", err);
}
