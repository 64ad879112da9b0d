/* store.c: opening the database file safely, pragmas, transactions. */
#include "store_p.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_migrate.h"
#include "util.h"

#define BUSY_TIMEOUT_MS 10000
#define STORE_PAGE_SIZE "8192"

/* The database holds messages and evidence: only its owner may read it. */
static int check_mode(const char *path, const struct stat *sb, struct kerr *err)
{
	if (!S_ISREG(sb->st_mode))
		return kerr_set(err, KERR_STORE, "%s is not a regular file", path);
	if (sb->st_mode & 077)
		return kerr_set(err, KERR_STORE,
				"%s is accessible by group or others (mode %04o); it holds "
				"messages and evidence: run 'chmod 600 %s'",
				path, (unsigned)(sb->st_mode & 07777), path);
	return 0;
}

/* Creates the file with 0600 ourselves so SQLite never creates it with the
 * umask's mode; refuses symlinks and open existing files. */
static int prepare_file(const char *path, struct kerr *err)
{
	static const char *const sidecars[] = { "-wal", "-shm", "-journal" };
	struct stat sb;
	size_t i;
	int fd;

	/* An existing file is only lstat()ed, never opened: close() of any
	 * descriptor of the file drops every POSIX lock this process holds on
	 * it, including those of SQLite connections other threads have open
	 * (the daemon opens one per thread), which loses their WAL locks. */
	if (lstat(path, &sb) < 0) {
		if (errno != ENOENT)
			return kerr_errno(err, KERR_STORE, errno, "cannot stat %s", path);
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			return kerr_errno(err, KERR_STORE, errno, "cannot create database %s", path);
		if (fd >= 0)
			close(fd);
		if (lstat(path, &sb) < 0)
			return kerr_errno(err, KERR_STORE, errno, "cannot stat %s", path);
	}
	if (S_ISLNK(sb.st_mode))
		return kerr_set(err, KERR_STORE, "%s is a symbolic link", path);
	if (check_mode(path, &sb, err) < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(sidecars); i++) {
		char *side = xasprintf("%s%s", path, sidecars[i]);
		int rc = 0;

		if (lstat(side, &sb) == 0)
			rc = check_mode(side, &sb, err);
		free(side);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int set_pragmas(struct store *s, struct kerr *err)
{
	sqlite3_stmt *st;
	const unsigned char *mode;
	int ok;

	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	/* FULL: a package is acknowledged to the provider only after it is on
	 * disk, so a commit must survive a power loss. */
	if (st_exec(s, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL", err) < 0)
		return -1;
	/* SQLite's own temporaries (the statement journal of a savepoint in a
	 * batch of packages, sorts) in memory, never files in $TMPDIR: they
	 * hold pages of mail (tests/refresh-files.sh). Measured (strace -f,
	 * 300 received packages of 170 KB, batched): as a file the statement
	 * journal took 60-64 pwrite and 217-283 KB per package, the whole rise
	 * of pwrite per package that batching brought (44dfabe), also with a
	 * 16 MB page cache (not a cache spill); in memory it costs about that
	 * much RAM per package of the open batch, freed at its commit. */
	if (st_exec(s, "PRAGMA temp_store = MEMORY", err) < 0)
		return -1;
	/* A new store's page size (an existing one keeps its own): packages
	 * are blobs of hundreds of KB, and with 4 KB pages each one cost ~390
	 * separate writes (8 KB: ~220; 16 KB lets SQLite's cache pass 8 MB
	 * while streaming a 25 MB blob, tests/test-store-package). Must precede
	 * the switch to WAL. */
	if (st_exec(s, "PRAGMA page_size = " STORE_PAGE_SIZE, err) < 0)
		return -1;
	if (st_prepare(s, "PRAGMA journal_mode = WAL", &st, err) < 0)
		return -1;
	ok = sqlite3_step(st) == SQLITE_ROW;
	mode = ok ? sqlite3_column_text(st, 0) : NULL;
	ok = mode != NULL && sqlite3_stricmp((const char *)mode, "wal") == 0;
	st_finalize(s, st);
	if (!ok)
		return st_err(s, err, "cannot switch to WAL journal mode");
	return 0;
}

/* Opens the file (permission checks, pragmas) without migrating. */
static int open_unmigrated(const char *path, struct store **store_r, struct kerr *err)
{
	struct store *s;

	if (prepare_file(path, err) < 0)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->path = xstrdup(path);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW |
			    SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		if (s->db == NULL)
			kerr_set(err, KERR_NOMEM, "cannot open database %s", path);
		else
			st_err(s, err, "cannot open database");
		store_close(&s);
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 1);
	if (set_pragmas(s, err) < 0) {
		store_close(&s);
		return -1;
	}
	*store_r = s;
	return 0;
}

int store_open_at_version(const char *path, int version, struct store **store_r,
			  struct kerr *err)
{
	struct store *s;

	if (open_unmigrated(path, &s, err) < 0)
		return -1;
	if (store_migrate_to(s, version, err) < 0) {
		store_close(&s);
		return -1;
	}
	*store_r = s;
	return 0;
}

int store_open(const char *path, struct store **store_r, struct kerr *err)
{
	return store_open_at_version(path, STORE_SCHEMA_VERSION, store_r, err);
}

void store_close(struct store **store)
{
	struct store *s = *store;

	if (s == NULL)
		return;
	st_cache_clear(s);
	if (s->db != NULL)
		sqlite3_close_v2(s->db);
	free(s->path);
	free(s);
	*store = NULL;
}

int store_begin(struct store *s, struct kerr *err)
{
	if (!sqlite3_get_autocommit(s->db))
		return kerr_set(err, KERR_USAGE, "store_begin: a transaction is already open");
	return st_exec(s, "BEGIN IMMEDIATE", err);
}

int store_commit(struct store *s, struct kerr *err)
{
	if (st_exec(s, "COMMIT", err) < 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Cached statements: a status lookup opens one per request. */
int store_read_begin(struct store *s, struct kerr *err)
{
	sqlite3_stmt *st;

	if (!sqlite3_get_autocommit(s->db))
		return kerr_set(err, KERR_USAGE, "store_read_begin: a transaction is already open");
	if (st_prepare(s, "BEGIN DEFERRED", &st, err) < 0)
		return -1;
	return st_step_id(s, st, NULL, "cannot begin a read", err) < 0 ? -1 : 0;
}

void store_read_end(struct store *s)
{
	sqlite3_stmt *st;
	struct kerr err;

	if (sqlite3_get_autocommit(s->db))
		return;
	if (st_prepare(s, "COMMIT", &st, &err) < 0 ||
	    st_step_id(s, st, NULL, "cannot end a read", &err) < 0)
		store_rollback(s);
}

int store_map_reads(struct store *s, int64_t bytes, struct kerr *err)
{
	char sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA mmap_size = %lld", (long long)bytes);
	return st_exec(s, sql, err);
}

int store_in_transaction(const struct store *s)
{
	return !sqlite3_get_autocommit(s->db);
}

const char *store_path(const struct store *s)
{
	return s->path;
}

void store_test_fail_at_step(struct store *s, int n)
{
	s->fail_countdown = n;
}
