/* api_server.h: the local HTTP API's frame (libmicrohttpd + jansson).
 *
 * Binds to a loopback address by default, authenticates every request with a
 * bearer token (constant-time comparison) from its headers BEFORE any body
 * is read (an unauthorised, oversized or misrouted request is answered and
 * its connection closed without reading the body), limits connections per
 * client address and closes idle ones, routes versioned paths to handlers
 * and turns handler results into JSON. Errors always have the shape
 * {"error": "stable_code", "message": "text"}; a 405 carries Allow.
 *
 * Handlers run on the server's worker threads; they must be thread-safe and
 * get their shared state through `api_server_opts.user`. */
#ifndef KEP_API_SERVER_H
#define KEP_API_SERVER_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"
#include "util.h"

#define API_MAX_PARAMS 4
#define API_PER_ADDRESS 32      /* concurrent connections from one client address */
#define API_MAX_CONNECTIONS 8192  /* in all; RLIMIT_NOFILE is raised to fit */
#define API_IDLE_TIMEOUT 10     /* seconds */

struct api_request {
	const char *method;
	const char *path;
	const char *params[API_MAX_PARAMS]; /* {name} segments of the route, in order */
	int nparams;
	json_t *body;                       /* parsed JSON body, or NULL */
	const unsigned char *raw_body;      /* a raw route's body as received (len raw_len) */
	size_t raw_len;
	void *conn;                         /* the MHD connection, for query arguments */
	void *user;                         /* api_server_opts.user */
};

/* What a handler fills. Exactly one of json / raw is set. The frame frees
 * json (json_decref), raw, content_type, filename, filename_utf8 and
 * location after sending.
 *
 * A raw body with has_sha256 is a download: the frame sends ETag (the
 * SHA-256), answers If-None-Match with 304 and a single byte Range with 206
 * (416 when unsatisfiable), and HEAD with the headers alone. */
struct api_response {
	unsigned int status;
	json_t *json;
	struct kbuf text;                   /* JSON already written (json_text.h), sent
					     * as it is; used when json is NULL */
	unsigned char *raw;
	size_t raw_len;
	char *content_type;                 /* for raw; NULL: application/octet-stream */
	char *filename;                     /* Content-Disposition name (UTF-8, safe) */
	int has_sha256;
	unsigned char sha256[32];           /* of raw, for ETag */
	char *location;                     /* Location header (a 201/202's resource) */
	int deprecated;                     /* the request used a deprecated form */
};

typedef void api_handler(const struct api_request *req, struct api_response *resp);

struct api_route {
	const char *method;   /* "GET" (HEAD too), "POST" */
	const char *pattern;  /* "/v1/queue/{id}/ack": {x} matches one segment */
	api_handler *fn;
	int public;           /* 1: no token required (only /healthz) */
	const char *fields;   /* members a JSON object body may have, space-separated;
			       * any other is refused with 400 naming it. NULL: none */
	size_t max_body;      /* this route's body limit; 0: the server's */
	int raw;              /* 1: the body is handed over unparsed (multipart uploads) */
};

struct api_server_opts {
	const char *listen;          /* IPv4/IPv6 literal; default 127.0.0.1 */
	unsigned short port;         /* 0: pick a free port (see api_server_port) */
	const char *token;           /* required bearer token; copied and wiped on stop */
	const char *tls_cert_file;   /* optional: serve HTTPS */
	const char *tls_key_file;     /* checked like a secret by the caller */
	int allow_plain_http;        /* serve without TLS on a non-loopback address */
	size_t max_body;             /* request body limit in bytes */
	unsigned int threads;        /* worker threads; 0: api_server_default_threads() */
	unsigned int per_address;    /* connections per client address; 0: API_PER_ADDRESS */
	unsigned int idle_timeout;   /* seconds a silent connection is kept; 0: API_IDLE_TIMEOUT */
	const struct api_route *routes; /* terminated by a NULL method */
	void *user;
};

struct api_server;

/* Two workers per online core, 4 to 64. Each connection stays on the worker
 * that accepted it (libmicrohttpd's thread pool), so workers = cores would
 * leave a core idle whenever the busy connections land unevenly, and one
 * handler waiting on the store's write lock would stall half the clients of
 * a 2-core machine. */
unsigned int api_server_default_threads(void);

int api_server_start(const struct api_server_opts *opts, struct api_server **srv_r,
		     struct kerr *err);
unsigned short api_server_port(const struct api_server *srv);
void api_server_stop(struct api_server **srv);

/* Helpers for handlers. */
void api_error(struct api_response *resp, unsigned int status, const char *code,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *api_query(const struct api_request *req, const char *key);
const char *api_header(const struct api_request *req, const char *name);
/* Parses an integer query argument from min to max; returns def when absent,
 * -1 (and fills resp with a 400) when malformed or out of range (min >= 0). */
long long api_query_int(const struct api_request *req, struct api_response *resp,
			const char *key, long long def, long long min, long long max);
/* Parses a decimal id (1 .. 2^63-1) strictly: no sign, no spaces, no
 * overflow. -1 when it is not one. */
long long api_parse_id(const char *s);

#endif
