/* audit.c: the audit log (see store_audit.h). */
#include "store_audit.h"

#include <stdlib.h>

#include "store_p.h"
#include "util.h"

int store_audit_append(struct store *s, const char *actor, const char *action,
		       const char *account, const char *object, const char *detail,
		       struct kerr *err)
{
	sqlite3_stmt *st;

	if (actor == NULL || action == NULL)
		return kerr_set(err, KERR_USAGE, "audit: actor and action are required");
	if (st_prepare(s, "INSERT INTO audit_log (time, actor, action, account, object, detail)"
		       " VALUES (:time, :actor, :action, :account, :object, :detail)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":time", now_ms());
	st_bind_text(st, ":actor", actor);
	st_bind_text(st, ":action", action);
	st_bind_text(st, ":account", account);
	st_bind_text(st, ":object", object);
	st_bind_text(st, ":detail", detail);
	return st_run(s, st, "cannot append to the audit log", err);
}

int store_audit_list(struct store *s, const struct store_audit_filter *f,
		     struct store_audit_row **rows_r, size_t *n_r, struct kerr *err)
{
	struct store_audit_row *rows = NULL;
	sqlite3_stmt *st;
	size_t n = 0, limit = f->limit ? f->limit : 100;
	int rc;

	if (st_prepare(s, "SELECT id, time, actor, action, account, object, detail"
		       " FROM audit_log WHERE id > :after AND time >= :since"
		       " AND (:account IS NULL OR account = :account)"
		       " ORDER BY id LIMIT :limit", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":after", f->after_id);
	st_bind_int64(st, ":since", f->since);
	st_bind_text(st, ":account", f->account);
	st_bind_int64(st, ":limit", (int64_t)limit);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_audit_row *r;

		rows = xrealloc(rows, (n + 1) * sizeof(*rows));
		r = &rows[n++];
		r->id = st_col_int64(st, 0);
		r->time = st_col_int64(st, 1);
		r->actor = st_col_str(st, 2);
		r->action = st_col_str(st, 3);
		r->account = st_col_str(st, 4);
		r->object = st_col_str(st, 5);
		r->detail = st_col_str(st, 6);
	}
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot list the audit log");
		st_finalize(s, st);
		store_audit_rows_free(&rows, n);
		return -1;
	}
	st_finalize(s, st);
	*rows_r = rows;
	*n_r = n;
	return 0;
}

void store_audit_rows_free(struct store_audit_row **rows, size_t n)
{
	size_t i;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*rows)[i].actor);
		free((*rows)[i].action);
		free((*rows)[i].account);
		free((*rows)[i].object);
		free((*rows)[i].detail);
	}
	free(*rows);
	*rows = NULL;
}
