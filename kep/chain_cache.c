/* chain_cache.c: see chain_cache.h. A ring of entries scanned linearly: a
 * mailbox has few distinct signers, so a scan of a few dozen live entries
 * costs nothing next to one signature check; the ring bounds memory and
 * evicts the oldest entry first. */
#include "chain_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct slot {
	unsigned char key[CHAIN_CACHE_KEY_LEN];
	int used;
	struct chain_entry e;
};

struct chain_cache {
	pthread_mutex_t mu;
	struct slot *slots;
	size_t max, next, live;
	unsigned long hits, misses;
};

struct chain_cache *chain_cache_new(size_t max_entries)
{
	struct chain_cache *cc = xcalloc(1, sizeof(*cc));

	cc->max = max_entries != 0 ? max_entries : 4096;
	cc->slots = xcalloc(cc->max, sizeof(*cc->slots));
	pthread_mutex_init(&cc->mu, NULL);
	return cc;
}

void chain_cache_free(struct chain_cache **ccp)
{
	struct chain_cache *cc = ccp != NULL ? *ccp : NULL;

	if (cc == NULL)
		return;
	pthread_mutex_destroy(&cc->mu);
	free(cc->slots);
	free(cc);
	*ccp = NULL;
}

static struct slot *find(struct chain_cache *cc, const unsigned char *key)
{
	size_t i;

	for (i = 0; i < cc->live; i++)
		if (cc->slots[i].used && memcmp(cc->slots[i].key, key, CHAIN_CACHE_KEY_LEN) == 0)
			return &cc->slots[i];
	return NULL;
}

static int in_window(const struct chain_entry *e, time_t at)
{
	return at >= e->not_before && at <= e->not_after;
}

static int holds(const struct chain_entry *e, time_t at, time_t now)
{
	if (!in_window(e, at) || now >= e->expires)
		return 0;
	return e->revoked_at == 0 || (at >= e->revoked_at) == (e->judged_at >= e->revoked_at);
}

int chain_cache_get(struct chain_cache *cc, const unsigned char key[CHAIN_CACHE_KEY_LEN],
		    time_t at, struct chain_entry *out)
{
	struct slot *s;
	int hit = 0;

	pthread_mutex_lock(&cc->mu);
	s = find(cc, key);
	if (s != NULL && holds(&s->e, at, time(NULL))) {
		*out = s->e;
		hit = 1;
		cc->hits++;
	} else {
		cc->misses++;
	}
	pthread_mutex_unlock(&cc->mu);
	return hit;
}

void chain_cache_put(struct chain_cache *cc, const unsigned char key[CHAIN_CACHE_KEY_LEN],
		     const struct chain_entry *e)
{
	struct slot *s;

	/* Time-dependent failures are never kept: expired or not yet valid
	 * (for any certificate of the chain, even one outside the window a
	 * partial chain gives), or judged outside the window. */
	if (e->verdict == VERDICT_EXPIRED || !in_window(e, e->judged_at))
		return;
	pthread_mutex_lock(&cc->mu);
	s = find(cc, key);
	if (s == NULL) {
		s = &cc->slots[cc->next];
		cc->next = (cc->next + 1) % cc->max;
		if (cc->live < cc->max)
			cc->live++;
	}
	memcpy(s->key, key, CHAIN_CACHE_KEY_LEN);
	s->used = 1;
	s->e = *e;
	s->e.expires = time(NULL) + (e->revocation == REV_UNKNOWN ? CHAIN_CACHE_TTL_UNKNOWN
								  : CHAIN_CACHE_TTL);
	pthread_mutex_unlock(&cc->mu);
}

static unsigned long counter(struct chain_cache *cc, const unsigned long *field)
{
	unsigned long n;

	pthread_mutex_lock(&cc->mu);
	n = *field;
	pthread_mutex_unlock(&cc->mu);
	return n;
}

unsigned long chain_cache_hits(struct chain_cache *cc)
{
	return counter(cc, &cc->hits);
}

unsigned long chain_cache_misses(struct chain_cache *cc)
{
	return counter(cc, &cc->misses);
}
