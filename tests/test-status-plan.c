/* The query plans of the status lookup (agent/status_lookup.c): every
 * statement a lookup runs, for every kind of key, an unknown one included
 * (it reaches the orphan evidence and the outbox), is answered through an
 * index: no full scan of packages, evidence or outbox, no Bloom filter (built
 * by reading the whole table), and each key column's index is used. Checked
 * on a fresh store (no statistics, as kepagent leaves them) and with
 * ANALYZE statistics of a store of 200,000 packages, 1,000,000 evidence rows
 * (those of tests/bench-status.sh) and 50,000 outbox items. The plans are
 * printed. */
#include "test-store-util.h"

#include <jansson.h>

#include "status_lookup.h"
#include "store_evidence.h"
#include "store_outbox.h"

static const char *const keys[] = {
	"<kep-1>", "kep-1", "<org-1@example>", "ILETI-42", "E-12345", "nope", "<nope>",
};

/* Index names each plan must show between them. */
static const char *const indexes[] = {
	"packages_by_kep_id", "packages_by_org_mesaj_id", "packages_by_message_id",
	"packages_by_ileti_id", "packages_by_belge_no", "evidence_by_package",
	"evidence_by_account_kep_id", "outbox_by_ileti_id", "sqlite_autoindex_outbox_1",
	"outbox_by_kep_id",
};

/* Only the accounts (a handful of rows), a batch's keys (json_each) and
 * its packages found by them (the CTE pk) may be scanned. */
static int bad_line(const char *line)
{
	if (strstr(line, "BLOOM FILTER") != NULL)
		return 1;
	return strstr(line, "SCAN ") != NULL &&
	       strstr(line, "USING COVERING INDEX sqlite_autoindex_accounts_1") == NULL &&
	       strstr(line, "SCAN k VIRTUAL TABLE") == NULL && strstr(line, "SCAN pk") == NULL;
}

static void check_plans(struct tstore *t, const char *what)
{
	struct kerr err = { 0 };
	char *plans, *line, *save = NULL;
	size_t i;

	store_forget_statements(t->st);
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *j = NULL;

		if (status_lookup(t->st, keys[i], &j, &err) < 0)
			fail_msg("%s: %s", keys[i], err.msg);
		json_decref(j);
	}
	plans = store_explain_statements(t->st, &err);
	if (plans == NULL) {
		fail_msg("%s", err.msg);
		return;
	}
	printf("# status lookup plans, %s:\n", what);
	fputs(plans, stdout);
	for (i = 0; i < ARRAY_SIZE(indexes); i++)
		if (strstr(plans, indexes[i]) == NULL)
			fail_msg("%s: no plan uses %s", what, indexes[i]);
	for (line = strtok_r(plans, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		if (line[0] == ' ' && bad_line(line))
			fail_msg("%s: a lookup scans a table: %s", what, line);
	free(plans);
}

static void test_plans_without_statistics(void **state)
{
	struct tstore *t = *state;

	tstore_add(t, "<kep-1>", "raw package bytes\r\n");
	check_plans(t, "no statistics");
}

static void test_plans_with_statistics(void **state)
{
	struct tstore *t = *state;
	struct kerr err = { 0 };

	tstore_add(t, "<kep-1>", "raw package bytes\r\n");
	/* Statistics as ANALYZE writes them for a big store; read at open. */
	tstore_sql(t, "ANALYZE; DELETE FROM sqlite_stat1; INSERT INTO sqlite_stat1 VALUES"
		 " ('accounts', 'sqlite_autoindex_accounts_1', '1 1'),"
		 " ('package_seq', NULL, '200000'),"
		 " ('packages', 'packages_unarchived_by_stored_at', '200000 200000'),"
		 " ('packages', 'packages_by_belge_no', '200000 2'),"
		 " ('packages', 'packages_by_ileti_id', '200000 1'),"
		 " ('packages', 'packages_by_message_id', '200000 1'),"
		 " ('packages', 'packages_by_org_mesaj_id', '200000 1'),"
		 " ('packages', 'packages_by_kep_id', '200000 1'),"
		 " ('packages', 'sqlite_autoindex_packages_1', '200000 200000 200000 1'),"
		 " ('evidence', 'evidence_by_account_kep_id', '1000000 1000000 5'),"
		 " ('evidence', 'evidence_by_package', '1000000 5'),"
		 " ('evidence', 'sqlite_autoindex_evidence_1', '1000000 1000000 1'),"
		 " ('outbox', 'outbox_by_ileti_id', '50000 50000 1'),"
		 " ('outbox', 'sqlite_autoindex_outbox_1', '50000 1'),"
		 " ('outbox', 'sqlite_autoindex_outbox_2', '50000 50000 1'),"
		 " ('outbox', 'outbox_by_kep_id', '50000 1'),"
		 " ('outbox', 'outbox_by_state', '50000 10000 10000')");
	store_close(&t->st);
	if (store_open(t->path, &t->st, &err) < 0)
		fail_msg("%s", err.msg);
	check_plans(t, "statistics of 200,000 packages");
}

/* A parked outbox item's last decision (agent/outbox_park.c, each resubmit
 * or abandon and each outbox listing of a parked item) reads the audit log,
 * a line for every package and evidence item ever stored: through the
 * partial index of the decision lines (v20), newest first without a sort,
 * never a scan. On a fresh store and with the statistics of a log of
 * 5,000,000 lines, 50,000 of them decisions. */
static void check_decision_plan(struct tstore *t, const char *what)
{
	struct kerr err = { 0 };
	char *plans, *action = NULL;

	store_forget_statements(t->st);
	if (store_outbox_last_decision(t->st, 1, &action, &err) < 0)
		fail_msg("%s: %s", what, err.msg);
	free(action);
	plans = store_explain_statements(t->st, &err);
	if (plans == NULL) {
		fail_msg("%s", err.msg);
		return;
	}
	printf("# outbox decision plan, %s:\n%s", what, plans);
	if (strstr(plans, "USING INDEX audit_outbox_decisions (object=?)") == NULL)
		fail_msg("%s: the decision is not read through audit_outbox_decisions", what);
	if (strstr(plans, "SCAN ") != NULL || strstr(plans, "TEMP B-TREE") != NULL ||
	    strstr(plans, "BLOOM FILTER") != NULL)
		fail_msg("%s: the decision scans or sorts the audit log", what);
	free(plans);
}

static void test_outbox_decision_plan(void **state)
{
	struct tstore *t = *state;
	struct kerr err = { 0 };

	tstore_add(t, "<kep-1>", "raw package bytes\r\n");
	check_decision_plan(t, "no statistics");
	tstore_sql(t, "ANALYZE; DELETE FROM sqlite_stat1; INSERT INTO sqlite_stat1 VALUES"
		 " ('audit_log', 'audit_by_time', '5000000 1'),"
		 " ('audit_log', 'audit_outbox_decisions', '50000 3'),"
		 " ('audit_log', NULL, '5000000')");
	store_close(&t->st);
	if (store_open(t->path, &t->st, &err) < 0)
		fail_msg("%s", err.msg);
	check_decision_plan(t, "statistics of 5,000,000 audit lines");
}

/* The batch (status_lookup_batch_write) answers each key as a single lookup
 * does, byte for byte, whatever the key: a stored kepId (one package, or
 * two of which the later has the evidence), the same padded, without its
 * brackets, orphan evidence, a Message-ID, an unknown key, bytes that are
 * not UTF-8. */
static const char *const batch_keys[] = {
	"<kep-1>", "<kep-2>", " <kep-1> ", "kep-1", "<kep-9>", "<org-1@example>", "nope",
	"\xff<kep-1>", "<kep-2>",
};

static void add_evidence(struct tstore *t, int64_t pkg, const char *kep_id, const char *delil,
			 int64_t code)
{
	struct store_evidence ev = {
		.meta = { .account = "acc1", .kep_id = kep_id, .provider_seq = 3, .delil_id = delil,
			  .delil_tur_id = code, .description = "Kabul Edildi",
			  .event_time = 1762360000000 + code, .issuer = "hs01", .verdict = "valid" },
		.package_id = pkg,
	};
	struct kerr err = { 0 };
	int64_t id;

	ev.raw = store_content_mem("<Evidence/>", 11);
	if (store_evidence_insert(t->st, &ev, &id, NULL, &err) < 0)
		fail_msg("evidence: %s", err.msg);
}

static void batch_store(struct tstore *t)
{
	struct tsample s;
	struct kerr err = { 0 };
	int64_t id1, id2b;

	id1 = tstore_add(t, "<kep-1>", "raw package bytes\r\n");
	add_evidence(t, id1, "<kep-1>", "D-1", 10);
	(void)tstore_add(t, "<kep-2>", "raw 2\r\n");
	tstore_sample(&s, "<kep-2>", "raw 2 again\r\n");
	s.p.meta.folder = "OUTBOX";
	if (store_package_insert(t->st, &s.p, &id2b, NULL, &err) < 0)
		fail_msg("insert: %s", err.msg);
	add_evidence(t, id2b, "<kep-2>", "D-2", 10);
	add_evidence(t, id2b, "<kep-2>", "D-3", 60);
	add_evidence(t, 0, "<kep-9>", "D-9", 20);
}

static void test_batch_as_single(void **state)
{
	struct tstore *t = *state;
	struct kbuf batch = { 0 }, single = { 0 };
	struct kerr err = { 0 };
	size_t i;
	int found;

	batch_store(t);
	kbuf_append_str(&single, "{\"results\":[");
	/* The writer puts the commas between the objects. */
	for (i = 0; i < ARRAY_SIZE(batch_keys); i++) {
		if (status_lookup_write(t->st, batch_keys[i], &single, &found, &err) < 0)
			fail_msg("%s: %s", batch_keys[i], err.msg);
	}
	kbuf_append_str(&single, "]}");
	if (status_lookup_batch_write(t->st, batch_keys, ARRAY_SIZE(batch_keys), &batch, &err) < 0)
		fail_msg("batch: %s", err.msg);
	assert_string_equal(kbuf_cstr(&batch), kbuf_cstr(&single));
	/* The later package of <kep-2>, the one with the evidence. */
	assert_non_null(strstr(kbuf_cstr(&batch), "\"key\":\"<kep-2>\",\"found\":true"));
	assert_non_null(strstr(kbuf_cstr(&batch), "\"stage\":60"));
	kbuf_free(&batch);
	kbuf_free(&single);
}

/* Keys that are stored kepIds, as EBYS sends them, take one statement for
 * the whole batch, through the kepId and evidence indexes. */
static void test_batch_one_statement(void **state)
{
	static const char *const kep_ids[] = { "<kep-1>", "<kep-2>", " <kep-1> ", "<kep-2>" };
	struct tstore *t = *state;
	struct kbuf out = { 0 };
	struct kerr err = { 0 };
	char *plans, *line, *save = NULL;
	int statements = 0;

	batch_store(t);
	store_forget_statements(t->st);
	if (status_lookup_batch_write(t->st, kep_ids, ARRAY_SIZE(kep_ids), &out, &err) < 0)
		fail_msg("batch: %s", err.msg);
	kbuf_free(&out);
	plans = store_explain_statements(t->st, &err);
	if (plans == NULL) {
		fail_msg("%s", err.msg);
		return;
	}
	printf("# status batch plan:\n%s", plans);
	if (strstr(plans, "packages_by_kep_id") == NULL || strstr(plans, "evidence_by_package") == NULL)
		fail_msg("the batch does not use the kepId and evidence indexes");
	for (line = strtok_r(plans, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != ' ')
			statements += strncmp(line, "BEGIN", 5) != 0 && strncmp(line, "COMMIT", 6) != 0;
		else if (bad_line(line))
			fail_msg("the batch scans a table: %s", line);
	}
	assert_int_equal(statements, 1);
	free(plans);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plans_without_statistics, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_plans_with_statistics, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_outbox_decision_plan, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_batch_as_single, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_batch_one_statement, tstore_setup,
						tstore_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
