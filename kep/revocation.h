/* revocation.h: certificate revocation by OCSP and CRL, with a cache.
 *
 * Modes: REV_OFFLINE never touches the network and reports "revocation not
 * checked (offline mode)" (verdict revocation-unknown) unless a CRL from the
 * trust files answers (below); REV_ONLINE asks the
 * OCSP responder named in the certificate's AIA (request with a nonce,
 * response signature checked) and falls back to the CRL distribution point
 * (fetched with libcurl; http, or https with TLS verification on); if neither
 * answers, the status is unknown (verdict revocation-unknown); REV_REQUIRE is
 * online, but unknown status is a failure: cms_verify maps it to the verdict
 * "untrusted" with a reason starting "revocation status unknown".
 * CRLs found among the trust files (conf/trust_config.c puts them into the
 * anchors' X509_STORE, which revocation_check is handed) answer in offline
 * mode, and online when neither OCSP nor the distribution point does: the
 * freshest one by the issuer whose nextUpdate has not passed (a stale one is
 * not used: the status stays not checked / unknown).
 * CRLs and OCSP answers are cached until their nextUpdate through struct
 * rev_cache_ops (the store implements it; an in-memory cache is the
 * default); every fetch of one struct revocation shares a connection cache,
 * so a responder is asked over a kept-alive connection. A struct
 * revocation may be shared by threads: the in-memory cache has a mutex, and
 * callers' cache callbacks must be thread-safe themselves. */
#ifndef KEP_REVOCATION_H
#define KEP_REVOCATION_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "err.h"

enum rev_mode { REV_OFFLINE = 0, REV_ONLINE, REV_REQUIRE };

enum rev_status {
	REV_NOT_CHECKED = 0, /* offline mode, or not reached (chain failed) */
	REV_GOOD,
	REV_REVOKED,         /* revoked at or before the time judged */
	REV_UNKNOWN,         /* responder/CRL unreachable or unusable */
};

/* CRL and OCSP answer cache. get returns 0 and a malloc'd copy in *der
 * (caller frees) when key is cached and still fresh, -1 otherwise. put
 * stores a copy. fetching (may be NULL) is called before each request to a
 * responder or a CRL distribution point, in the verifying thread: the
 * store's cache ends the caller's open batch there, so no write lock is
 * held across the network (sync/revcache_store.h). */
struct rev_cache_ops {
	int (*get)(void *ud, const char *key, unsigned char **der, size_t *len,
		   time_t *next_update);
	int (*put)(void *ud, const char *key, const unsigned char *der, size_t len,
		   time_t next_update);
	void *ud;
	void (*fetching)(void *ud);
};

struct revocation;

/* ops NULL: the built-in in-memory cache. ops is copied. */
struct revocation *revocation_new(enum rev_mode mode, const struct rev_cache_ops *ops);
void revocation_free(struct revocation **rv);
enum rev_mode revocation_mode(const struct revocation *rv);
/* Network timeout per request, seconds (default 10). */
void revocation_set_timeout(struct revocation *rv, long seconds);
/* "offline", "online", "require"; -1 when unknown. */
int rev_mode_from_name(const char *name);
const char *rev_status_name(enum rev_status st);

/* Status of cert (issued by issuer) at time at. anchors verifies OCSP
 * responses. reason (may be NULL) receives a human explanation. Never fails:
 * problems become REV_UNKNOWN with the cause in reason. Thread-safe.
 * *revoked_at (may be NULL) receives the revocation time the answer names,
 * 0 when it names none: the only way `at` changes the answer (REV_REVOKED
 * from then on, REV_GOOD before), which the chain cache needs to know. */
enum rev_status revocation_check(struct revocation *rv, X509 *cert, X509 *issuer,
				 X509_STORE *anchors, time_t at, time_t *revoked_at,
				 char *reason, size_t reason_len);

/* Number of network fetches done (OCSP requests + CRL downloads); for tests. */
unsigned long revocation_fetch_count(const struct revocation *rv);

#endif
