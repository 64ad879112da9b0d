/* Unit tests of the audit log, the revocation cache and sync state. */
#include "test-store-util.h"

#include "store_audit.h"
#include "store_revcache.h"
#include "store_sync_state.h"

static int raw_exec_rc(const char *path, const char *sql, char **msg)
{
	sqlite3 *db;
	int rc;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, msg);
	sqlite3_close(db);
	return rc;
}

static void test_audit(void **state)
{
	struct tstore *t = *state;
	struct store_audit_filter f = { 0 };
	struct store_audit_row *rows = NULL;
	struct kerr err = { 0 };
	char *msg = NULL;
	size_t n;

	assert_int_equal(store_audit_append(t->st, "cli", "config.reload", NULL, NULL, NULL, &err), 0);
	assert_int_equal(store_audit_append(t->st, "api:ebys", "queue.acked", "acc1", "package:1",
					    "ok", &err), 0);
	assert_int_equal(store_audit_append(t->st, NULL, "x", NULL, NULL, NULL, &err), -1);
	assert_int_equal(store_audit_list(t->st, &f, &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].action, "config.reload");
	assert_null(rows[0].account);
	assert_string_equal(rows[1].detail, "ok");
	assert_true(rows[1].time > 0);
	store_audit_rows_free(&rows, n);
	f.account = "acc1";
	assert_int_equal(store_audit_list(t->st, &f, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	store_audit_rows_free(&rows, n);

	/* Append-only, whoever connects. */
	assert_int_not_equal(raw_exec_rc(t->path, "UPDATE audit_log SET actor = 'me'", &msg),
			     SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	msg = NULL;
	assert_int_not_equal(raw_exec_rc(t->path, "DELETE FROM audit_log", &msg), SQLITE_OK);
	assert_non_null(strstr(msg, "append-only"));
	sqlite3_free(msg);
	assert_int_equal(tstore_count(t, "audit_log"), 2);
}

static void test_revcache(void **state)
{
	struct tstore *t = *state;
	struct store_revcache_entry *e = NULL;
	struct kerr err = { 0 };
	const unsigned char der[] = { 0x30, 0x82, 0x00, 0x00, 0x01, 0xff };
	const char *key = "http://crl.kamusm.gov.tr/x.crl";

	assert_int_equal(store_revcache_get(t->st, key, &e, &err), 0);
	assert_null(e);
	assert_int_equal(store_revcache_put(t->st, key, der, sizeof(der), 1000, 2000, 1500, &err), 0);
	assert_int_equal(store_revcache_get(t->st, key, &e, &err), 1);
	assert_int_equal(e->der_len, sizeof(der));
	assert_memory_equal(e->der, der, sizeof(der));
	assert_int_equal(e->this_update, 1000);
	assert_int_equal(e->next_update, 2000);
	assert_int_equal(e->fetched_at, 1500);
	store_revcache_entry_free(&e);
	/* A newer fetch replaces it. */
	assert_int_equal(store_revcache_put(t->st, key, der, 2, 3000, 4000, 3500, &err), 0);
	assert_int_equal(store_revcache_get(t->st, key, &e, &err), 1);
	assert_int_equal(e->der_len, 2);
	assert_int_equal(e->next_update, 4000);
	store_revcache_entry_free(&e);
	assert_int_equal(tstore_count(t, "revocation_cache"), 1);
}

static void test_sync_state(void **state)
{
	struct tstore *t = *state;
	struct store_sync_state ss;
	struct kerr err = { 0 };

	assert_int_equal(store_sync_get(t->st, "acc1", "INBOX", &ss, &err), 0);
	assert_int_equal(ss.window_end, 0);
	assert_int_equal(store_sync_success(t->st, "acc1", "INBOX", 5000, 6000, &err), 0);
	assert_int_equal(store_sync_failure(t->st, "acc1", "INBOX", 7000, "timeout", &err), 0);
	assert_int_equal(store_sync_failure(t->st, "acc1", "INBOX", 8000, "refused", &err), 0);
	assert_int_equal(store_sync_get(t->st, "acc1", "INBOX", &ss, &err), 1);
	assert_int_equal(ss.window_end, 5000);   /* kept across failures */
	assert_int_equal(ss.last_run, 8000);
	assert_string_equal(ss.last_error, "refused");
	assert_int_equal(ss.consecutive_failures, 2);
	store_sync_state_clear(&ss);
	assert_int_equal(store_sync_success(t->st, "acc1", "INBOX", 9000, 9500, &err), 0);
	assert_int_equal(store_sync_get(t->st, "acc1", "INBOX", &ss, &err), 1);
	assert_int_equal(ss.window_end, 9000);
	assert_null(ss.last_error);
	assert_int_equal(ss.consecutive_failures, 0);
	store_sync_state_clear(&ss);
	/* Per folder. */
	assert_int_equal(store_sync_get(t->st, "acc1", "INBOX.Sent", &ss, &err), 0);
	assert_int_equal(store_sync_success(t->st, "nobody", "INBOX", 1, 1, &err), -1);
	assert_int_equal(err.cls, KERR_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_audit, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_revcache, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_sync_state, tstore_setup, tstore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
