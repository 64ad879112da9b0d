/* revocation.c: see revocation.h. OCSP is asked first (fresh, signed, with
 * a nonce), the CRL second; either answer settles the status. Offline, or
 * when neither answers, a CRL loaded with the anchors (the trust files')
 * does, while its nextUpdate has not passed. */
#include "revocation.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "util.h"

#define REV_MAX_BODY (16u << 20)

struct memcrl {
	char *key;
	unsigned char *der;
	size_t len;
	time_t next_update;
	struct memcrl *next;
};

struct revocation {
	enum rev_mode mode;
	struct rev_cache_ops ops;
	long timeout;
	unsigned long fetches;
	pthread_mutex_t mu; /* guards the in-memory cache */
	struct memcrl *mem;
	/* Connections (and DNS answers, TLS sessions) shared by every fetch, so
	 * a run asks a responder over one kept-alive connection. */
	CURLSH *share;
	pthread_mutex_t share_mu[CURL_LOCK_DATA_LAST];
};

static time_t now_s(void)
{
	return (time_t)(now_ms() / 1000);
}

static int mem_get(void *ud, const char *key, unsigned char **der, size_t *len, time_t *nu)
{
	struct revocation *rv = ud;
	struct memcrl *m;
	int rc = -1;

	pthread_mutex_lock(&rv->mu);
	for (m = rv->mem; m != NULL; m = m->next) {
		if (strcmp(m->key, key) == 0 && m->next_update > now_s()) {
			*der = xmalloc(m->len);
			memcpy(*der, m->der, m->len);
			*len = m->len;
			*nu = m->next_update;
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&rv->mu);
	return rc;
}

static int mem_put(void *ud, const char *key, const unsigned char *der, size_t len, time_t nu)
{
	struct revocation *rv = ud;
	struct memcrl *m;

	pthread_mutex_lock(&rv->mu);
	for (m = rv->mem; m != NULL && strcmp(m->key, key) != 0; m = m->next)
		;
	if (m == NULL) {
		m = xcalloc(1, sizeof(*m));
		m->key = xstrdup(key);
		m->next = rv->mem;
		rv->mem = m;
	}
	free(m->der);
	m->der = xmalloc(len);
	memcpy(m->der, der, len);
	m->len = len;
	m->next_update = nu;
	pthread_mutex_unlock(&rv->mu);
	return 0;
}

static void share_lock(CURL *h, curl_lock_data d, curl_lock_access a, void *ud)
{
	struct revocation *rv = ud;

	(void)h;
	(void)a;
	pthread_mutex_lock(&rv->share_mu[d]);
}

static void share_unlock(CURL *h, curl_lock_data d, void *ud)
{
	struct revocation *rv = ud;

	(void)h;
	pthread_mutex_unlock(&rv->share_mu[d]);
}

struct revocation *revocation_new(enum rev_mode mode, const struct rev_cache_ops *ops)
{
	struct revocation *rv = xcalloc(1, sizeof(*rv));
	int i;

	rv->mode = mode;
	rv->timeout = 10;
	pthread_mutex_init(&rv->mu, NULL);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_init(&rv->share_mu[i], NULL);
	if (mode != REV_OFFLINE && (rv->share = curl_share_init()) != NULL) {
		curl_share_setopt(rv->share, CURLSHOPT_LOCKFUNC, share_lock);
		curl_share_setopt(rv->share, CURLSHOPT_UNLOCKFUNC, share_unlock);
		curl_share_setopt(rv->share, CURLSHOPT_USERDATA, rv);
		curl_share_setopt(rv->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
		curl_share_setopt(rv->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
		curl_share_setopt(rv->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
	}
	if (ops != NULL) {
		rv->ops = *ops;
	} else {
		rv->ops.get = mem_get;
		rv->ops.put = mem_put;
		rv->ops.ud = rv;
	}
	return rv;
}

void revocation_free(struct revocation **rvp)
{
	struct revocation *rv = rvp != NULL ? *rvp : NULL;
	struct memcrl *m, *n;
	int i;

	if (rv == NULL)
		return;
	if (rv->share != NULL)
		curl_share_cleanup(rv->share);
	for (i = 0; i < CURL_LOCK_DATA_LAST; i++)
		pthread_mutex_destroy(&rv->share_mu[i]);
	for (m = rv->mem; m != NULL; m = n) {
		n = m->next;
		free(m->key);
		free(m->der);
		free(m);
	}
	pthread_mutex_destroy(&rv->mu);
	free(rv);
	*rvp = NULL;
}

enum rev_mode revocation_mode(const struct revocation *rv)
{
	return rv->mode;
}

void revocation_set_timeout(struct revocation *rv, long seconds)
{
	rv->timeout = seconds > 0 ? seconds : 10;
}

int rev_mode_from_name(const char *name)
{
	if (strcmp(name, "offline") == 0)
		return REV_OFFLINE;
	if (strcmp(name, "online") == 0)
		return REV_ONLINE;
	if (strcmp(name, "require") == 0)
		return REV_REQUIRE;
	return -1;
}

const char *rev_status_name(enum rev_status st)
{
	switch (st) {
	case REV_NOT_CHECKED:
		return "not-checked";
	case REV_GOOD:
		return "good";
	case REV_REVOKED:
		return "revoked";
	case REV_UNKNOWN:
		return "unknown";
	}
	return "unknown";
}

unsigned long revocation_fetch_count(const struct revocation *rv)
{
	return __atomic_load_n(&rv->fetches, __ATOMIC_RELAXED);
}

static void why(char *reason, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void why(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (reason == NULL || len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct kbuf *b = ud;

	if (b->len + sz * n > REV_MAX_BODY)
		return 0;
	kbuf_append(b, p, sz * n);
	return sz * n;
}

/* GET (body NULL) or POST url; 0 with the body in out, -1 with a reason. */
static int http_fetch(struct revocation *rv, const char *url, const void *body, size_t blen,
		      const char *ctype, struct kbuf *out, char *reason, size_t rlen)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = NULL;
	long code = 0;
	CURLcode rc;

	if (c == NULL) {
		why(reason, rlen, "curl_easy_init failed");
		return -1;
	}
	__atomic_add_fetch(&rv->fetches, 1, __ATOMIC_RELAXED);
	if (rv->ops.fetching != NULL)
		rv->ops.fetching(rv->ops.ud);
	if (rv->share != NULL)
		curl_easy_setopt(c, CURLOPT_SHARE, rv->share);
	curl_easy_setopt(c, CURLOPT_URL, url);
	/* Only plain HTTP (CRLs and OCSP are signed) or HTTPS with verification. */
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, rv->timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, rv->timeout);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (body != NULL) {
		hdr = curl_slist_append(hdr, ctype);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)blen);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		why(reason, rlen, "%s: %s", url, curl_easy_strerror(rc));
		return -1;
	}
	if (code != 200) {
		why(reason, rlen, "%s: HTTP status %ld", url, code);
		return -1;
	}
	return 0;
}

/* The time judged, and the revocation time an answer names (0: none). */
struct rev_at {
	time_t at;
	time_t revoked;
};

/* The status of cert in a signed OCSP answer, judged now: signed by a
 * responder the anchors trust, naming the certificate, current. 0 with *st
 * and *next_r (the answer's nextUpdate; 0 when it has none), -1 with a
 * reason when the answer cannot be used. */
static int ocsp_judge(OCSP_BASICRESP *bs, X509 *cert, X509 *issuer, X509_STORE *anchors,
		      struct rev_at *w, const char *url, enum rev_status *st, time_t *next_r,
		      char *reason, size_t rlen)
{
	STACK_OF(X509) *helpers = sk_X509_new_null();
	ASN1_GENERALIZEDTIME *rev_time = NULL, *thisupd = NULL, *nextupd = NULL;
	OCSP_CERTID *id = NULL;
	int status, rsn, rc = -1;
	struct tm tm;
	char t[32];

	sk_X509_push(helpers, issuer);
	if (OCSP_basic_verify(bs, helpers, anchors, 0) <= 0) {
		why(reason, rlen, "OCSP %s: response signature does not verify", url);
		goto out;
	}
	id = OCSP_cert_to_id(NULL, cert, issuer);
	if (!OCSP_resp_find_status(bs, id, &status, &rsn, &rev_time, &thisupd, &nextupd)) {
		why(reason, rlen, "OCSP %s: response does not name the certificate", url);
		goto out;
	}
	if (!OCSP_check_validity(thisupd, nextupd, 300, -1)) {
		why(reason, rlen, "OCSP %s: response is stale", url);
		goto out;
	}
	*next_r = nextupd != NULL && ASN1_TIME_to_tm(nextupd, &tm) ? timegm(&tm) : 0;
	rc = 0;
	if (status == V_OCSP_CERTSTATUS_GOOD) {
		*st = REV_GOOD;
		why(reason, rlen, "OCSP %s: good", url);
	} else if (status == V_OCSP_CERTSTATUS_REVOKED) {
		time_t rt = ASN1_TIME_to_tm(rev_time, &tm) ? timegm(&tm) : 0;
		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&rt, &tm));
		/* Revoked after the time judged (e.g. the time-stamped moment): still good then. */
		w->revoked = rt;
		*st = rt <= w->at ? REV_REVOKED : REV_GOOD;
		why(reason, rlen, "revoked on %s (OCSP %s)", t, url);
	} else {
		*st = REV_UNKNOWN;
		why(reason, rlen, "OCSP %s: status unknown", url);
	}
out:
	OCSP_CERTID_free(id);
	sk_X509_free(helpers);
	return rc;
}

/* Parses a DER OCSPResponse; NULL unless successful with a basic answer. */
static OCSP_BASICRESP *ocsp_basic(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	OCSP_RESPONSE *resp = d2i_OCSP_RESPONSE(NULL, &p, (long)len);
	OCSP_BASICRESP *bs = NULL;

	if (resp != NULL && OCSP_response_status(resp) == OCSP_RESPONSE_STATUS_SUCCESSFUL)
		bs = OCSP_response_get1_basic(resp);
	OCSP_RESPONSE_free(resp);
	return bs;
}

/* OCSP answers are cached (rv->ops, beside the CRLs) until their nextUpdate,
 * keyed by responder and certificate; a cached answer is judged again on
 * every use (signature, validity, the time judged), and an answer without
 * nextUpdate or whose status is unknown is not kept. */
static enum rev_status by_ocsp(struct revocation *rv, const char *url, X509 *cert, X509 *issuer,
			       X509_STORE *anchors, struct rev_at *w, char *reason, size_t rlen)
{
	OCSP_REQUEST *req = OCSP_REQUEST_new();
	OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer);
	OCSP_BASICRESP *bs = NULL;
	enum rev_status st = REV_UNKNOWN;
	struct kbuf body = { 0 };
	unsigned char *der = NULL, *cached = NULL;
	size_t clen = 0;
	time_t nu = 0;
	char *key = NULL, hex[65];
	int len;

	len = id != NULL ? i2d_OCSP_CERTID(id, &der) : -1;
	if (req == NULL || len <= 0) {
		OCSP_CERTID_free(id);
		why(reason, rlen, "cannot build OCSP request");
		goto out;
	}
	key = xasprintf("ocsp %s %s", url, sha256_hex(der, (size_t)len, hex));
	OPENSSL_free(der);
	der = NULL;
	if (rv->ops.get(rv->ops.ud, key, &cached, &clen, &nu) == 0) {
		bs = ocsp_basic(cached, clen);
		if (bs != NULL && ocsp_judge(bs, cert, issuer, anchors, w, url, &st, &nu, reason,
					     rlen) == 0 && st != REV_UNKNOWN) {
			OCSP_CERTID_free(id);
			goto out;
		}
		OCSP_BASICRESP_free(bs);
		bs = NULL;
		st = REV_UNKNOWN;
	}
	if (OCSP_request_add0_id(req, id) == NULL) {
		OCSP_CERTID_free(id);
		why(reason, rlen, "cannot build OCSP request");
		goto out;
	}
	OCSP_request_add1_nonce(req, NULL, -1);
	len = i2d_OCSP_REQUEST(req, &der);
	if (len <= 0 || http_fetch(rv, url, der, (size_t)len,
				   "Content-Type: application/ocsp-request", &body, reason, rlen) < 0)
		goto out;
	if ((bs = ocsp_basic(body.data, body.len)) == NULL) {
		why(reason, rlen, "OCSP %s: no successful response", url);
		goto out;
	}
	if (OCSP_check_nonce(req, bs) != 1) {
		why(reason, rlen, "OCSP %s: nonce missing or wrong (replayed response?)", url);
		goto out;
	}
	if (ocsp_judge(bs, cert, issuer, anchors, w, url, &st, &nu, reason, rlen) < 0) {
		st = REV_UNKNOWN;
		goto out;
	}
	if (st != REV_UNKNOWN && nu > now_s())
		rv->ops.put(rv->ops.ud, key, body.data, body.len, nu);
out:
	free(key);
	free(cached);
	OPENSSL_free(der);
	kbuf_free(&body);
	OCSP_BASICRESP_free(bs);
	OCSP_REQUEST_free(req);
	ERR_clear_error();
	return st;
}

static X509_CRL *get_crl(struct revocation *rv, const char *url, X509 *issuer, char *reason,
			 size_t rlen)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	size_t len = 0;
	time_t nu = 0;
	struct kbuf body = { 0 };
	X509_CRL *crl = NULL;
	int cached = rv->ops.get(rv->ops.ud, url, &der, &len, &nu) == 0;

	if (!cached) {
		if (http_fetch(rv, url, NULL, 0, NULL, &body, reason, rlen) < 0)
			return NULL;
		der = body.data;
		len = body.len;
		body.data = NULL;
	}
	p = der;
	crl = d2i_X509_CRL(NULL, &p, (long)len);
	if (crl == NULL) {
		why(reason, rlen, "CRL %s does not parse", url);
		goto out;
	}
	{
		EVP_PKEY *pk = X509_get0_pubkey(issuer);
		if (pk == NULL || X509_CRL_verify(crl, pk) <= 0 ||
		    X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(issuer)) != 0) {
			why(reason, rlen, "CRL %s is not signed by the issuer", url);
			X509_CRL_free(crl);
			crl = NULL;
			goto out;
		}
	}
	{
		struct tm tm;
		const ASN1_TIME *n = X509_CRL_get0_nextUpdate(crl);
		nu = n != NULL && ASN1_TIME_to_tm(n, &tm) ? timegm(&tm) : 0;
		if (nu <= now_s()) {
			why(reason, rlen, "CRL %s is stale (nextUpdate passed)", url);
			X509_CRL_free(crl);
			crl = NULL;
			goto out;
		}
	}
	if (!cached)
		rv->ops.put(rv->ops.ud, url, der, len, nu);
out:
	free(der);
	ERR_clear_error();
	return crl;
}

static enum rev_status by_crl(struct revocation *rv, const char *url, X509 *cert, X509 *issuer,
			      struct rev_at *w, char *reason, size_t rlen)
{
	X509_CRL *crl = get_crl(rv, url, issuer, reason, rlen);
	X509_REVOKED *rev = NULL;
	enum rev_status st = REV_GOOD;

	if (crl == NULL)
		return REV_UNKNOWN;
	if (X509_CRL_get0_by_cert(crl, &rev, cert) == 1 && rev != NULL) {
		struct tm tm;
		time_t rt = ASN1_TIME_to_tm(X509_REVOKED_get0_revocationDate(rev), &tm)
				    ? timegm(&tm) : 0;
		char t[32];

		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&rt, &tm));
		w->revoked = rt;
		st = rt <= w->at ? REV_REVOKED : REV_GOOD;
		why(reason, rlen, "revoked on %s (CRL %s)", t, url);
	} else {
		why(reason, rlen, "CRL %s: not revoked", url);
	}
	X509_CRL_free(crl);
	return st;
}

static time_t crl_time(const ASN1_TIME *t)
{
	struct tm tm;

	return t != NULL && ASN1_TIME_to_tm(t, &tm) ? timegm(&tm) : 0;
}

/* The freshest CRL by issuer among those loaded with the anchors (the trust
 * files' CRLs, conf/trust_config.c): signed by issuer, named for it, its
 * nextUpdate not passed. REV_NOT_CHECKED when there is none (or only stale
 * ones, named in reason); else the certificate's status in it. */
static enum rev_status by_local_crl(X509 *cert, X509 *issuer, X509_STORE *anchors, struct rev_at *w,
				    char *reason, size_t rlen)
{
	STACK_OF(X509_OBJECT) *objs;
	EVP_PKEY *pk = X509_get0_pubkey(issuer);
	X509_CRL *best = NULL;
	time_t best_this = 0, stale_next = 0, now = now_s();
	X509_REVOKED *rev = NULL;
	enum rev_status st = REV_NOT_CHECKED;
	char t[32], n[32];
	struct tm tm;
	int i;

	if (anchors == NULL || pk == NULL || !X509_STORE_lock(anchors))
		return REV_NOT_CHECKED;
	objs = X509_STORE_get0_objects(anchors);
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		X509_CRL *c = X509_OBJECT_get0_X509_CRL(sk_X509_OBJECT_value(objs, i));
		time_t tu, nu;

		if (c == NULL ||
		    X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_subject_name(issuer)) != 0 ||
		    X509_CRL_verify(c, pk) <= 0)
			continue;
		tu = crl_time(X509_CRL_get0_lastUpdate(c));
		nu = crl_time(X509_CRL_get0_nextUpdate(c));
		if (nu <= now) {
			if (nu > stale_next)
				stale_next = nu;
			continue;
		}
		if (best == NULL || tu > best_this) {
			if (best != NULL)
				X509_CRL_free(best);
			X509_CRL_up_ref(c);
			best = c;
			best_this = tu;
		}
	}
	X509_STORE_unlock(anchors);
	ERR_clear_error();
	if (best == NULL) {
		if (stale_next != 0) {
			strftime(n, sizeof(n), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&stale_next, &tm));
			why(reason, rlen, "revocation not checked: the issuer's CRL among the "
			    "trust files is stale (next update %s passed)", n);
		}
		return REV_NOT_CHECKED;
	}
	{
		time_t nu = crl_time(X509_CRL_get0_nextUpdate(best));
		strftime(n, sizeof(n), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&nu, &tm));
	}
	if (X509_CRL_get0_by_cert(best, &rev, cert) == 1 && rev != NULL) {
		time_t rt = crl_time(X509_REVOKED_get0_revocationDate(rev));

		strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&rt, &tm));
		w->revoked = rt;
		st = rt <= w->at ? REV_REVOKED : REV_GOOD;
		why(reason, rlen, "revoked on %s (CRL from the trust files, next update %s)", t, n);
	} else {
		st = REV_GOOD;
		why(reason, rlen, "not revoked (CRL from the trust files, next update %s)", n);
	}
	X509_CRL_free(best);
	return st;
}

static enum rev_status check(struct revocation *rv, X509 *cert, X509 *issuer,
			     X509_STORE *anchors, struct rev_at *w, char *reason,
			     size_t reason_len)
{
	STACK_OF(OPENSSL_STRING) *ocsp;
	STACK_OF(DIST_POINT) *dps;
	enum rev_status st = REV_UNKNOWN;
	int i, j, tried = 0;

	if (rv == NULL || rv->mode == REV_OFFLINE) {
		why(reason, reason_len, "revocation not checked (offline mode)");
		return by_local_crl(cert, issuer, anchors, w, reason, reason_len);
	}
	ocsp = X509_get1_ocsp(cert);
	for (i = 0; ocsp != NULL && i < sk_OPENSSL_STRING_num(ocsp) && st == REV_UNKNOWN; i++) {
		tried++;
		st = by_ocsp(rv, sk_OPENSSL_STRING_value(ocsp, i), cert, issuer, anchors, w,
			     reason, reason_len);
	}
	X509_email_free(ocsp);
	if (st != REV_UNKNOWN)
		return st;
	dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
	for (i = 0; dps != NULL && i < sk_DIST_POINT_num(dps) && st == REV_UNKNOWN; i++) {
		DIST_POINT *dp = sk_DIST_POINT_value(dps, i);
		if (dp->distpoint == NULL || dp->distpoint->type != 0)
			continue;
		for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname) &&
			    st == REV_UNKNOWN; j++) {
			GENERAL_NAME *gn = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);
			int type;
			ASN1_STRING *uri = GENERAL_NAME_get0_value(gn, &type);
			if (type != GEN_URI)
				continue;
			tried++;
			st = by_crl(rv, (const char *)ASN1_STRING_get0_data(uri), cert, issuer, w,
				    reason, reason_len);
		}
	}
	sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
	if (tried == 0)
		why(reason, reason_len,
		    "certificate names no OCSP responder and no CRL distribution point");
	if (st == REV_UNKNOWN) {
		/* unreachable: a CRL from the trust files still answers */
		char local[256];
		enum rev_status ls = by_local_crl(cert, issuer, anchors, w, local, sizeof(local));

		if (ls == REV_GOOD || ls == REV_REVOKED) {
			why(reason, reason_len, "%s; online check failed", local);
			st = ls;
		}
	}
	return st;
}

enum rev_status revocation_check(struct revocation *rv, X509 *cert, X509 *issuer,
				 X509_STORE *anchors, time_t at, time_t *revoked_at,
				 char *reason, size_t reason_len)
{
	struct rev_at w = { .at = at, .revoked = 0 };
	enum rev_status st = check(rv, cert, issuer, anchors, &w, reason, reason_len);

	if (revoked_at != NULL)
		*revoked_at = w.revoked;
	return st;
}
