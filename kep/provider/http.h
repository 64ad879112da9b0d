/* http.h: the provider's HTTP transport (libcurl).
 *
 * One http_session per provider session keeps a curl easy handle so that
 * consecutive calls reuse the TLS connection. TLS peer and host
 * verification are always on; only the CA file is configurable. A response
 * body is written to an unlinked temporary file, never to memory, so a
 * 25 MB package costs disk, not heap. Not thread-safe: one session per
 * thread. */
#ifndef KEP_HTTP_H
#define KEP_HTTP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct http_opts {
	const char *ca_file;      /* PEM bundle; NULL: the system store */
	const char *proxy;        /* curl proxy URL; NULL: none (curl's env vars are ignored) */
	long connect_timeout_s;   /* 0: 30 s */
	long transfer_timeout_s;  /* whole request; 0: 300 s */
	long long max_body;       /* refuse larger responses; 0: 128 MiB */
	/* Response bodies are spooled here: the store's directory for every
	 * caller that has a store (the sync, doctor); NULL ($TMPDIR or /tmp)
	 * only for callers without one (unit tests, tests/ptt-probe). */
	const char *tmp_dir;
	/* When set and *stop becomes non-zero, a transfer in flight is abandoned
	 * within about a second (KERR_INTERRUPTED). The flag must outlive the
	 * session; it is only read. */
	volatile sig_atomic_t *stop;
};

struct http_response {
	long status;         /* HTTP status code */
	char *content_type;  /* owned; "" when the server sent none */
	int body_fd;         /* owned; unlinked temp file positioned at 0 */
	off_t body_len;
	long long retry_after_s; /* Retry-After (seconds, or an HTTP-date made
	                          * relative to now); -1: none */
	int64_t date_ms;     /* the answer's Date (the server's clock), ms since
	                      * the epoch; 0: none or unreadable */
};

struct http_session;

/* Returns NULL and fills err on failure. The options are copied. */
struct http_session *http_session_new(const struct http_opts *o, struct kerr *err);
void http_session_free(struct http_session **s);

/* POSTs body as text/xml with SOAPAction "urn:<action>". once: the request
 * is not idempotent (it submits a package), so it goes over a new
 * connection, which libcurl never repeats by itself (it silently sends a
 * request again when a reused connection closes before any answer, and the
 * server may have performed it). On a transport
 * failure returns -1 with KERR_TRANSIENT (network, timeout),
 * KERR_PERMANENT (TLS verification, bad URL: retrying will not help) or
 * KERR_INTERRUPTED (the stop flag was raised; nothing of the answer is kept);
 * err->not_performed is set only when the request provably never left (it
 * failed before the transfer, or the connection could not be made: nothing
 * was sent).
 * Any HTTP status is a success here; classify it with http_status_check().
 * On success the caller owns *resp and frees it with http_response_free(). */
int http_post_soap(struct http_session *s, const char *url, const char *action,
		   const void *body, size_t len, int once, struct http_response *resp,
		   struct kerr *err);
void http_response_free(struct http_response *resp);

/* 2xx: 0. 401/403: KERR_AUTH. 5xx and 429: KERR_TRANSIENT, with the
 * response's Retry-After in err->retry_after_ms. 401, 403, 503 and 429 also
 * set err->not_performed (the server says it did not handle the request).
 * Other: KERR_PERMANENT. */
int http_status_check(const struct http_response *resp, struct kerr *err);

/* Makes an anonymous temp file (O_TMPFILE, else mkstemp+unlink) in dir,
 * or in $TMPDIR or /tmp when dir is NULL (callers without a store only, as
 * http_opts.tmp_dir). Returns the fd or -1. */
int http_tmpfile(const char *dir, struct kerr *err);

#endif
