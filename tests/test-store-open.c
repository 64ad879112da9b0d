/* Unit tests of opening the store: file mode, pragmas, schema versions and
 * upgrades from every earlier version with data kept. */
#include "test-store-util.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "store_audit.h"
#include "store_evidence.h"
#include "store_kep_id_reuse.h"
#include "store_queue.h"
#include "store_verification.h"

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	return db;
}

static void raw_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static long long raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void test_fresh(void **state)
{
	struct tstore *t = *state;
	struct store_verification v = { .check = "x", .verdict = "valid" };
	struct kerr err = { 0 };
	struct stat sb;
	sqlite3 *db;
	sqlite3_stmt *st;
	char *wal;
	int version;

	assert_int_equal(store_schema_version(t->st, &version, &err), 0);
	assert_int_equal(version, STORE_SCHEMA_VERSION);
	assert_int_equal(stat(t->path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	db = raw_open(t->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);

	/* Foreign keys are enforced on the store's connection. */
	assert_int_equal(store_verification_add(t->st, STORE_VERIF_PACKAGE, 999, &v, &err), -1);
	assert_non_null(strstr(err.msg, "FOREIGN KEY"));
	/* The WAL file, holding the same data, is as private as the database. */
	wal = xasprintf("%s-wal", t->path);
	assert_int_equal(stat(wal, &sb), 0);
	assert_int_equal(sb.st_mode & 0077, 0);
	free(wal);
}

static void test_open_mode_refused(void **state)
{
	struct tstore *t = *state;
	struct store *s = NULL;
	struct kerr err = { 0 };
	char *path = xasprintf("%s/open.db", t->dir);
	int fd = open(path, O_CREAT | O_WRONLY, 0600);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(store_open(path, &s, &err), -1);
	assert_null(s);
	assert_int_equal(err.cls, KERR_STORE);
	assert_non_null(strstr(err.msg, "chmod 600"));
	/* Once fixed, the same file opens. */
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(store_open(path, &s, &err), 0);
	store_close(&s);
	free(path);
}

static void test_newer_refused(void **state)
{
	struct tstore *t = *state;
	struct store *s = NULL;
	struct kerr err = { 0 };
	sqlite3 *db = raw_open(t->path);

	raw_exec(db, "PRAGMA user_version = 99");
	sqlite3_close(db);
	assert_int_equal(store_open(t->path, &s, &err), -1);
	assert_null(s);
	assert_non_null(strstr(err.msg, "newer"));
	assert_non_null(strstr(err.msg, "99"));
	/* And it was left as it was. */
	db = raw_open(t->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 99);
	sqlite3_close(db);
}

/* Data an older release would have written, by hand, version by version. */
static const char v1_data[] =
	"INSERT INTO accounts (id, name, address, provider, created_at)"
	" VALUES (1, 'old', 'old@hs01.kep.tr', 'ptt', 1);"
	"INSERT INTO packages (id, account_id, folder, kep_id, kep_sira_no, ileti_id, belge_no, raw,"
	" raw_size, raw_sha256, stored_at, provider_ack) VALUES (1, 1, 'INBOX', '<k1>', '42', 'I1',"
	" 'B1', X'616263', 3,"
	" X'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad', 5, 'due');"
	"INSERT INTO parts (package_id, idx, role, size, sha256, content) VALUES (1, 0, 'original',"
	" 1, zeroblob(32), X'61');"
	"INSERT INTO sync_state (account_id, folder, window_end, consecutive_failures)"
	" VALUES (1, 'INBOX', 1000, 0);"
	"INSERT INTO audit_log (time, actor, action) VALUES (5, 'old', 'package.stored');";
static const char v2_data[] =
	"INSERT INTO evidence (account_id, package_id, kep_id, kep_sira_no, delil_id, delil_tur_id,"
	" raw, raw_size, raw_sha256, stored_at) VALUES (1, 1, '<k1>', '42', 'D1', 10, X'3c782f3e',"
	" 4, zeroblob(32), 6);"
	"INSERT INTO verification_results (evidence_id, check_name, verdict, created_at)"
	" VALUES (1, 'evidence-signature', 'valid', 6);";

static void check_upgraded(struct tstore *t, int from)
{
	struct store_queue_filter qf = { .state = -1 };
	struct store_queue_item *items = NULL;
	struct store_package_row *row = NULL;
	struct store_evidence_row *ev = NULL;
	struct store *s = NULL;
	struct kerr err = { 0 };
	struct kbuf raw = { 0 };
	int64_t *ids = NULL;
	sqlite3 *db;
	size_t n;
	int version;

	if (store_open(t->path, &s, &err) < 0)
		fail_msg("open after upgrade from %d: %s", from, err.msg);
	assert_int_equal(store_schema_version(s, &version, &err), 0);
	assert_int_equal(version, STORE_SCHEMA_VERSION);
	assert_int_equal(store_package_get(s, 1, &row, &err), 0);
	assert_string_equal(row->meta.account, "old");
	assert_string_equal(row->meta.kep_id, "<k1>");
	assert_int_equal(row->meta.ack, STORE_ACK_DUE);
	assert_int_equal(row->meta.provider_seq, 42);   /* v14: TEXT '42' -> INTEGER 42 */
	assert_null(row->meta.provider_seq_text);
	store_package_row_free(&row);
	assert_int_equal(store_blob_read_mem(s, STORE_BLOB_PACKAGE_RAW, 1, 100, &raw, &err), 0);
	assert_int_equal(raw.len, 3);
	assert_memory_equal(raw.data, "abc", 3);
	kbuf_free(&raw);
	/* v16: a part stored before ranges keeps its own copy, read as before. */
	assert_int_equal(store_blob_read_mem(s, STORE_BLOB_PART, 1, 100, &raw, &err), 0);
	assert_int_equal(raw.len, 1);
	assert_memory_equal(raw.data, "a", 1);
	kbuf_free(&raw);
	/* The indexes of v3 serve the lookups. */
	assert_int_equal(store_package_find(s, STORE_PKG_BY_BELGE_NO, NULL, "B1", &ids, &n, &err), 0);
	assert_int_equal(n, 1);
	free(ids);
	/* A package stored before the queue existed is waiting for import (the
	 * hand-written rows of a v3+ database bypass the queue). */
	assert_int_equal(store_queue_list(s, &qf, &items, &n, &err), 0);
	assert_int_equal(n, from < 3 ? 1 : 0);
	if (from < 3) {
		assert_int_equal(items[0].package_id, 1);
		assert_int_equal(items[0].state, STORE_Q_PENDING);
	}
	store_queue_items_free(&items, n);
	if (from >= 2) {
		assert_int_equal(store_evidence_list_for_package(s, 1, &ev, &n, &err), 0);
		assert_int_equal(n, 1);
		assert_string_equal(ev[0].meta.delil_id, "D1");
		assert_int_equal(ev[0].meta.provider_seq, 42);   /* v17: TEXT '42' -> INTEGER */
		assert_null(ev[0].meta.provider_seq_text);
		store_evidence_rows_free(&ev, n);
	}
	assert_int_equal(tstore_count(t, "audit_log"), 1);
	assert_int_equal(tstore_count(t, "parts"), 1);
	/* v19: an old package's kepId listed again under another number is
	 * recorded beside it, its bytes kept; the package is left as it was. */
	assert_int_equal(store_kep_id_reuse_kept(s, 1, "43", &err), 0);
	{
		struct store_content c = store_content_mem("second", 6);
		int isnew = 0;

		assert_int_equal(store_kep_id_reuse_record(s, "test", "old", "<k1>", 1, "43", &c,
							   &isnew, &err), 0);
		assert_int_equal(isnew, 1);
		assert_int_equal(store_kep_id_reuse_record(s, "test", "old", "<k1>", 1, "43", &c,
							   &isnew, &err), 0);
		assert_int_equal(isnew, 0);
	}
	assert_int_equal(store_kep_id_reuse_kept(s, 1, "43", &err), 1);
	assert_int_equal(tstore_count(t, "kep_id_reuses"), 1);
	assert_int_equal(tstore_count(t, "audit_log"), 2);
	assert_int_equal(store_blob_read_mem(s, STORE_BLOB_PACKAGE_RAW, 1, 100, &raw, &err), 0);
	assert_memory_equal(raw.data, "abc", 3);
	kbuf_free(&raw);
	store_close(&s);
	/* v4: content stored before retention existed is in the store. */
	db = raw_open(t->path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM packages WHERE archived_to IS NULL"
				 " AND archive_entry IS NULL AND archived_at IS NULL"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM parts WHERE archived_to IS NULL"), 1);
	/* v21: the decisions' Idempotency-Keys have their table (empty). */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM outbox_decision_keys"), 0);
	/* v20: the outbox decisions of the audit log are indexed. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
				 " AND name = 'audit_outbox_decisions' AND tbl_name = 'audit_log'"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM audit_log INDEXED BY"
				 " audit_outbox_decisions WHERE object = 'outbox/1' AND action IN"
				 " ('outbox.parked', 'outbox.resubmit', 'outbox.abandon')"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM kep_id_reuses WHERE package_id = 1"
				 " AND listed_seq = '43' AND raw = CAST('second' AS BLOB) AND raw_size = 6"
				 " AND raw_sha256 = X'16367aacb67a4a017c8da8ab95682ccb390863780f7114dda0a0e0c55644c7c4'"), 1);
	sqlite3_close(db);
}

static void test_upgrade_from_each_version(void **state)
{
	struct tstore *t = *state;
	int from;

	store_close(&t->st);
	for (from = 0; from < STORE_SCHEMA_VERSION; from++) {
		struct store *s = NULL;
		struct kerr err = { 0 };
		sqlite3 *db;
		int version;

		unlink(t->path);
		if (store_open_at_version(t->path, from, &s, &err) < 0)
			fail_msg("open at %d: %s", from, err.msg);
		assert_int_equal(store_schema_version(s, &version, &err), 0);
		assert_int_equal(version, from);
		store_close(&s);
		if (from == 0) {
			/* An empty file: just check it becomes a full store. */
			assert_int_equal(store_open(t->path, &s, &err), 0);
			assert_int_equal(store_schema_version(s, &version, &err), 0);
			assert_int_equal(version, STORE_SCHEMA_VERSION);
			store_close(&s);
			continue;
		}
		db = raw_open(t->path);
		/* From v14 on the number is in package_seq (the old column renamed). */
		if (from >= 14)
			raw_exec(db, "ALTER TABLE packages RENAME COLUMN kep_sira_no_v13 TO kep_sira_no");
		raw_exec(db, v1_data);
		if (from >= 14)
			raw_exec(db, "INSERT INTO package_seq (package_id, kep_sira_no)"
				 " SELECT id, CAST(kep_sira_no AS INTEGER) FROM packages"
				 " WHERE kep_sira_no IS NOT NULL;"
				 "ALTER TABLE packages RENAME COLUMN kep_sira_no TO kep_sira_no_v13");
		/* From v17 on the evidence's number is in evidence_seq. */
		if (from >= 17)
			raw_exec(db, "ALTER TABLE evidence RENAME COLUMN kep_sira_no_v16 TO kep_sira_no");
		if (from >= 2)
			raw_exec(db, v2_data);
		if (from >= 17)
			raw_exec(db, "INSERT INTO evidence_seq (evidence_id, kep_sira_no)"
				 " SELECT id, CAST(kep_sira_no AS INTEGER) FROM evidence"
				 " WHERE kep_sira_no IS NOT NULL;"
				 "ALTER TABLE evidence RENAME COLUMN kep_sira_no TO kep_sira_no_v16");
		sqlite3_close(db);
		check_upgraded(t, from);
	}
}

/* v14 (packages) and v17 (evidence): the sequence numbers an older kepagent
 * stored as TEXT become INTEGERs in a side table; what is not exactly a
 * non-negative number is kept as its text; the rows (their raw content) are
 * not rewritten. */
static const struct { const char *old; const char *n; const char *text; } seq_rows[] = {
	{ "9", "9", NULL }, { "10", "10", NULL }, { "0", "0", NULL },
	{ "A-7", NULL, "A-7" }, { "007", NULL, "007" }, { "-3", NULL, "-3" },
	{ " 5", NULL, " 5" }, { "99999999999999999999", NULL, "99999999999999999999" },
	{ "", NULL, "" }, { NULL, NULL, NULL },
};

struct seq_upgrade {
	int from;                 /* the version the rows are written at */
	const char *setup;        /* SQL run first */
	const char *insert;       /* ?1: 1.., ?2: the old TEXT value; 100 KB of raw content */
	const char *table, *old;  /* the side table; a SELECT of the old column */
	/* The i-th row (0-based) as the store reads it. */
	void (*read)(struct store *s, size_t i, int64_t *n_r, char **text_r);
};

static void read_package_seq(struct store *s, size_t i, int64_t *n_r, char **text_r)
{
	struct store_package_row *row = NULL;
	struct kerr err = { 0 };

	assert_int_equal(store_package_get(s, (int64_t)i + 1, &row, &err), 0);
	*n_r = row->meta.provider_seq;
	*text_r = row->meta.provider_seq_text ? xstrdup(row->meta.provider_seq_text) : NULL;
	store_package_row_free(&row);
}

/* The evidence of package 1, in event-time order: row i has event_time i. */
static void read_evidence_seq(struct store *s, size_t i, int64_t *n_r, char **text_r)
{
	struct store_evidence_row *rows = NULL;
	struct kerr err = { 0 };
	size_t n;

	assert_int_equal(store_evidence_list_for_package(s, 1, &rows, &n, &err), 0);
	assert_int_equal(n, ARRAY_SIZE(seq_rows));
	*n_r = rows[i].meta.provider_seq;
	*text_r = rows[i].meta.provider_seq_text ? xstrdup(rows[i].meta.provider_seq_text) : NULL;
	store_evidence_rows_free(&rows, n);
}

static void check_seq_upgrade(struct tstore *t, const struct seq_upgrade *u)
{
	struct store *s = NULL;
	struct kerr err = { 0 };
	sqlite3 *db;
	sqlite3_stmt *st;
	struct stat sb;
	char *wal, *sql;
	size_t i;

	store_close(&t->st);
	unlink(t->path);
	if (store_open_at_version(t->path, u->from, &s, &err) < 0)
		fail_msg("open at %d: %s", u->from, err.msg);
	store_close(&s);
	db = raw_open(t->path);
	raw_exec(db, u->setup);
	assert_int_equal(sqlite3_prepare_v2(db, u->insert, -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < ARRAY_SIZE(seq_rows); i++) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i + 1);
		if (seq_rows[i].old != NULL)
			sqlite3_bind_text(st, 2, seq_rows[i].old, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, 2);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	raw_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	/* db stays open: the WAL outlives the store's connection, and its size
	 * is what the migration wrote. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master") > 0, 1);

	if (store_open(t->path, &s, &err) < 0)
		fail_msg("upgrade to %d: %s", STORE_SCHEMA_VERSION, err.msg);
	for (i = 0; i < ARRAY_SIZE(seq_rows); i++) {
		int64_t n;
		char *text;

		u->read(s, i, &n, &text);
		assert_int_equal(n, seq_rows[i].n ? atoll(seq_rows[i].n) : -1);
		if (seq_rows[i].text != NULL)
			assert_string_equal(text, seq_rows[i].text);
		else
			assert_null(text);
		free(text);
	}
	store_close(&s);
	/* The ~1 MB of raw content was not rewritten (that would put more than
	 * 1 MB in the WAL): a few pages of schema and the side table per step
	 * (about 30 KB each). */
	wal = xasprintf("%s-wal", t->path);
	assert_int_equal(stat(wal, &sb), 0);
	if (sb.st_size > 400000)
		fail_msg("the migration from %d wrote %lld bytes of WAL", u->from,
			 (long long)sb.st_size);
	free(wal);
	/* Integers in numeric order. */
	sql = xasprintf("SELECT group_concat(kep_sira_no) FROM (SELECT kep_sira_no FROM %s"
			" WHERE typeof(kep_sira_no) = 'integer' ORDER BY kep_sira_no)", u->table);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "0,9,10");
	sqlite3_finalize(st);
	free(sql);
	sql = xasprintf("SELECT count(*) FROM %s", u->table);
	assert_int_equal(raw_int(db, sql), ARRAY_SIZE(seq_rows) - 1);
	free(sql);
	/* The old column is renamed, so nothing reads it by mistake. */
	assert_int_equal(sqlite3_prepare_v2(db, u->old, -1, &st, NULL), SQLITE_ERROR);
	sqlite3_close(db);
}

static void test_upgrade_sequence_numbers(void **state)
{
	static const struct seq_upgrade u = {
		13, "INSERT INTO accounts (id, name, created_at) VALUES (1, 'old', 1)",
		"INSERT INTO packages (id, account_id, folder, kep_id, kep_sira_no, raw, raw_size,"
		" raw_sha256, stored_at) VALUES (?1, 1, 'INBOX', 'k' || ?1, ?2, zeroblob(100000),"
		" 100000, zeroblob(32), 1)",
		"package_seq", "SELECT kep_sira_no FROM packages", read_package_seq,
	};

	check_seq_upgrade(*state, &u);
}

/* v17: the same for the evidence table (its items' package numbers). */
static void test_upgrade_evidence_sequence_numbers(void **state)
{
	static const struct seq_upgrade u = {
		16, "INSERT INTO accounts (id, name, created_at) VALUES (1, 'old', 1);"
		"INSERT INTO packages (id, account_id, folder, kep_id, raw, raw_size, raw_sha256,"
		" stored_at) VALUES (1, 1, 'sent', 'k1', X'00', 1, zeroblob(32), 1)",
		"INSERT INTO evidence (account_id, package_id, kep_id, kep_sira_no, delil_id,"
		" delil_tur_id, event_time, raw, raw_size, raw_sha256, stored_at) VALUES (1, 1, 'k1',"
		" ?2, 'D' || ?1, 10, ?1, zeroblob(100000), 100000, zeroblob(32), 1)",
		"evidence_seq", "SELECT kep_sira_no FROM evidence", read_evidence_seq,
	};

	check_seq_upgrade(*state, &u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fresh, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_open_mode_refused, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_newer_refused, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_from_each_version, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_sequence_numbers, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_upgrade_evidence_sequence_numbers, tstore_setup,
						tstore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
