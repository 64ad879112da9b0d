/* revcache_store.c: the revocation cache on the store (see revcache_store.h). */
#include "revcache_store.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "store_revcache.h"
#include "util.h"

struct revcache_store {
	pthread_mutex_t mu;
	struct store *store;      /* its own connection */
	struct store *attached;   /* the sync's, for calls from its thread */
	pthread_t attached_by;
	void (*fetching)(void *arg);
	void *fetching_arg;
};

/* 1 when called from the thread that attached a connection; rc->mu held. */
static int attached_here(const struct revcache_store *rc)
{
	return rc->attached != NULL && pthread_equal(rc->attached_by, pthread_self());
}

/* The connection for a call from this thread; rc->mu held. */
static struct store *conn(struct revcache_store *rc)
{
	return attached_here(rc) ? rc->attached : rc->store;
}

void revcache_store_attach(struct revcache_store *rc, struct store *store,
			   void (*fetching)(void *arg), void *arg)
{
	pthread_mutex_lock(&rc->mu);
	rc->attached = store;
	rc->attached_by = pthread_self();
	rc->fetching = fetching;
	rc->fetching_arg = arg;
	pthread_mutex_unlock(&rc->mu);
}

void revcache_store_detach(struct revcache_store *rc)
{
	pthread_mutex_lock(&rc->mu);
	rc->attached = NULL;
	rc->fetching = NULL;
	pthread_mutex_unlock(&rc->mu);
}

int revcache_store_new(const char *path, struct revcache_store **rc_r, struct kerr *err)
{
	struct revcache_store *rc = xcalloc(1, sizeof(*rc));

	if (store_open(path, &rc->store, err) < 0) {
		free(rc);
		return -1;
	}
	pthread_mutex_init(&rc->mu, NULL);
	*rc_r = rc;
	return 0;
}

void revcache_store_free(struct revcache_store **rc)
{
	if (*rc == NULL)
		return;
	store_close(&(*rc)->store);
	pthread_mutex_destroy(&(*rc)->mu);
	free(*rc);
	*rc = NULL;
}

static int rc_get(void *ud, const char *key, unsigned char **der, size_t *len,
		  time_t *next_update)
{
	struct revcache_store *rc = ud;
	struct store_revcache_entry *e = NULL;
	struct kerr err;
	int found, rv = -1;

	pthread_mutex_lock(&rc->mu);
	found = store_revcache_get(conn(rc), key, &e, &err);
	pthread_mutex_unlock(&rc->mu);
	if (found < 0)
		log_debug("revocation cache: %s", err.msg);
	if (found == 1 && e->next_update > now_ms()) {
		*der = xmalloc(e->der_len ? e->der_len : 1);
		memcpy(*der, e->der, e->der_len);
		*len = e->der_len;
		*next_update = (time_t)(e->next_update / 1000);
		rv = 0;
	}
	store_revcache_entry_free(&e);
	return rv;
}

static int rc_put(void *ud, const char *key, const unsigned char *der, size_t len,
		  time_t next_update)
{
	struct revcache_store *rc = ud;
	struct kerr err;
	int64_t now = now_ms();
	int rv;

	pthread_mutex_lock(&rc->mu);
	rv = store_revcache_put(conn(rc), key, der, len, now, (int64_t)next_update * 1000, now,
				&err);
	pthread_mutex_unlock(&rc->mu);
	if (rv < 0)
		log_debug("revocation cache: %s", err.msg);
	return rv;
}

/* Called without rc->mu: the callback writes the store. */
static void rc_fetching(void *ud)
{
	struct revcache_store *rc = ud;
	void (*cb)(void *) = NULL;
	void *arg = NULL;

	pthread_mutex_lock(&rc->mu);
	if (attached_here(rc)) {
		cb = rc->fetching;
		arg = rc->fetching_arg;
	}
	pthread_mutex_unlock(&rc->mu);
	if (cb != NULL)
		cb(arg);
}

struct rev_cache_ops revcache_store_ops(struct revcache_store *rc)
{
	struct rev_cache_ops ops = { rc_get, rc_put, rc, rc_fetching };

	return ops;
}
