/* api_server.h: the local HTTP API's frame (libmicrohttpd + jansson).
 *
 * Binds to a loopback address by default, authenticates every request with a
 * bearer token (constant-time comparison), bounds request bodies, routes
 * versioned paths to handlers and turns handler results into JSON. Errors
 * always have the shape {"error": "stable_code", "message": "text"}.
 *
 * Handlers run on the server's worker threads; they must be thread-safe and
 * get their shared state through `api_server_opts.user`. */
#ifndef KEP_API_SERVER_H
#define KEP_API_SERVER_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

#define API_MAX_PARAMS 4

struct api_request {
	const char *method;
	const char *path;
	const char *params[API_MAX_PARAMS]; /* {name} segments of the route, in order */
	int nparams;
	json_t *body;                       /* parsed JSON body, or NULL */
	void *conn;                         /* the MHD connection, for query arguments */
	void *user;                         /* api_server_opts.user */
};

/* What a handler fills. Exactly one of json / raw is set. The frame frees
 * json (json_decref) and raw (free) after sending. */
struct api_response {
	unsigned int status;
	json_t *json;
	unsigned char *raw;
	size_t raw_len;
	const char *content_type;           /* static string, for raw */
	char *filename;                     /* optional Content-Disposition name; freed */
};

typedef void api_handler(const struct api_request *req, struct api_response *resp);

struct api_route {
	const char *method;   /* "GET", "POST" */
	const char *pattern;  /* "/v1/queue/{id}/ack": {x} matches one segment */
	api_handler *fn;
	int public;           /* 1: no token required (only /healthz) */
};

struct api_server_opts {
	const char *listen;          /* IPv4/IPv6 literal; default 127.0.0.1 */
	unsigned short port;         /* 0: pick a free port (see api_server_port) */
	const char *token;           /* required bearer token; copied and wiped on stop */
	const char *tls_cert_file;   /* optional: serve HTTPS */
	const char *tls_key_file;
	size_t max_body;             /* request body limit in bytes */
	unsigned int threads;        /* worker threads */
	const struct api_route *routes; /* terminated by a NULL method */
	void *user;
};

struct api_server;

int api_server_start(const struct api_server_opts *opts, struct api_server **srv_r,
		     struct kerr *err);
unsigned short api_server_port(const struct api_server *srv);
void api_server_stop(struct api_server **srv);

/* Helpers for handlers. */
void api_error(struct api_response *resp, unsigned int status, const char *code,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *api_query(const struct api_request *req, const char *key);
/* Parses a non-negative integer query argument; returns def when absent,
 * -1 (and fills resp with a 400) when malformed or above max. */
long long api_query_int(const struct api_request *req, struct api_response *resp,
			const char *key, long long def, long long max);

#endif
