/* evidence_pending.c: see store_evidence_pending.h. */
#include "store_evidence_pending.h"

#include <stdlib.h>

#include "store_p.h"
#include "util.h"

int store_evidence_pending_list(struct store *s, const char *account, const char *folder,
				int64_t since_ms, int64_t due_ms, size_t limit,
				struct store_evidence_pending **rows_r, size_t *n_r,
				struct kerr *err)
{
	struct store_evidence_pending *rows = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st;
	int rc;

	*rows_r = NULL;
	*n_r = 0;
	if (st_prepare(s, "SELECT p.id, p.kep_id, COALESCE(q.kep_sira_no, -1) FROM packages p"
		       " JOIN accounts a ON a.id = p.account_id"
		       " LEFT JOIN package_seq q ON q.package_id = p.id"
		       " LEFT JOIN package_details d ON d.package_id = p.id"
		       " WHERE a.name = :acc AND p.folder = :folder"
		       " AND COALESCE(NULLIF(d.provider_time, 0), p.stored_at) >= :since"
		       " AND NOT EXISTS (SELECT 1 FROM evidence_final f WHERE f.package_id = p.id)"
		       " AND NOT EXISTS (SELECT 1 FROM evidence_polls e WHERE e.package_id = p.id"
		       "  AND e.due_at > :due)"
		       " ORDER BY p.id LIMIT :limit", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	st_bind_text(st, ":folder", folder);
	st_bind_int64(st, ":since", since_ms);
	st_bind_int64(st, ":due", due_ms);
	st_bind_int64(st, ":limit", limit ? (int64_t)limit : 1000);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			rows = xrealloc(rows, cap * sizeof(*rows));
		}
		rows[n].package_id = st_col_int64(st, 0);
		rows[n].kep_id = st_col_str(st, 1);
		rows[n].provider_seq = st_col_int64(st, 2);
		n++;
	}
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot list packages with pending evidence");
		st_finalize(s, st);
		store_evidence_pending_free(&rows, n);
		return -1;
	}
	st_finalize(s, st);
	*rows_r = rows;
	*n_r = n;
	return 0;
}

void store_evidence_pending_free(struct store_evidence_pending **rows, size_t n)
{
	size_t i;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*rows)[i].kep_id);
	}
	free(*rows);
	*rows = NULL;
}

int store_evidence_final_mark(struct store *s, int64_t package_id, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "INSERT OR IGNORE INTO evidence_final (package_id, marked_at)"
		       " VALUES (:pkg, :now)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_int64(st, ":now", now_ms());
	return st_run(s, st, "cannot mark the evidence final", err);
}

int store_evidence_poll_interval(struct store *s, int64_t package_id, int64_t *interval_ms_r,
				 struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	*interval_ms_r = 0;
	if (st_prepare(s, "SELECT interval_ms FROM evidence_polls WHERE package_id = :pkg", &st,
		       err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*interval_ms_r = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		st_err(s, err, "cannot read the evidence poll schedule");
	st_finalize(s, st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int store_evidence_poll_set(struct store *s, int64_t package_id, int64_t due_ms,
			    int64_t interval_ms, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "INSERT INTO evidence_polls (package_id, due_at, interval_ms, polled_at)"
		       " VALUES (:pkg, :due, :interval, :now) ON CONFLICT (package_id) DO UPDATE"
		       " SET due_at = excluded.due_at, interval_ms = excluded.interval_ms,"
		       " polled_at = excluded.polled_at", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_int64(st, ":due", due_ms);
	st_bind_int64(st, ":interval", interval_ms);
	st_bind_int64(st, ":now", now_ms());
	return st_run(s, st, "cannot record the evidence poll schedule", err);
}
