/* Unit tests of the outbox: insert with recipients and files, idempotent
 * repeats by key and by iletiID (and a reused key with another request
 * refused), the state machine (legal steps only, compare-and-set, every
 * step durable and audited), counts, links to sent packages, and a failed
 * write leaving nothing behind. */
#include "test-store-util.h"

#include <openssl/sha.h>

#include "store_audit.h"
#include "store_outbox.h"

struct sample {
	struct store_recipient rcpt[2];
	struct store_outbox_file_in files[1];
	unsigned char sha[32];
	struct store_outbox_new n;
};

static void sample(struct sample *x, const char *key, const char *ileti, const char *msgid,
		   const char *what)
{
	memset(x, 0, sizeof(*x));
	x->rcpt[0] = (struct store_recipient){ "to", "birimb@hs01.kep.tr", NULL };
	x->rcpt[1] = (struct store_recipient){ "cc", "arsiv@hs02.kep.tr", "Arşiv" };
	x->files[0] = (struct store_outbox_file_in){ STORE_OB_FILE_ATTACHMENT, "ek-1.pdf",
		"application/pdf", store_content_mem("%PDF-1.4 ek", 11) };
	SHA256((const unsigned char *)what, strlen(what), x->sha);
	x->n = (struct store_outbox_new){
		.account = "acc1", .idem_key = key, .ileti_id = ileti, .ileti_tip = "standart",
		.path = "yukle", .sign_mode = "seal", .subject = "Toplantı çağrısı",
		.body = "Merhaba\r\n", .body_type = "text", .message_id = msgid,
		.request_sha256 = x->sha, .recipients = x->rcpt, .n_recipients = 2,
		.files = x->files, .n_files = 1,
	};
}

static int64_t insert(struct tstore *t, const char *key, const char *ileti, const char *msgid,
		      const char *what, int *existing)
{
	struct sample x;
	struct kerr err = { 0 };
	int64_t id = 0;

	sample(&x, key, ileti, msgid, what);
	if (store_outbox_insert(t->st, &x.n, &id, existing, &err) < 0)
		fail_msg("%s", err.msg);
	return id;
}

static void test_insert_get(void **state)
{
	struct tstore *t = *state;
	struct store_outbox_item it;
	struct kbuf b = { 0 };
	struct kerr err = { 0 };
	int existing = -1;
	int64_t id = insert(t, "K1", "ILETI-1", "<m1@agent>", "req1", &existing);

	assert_int_equal(existing, 0);
	assert_int_equal(store_outbox_get(t->st, id, &it, &err), 0);
	assert_string_equal(it.account, "acc1");
	assert_string_equal(it.subject, "Toplantı çağrısı");
	assert_string_equal(it.message_id, "<m1@agent>");
	assert_int_equal(it.state, STORE_OB_ACCEPTED);
	assert_int_equal(it.n_recipients, 2);
	assert_string_equal(it.recipients[1].role, "cc");
	assert_string_equal(it.recipients[1].name, "Arşiv");
	assert_int_equal(it.n_files, 1);
	assert_int_equal(it.files[0].size, 11);
	{
		unsigned char want[32];

		SHA256((const unsigned char *)"%PDF-1.4 ek", 11, want);
		assert_memory_equal(it.files[0].sha256, want, 32);
	}
	assert_int_equal(store_outbox_file_read(t->st, it.files[0].id, 100, &b, &err), 0);
	assert_int_equal(b.len, 11);
	assert_memory_equal(b.data, "%PDF-1.4 ek", 11);
	kbuf_free(&b);
	/* Larger than allowed: refused, not truncated. */
	assert_int_equal(store_outbox_file_read(t->st, it.files[0].id, 5, &b, &err), -1);
	assert_int_equal(err.cls, KERR_LIMIT);
	kbuf_free(&b);
	store_outbox_item_clear(&it);
	assert_int_equal(store_outbox_get(t->st, id + 100, &it, &err), -1);
	assert_int_equal(err.cls, KERR_NOTFOUND);
}

static void test_idempotent(void **state)
{
	struct tstore *t = *state;
	struct sample x;
	struct kerr err = { 0 };
	int existing = 0;
	int64_t id = insert(t, "K1", "ILETI-1", "<m1@agent>", "req1", &existing), id2 = 0;

	/* Same key, new Message-ID chosen by a retrying client: the same item. */
	assert_int_equal(insert(t, "K1", "ILETI-1", "<m2@agent>", "req1", &existing), id);
	assert_int_equal(existing, 1);
	/* Another key but the same iletiID: the same item. */
	assert_int_equal(insert(t, "K9", "ILETI-1", "<m3@agent>", "req1", &existing), id);
	assert_int_equal(existing, 1);
	/* The key reused for another request: refused, pointing at the item. */
	sample(&x, "K1", NULL, "<m4@agent>", "another request");
	assert_int_equal(store_outbox_insert(t->st, &x.n, &id2, &existing, &err), -1);
	assert_int_equal(err.cls, KERR_USAGE);
	assert_non_null(strstr(err.msg, "conflict"));
	assert_int_equal(id2, id);
	assert_int_equal(tstore_count(t, "outbox"), 1);
	assert_int_equal(tstore_count(t, "outbox_files"), 1);
	/* A second account may use the same key. */
	assert_int_equal(store_account_ensure(t->st, "acc2", "b@hs01.kep.tr", "ptt", NULL, &err),
			 0);
	sample(&x, "K1", "ILETI-1", "<m5@agent>", "req1");
	x.n.account = "acc2";
	assert_int_equal(store_outbox_insert(t->st, &x.n, &id2, &existing, &err), 0);
	assert_int_equal(existing, 0);
	assert_true(id2 != id);
	/* The Message-ID is unique across the store. */
	sample(&x, "K2", NULL, "<m5@agent>", "req2");
	assert_int_equal(store_outbox_insert(t->st, &x.n, &id2, &existing, &err), -1);
	assert_int_equal(tstore_count(t, "outbox"), 2);
	assert_int_equal(tstore_count(t, "outbox_recipients"), 4);
}

static void step(struct tstore *t, int64_t id, enum store_outbox_state from,
		 enum store_outbox_state to, int expect)
{
	struct store_outbox_step s = { .from = from, .to = to };
	struct kerr err = { 0 };
	int rc = store_outbox_step(t->st, id, &s, &err);

	if (rc != expect)
		fail_msg("%s -> %s: %d (%s)", store_outbox_state_name(from),
			 store_outbox_state_name(to), rc, err.msg);
}

static void test_state_machine(void **state)
{
	struct tstore *t = *state;
	struct store_outbox_item it;
	struct store_outbox_file_in sig = { STORE_OB_FILE_SMIME, NULL, "message/rfc822",
					    store_content_mem("MIME-Version: 1.0\r\n", 19) };
	struct store_outbox_step s = { 0 };
	struct kerr err = { 0 };
	int existing;
	int64_t id = insert(t, "K1", NULL, "<m1@agent>", "req1", &existing);

	/* Not transitions at all. */
	step(t, id, STORE_OB_ACCEPTED, STORE_OB_SIGNED, -1);
	step(t, id, STORE_OB_ACCEPTED, STORE_OB_SUBMITTED, -1);
	step(t, id, STORE_OB_SUBMITTED, STORE_OB_SUBMITTING, -1);
	step(t, id, STORE_OB_FAILED, STORE_OB_SUBMITTING, -1);
	/* A legal step from a state the item is not in: KERR_BUSY, no change. */
	s = (struct store_outbox_step){ .from = STORE_OB_SIGNED, .to = STORE_OB_SUBMITTING };
	assert_int_equal(store_outbox_step(t->st, id, &s, &err), -1);
	assert_int_equal(err.cls, KERR_BUSY);
	step(t, id, STORE_OB_ACCEPTED, STORE_OB_NEEDS_SIGNATURE, 0);
	s = (struct store_outbox_step){ .from = STORE_OB_NEEDS_SIGNATURE, .to = STORE_OB_SIGNED,
		.add_file = &sig };
	assert_int_equal(store_outbox_step(t->st, id, &s, &err), 0);
	s = (struct store_outbox_step){ .from = STORE_OB_SIGNED, .to = STORE_OB_SUBMITTING,
		.bump_attempts = 1 };
	assert_int_equal(store_outbox_step(t->st, id, &s, &err), 0);
	s = (struct store_outbox_step){ .from = STORE_OB_SUBMITTING, .to = STORE_OB_SUBMITTED,
		.kep_id = "<EYWS-1.pttkepYukle>" };
	assert_int_equal(store_outbox_step(t->st, id, &s, &err), 0);
	/* Final. */
	step(t, id, STORE_OB_SUBMITTED, STORE_OB_FAILED, -1);
	assert_int_equal(store_outbox_get(t->st, id, &it, &err), 0);
	assert_int_equal(it.state, STORE_OB_SUBMITTED);
	assert_string_equal(it.kep_id, "<EYWS-1.pttkepYukle>");
	assert_int_equal(it.attempts, 1);
	assert_true(it.submitted_at > 0);
	assert_true(store_outbox_file_id(&it, STORE_OB_FILE_SMIME) > 0);
	assert_int_equal(store_outbox_file_id(&it, STORE_OB_FILE_SIGNATURE), 0);
	store_outbox_item_clear(&it);
	/* Every step left an audit line: accepted + 4 steps. */
	{
		struct store_audit_filter f = { .account = "acc1" };
		struct store_audit_row *rows = NULL;
		size_t n, i, ob = 0;

		assert_int_equal(store_audit_list(t->st, &f, &rows, &n, &err), 0);
		for (i = 0; i < n; i++)
			ob += strncmp(rows[i].action, "outbox.", 7) == 0;
		assert_int_equal(ob, 5);
		store_audit_rows_free(&rows, n);
	}
	/* Durable: a fresh connection sees the last state. */
	store_close(&t->st);
	assert_int_equal(store_open(t->path, &t->st, &err), 0);
	assert_int_equal(store_outbox_find(t->st, "acc1", "<EYWS-1.pttkepYukle>", &id, &err), 1);
	assert_int_equal(store_outbox_get(t->st, id, &it, &err), 0);
	assert_int_equal(it.state, STORE_OB_SUBMITTED);
	store_outbox_item_clear(&it);
}

static void test_failed_parked_counts(void **state)
{
	struct tstore *t = *state;
	struct store_outbox_step s = { 0 };
	struct store_outbox_item *items = NULL, it;
	struct store_outbox_filter f = { .state = STORE_OB_PARKED };
	int64_t counts[STORE_OB_N_STATES];
	struct kerr err = { 0 };
	int existing;
	size_t n;
	int64_t a = insert(t, "A", "IA", "<a@agent>", "a", &existing);
	int64_t b = insert(t, "B", "IB", "<b@agent>", "b", &existing);

	insert(t, "C", "IC", "<c@agent>", "c", &existing);
	s = (struct store_outbox_step){ .from = STORE_OB_ACCEPTED, .to = STORE_OB_FAILED,
		.provider_text = "Alıcı adresi geçersiz" };
	assert_int_equal(store_outbox_step(t->st, a, &s, &err), 0);
	s = (struct store_outbox_step){ .from = STORE_OB_ACCEPTED, .to = STORE_OB_PARKED,
		.provider_text = "two packages in the sent folder" };
	assert_int_equal(store_outbox_step(t->st, b, &s, &err), 0);
	assert_int_equal(store_outbox_counts(t->st, counts, &err), 0);
	assert_int_equal(counts[STORE_OB_ACCEPTED], 1);
	assert_int_equal(counts[STORE_OB_FAILED], 1);
	assert_int_equal(counts[STORE_OB_PARKED], 1);
	assert_int_equal(store_outbox_list(t->st, &f, &items, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].id, b);
	assert_string_equal(items[0].provider_text, "two packages in the sent folder");
	store_outbox_items_free(&items, n);
	assert_int_equal(store_outbox_find(t->st, NULL, "IA", &a, &err), 1);
	assert_int_equal(store_outbox_get(t->st, a, &it, &err), 0);
	assert_string_equal(it.provider_text, "Alıcı adresi geçersiz");
	store_outbox_item_clear(&it);
	assert_int_equal(store_outbox_find(t->st, "acc1", "nothing", &a, &err), 0);
	/* Parked waits for a person: resubmit (back to signed) or abandon
	 * (failed), each with its own audit action; nothing else. */
	step(t, b, STORE_OB_PARKED, STORE_OB_SUBMITTED, -1);
	step(t, b, STORE_OB_PARKED, STORE_OB_SUBMITTING, -1);
	s = (struct store_outbox_step){ .from = STORE_OB_PARKED, .to = STORE_OB_SIGNED,
		.actor = "cli", .action = "resubmit", .detail = "a person's resubmission" };
	assert_int_equal(store_outbox_step(t->st, b, &s, &err), 0);
	s = (struct store_outbox_step){ .from = STORE_OB_SIGNED, .to = STORE_OB_PARKED,
		.provider_text = "unanswered" };
	assert_int_equal(store_outbox_step(t->st, b, &s, &err), 0);
	s = (struct store_outbox_step){ .from = STORE_OB_PARKED, .to = STORE_OB_FAILED,
		.actor = "cli", .action = "abandon", .provider_text = "abandoned" };
	assert_int_equal(store_outbox_step(t->st, b, &s, &err), 0);
	step(t, b, STORE_OB_FAILED, STORE_OB_SIGNED, -1);
	{
		struct store_audit_filter af = { .account = "acc1" };
		struct store_audit_row *rows = NULL;
		size_t na, i, resub = 0, aband = 0;

		assert_int_equal(store_audit_list(t->st, &af, &rows, &na, &err), 0);
		for (i = 0; i < na; i++) {
			resub += strcmp(rows[i].action, "outbox.resubmit") == 0 &&
				 strcmp(rows[i].actor, "cli") == 0;
			aband += strcmp(rows[i].action, "outbox.abandon") == 0;
		}
		assert_int_equal(resub, 1);
		assert_int_equal(aband, 1);
		store_audit_rows_free(&rows, na);
	}
}

static void test_link_package(void **state)
{
	struct tstore *t = *state;
	struct store_outbox_step s = { 0 };
	struct store_package p = { 0 };
	struct store_outbox_item it;
	struct kerr err = { 0 };
	int existing;
	int64_t pkg = 0, id = insert(t, "K1", NULL, "<m1@agent>", "req1", &existing);

	step(t, id, STORE_OB_ACCEPTED, STORE_OB_NEEDS_SIGNATURE, 0);
	step(t, id, STORE_OB_NEEDS_SIGNATURE, STORE_OB_SIGNED, 0);
	step(t, id, STORE_OB_SIGNED, STORE_OB_SUBMITTING, 0);
	s = (struct store_outbox_step){ .from = STORE_OB_SUBMITTING, .to = STORE_OB_SUBMITTED,
		.kep_id = "<k-1>" };
	assert_int_equal(store_outbox_step(t->st, id, &s, &err), 0);
	assert_int_equal(store_outbox_link_packages(t->st, "acc1", &err), 0);
	p.meta.account = "acc1";
	p.meta.folder = "OUTBOX";
	p.meta.kep_id = "<k-1>";
	p.raw = store_content_mem("raw", 3);
	assert_int_equal(store_package_insert(t->st, &p, &pkg, NULL, &err), 0);
	assert_int_equal(store_outbox_link_packages(t->st, "acc1", &err), 1);
	assert_int_equal(store_outbox_link_packages(t->st, "acc1", &err), 0);
	assert_int_equal(store_outbox_get(t->st, id, &it, &err), 0);
	assert_int_equal(it.package_id, pkg);
	store_outbox_item_clear(&it);
}

static void test_failed_write_leaves_nothing(void **state)
{
	struct tstore *t = *state;
	struct sample x;
	struct kerr err = { 0 };
	int existing;
	int64_t id;

	sample(&x, "K1", NULL, "<m1@agent>", "req1");
	store_test_fail_at_step(t->st, 1);
	assert_int_equal(store_outbox_insert(t->st, &x.n, &id, &existing, &err), -1);
	store_test_fail_at_step(t->st, 0);
	assert_int_equal(tstore_count(t, "outbox"), 0);
	assert_int_equal(tstore_count(t, "outbox_files"), 0);
	assert_int_equal(tstore_count(t, "outbox_recipients"), 0);
	assert_int_equal(store_outbox_insert(t->st, &x.n, &id, &existing, &err), 0);
	assert_int_equal(existing, 0);
}

static void test_send_block(void **state)
{
	struct tstore *t = *state;
	struct kerr err = { 0 };
	char *reason, *fp;

	assert_int_equal(store_send_block_get(t->st, "acc1", &reason, &fp, &err), 0);
	assert_null(reason);
	assert_int_equal(store_send_block_set(t->st, "acc1", "token rejected the PIN", "1:2:3",
					      &err), 0);
	store_close(&t->st);
	assert_int_equal(store_open(t->path, &t->st, &err), 0);
	assert_int_equal(store_send_block_get(t->st, "acc1", &reason, &fp, &err), 1);
	assert_string_equal(reason, "token rejected the PIN");
	assert_string_equal(fp, "1:2:3");
	free(reason);
	free(fp);
	assert_int_equal(store_send_block_set(t->st, "nobody", "x", NULL, &err), -1);
	assert_int_equal(err.cls, KERR_NOTFOUND);
	assert_int_equal(store_send_block_clear(t->st, "acc1", &err), 0);
	assert_int_equal(store_send_block_get(t->st, "acc1", &reason, &fp, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_get, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_idempotent, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_state_machine, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_failed_parked_counts, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_link_package, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_failed_write_leaves_nothing, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_send_block, tstore_setup, tstore_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
