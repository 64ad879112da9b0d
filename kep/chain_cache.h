/* chain_cache.h: verify each distinct certificate chain once.
 *
 * Building and checking a chain (P-384 signatures are slow) costs far more
 * than checking one leaf signature, and a mailbox holds thousands of
 * messages from a handful of signers. The cache maps (leaf certificate
 * SHA-256, the set of helper certificates, purpose, trust store generation,
 * revocation mode) to the chain verdict, its reason and revocation state,
 * for every validation time at which that result holds, not for one hour
 * of them: time-stamped signers are judged at their own signing times, one
 * per package, and an hour bucket rebuilt the chain for nearly every
 * package (1.06 builds per package, issue 15). An entry holds when:
 *   - the time judged is inside the chain's validity window (the latest
 *     notBefore to the earliest notAfter), and the entry was judged inside
 *     it too: a time-dependent failure (expired, not yet valid) is never
 *     put, so it is never served for another time;
 *   - the time is on the same side of the revocation time the revocation
 *     answers named (revoked_at) as the time the entry was judged at;
 *   - its wall-clock life has not run out (CHAIN_CACHE_TTL seconds,
 *     CHAIN_CACHE_TTL_UNKNOWN when revocation could not be learnt): the
 *     revocation state is re-checked on that schedule, through the
 *     revocation checker's own CRL/OCSP cache.
 * Bounded size (oldest entries evicted); thread-safe (one mutex); the
 * daemon keeps one per account across the refreshes of a configuration
 * and drops it on reload (agent/daemon_sync.c). */
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
	time_t judged_at;         /* the validation time it was judged at */
	time_t revoked_at;        /* earliest revocation time named in the chain, 0: none */
	time_t expires;           /* wall clock; set by chain_cache_put */
	char reason[384];
	char issuer_subject[256]; /* subject of the anchor reached, "" if none */
};

#define CHAIN_CACHE_TTL 600
#define CHAIN_CACHE_TTL_UNKNOWN 60

struct chain_cache;

/* max_entries 0: a default (4096). */
struct chain_cache *chain_cache_new(size_t max_entries);
void chain_cache_free(struct chain_cache **cc);
/* 1 and *out filled on a hit that holds at time at (see above); 0 on miss. */
int chain_cache_get(struct chain_cache *cc, const unsigned char key[CHAIN_CACHE_KEY_LEN],
		    time_t at, struct chain_entry *out);
/* Keeps e (judged at e->judged_at) when that time is inside its validity
 * window; a result judged outside it is not kept. Sets e's life. */
void chain_cache_put(struct chain_cache *cc, const unsigned char key[CHAIN_CACHE_KEY_LEN],
		     const struct chain_entry *e);
/* Counters for tests and the benchmark. */
unsigned long chain_cache_hits(struct chain_cache *cc);
unsigned long chain_cache_misses(struct chain_cache *cc);

#endif
