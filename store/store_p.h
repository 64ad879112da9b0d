/* store_p.h: private helpers shared by the store's files. Not for callers
 * outside store/.
 *
 * Bind helpers take a named parameter (":name"); a name missing from the
 * statement is a programming error and aborts, so call sites stay short and
 * a typo is caught by the first test that runs the statement. */
#ifndef KEP_STORE_P_H
#define KEP_STORE_P_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Statements come from st_prepare() and go back with st_finalize(): a
 * direct sqlite3_finalize() would free a statement the cache still holds. */
#ifndef ST_STMT_CACHE_IMPL
#define sqlite3_finalize(stmt) use_st_finalize_not_sqlite3_finalize(stmt)
#endif

/* Prepared statements are kept per connection and handed out again for the
 * same SQL text (a status lookup prepares six; preparing cost more than
 * running them). A statement is the caller's from st_prepare() until
 * st_finalize(), which resets it and clears its bindings for the next use. */
#define ST_STMT_CACHE 64
struct st_cached {
	char *sql;
	sqlite3_stmt *stmt;
	int busy;
	uint64_t used;     /* s->tick at its last hand-out: the least recent goes first */
};

struct store {
	sqlite3 *db;
	char *path;
	int fail_countdown;   /* store_test_fail_at_step() */
	struct st_cached cache[ST_STMT_CACHE];
	size_t n_cache;
	uint64_t tick;
};

/* Fills err from the connection's last error (KERR_BUSY when locked). */
int st_err(struct store *s, struct kerr *err, const char *what);
/* A statement for sql: a cached one when it is free, else a new one. Give it
 * back with st_finalize() (never sqlite3_finalize()). */
int st_prepare(struct store *s, const char *sql, sqlite3_stmt **stmt, struct kerr *err);
/* Returns a statement from st_prepare() (reset and unbound when cached,
 * finalized otherwise); NULL-safe. */
void st_finalize(struct store *s, sqlite3_stmt *stmt);
/* Finalizes every cached statement (before the connection closes). */
void st_cache_clear(struct store *s);
/* Runs static SQL without parameters (may hold several statements). */
int st_exec(struct store *s, const char *sql, struct kerr *err);
/* Steps a statement that returns no rows; resets nothing. */
int st_step_done(struct store *s, sqlite3_stmt *stmt, const char *what, struct kerr *err);
/* Steps a statement that returns no rows and gives it back (st_finalize):
 * the one ending of a write. sqlite3_changes() still counts its rows. */
int st_run(struct store *s, sqlite3_stmt *stmt, const char *what, struct kerr *err);
/* st_run() for an INSERT: on success *id_r is the new row's id. */
int st_run_insert(struct store *s, sqlite3_stmt *stmt, int64_t *id_r, const char *what,
		  struct kerr *err);
/* Steps a statement selecting one id; finalizes it. Returns 1 with *id_r set
 * (id_r may be NULL) when a row was found, 0 when none, -1 on error. */
int st_step_id(struct store *s, sqlite3_stmt *stmt, int64_t *id_r, const char *what,
	       struct kerr *err);
/* Steps a statement to its end collecting column 0 of each row as an id;
 * finalizes it. *ids_r (NULL when none) is the caller's to free. */
int st_step_ids(struct store *s, sqlite3_stmt *stmt, int64_t **ids_r, size_t *n_r,
		const char *what, struct kerr *err);
/* A provider's sequence number into its side table (package_seq v14,
 * evidence_seq v17): sql is an INSERT with :id, :n and :text; the number n,
 * or text when not NULL (a value that was not a plain number); no row when
 * there is neither (text NULL and n < 0). */
int st_seq_insert(struct store *s, const char *sql, int64_t id, int64_t n, const char *text,
		  struct kerr *err);
/* Counts a write step for store_test_fail_at_step(); -1 when it must fail. */
int st_fault(struct store *s, const char *what, struct kerr *err);

void st_bind_text(sqlite3_stmt *st, const char *name, const char *v);   /* NULL -> NULL */
void st_bind_int64(sqlite3_stmt *st, const char *name, int64_t v);
void st_bind_time(sqlite3_stmt *st, const char *name, int64_t ms);     /* 0 -> NULL */
void st_bind_blob(sqlite3_stmt *st, const char *name, const void *p, size_t len);
void st_bind_null(sqlite3_stmt *st, const char *name);
/* A blob of size zero bytes, filled afterwards by st_blob_fill(). */
void st_bind_zeroblob(sqlite3_stmt *st, const char *name, int64_t size);

/* Column readers: NULL column -> NULL / 0. Strings are xstrdup'ed. */
char *st_col_str(sqlite3_stmt *st, int col);
int64_t st_col_int64(sqlite3_stmt *st, int col);
/* Copies a 32-byte digest column; zeros when NULL or of another size. */
void st_col_sha256(sqlite3_stmt *st, int col, unsigned char out[32]);

/* Composite-write scope: BEGIN IMMEDIATE, or a savepoint when the caller
 * already holds a transaction (store_begin). */
struct st_tx {
	int savepoint;
};
int st_tx_begin(struct store *s, struct st_tx *tx, struct kerr *err);
int st_tx_commit(struct store *s, struct st_tx *tx, struct kerr *err);
void st_tx_rollback(struct store *s, struct st_tx *tx);

/* Resolves an account name to its id; KERR_NOTFOUND when unknown. */
int st_account_id(struct store *s, const char *name, int64_t *id_r, struct kerr *err);

#endif
