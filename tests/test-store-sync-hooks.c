/* Unit tests of the store hooks the sync uses: store_queue_ack_due() (the
 * EBYS ack and the provider ack made due in one transaction, idempotent),
 * and store_evidence_pending_list() (sent packages not marked final by
 * store_evidence_final_mark(), within a date window, whose poll is due). */
#include "test-store-util.h"

#include "store_evidence.h"
#include "store_evidence_pending.h"
#include "store_queue.h"
#include "store_queue_ack_due.h"

static int64_t add_package(struct tstore *t, const char *folder, const char *kep_id,
			   int64_t date, int enqueue)
{
	struct store_package p = { 0 };
	struct store_package_details d = { 0 };
	struct kerr err = { 0 };
	int64_t id = 0;

	p.meta.account = "acc1";
	p.meta.folder = folder;
	p.meta.kep_id = kep_id;
	p.meta.provider_seq = 17;
	d.provider_time = date;     /* the KEP time dates the package */
	p.details = &d;
	p.raw = store_content_mem(kep_id, strlen(kep_id));
	p.enqueue = enqueue;
	if (store_package_insert(t->st, &p, &id, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return id;
}

static void add_evidence(struct tstore *t, int64_t pkg, const char *kep_id, const char *delil,
			 int code)
{
	struct store_evidence e = { 0 };
	struct kerr err = { 0 };

	e.meta.account = "acc1";
	e.meta.kep_id = kep_id;
	e.meta.delil_id = delil;
	e.meta.delil_tur_id = code;
	e.package_id = pkg;
	e.raw = store_content_mem(delil, strlen(delil));
	if (store_evidence_insert(t->st, &e, NULL, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

static enum store_ack ack_of(struct tstore *t, int64_t id)
{
	struct store_package_row *row = NULL;
	struct kerr err = { 0 };
	enum store_ack a;

	assert_int_equal(store_package_get(t->st, id, &row, &err), 0);
	a = row->meta.ack;
	store_package_row_free(&row);
	return a;
}

static void test_ack_due(void **state)
{
	struct tstore *t = *state;
	struct kerr err = { 0 };
	int64_t a = add_package(t, "INBOX", "<a>", 0, 1), b = add_package(t, "INBOX", "<b>", 0, 1);
	int64_t c = add_package(t, "INBOX", "<c>", 0, 1);

	assert_int_equal(store_queue_ack_due(t->st, a, "ebys", &err), 0);
	assert_int_equal(ack_of(t, a), STORE_ACK_DUE);
	assert_int_equal(ack_of(t, b), STORE_ACK_NONE);
	/* Idempotent; a package acknowledged to the provider stays done. */
	assert_int_equal(store_package_set_ack(t->st, a, STORE_ACK_DONE, 0, &err), 0);
	assert_int_equal(store_queue_ack_due(t->st, a, "ebys", &err), 0);
	assert_int_equal(ack_of(t, a), STORE_ACK_DONE);
	/* Inside a caller's transaction (a savepoint), rolled back with it. */
	assert_int_equal(store_begin(t->st, &err), 0);
	assert_int_equal(store_queue_ack_due(t->st, c, "ebys", &err), 0);
	store_rollback(t->st);
	assert_int_equal(ack_of(t, c), STORE_ACK_NONE);
	/* Not queued: nothing changes. */
	assert_int_equal(store_queue_ack_due(t->st, 424242, "ebys", &err), -1);
	assert_int_equal(err.cls, KERR_NOTFOUND);
}

static void test_evidence_pending(void **state)
{
	struct tstore *t = *state;
	struct store_evidence_pending *rows = NULL;
	struct kerr err = { 0 };
	int64_t now = now_ms(), day = 86400000;
	int64_t p1 = add_package(t, "OUTBOX", "<p1>", now - day, 0);
	int64_t p2 = add_package(t, "OUTBOX", "<p2>", now - day, 0);
	int64_t p3 = add_package(t, "OUTBOX", "<p3>", now - day, 0);
	int64_t p4 = add_package(t, "OUTBOX", "<p4>", now - 90 * day, 0);
	int64_t p5 = add_package(t, "OUTBOX", "<p5>", now - day, 0);
	size_t n = 0;

	(void)p4;
	add_package(t, "INBOX", "<i1>", now - day, 1);
	add_evidence(t, p1, "<p1>", "d1", 10);          /* not final */
	add_evidence(t, p2, "<p2>", "d2", 10);
	add_evidence(t, p2, "<p2>", "d3", 60);          /* read: final */
	add_evidence(t, p3, "<p3>", "d4", 41);          /* not delivered: final */
	add_evidence(t, p5, "<p5>", "d5", 20);
	add_evidence(t, p5, "<p5>", "d6", 60);          /* stored, not judged final */
	/* The store does not judge codes: only what the sync marked is final. */
	assert_int_equal(store_evidence_final_mark(t->st, p2, &err), 0);
	assert_int_equal(store_evidence_final_mark(t->st, p3, &err), 0);
	assert_int_equal(store_evidence_final_mark(t->st, p3, &err), 0);   /* idempotent */
	assert_int_equal(store_evidence_pending_list(t->st, "acc1", "OUTBOX", now - 60 * day, now, 0,
						     &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].package_id, p1);
	assert_string_equal(rows[0].kep_id, "<p1>");
	assert_int_equal(rows[0].provider_seq, 17);
	assert_int_equal(rows[1].package_id, p5);
	store_evidence_pending_free(&rows, n);
	assert_null(rows);
	/* A wider window reaches the old package; the limit holds. */
	assert_int_equal(store_evidence_pending_list(t->st, "acc1", "OUTBOX", now - 100 * day, now, 2,
						     &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	store_evidence_pending_free(&rows, n);
	assert_int_equal(store_evidence_pending_list(t->st, "acc1", "OUTBOX", now - 100 * day, now, 0,
						     &rows, &n, &err), 0);
	assert_int_equal(n, 3);
	store_evidence_pending_free(&rows, n);
	/* Another folder or account: nothing. */
	assert_int_equal(store_evidence_pending_list(t->st, "acc2", "OUTBOX", 0, now, 0, &rows, &n,
						     &err), 0);
	assert_int_equal(n, 0);
	store_evidence_pending_free(&rows, n);
}

/* The poll schedule: a package whose next poll is later is not listed;
 * one never polled or whose poll is due is. */
static void test_evidence_poll_schedule(void **state)
{
	struct tstore *t = *state;
	struct store_evidence_pending *rows = NULL;
	struct kerr err = { 0 };
	int64_t now = now_ms(), day = 86400000, iv = -1;
	int64_t p1 = add_package(t, "OUTBOX", "<p1>", now - day, 0);
	int64_t p2 = add_package(t, "OUTBOX", "<p2>", now - day, 0);
	int64_t p3 = add_package(t, "OUTBOX", "<p3>", now - day, 0);
	size_t n = 0;

	assert_int_equal(store_evidence_poll_interval(t->st, p1, &iv, &err), 0);
	assert_int_equal(iv, 0);                                   /* never polled */
	assert_int_equal(store_evidence_poll_set(t->st, p1, now + 60000, 60000, &err), 0);
	assert_int_equal(store_evidence_poll_set(t->st, p2, now - 1, 120000, &err), 0);
	assert_int_equal(store_evidence_poll_interval(t->st, p2, &iv, &err), 0);
	assert_int_equal(iv, 120000);
	assert_int_equal(store_evidence_pending_list(t->st, "acc1", "OUTBOX", now - 60 * day, now,
						     0, &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[0].package_id, p2);
	assert_int_equal(rows[1].package_id, p3);
	store_evidence_pending_free(&rows, n);
	/* Later, p1 is due too; a poll set again replaces the schedule. */
	assert_int_equal(store_evidence_pending_list(t->st, "acc1", "OUTBOX", now - 60 * day,
						     now + 60000, 0, &rows, &n, &err), 0);
	assert_int_equal(n, 3);
	store_evidence_pending_free(&rows, n);
	assert_int_equal(store_evidence_poll_set(t->st, p2, now + day, day, &err), 0);
	assert_int_equal(store_evidence_pending_list(t->st, "acc1", "OUTBOX", now - 60 * day, now,
						     0, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].package_id, p3);
	store_evidence_pending_free(&rows, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ack_due, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_evidence_pending, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_evidence_poll_schedule, tstore_setup,
						tstore_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
