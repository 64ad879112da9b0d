/* store.h: the SQLite store of kepagent: opening, closing, transactions.
 *
 * A struct store is one connection to one database file. store_open()
 * creates the file with mode 0600 when missing, refuses an existing file
 * readable or writable by group or others, sets WAL, foreign keys and a 10 s
 * busy timeout, and migrates the schema to the newest version (see
 * store_migrate.h). A database newer than this code is refused.
 *
 * Times are milliseconds since the epoch (int64_t); 0 means "unknown" and is
 * stored as NULL. Strings are UTF-8.
 *
 * Thread safety: a struct store must be used by one thread at a time; open one
 * per thread or process. Several processes may share the file: writers take
 * the write lock up front (BEGIN IMMEDIATE) and wait up to the busy timeout. */
#ifndef KEP_STORE_H
#define KEP_STORE_H

#include <stdint.h>

#include "err.h"

struct store;

/* Opens (creating when needed) and migrates to STORE_SCHEMA_VERSION.
 * On success *store_r is owned by the caller: store_close() it. */
int store_open(const char *path, struct store **store_r, struct kerr *err);
/* Closes and frees; sets *store to NULL. NULL is fine. */
void store_close(struct store **store);

/* Explicit transaction for composite writes: store_begin() takes the write
 * lock (BEGIN IMMEDIATE). Functions of this module called inside it join it
 * (as savepoints), so a rollback undoes them all. Not nestable. */
int store_begin(struct store *store, struct kerr *err);
int store_commit(struct store *store, struct kerr *err);
/* Never fails in a way the caller can act on; safe without a transaction. */
void store_rollback(struct store *store);
/* 1 while a transaction is open on this connection: from store_begin()
 * until it is committed or rolled back, by the caller or by SQLite itself
 * (which rolls a whole transaction back after some errors: a full disk, an
 * I/O error). */
int store_in_transaction(const struct store *store);

/* A read snapshot: the statements between store_read_begin() and
 * store_read_end() see one state of the store and share one read lock (a
 * lookup of several statements otherwise takes and drops the WAL read lock
 * for each). Writes inside it are not allowed. store_read_end() never fails
 * in a way the caller can act on. Not nestable, not inside store_begin(). */
int store_read_begin(struct store *store, struct kerr *err);
void store_read_end(struct store *store);

/* Reads the first bytes of the file through a shared read-only memory map
 * (PRAGMA mmap_size) instead of copying each page into the connection's
 * own cache: for the daemon's many lookup connections, which would each
 * hold a copy of the same hot pages. SQLite caps bytes at its
 * SQLITE_MAX_MMAP_SIZE; pages beyond it and in the WAL are still read.
 * The cost: an I/O error on a mapped page is a SIGBUS, not an error code. */
int store_map_reads(struct store *store, int64_t bytes, struct kerr *err);

/* The path given to store_open(); owned by the store. */
const char *store_path(const struct store *store);

/* Testing only: drop the connection's prepared statements; then the query
 * plan (EXPLAIN QUERY PLAN) of each statement prepared since, as "SQL" and
 * one indented line per plan row. Free the text. */
void store_forget_statements(struct store *store);
char *store_explain_statements(struct store *store, struct kerr *err);

/* Testing only: make the n-th following write step of a composite write
 * (package or evidence insert) fail as if SQLite had failed; 0 disables. */
void store_test_fail_at_step(struct store *store, int n);

#endif
