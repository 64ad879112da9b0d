/* sql.c: statement, binding and error helpers (see store_p.h). */
#define ST_STMT_CACHE_IMPL /* the one place that finalizes */
#include "store_p.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "log.h"
#include "util.h"

/* SQLite's "disk I/O error" or "unable to open database file" says nothing
 * of the cause; the system's error behind it, or the file system the store
 * is on, often does: no space left, or mounted read-only. */
static const char *os_cause(struct store *s, int code)
{
	int e = sqlite3_system_errno(s->db);
	struct statvfs vfs;
	char *dir;
	int rc;

	if (code != SQLITE_IOERR && code != SQLITE_FULL && code != SQLITE_CANTOPEN &&
	    code != SQLITE_READONLY)
		return "";
	dir = xstrdup(s->path);
	rc = statvfs(dirname(dir), &vfs);
	free(dir);
	if (e == EROFS || (rc == 0 && (vfs.f_flag & ST_RDONLY)))
		return ": the store's file system is read-only";
	if (e == ENOSPC || (rc == 0 && vfs.f_bavail == 0))
		return ": no space left on the store's file system (disk full)";
	return "";
}

int st_err(struct store *s, struct kerr *err, const char *what)
{
	int code = sqlite3_errcode(s->db) & 0xff;
	enum kerr_class cls = KERR_STORE;

	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		cls = KERR_BUSY;
	return kerr_set(err, cls, "%s: %s%s (%s)", what, sqlite3_errmsg(s->db), os_cause(s, code),
			s->path);
}

int st_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt, struct kerr *err)
{
	struct st_cached *c, *victim = NULL;
	size_t i;

	s->tick++;
	for (i = 0; i < s->n_cache; i++) {
		c = &s->cache[i];
		if (c->busy)
			continue;
		if (strcmp(c->sql, sql) == 0) {
			c->busy = 1;
			c->used = s->tick;
			*stmt = c->stmt;
			return 0;
		}
		if (victim == NULL || c->used < victim->used)
			victim = c;
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) !=
	    SQLITE_OK) {
		*stmt = NULL;
		return st_err(s, err, "cannot prepare statement");
	}
	if (s->n_cache < ST_STMT_CACHE) {
		c = &s->cache[s->n_cache++];
	} else if (victim != NULL) {
		c = victim;
		sqlite3_finalize(c->stmt);
		free(c->sql);
	} else {
		return 0; /* every slot is in use: this one is finalized when given back */
	}
	c->sql = xstrdup(sql);
	c->stmt = *stmt;
	c->busy = 1;
	c->used = s->tick;
	return 0;
}

void st_finalize(struct store *s, sqlite3_stmt *stmt)
{
	size_t i;

	if (stmt == NULL)
		return;
	for (i = 0; i < s->n_cache; i++) {
		if (s->cache[i].stmt == stmt) {
			sqlite3_reset(stmt);
			sqlite3_clear_bindings(stmt);
			s->cache[i].busy = 0;
			return;
		}
	}
	sqlite3_finalize(stmt);
}

void st_cache_clear(struct store *s)
{
	size_t i;

	for (i = 0; i < s->n_cache; i++) {
		sqlite3_finalize(s->cache[i].stmt);
		free(s->cache[i].sql);
	}
	s->n_cache = 0;
}

void store_forget_statements(struct store *s)
{
	st_cache_clear(s);
}

char *store_explain_statements(struct store *s, struct kerr *err)
{
	struct kbuf b = { 0 };
	size_t i;

	for (i = 0; i < s->n_cache; i++) {
		char *sql = xasprintf("EXPLAIN QUERY PLAN %s", s->cache[i].sql);
		sqlite3_stmt *st;
		int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL);

		free(sql);
		if (rc != SQLITE_OK) {
			kbuf_free(&b);
			st_err(s, err, "cannot explain a statement");
			return NULL;
		}
		kbuf_append_str(&b, s->cache[i].sql);
		kbuf_append_str(&b, "\n");
		while (sqlite3_step(st) == SQLITE_ROW) {
			kbuf_append_str(&b, "  ");
			kbuf_append_str(&b, (const char *)sqlite3_column_text(st, 3));
			kbuf_append_str(&b, "\n");
		}
		sqlite3_finalize(st);
	}
	return (char *)kbuf_cstr(&b);
}

int st_exec(struct store *s, const char *sql, struct kerr *err)
{
	char *msg = NULL;
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK) {
		kerr_set(err, (rc & 0xff) == SQLITE_BUSY ? KERR_BUSY : KERR_STORE, "%s%s (%s)",
			 msg != NULL ? msg : sqlite3_errstr(rc), os_cause(s, rc & 0xff), s->path);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int st_step_done(struct store *s, sqlite3_stmt *stmt, const char *what, struct kerr *err)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return st_err(s, err, what);
	return 0;
}

int st_run(struct store *s, sqlite3_stmt *stmt, const char *what, struct kerr *err)
{
	int ret = st_step_done(s, stmt, what, err);

	st_finalize(s, stmt);
	return ret;
}

int st_seq_insert(struct store *s, const char *sql, int64_t id, int64_t n, const char *text,
		  struct kerr *err)
{
	sqlite3_stmt *st;

	if (text == NULL && n < 0)
		return 0;
	if (st_prepare(s, sql, &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	if (text != NULL)
		st_bind_text(st, ":text", text);
	else
		st_bind_int64(st, ":n", n);
	return st_run(s, st, "cannot store the sequence number", err);
}

int st_run_insert(struct store *s, sqlite3_stmt *stmt, int64_t *id_r, const char *what,
		  struct kerr *err)
{
	if (st_run(s, stmt, what, err) < 0)
		return -1;
	*id_r = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int st_step_id(struct store *s, sqlite3_stmt *stmt, int64_t *id_r, const char *what,
	       struct kerr *err)
{
	int rc = sqlite3_step(stmt);

	if (rc == SQLITE_ROW && id_r != NULL)
		*id_r = sqlite3_column_int64(stmt, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		st_err(s, err, what);
	st_finalize(s, stmt);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int st_step_ids(struct store *s, sqlite3_stmt *stmt, int64_t **ids_r, size_t *n_r,
		const char *what, struct kerr *err)
{
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = sqlite3_column_int64(stmt, 0);
	}
	if (rc != SQLITE_DONE)
		st_err(s, err, what);
	st_finalize(s, stmt);
	if (rc != SQLITE_DONE) {
		free(ids);
		return -1;
	}
	*ids_r = ids;
	*n_r = n;
	return 0;
}

int st_fault(struct store *s, const char *what, struct kerr *err)
{
	if (s->fail_countdown > 0 && --s->fail_countdown == 0)
		return kerr_set(err, KERR_STORE, "%s: injected failure (test)", what);
	return 0;
}

static int param(sqlite3_stmt *st, const char *name)
{
	int i = sqlite3_bind_parameter_index(st, name);

	if (i == 0) {
		log_error("store: statement has no parameter %s: %s", name, sqlite3_sql(st));
		abort();
	}
	return i;
}

static void check_bind(sqlite3_stmt *st, const char *name, int rc)
{
	if (rc != SQLITE_OK) {
		log_error("store: cannot bind %s: %s", name, sqlite3_errstr(rc));
		abort();
	}
}

void st_bind_text(sqlite3_stmt *st, const char *name, const char *v)
{
	int i = param(st, name);

	check_bind(st, name, v == NULL ? sqlite3_bind_null(st, i)
		   : sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT));
}

void st_bind_int64(sqlite3_stmt *st, const char *name, int64_t v)
{
	check_bind(st, name, sqlite3_bind_int64(st, param(st, name), v));
}

void st_bind_time(sqlite3_stmt *st, const char *name, int64_t ms)
{
	if (ms == 0)
		st_bind_null(st, name);
	else
		st_bind_int64(st, name, ms);
}

void st_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t len)
{
	/* An empty blob is still a blob, not NULL. */
	check_bind(st, name, sqlite3_bind_blob64(st, param(st, name), len ? p : "", len,
						  SQLITE_TRANSIENT));
}

void st_bind_null(sqlite3_stmt *st, const char *name)
{
	check_bind(st, name, sqlite3_bind_null(st, param(st, name)));
}

void st_bind_zeroblob(sqlite3_stmt *st, const char *name, int64_t size)
{
	/* Not check_bind(): a size over SQLite's limit (SQLITE_TOOBIG) leaves the
	 * column NULL, and st_blob_fill() then fails with a message, not an abort. */
	(void)sqlite3_bind_zeroblob64(st, param(st, name), (sqlite3_uint64)size);
}

char *st_col_str(sqlite3_stmt *st, int col)
{
	const unsigned char *v = sqlite3_column_text(st, col);

	return v != NULL ? xstrdup((const char *)v) : NULL;
}

int64_t st_col_int64(sqlite3_stmt *st, int col)
{
	return sqlite3_column_int64(st, col);
}

void st_col_sha256(sqlite3_stmt *st, int col, unsigned char out[32])
{
	const void *p = sqlite3_column_blob(st, col);

	if (p != NULL && sqlite3_column_bytes(st, col) == 32)
		memcpy(out, p, 32);
	else
		memset(out, 0, 32);
}

int st_tx_begin(struct store *s, struct st_tx *tx, struct kerr *err)
{
	tx->savepoint = !sqlite3_get_autocommit(s->db);
	return st_exec(s, tx->savepoint ? "SAVEPOINT st_tx" : "BEGIN IMMEDIATE", err);
}

int st_tx_commit(struct store *s, struct st_tx *tx, struct kerr *err)
{
	if (st_exec(s, tx->savepoint ? "RELEASE st_tx" : "COMMIT", err) < 0) {
		st_tx_rollback(s, tx);
		return -1;
	}
	return 0;
}

void st_tx_rollback(struct store *s, struct st_tx *tx)
{
	if (tx->savepoint)
		(void)sqlite3_exec(s->db, "ROLLBACK TO st_tx; RELEASE st_tx", NULL, NULL, NULL);
	else if (!sqlite3_get_autocommit(s->db))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
