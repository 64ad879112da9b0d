/* Unit tests of the sync engine (sync/) on the null driver
 * (kep/provider/null/): no HTTP, no SOAP, no kepsim. A real store file, a
 * real configuration file, an in-memory mailbox whose journal shows every
 * call the engine made, in order: list -> download -> store -> evidence ->
 * acknowledgement; transient faults retried, per-item faults not; a fault
 * on every operation and then a clean run end in the state a clean run
 * reaches; duplicated and reordered listings; an idempotent rerun. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "config.h"
#include "log.h"
#include "null_driver.h"
#include "store.h"
#include "store_evidence.h"
#include "store_package.h"
#include "sync.h"
#include "util.h"

static const char pkg_text[] =
	"From: <gonderen@hs01.kep.tr>\r\nTo: <alici@hs01.kep.tr>\r\n"
	"Subject: deneme\r\nMessage-ID: <m1@test>\r\n\r\nbody\r\n";
static const char evidence_text[] = "<NotADelil/>";

struct fx {
	char dir[64];
	struct config *cfg;
	struct sync_env *env;
	struct null_mailbox *mb;
	struct account_config acct;
	struct sync_report rep;
};

/* One self-signed anchor: the trust store must not be empty. */
static void write_anchor(const char *path)
{
	EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *x = X509_new();
	FILE *f = fopen(path, "w");

	assert_non_null(k);
	assert_non_null(f);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"test root", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	assert_int_equal(PEM_write_X509(f, x), 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(k);
}

static int setup(void **state)
{
	struct fx *fx = xcalloc(1, sizeof(*fx));
	struct kerr err = { 0 };
	time_t now = time(NULL);
	char *p;
	FILE *f;

	snprintf(fx->dir, sizeof(fx->dir), "/tmp/kep-sync-null.XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	p = xasprintf("%s/roots", fx->dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/roots/ca.pem", fx->dir);
	write_anchor(p);
	free(p);
	p = xasprintf("%s/kepagent.yaml", fx->dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "store: {path: state/kepagent.db}\n"
		   "trust: {anchors: [roots], revocation: offline}\n");
	fclose(f);
	if (config_load(p, &fx->cfg, &err) < 0)
		fail_msg("config: %s", err.msg);
	free(p);
	if (sync_env_new(fx->cfg, 0, NULL, &fx->env, &err) < 0)
		fail_msg("env: %s", err.msg);

	fx->mb = null_mailbox_new();
	null_mailbox_add_package(fx->mb, "INBOX", "<K1@kep>", 1, now - 3600, pkg_text,
				 sizeof(pkg_text) - 1);
	null_mailbox_add_package(fx->mb, "INBOX", "<K2@kep>", 2, now - 1800, pkg_text,
				 sizeof(pkg_text) - 1);
	null_mailbox_add_package(fx->mb, "OUTBOX", "<S1@kep>", 7, now - 600, pkg_text,
				 sizeof(pkg_text) - 1);
	null_mailbox_add_evidence(fx->mb, "<S1@kep>", "D1", 20, evidence_text,
				  sizeof(evidence_text) - 1);

	fx->acct.name = "acct";
	fx->acct.driver = &kep_driver_null;
	fx->acct.driver_conf = null_mailbox_conf(fx->mb);
	fx->acct.address = fx->acct.mailbox = "acct@null.invalid";
	fx->acct.poll_interval = 300;
	fx->acct.initial_days = 30;
	fx->acct.overlap_seconds = 3600;
	fx->acct.ack_policy = ACK_ON_STORE;
	fx->acct.connect_timeout = 15;
	fx->acct.timeout = 300;
	fx->acct.enabled = 1;
	*state = fx;
	return 0;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

static int teardown(void **state)
{
	struct fx *fx = *state;

	sync_report_free(&fx->rep);
	sync_env_free(&fx->env);
	config_free(&fx->cfg);
	null_mailbox_free(&fx->mb);
	nftw(fx->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(fx);
	return 0;
}

static int run_sync(struct fx *fx, struct kerr *err)
{
	sync_report_free(&fx->rep);
	return sync_account(fx->env, &fx->acct, NULL, &fx->rep, err);
}

/* What a clean run leaves: every package stored once, the evidence, the
 * received packages acknowledged (on-store). */
static void assert_final_state(struct fx *fx)
{
	static const char *const inbox[] = { "<K1@kep>", "<K2@kep>" };
	struct store *st = NULL;
	struct kerr err = { 0 };
	int64_t id;
	size_t i;

	if (store_open(fx->cfg->store_path, &st, &err) < 0)
		fail_msg("store: %s", err.msg);
	for (i = 0; i < ARRAY_SIZE(inbox); i++) {
		struct store_package_row *row = NULL;

		assert_int_equal(store_package_exists(st, "acct", "INBOX", inbox[i], &id, &err), 1);
		assert_int_equal(store_package_get(st, id, &row, &err), 0);
		assert_int_equal(row->meta.ack, STORE_ACK_DONE);
		assert_int_equal(row->meta.provider_seq, i == 0 ? 1 : 2);
		store_package_row_free(&row);
	}
	assert_int_equal(store_package_exists(st, "acct", "OUTBOX", "<S1@kep>", &id, &err), 1);
	assert_int_equal(store_evidence_exists(st, "acct", "D1", &id, &err), 1);
	store_close(&st);
}

/* Asserts each of LINES occurs in the journal J exactly once, in this order. */
static void assert_in_order(const char *j, const char *const *lines, size_t n)
{
	const char *prev = j, *at;
	size_t i;

	for (i = 0; i < n; i++) {
		at = strstr(j, lines[i]);
		if (at == NULL)
			fail_msg("journal lacks \"%s\":\n%s", lines[i], j);
		if (strstr(at + 1, lines[i]) != NULL)
			fail_msg("journal has \"%s\" twice:\n%s", lines[i], j);
		if (at < prev)
			fail_msg("journal has \"%s\" too early:\n%s", lines[i], j);
		prev = at;
	}
}

static size_t journal_lines(const char *j)
{
	size_t n = 0;

	for (; *j; j++)
		n += *j == '\n';
	return n;
}

/* Downloads run ahead of storing (sync_fetch.c), so a package's download
 * may come before the previous package's acknowledgement; what must hold is
 * the listing's order for downloads and for acknowledgements, each
 * acknowledgement after its own download, the sent folder after the inbox
 * is done, and nothing else asked. */
static void test_order(void **state)
{
	static const char *const calls[] = {
		"login\n", "list_folders\n", "list_packages INBOX\n",
		"download_package <K1@kep>\n", "download_package <K2@kep>\n",
		"list_packages OUTBOX\n", "download_package <S1@kep>\n",
		"list_evidence <S1@kep>\n", "download_evidence D1\n",
	};
	static const char *const acks[] = {
		"download_package <K1@kep>\n", "acknowledge <K1@kep>\n",
		"acknowledge <K2@kep>\n", "list_packages OUTBOX\n",
	};
	static const char *const ack2[] = {
		"download_package <K2@kep>\n", "acknowledge <K2@kep>\n",
	};
	struct fx *fx = *state;
	struct kerr err = { 0 };
	const char *j;

	if (run_sync(fx, &err) < 0)
		fail_msg("sync: %s", err.msg);
	j = null_mailbox_journal(fx->mb);
	assert_in_order(j, calls, ARRAY_SIZE(calls));
	assert_in_order(j, acks, ARRAY_SIZE(acks));
	assert_in_order(j, ack2, ARRAY_SIZE(ack2));
	assert_int_equal(journal_lines(j), 11);
	assert_int_equal(fx->rep.new_packages, 3);
	assert_int_equal(fx->rep.new_evidence, 1);
	assert_int_equal(fx->rep.acknowledged, 2);
	assert_int_equal(fx->rep.n_failures, 0);
	assert_string_equal(fx->rep.inbox, "INBOX");
	assert_string_equal(fx->rep.sent, "OUTBOX");
	assert_final_state(fx);
}

/* A second run fetches and acknowledges nothing again. */
static void test_rerun_idempotent(void **state)
{
	struct fx *fx = *state;
	struct kerr err = { 0 };

	assert_int_equal(run_sync(fx, &err), 0);
	null_mailbox_journal_clear(fx->mb);
	if (run_sync(fx, &err) < 0)
		fail_msg("rerun: %s", err.msg);
	assert_null(strstr(null_mailbox_journal(fx->mb), "download_package"));
	assert_null(strstr(null_mailbox_journal(fx->mb), "acknowledge"));
	assert_null(strstr(null_mailbox_journal(fx->mb), "download_evidence"));
	assert_int_equal(fx->rep.new_packages, 0);
	assert_int_equal(fx->rep.new_evidence, 0);
	assert_int_equal(fx->rep.acknowledged, 0);
	assert_final_state(fx);
}

/* Listings that repeat and reorder rows: each package once. */
static void test_duplicated_reordered(void **state)
{
	struct fx *fx = *state;
	struct kerr err = { 0 };

	null_mailbox_quirks(fx->mb, 1, 1);
	if (run_sync(fx, &err) < 0)
		fail_msg("sync: %s", err.msg);
	assert_int_equal(null_mailbox_count(fx->mb, "download_package <K1@kep>"), 1);
	assert_int_equal(null_mailbox_count(fx->mb, "download_package <K2@kep>"), 1);
	assert_int_equal(null_mailbox_count(fx->mb, "download_evidence D1"), 1);
	assert_int_equal(fx->rep.listed, 3);
	assert_int_equal(fx->rep.new_packages, 3);
	assert_final_state(fx);
}

/* Transient faults are retried within the run; the item is not lost. */
static void test_transient_retried(void **state)
{
	struct fx *fx = *state;
	struct kerr err = { 0 };

	null_mailbox_fault(fx->mb, "download_package", 0, 2, KERR_TRANSIENT);
	if (run_sync(fx, &err) < 0)
		fail_msg("sync: %s", err.msg);
	assert_int_equal(null_mailbox_count(fx->mb, "download_package <K1@kep>"), 3);
	assert_int_equal(fx->rep.n_failures, 0);
	assert_final_state(fx);
}

/* A per-package fault is not retried, the other packages go on, and the
 * window stays so that the next run fetches it. */
static void test_package_fault(void **state)
{
	struct fx *fx = *state;
	struct kerr err = { 0 };

	null_mailbox_fault(fx->mb, "download_package", 0, 1, KERR_PACKAGE);
	assert_int_equal(run_sync(fx, &err), -1);
	assert_int_equal(err.cls, KERR_PACKAGE);
	assert_int_equal(null_mailbox_count(fx->mb, "download_package <K1@kep>"), 1);
	assert_int_equal(null_mailbox_count(fx->mb, "download_package <K2@kep>"), 1);
	assert_int_equal(fx->rep.n_failures, 1);
	assert_string_equal(fx->rep.failures[0].item, "<K1@kep>");
	assert_int_equal(fx->rep.new_packages, 2);
	null_mailbox_journal_clear(fx->mb);
	if (run_sync(fx, &err) < 0)
		fail_msg("rerun: %s", err.msg);
	assert_int_equal(null_mailbox_count(fx->mb, "download_package <K1@kep>"), 1);
	assert_int_equal(null_mailbox_count(fx->mb, "download_package <K2@kep>"), 0);
	assert_final_state(fx);
}

/* A refused login stops the account at once and is never retried. */
static void test_auth_not_retried(void **state)
{
	struct fx *fx = *state;
	struct kerr err = { 0 };

	null_mailbox_fault(fx->mb, "login", 0, 1, KERR_AUTH);
	assert_int_equal(run_sync(fx, &err), -1);
	assert_int_equal(err.cls, KERR_AUTH);
	assert_string_equal(null_mailbox_journal(fx->mb), "login\n");
}

/* A permanent fault on each operation in turn, then a clean run: the same
 * final state as a run that never failed. */
static void test_fault_every_op(void **state)
{
	static const char *const ops[] = {
		"login", "list_folders", "list_packages", "download_package", "acknowledge",
		"list_evidence", "download_evidence",
	};
	struct fx *fx;
	struct kerr err = { 0 };
	size_t i;

	teardown(state);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		setup(state);
		fx = *state;
		null_mailbox_fault(fx->mb, ops[i], 0, 1, KERR_PERMANENT);
		assert_int_equal(run_sync(fx, &err), -1);
		assert_non_null(strstr(null_mailbox_journal(fx->mb), ops[i]));
		if (run_sync(fx, &err) < 0)
			fail_msg("after a %s fault: %s", ops[i], err.msg);
		assert_final_state(fx);
		if (i + 1 < ARRAY_SIZE(ops))
			teardown(state);
	}
}

/* With delete_after_ack the provider deletion follows the acknowledgement. */
static void test_delete_after_ack(void **state)
{
	struct fx *fx = *state;
	struct kerr err = { 0 };
	const char *j, *ack, *del;

	fx->acct.delete_after_ack = 1;
	if (run_sync(fx, &err) < 0)
		fail_msg("sync: %s", err.msg);
	j = null_mailbox_journal(fx->mb);
	ack = strstr(j, "acknowledge <K1@kep>\n");
	del = strstr(j, "delete_package <K1@kep>\n");
	assert_non_null(ack);
	assert_non_null(del);
	assert_true(ack < del);
	assert_int_equal(fx->rep.deleted, 2);
}

/* A sequence number that is not a number reaches the store as its text and
 * the package is still acknowledged (by its kepId). */
static void test_seq_text(void **state)
{
	struct fx *fx = *state;
	struct store_package_row *row = NULL;
	struct store *st = NULL;
	struct kerr err = { 0 };
	int64_t id;

	null_mailbox_seq_text(fx->mb, "<K2@kep>", "A-7");
	if (run_sync(fx, &err) < 0)
		fail_msg("sync: %s", err.msg);
	if (store_open(fx->cfg->store_path, &st, &err) < 0)
		fail_msg("store: %s", err.msg);
	assert_int_equal(store_package_exists(st, "acct", "INBOX", "<K2@kep>", &id, &err), 1);
	assert_int_equal(store_package_get(st, id, &row, &err), 0);
	assert_int_equal(row->meta.provider_seq, -1);
	assert_non_null(row->meta.provider_seq_text);
	assert_string_equal(row->meta.provider_seq_text, "A-7");
	assert_int_equal(row->meta.ack, STORE_ACK_DONE);
	store_package_row_free(&row);
	store_close(&st);
	assert_int_equal(null_mailbox_count(fx->mb, "acknowledge <K2@kep>"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rerun_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicated_reordered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transient_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_package_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_not_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_every_op, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_after_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_text, setup, teardown),
	};

	log_init("test-sync-null", 1, LOG_LVL_ERROR);
	setenv("KEPAGENT_RETRY_BASE_MS", "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
