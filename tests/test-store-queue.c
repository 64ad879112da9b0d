/* Unit tests of the import queue: claim, lease, expiry, ack, reject, park,
 * and two processes claiming at once. */
#include "test-store-util.h"

#include <sys/wait.h>

#include "store_queue.h"

/* Stores n minimal packages, queued; returns the first id. */
static int64_t add_packages(struct tstore *t, int n)
{
	struct kerr err = { 0 };
	int64_t id = 0, first = 0;
	int i;

	assert_int_equal(store_begin(t->st, &err), 0);
	for (i = 0; i < n; i++) {
		char kep[32];
		struct store_package p = { 0 };

		snprintf(kep, sizeof(kep), "<q-%d>", i);
		p.meta.account = "acc1";
		p.meta.folder = "INBOX";
		p.meta.kep_id = kep;
		p.raw = store_content_mem(kep, strlen(kep));
		p.enqueue = 1;
		if (store_package_insert(t->st, &p, &id, NULL, &err) < 0)
			fail_msg("%s", err.msg);
		if (i == 0)
			first = id;
	}
	assert_int_equal(store_commit(t->st, &err), 0);
	return first;
}

static int state_of(struct tstore *t, int64_t pkg, int64_t *attempts)
{
	struct store_queue_filter f = { .state = -1, .limit = 1000 };
	struct store_queue_item *items = NULL;
	struct kerr err = { 0 };
	size_t n, i;
	int st = -1;

	assert_int_equal(store_queue_list(t->st, &f, &items, &n, &err), 0);
	for (i = 0; i < n; i++)
		if (items[i].package_id == pkg) {
			st = (int)items[i].state;
			if (attempts != NULL)
				*attempts = items[i].attempts;
		}
	store_queue_items_free(&items, n);
	return st;
}

static size_t claim(struct tstore *t, const char *owner, size_t max, int64_t lease,
		    int64_t *first_pkg)
{
	struct store_queue_item *items = NULL;
	struct kerr err = { 0 };
	size_t n;

	if (store_queue_claim(t->st, owner, NULL, max, lease, &items, &n, &err) < 0)
		fail_msg("%s", err.msg);
	if (n > 0 && first_pkg != NULL)
		*first_pkg = items[0].package_id;
	if (n > 0) {
		assert_string_equal(items[0].lease_owner, owner);
		assert_int_equal(items[0].state, STORE_Q_CLAIMED);
		assert_string_equal(items[0].account, "acc1");
	}
	store_queue_items_free(&items, n);
	return n;
}

static void test_claim_ack(void **state)
{
	struct tstore *t = *state;
	struct kerr err = { 0 };
	int64_t first = add_packages(t, 3), got = 0;

	assert_int_equal(claim(t, "A", 2, 10000, &got), 2);
	assert_int_equal(got, first);
	/* Claimed items are invisible to other claimers while leased. */
	assert_int_equal(claim(t, "B", 5, 10000, &got), 1);
	assert_int_equal(got, first + 2);
	assert_int_equal(claim(t, "C", 5, 10000, NULL), 0);

	assert_int_equal(store_queue_ack(t->st, first, "ebys", &err), 0);
	assert_int_equal(state_of(t, first, NULL), STORE_Q_ACKED);
	assert_int_equal(store_queue_ack(t->st, first, "ebys", &err), 0);   /* idempotent */
	assert_int_equal(store_queue_reject(t->st, first, "ebys", "late", 0, 5, &err), -1);
	assert_int_equal(err.cls, KERR_USAGE);
	assert_int_equal(state_of(t, first, NULL), STORE_Q_ACKED);
	assert_int_equal(store_queue_ack(t->st, 424242, "ebys", &err), -1);
	assert_int_equal(err.cls, KERR_NOTFOUND);
	/* Enqueueing again does not reset a final state. */
	assert_int_equal(store_queue_enqueue(t->st, first, &err), 0);
	assert_int_equal(state_of(t, first, NULL), STORE_Q_ACKED);
	/* One audit line per ack, not per repeated ack; plus 3 stored. */
	assert_int_equal(tstore_count(t, "audit_log"), 4);
}

static void test_lease_expiry(void **state)
{
	struct tstore *t = *state;
	int64_t first = add_packages(t, 1), got = 0;

	/* Long enough that B's claim surely comes within A's lease on a loaded
	 * machine, short enough to wait out. */
	assert_int_equal(claim(t, "A", 1, 1000, NULL), 1);
	assert_int_equal(claim(t, "B", 1, 1000, NULL), 0);
	usleep(1200 * 1000);
	/* A's lease ran out: B may take it. */
	assert_int_equal(claim(t, "B", 1, 10000, &got), 1);
	assert_int_equal(got, first);
}

static void test_reject_park(void **state)
{
	struct tstore *t = *state;
	struct store_queue_filter f = { .state = STORE_Q_PARKED };
	struct store_queue_item *items = NULL;
	struct kerr err = { 0 };
	int64_t first = add_packages(t, 1), attempts = 0;
	size_t n;

	assert_int_equal(claim(t, "A", 1, 10000, NULL), 1);
	/* Rejected with a delay: not claimable until it has passed. */
	assert_int_equal(store_queue_reject(t->st, first, "ebys", "no registry", 10000, 3, &err), 0);
	assert_int_equal(state_of(t, first, &attempts), STORE_Q_REJECTED);
	assert_int_equal(attempts, 1);
	assert_int_equal(claim(t, "A", 1, 10000, NULL), 0);
	/* With no delay it comes back at once. */
	assert_int_equal(store_queue_reject(t->st, first, "ebys", "again", 0, 3, &err), 0);
	assert_int_equal(claim(t, "A", 1, 10000, NULL), 1);
	assert_int_equal(store_queue_reject(t->st, first, "ebys", "third", 0, 3, &err), 0);
	assert_int_equal(state_of(t, first, &attempts), STORE_Q_PARKED);
	assert_int_equal(attempts, 3);
	assert_int_equal(claim(t, "A", 1, 10000, NULL), 0);
	assert_int_equal(store_queue_list(t->st, &f, &items, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(items[0].last_reason, "third");
	assert_null(items[0].lease_owner);
	store_queue_items_free(&items, n);
}

static void test_list_paging(void **state)
{
	struct tstore *t = *state;
	struct store_queue_filter f = { .state = STORE_Q_PENDING, .limit = 4 };
	struct store_queue_item *items = NULL;
	struct kerr err = { 0 };
	size_t n, total = 0;

	add_packages(t, 10);
	assert_int_equal(claim(t, "A", 1, 10000, NULL), 1);
	do {
		assert_int_equal(store_queue_list(t->st, &f, &items, &n, &err), 0);
		total += n;
		if (n > 0)
			f.after_id = items[n - 1].id;
		store_queue_items_free(&items, n);
	} while (n == 4);
	assert_int_equal(total, 9);
	f.account = "other";
	f.after_id = 0;
	assert_int_equal(store_queue_list(t->st, &f, &items, &n, &err), 0);
	assert_int_equal(n, 0);
}

#define N_CONCURRENT 150

/* A child: claims in a loop until nothing is left, writing each claimed
 * package id to fd. */
static void claimer(const char *path, const char *owner, int fd)
{
	struct store *s = NULL;
	struct kerr err = { 0 };
	int empty = 0;

	if (store_open(path, &s, &err) < 0)
		_exit(2);
	while (empty < 3) {
		struct store_queue_item *items = NULL;
		size_t n, i;

		if (store_queue_claim(s, owner, NULL, 3, 600000, &items, &n, &err) < 0)
			_exit(3);
		for (i = 0; i < n; i++)
			if (write(fd, &items[i].package_id, sizeof(int64_t)) != sizeof(int64_t))
				_exit(4);
		empty = n == 0 ? empty + 1 : 0;
		store_queue_items_free(&items, n);
	}
	store_close(&s);
	_exit(0);
}

static void test_concurrent_claimers(void **state)
{
	struct tstore *t = *state;
	static int seen[N_CONCURRENT];
	int64_t first = add_packages(t, N_CONCURRENT), id;
	int fds[2], status, k;
	pid_t pids[2];
	size_t total = 0;

	memset(seen, 0, sizeof(seen));
	assert_int_equal(pipe(fds), 0);
	for (k = 0; k < 2; k++) {
		pids[k] = fork();
		assert_true(pids[k] >= 0);
		if (pids[k] == 0) {
			close(fds[0]);
			claimer(t->path, k ? "proc-B" : "proc-A", fds[1]);
		}
	}
	close(fds[1]);
	while (read(fds[0], &id, sizeof(id)) == sizeof(id)) {
		assert_true(id >= first && id < first + N_CONCURRENT);
		if (seen[id - first]++)
			fail_msg("package %lld claimed twice", (long long)id);
		total++;
	}
	close(fds[0]);
	for (k = 0; k < 2; k++) {
		assert_int_equal(waitpid(pids[k], &status, 0), pids[k]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	assert_int_equal(total, N_CONCURRENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_claim_ack, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_lease_expiry, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_reject_park, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_list_paging, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_claimers, tstore_setup,
						tstore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
