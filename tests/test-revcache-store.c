/* Unit test of the revocation cache on the store (sync/revcache_store.h):
 * attached to a sync's connection, the cache is read and written through
 * it from the attaching thread, inside the transaction the sync holds open
 * (its batch of packages): a write neither waits for that transaction's
 * write lock nor is lost to it, and is committed or rolled back with it;
 * the sync is told before each network fetch; another thread keeps the
 * cache's own connection and tells nobody. */
#include <pthread.h>

#include "test-store-util.h"

#include "revcache_store.h"

static const unsigned char der[] = { 0x30, 0x03, 0x02, 0x01, 0x07 };

static int cached(const struct rev_cache_ops *ops, const char *key)
{
	unsigned char *d = NULL;
	size_t len = 0;
	time_t nu = 0;
	int rc = ops->get(ops->ud, key, &d, &len, &nu);

	if (rc == 0) {
		assert_int_equal(len, sizeof(der));
		assert_memory_equal(d, der, sizeof(der));
		assert_true(nu > time(NULL));
	}
	free(d);
	return rc == 0;
}

struct other {
	const struct rev_cache_ops *ops;
	const char *key;
	int found;
};

static void *other_thread(void *arg)
{
	struct other *o = arg;

	o->found = cached(o->ops, o->key);
	o->ops->fetching(o->ops->ud);
	return NULL;
}

static int fetches;

static void on_fetching(void *arg)
{
	assert_ptr_equal(arg, &fetches);
	fetches++;
}

/* Whether another thread sees key (through the cache's own connection). */
static int cached_elsewhere(const struct rev_cache_ops *ops, const char *key)
{
	struct other o = { ops, key, -1 };
	pthread_t th;

	assert_int_equal(pthread_create(&th, NULL, other_thread, &o), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	return o.found;
}

static void test_attached(void **state)
{
	struct tstore *t = *state;
	struct revcache_store *rc = NULL;
	struct rev_cache_ops ops;
	struct kerr err = { 0 };
	time_t later = time(NULL) + 3600;

	if (revcache_store_new(t->path, &rc, &err) < 0)
		fail_msg("revcache_store_new: %s", err.msg);
	ops = revcache_store_ops(rc);
	revcache_store_attach(rc, t->st, on_fetching, &fetches);

	/* Inside the sync's open write transaction: written through its
	 * connection (with the cache's own the write waits out the busy
	 * timeout and fails), seen by it, not by another connection yet. */
	assert_int_equal(store_begin(t->st, &err), 0);
	assert_int_equal(ops.put(ops.ud, "ocsp a", der, sizeof(der), later), 0);
	assert_true(cached(&ops, "ocsp a"));
	assert_false(cached_elsewhere(&ops, "ocsp a"));
	/* Told before a network fetch from this thread (the sync commits its
	 * batch there), not from another one (cached_elsewhere fetched too). */
	ops.fetching(ops.ud);
	assert_int_equal(fetches, 1);
	/* ... and lost with it. */
	store_rollback(t->st);
	assert_false(cached(&ops, "ocsp a"));

	/* Committed with it. */
	assert_int_equal(store_begin(t->st, &err), 0);
	assert_int_equal(ops.put(ops.ud, "ocsp b", der, sizeof(der), later), 0);
	assert_int_equal(store_commit(t->st, &err), 0);
	assert_true(cached_elsewhere(&ops, "ocsp b"));
	assert_int_equal(tstore_count(t, "revocation_cache"), 1);

	/* Detached: its own connection again, outside any transaction. */
	revcache_store_detach(rc);
	ops.fetching(ops.ud);
	assert_int_equal(fetches, 1);
	assert_int_equal(ops.put(ops.ud, "crl c", der, sizeof(der), later), 0);
	assert_true(cached(&ops, "crl c"));
	assert_true(cached(&ops, "ocsp b"));
	assert_int_equal(tstore_count(t, "revocation_cache"), 2);
	revcache_store_free(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_attached, tstore_setup, tstore_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
