/* chain_cache.h: verify each distinct certificate chain once.
 *
 * Building and checking a chain (P-384 signatures are slow) costs far more
 * than checking one leaf signature, and a mailbox holds thousands of
 * messages from a handful of signers. The cache maps (leaf certificate
 * SHA-256, the set of helper certificates, purpose, validation-time bucket
 * of one hour, trust store generation) to the chain verdict, its reason and
 * revocation state. An entry also records the chain's validity window, so a
 * certificate expiring inside a bucket is never misjudged. Bounded size
 * (oldest entries evicted); thread-safe (one mutex). */
#ifndef KEP_CHAIN_CACHE_H
#define KEP_CHAIN_CACHE_H

#include <stddef.h>
#include <time.h>

#include "verdict.h"
#include "revocation.h"

#define CHAIN_CACHE_KEY_LEN 32

struct chain_entry {
	enum verdict verdict;     /* chain + key usage + revocation */
	enum rev_status revocation;
	time_t not_before;        /* the latest notBefore in the chain */
	time_t not_after;         /* the earliest notAfter in the chain */
	char reason[384];
	char issuer_subject[256]; /* subject of the anchor reached, "" if none */
};

struct chain_cache;

/* max_entries 0: a default (4096). */
struct chain_cache *chain_cache_new(size_t max_entries);
void chain_cache_free(struct chain_cache **cc);
/* 1 and *out filled on a hit whose validity window contains at; 0 on miss. */
int chain_cache_get(struct chain_cache *cc, const unsigned char key[CHAIN_CACHE_KEY_LEN],
		    time_t at, struct chain_entry *out);
void chain_cache_put(struct chain_cache *cc, const unsigned char key[CHAIN_CACHE_KEY_LEN],
		     const struct chain_entry *e);
/* Counters for tests and the benchmark. */
unsigned long chain_cache_hits(struct chain_cache *cc);
unsigned long chain_cache_misses(struct chain_cache *cc);

#endif
