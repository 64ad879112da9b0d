/* api_server.c: see api_server.h. */
#include "api_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "log.h"
#include "util.h"

struct api_server {
	struct MHD_Daemon *mhd;
	char *token;
	size_t token_len;
	size_t max_body;
	const struct api_route *routes;
	void *user;
	char *tls_cert;
	char *tls_key;
	unsigned short port;
};

/* Per-request state kept by MHD between calls of the access handler. */
struct conn_state {
	struct kbuf body;
	const struct api_route *route;
	struct api_request req;       /* params of the matched route */
	int answered;                 /* a response was queued before the body */
	int too_large;                /* a chunked body went over the limit */
};

void api_error(struct api_response *resp, unsigned int status, const char *code,
	       const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (resp->json != NULL)
		json_decref(resp->json);
	kbuf_free(&resp->text);
	free(resp->raw);
	resp->raw = NULL;
	resp->has_sha256 = 0;
	resp->status = status;
	resp->json = json_pack("{s:s, s:s}", "error", code, "message", msg);
}

const char *api_query(const struct api_request *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *api_header(const struct api_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/* Strict decimal: digits only, no overflow. */
static int parse_u63(const char *s, long long *v_r)
{
	unsigned long long v = 0;

	if (s == NULL || *s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > ((unsigned long long)LLONG_MAX - (unsigned)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*v_r = (long long)v;
	return 0;
}

long long api_parse_id(const char *s)
{
	long long v;

	return parse_u63(s, &v) == 0 && v > 0 ? v : -1;
}

long long api_query_int(const struct api_request *req, struct api_response *resp,
			const char *key, long long def, long long min, long long max)
{
	const char *s = api_query(req, key);
	long long v;

	if (s == NULL)
		return def;
	if (parse_u63(s, &v) < 0 || v < min || v > max) {
		api_error(resp, 400, "bad_parameter", "query parameter '%s' must be an integer from "
			  "%lld to %lld", key, min, max);
		return -1;
	}
	return v;
}

/* Matches path against a pattern with {x} segments; fills params. */
static int route_match(const char *pattern, const char *path, struct api_request *req)
{
	const char *p = pattern, *s = path;

	req->nparams = 0;
	while (*p != '\0' && *s != '\0') {
		if (*p == '{') {
			const char *seg_end = strchr(s, '/');
			size_t seg_len = seg_end != NULL ? (size_t)(seg_end - s) : strlen(s);

			if (seg_len == 0 || req->nparams >= API_MAX_PARAMS)
				return 0;
			req->params[req->nparams++] = xstrndup(s, seg_len);
			p = strchr(p, '}');
			if (p == NULL)
				return 0;
			p++;
			s += seg_len;
			continue;
		}
		if (*p != *s)
			return 0;
		p++;
		s++;
	}
	return *p == '\0' && *s == '\0';
}

static void free_params(struct api_request *req)
{
	int i;

	for (i = 0; i < req->nparams; i++)
		free((char *)req->params[i]);
	req->nparams = 0;
}

static int authorized(struct api_server *srv, struct MHD_Connection *conn)
{
	const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	size_t len;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	h += 7;
	while (*h == ' ')
		h++;
	len = strlen(h);
	return const_time_eq(h, len, srv->token, srv->token_len);
}

/* attachment; filename="ASCII fallback"; filename*=UTF-8''percent-encoded
 * (RFC 6266, RFC 8187). */
static char *content_disposition(const char *name)
{
	struct kbuf b = { 0 };
	const unsigned char *p;

	kbuf_append_str(&b, "attachment; filename=\"");
	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if (*p >= 0x80) {
			if ((*p & 0xC0) != 0x80)
				kbuf_append_str(&b, "_"); /* one per character, not per byte */
		} else if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == '\\' || *p == '%') {
			kbuf_append_str(&b, "_");
		} else {
			kbuf_append(&b, p, 1);
		}
	}
	kbuf_append_str(&b, "\"; filename*=UTF-8''");
	kbuf_pct_encode(&b, name, "!#$&+-.^_`|~");
	kbuf_cstr(&b);
	return (char *)b.data;
}

/* 1 when an If-None-Match / If-Range list holds the entity tag. */
static int etag_listed(const char *list, const char *etag)
{
	size_t n = strlen(etag);
	const char *p;

	if (list == NULL)
		return 0;
	for (p = list; *p != '\0'; p++) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return 1;
		p = strchr(p, ',');
		if (p == NULL)
			break;
	}
	return 0;
}

enum range_result { RANGE_NONE, RANGE_OK, RANGE_BAD };

/* One "bytes=a-b" / "bytes=a-" / "bytes=-n" range over len bytes. Several
 * ranges, or another unit, are ignored (the whole body is sent, RFC 9110). */
static enum range_result parse_range(const char *h, size_t len, size_t *off_r, size_t *n_r)
{
	long long a = -1, b = -1;
	const char *dash;
	char first[24], last[24];
	size_t fl;

	if (h == NULL || strncmp(h, "bytes=", 6) != 0 || strchr(h, ',') != NULL)
		return RANGE_NONE;
	h += 6;
	dash = strchr(h, '-');
	if (dash == NULL || (fl = (size_t)(dash - h)) >= sizeof(first) ||
	    strlen(dash + 1) >= sizeof(last))
		return RANGE_BAD;
	memcpy(first, h, fl);
	first[fl] = '\0';
	strcpy(last, dash + 1);
	if ((*first != '\0' && parse_u63(first, &a) < 0) || (*last != '\0' && parse_u63(last, &b) < 0) ||
	    (*first == '\0' && *last == '\0'))
		return RANGE_BAD;
	if (*first == '\0') {                       /* the last b bytes */
		if (b == 0 || len == 0)
			return RANGE_BAD;
		*n_r = (size_t)b < len ? (size_t)b : len;
		*off_r = len - *n_r;
		return RANGE_OK;
	}
	if ((size_t)a >= len || (b >= 0 && b < a))
		return RANGE_BAD;
	if (b < 0 || (size_t)b >= len)
		b = (long long)len - 1;
	*off_r = (size_t)a;
	*n_r = (size_t)(b - a + 1);
	return RANGE_OK;
}

static int dump_to_kbuf(const char *buffer, size_t size, void *data)
{
	kbuf_append(data, buffer, size);
	return 0;
}

static enum MHD_Result send_response(struct MHD_Connection *conn, struct api_response *resp,
				     const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char etag[68], cr[96];

	if (resp->json != NULL || resp->text.data != NULL) {
		/* A tree is dumped straight into the buffer MHD sends and frees
		 * (json_dumps would copy it once more); written text is sent as
		 * it is. */
		if (resp->json != NULL) {
			kbuf_reset(&resp->text);
			json_dump_callback(resp->json, dump_to_kbuf, &resp->text, JSON_COMPACT);
		}
		r = MHD_create_response_from_buffer(resp->text.len, resp->text.data,
						    MHD_RESPMEM_MUST_FREE);
		resp->text.data = NULL;
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	} else {
		size_t off = 0, n = resp->raw_len;
		enum range_result rr = RANGE_NONE;

		if (resp->has_sha256) {
			const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
								      MHD_HTTP_HEADER_IF_NONE_MATCH);
			const char *ir = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
								     MHD_HTTP_HEADER_IF_RANGE);

			etag[0] = '"';
			hex_encode(resp->sha256, 32, etag + 1);
			strcpy(etag + 65, "\"");
			if (etag_listed(inm, etag)) {
				resp->status = 304;
				n = 0;
			} else if (ir == NULL || strcmp(ir, etag) == 0) {
				rr = parse_range(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
									     MHD_HTTP_HEADER_RANGE),
						 resp->raw_len, &off, &n);
				if (rr == RANGE_OK) {
					resp->status = 206;
					snprintf(cr, sizeof(cr), "bytes %zu-%zu/%zu", off, off + n - 1,
						 resp->raw_len);
				} else if (rr == RANGE_BAD) {
					resp->status = 416;
					snprintf(cr, sizeof(cr), "bytes */%zu", resp->raw_len);
					n = 0;
				} else {
					n = resp->raw_len;
				}
			}
		}
		if (off == 0 && n == resp->raw_len) {
			r = MHD_create_response_from_buffer(resp->raw_len, resp->raw,
							    MHD_RESPMEM_MUST_FREE);
			resp->raw = NULL;
		} else {
			r = MHD_create_response_from_buffer(n, resp->raw + off, MHD_RESPMEM_MUST_COPY);
		}
		if (resp->status != 304)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
						resp->content_type != NULL ? resp->content_type :
						"application/octet-stream");
		if (resp->has_sha256) {
			MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
			MHD_add_response_header(r, MHD_HTTP_HEADER_ACCEPT_RANGES, "bytes");
		}
		if (rr != RANGE_NONE)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_RANGE, cr);
		if (resp->filename != NULL && resp->status != 304) {
			char *cd = content_disposition(resp->filename);

			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
			free(cd);
		}
	}
	if (resp->location != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, resp->location);
	if (resp->deprecated)
		MHD_add_response_header(r, "Deprecation", "true");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (resp->status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"kepagent\"");
	if (allow != NULL && *allow != '\0')
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	ret = MHD_queue_response(conn, resp->status, r);
	MHD_destroy_response(r);
	if (resp->json != NULL)
		json_decref(resp->json);
	free(resp->raw);
	free(resp->content_type);
	free(resp->filename);
	free(resp->location);
	return ret;
}

/* Path segments a pattern leaves open ({x}). */
static int pattern_params(const char *pattern)
{
	int n = 0;

	for (; *pattern != '\0'; pattern++)
		n += *pattern == '{';
	return n;
}

/* The route of (method, url); on none fills resp with 404, or 405 and the
 * methods the path has in allow. HEAD is served by the GET route. A literal
 * segment wins over a {x} one (OpenAPI's rule): /v1/queue/claim is that
 * path alone, never /v1/queue/{id} with id "claim". */
static const struct api_route *find_route(struct api_server *srv, const char *url,
					  const char *method, struct api_request *req,
					  struct api_response *resp, char *allow, size_t allow_len)
{
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	const struct api_route *rt;
	int path_known = 0, fewest = -1;

	*allow = '\0';
	for (rt = srv->routes; rt->method != NULL; rt++) {
		int match = route_match(rt->pattern, url, req), n = pattern_params(rt->pattern);

		free_params(req);
		if (match && (fewest < 0 || n < fewest))
			fewest = n;
	}
	for (rt = srv->routes; fewest >= 0 && rt->method != NULL; rt++) {
		if (pattern_params(rt->pattern) != fewest || !route_match(rt->pattern, url, req)) {
			free_params(req);
			continue;
		}
		if (strcmp(rt->method, m) == 0)
			return rt;
		free_params(req);
		if (path_known == 0 || strstr(allow, rt->method) == NULL) {
			snprintf(allow + strlen(allow), allow_len - strlen(allow), "%s%s%s",
				 path_known ? ", " : "", rt->method,
				 strcmp(rt->method, "GET") == 0 ? ", HEAD" : "");
		}
		path_known = 1;
	}
	if (path_known)
		api_error(resp, 405, "method_not_allowed", "%s is not allowed on %s (allowed: %s)",
			  method, url, allow);
	else
		api_error(resp, 404, "not_found", "no such endpoint: %s", url);
	return NULL;
}

/* The members of an object body must be among the route's fields. */
static int known_fields(const struct api_route *rt, json_t *body, struct api_response *resp)
{
	const char *key;
	json_t *v;

	if (!json_is_object(body))
		return 0;
	json_object_foreach(body, key, v) {
		const char *f = rt->fields;
		size_t n = strlen(key);
		int ok = 0;

		while (f != NULL && *f != '\0' && !ok) {
			size_t fl = strcspn(f, " ");

			ok = fl == n && strncmp(f, key, n) == 0;
			f += fl;
			f += *f == ' ';
		}
		if (!ok) {
			api_error(resp, 400, "unknown_field", "unknown field '%s' in the request body%s%s",
				  key, rt->fields ? "; allowed: " : " (this endpoint takes none)",
				  rt->fields ? rt->fields : "");
			return -1;
		}
	}
	return 0;
}

static void dispatch(struct conn_state *st, struct api_response *resp)
{
	struct api_request *req = &st->req;

	if (st->route->raw) {
		req->raw_body = st->body.data;
		req->raw_len = st->body.len;
	} else if (st->body.len > 0) {
		json_error_t jerr;

		req->body = json_loadb((const char *)st->body.data, st->body.len, 0, &jerr);
		if (req->body == NULL) {
			api_error(resp, 400, "bad_json", "request body is not JSON: %s (line %d)",
				  jerr.text, jerr.line);
			return;
		}
		if (known_fields(st->route, req->body, resp) < 0)
			return;
	}
	st->route->fn(req, resp);
	if (resp->json == NULL && resp->text.data == NULL && resp->raw == NULL)
		api_error(resp, 500, "internal", "handler produced no response");
}

static enum MHD_Result answer(struct MHD_Connection *conn, const char *method, const char *url,
			      struct api_response *resp, const char *allow)
{
	log_debug("api: %s %s -> %u", method, url, resp->status);
	return send_response(conn, resp, resp->status == 405 ? allow : NULL);
}

/* An upload route may take more than the server's default. */
static size_t route_max_body(const struct api_server *srv, const struct api_route *rt)
{
	return rt != NULL && rt->max_body > 0 ? rt->max_body : srv->max_body;
}

/* First call of a request, headers only: route, token and declared size are
 * judged before any body byte is read. 1 when resp holds the answer. */
static int judge_headers(struct api_server *srv, struct MHD_Connection *conn, const char *url,
			 const char *method, struct conn_state *st, struct api_response *resp,
			 char *allow, size_t allow_len)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_CONTENT_LENGTH);
	long long len = 0;

	st->req.method = method;
	st->req.path = url;
	st->req.conn = conn;
	st->req.user = srv->user;
	st->route = find_route(srv, url, method, &st->req, resp, allow, allow_len);
	if (st->route == NULL)
		return 1;
	if (!st->route->public && !authorized(srv, conn)) {
		api_error(resp, 401, "unauthorized",
			  "missing or wrong bearer token (Authorization: Bearer ...)");
		return 1;
	}
	if (cl != NULL && (parse_u63(cl, &len) < 0 ||
			   (unsigned long long)len > route_max_body(srv, st->route))) {
		api_error(resp, 413, "request_too_large", "request body is larger than %zu bytes",
			  route_max_body(srv, st->route));
		return 1;
	}
	/* A chunked body has no declared length: it is bounded as it arrives. */
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct api_server *srv = cls;
	struct conn_state *st = *con_cls;
	struct api_response resp = { .status = 200 };
	char allow[64];

	(void)version;
	if (st == NULL) {
		st = xcalloc(1, sizeof(*st));
		*con_cls = st;
		if (judge_headers(srv, conn, url, method, st, &resp, allow, sizeof(allow))) {
			st->answered = 1;
			return answer(conn, method, url, &resp, allow);
		}
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (st->answered)
			return MHD_YES;
		/* Only an authorised request gets here; an undeclared (chunked)
		 * body over the limit is discarded as it arrives and answered at
		 * its end (MHD cannot answer in the middle of a body). */
		if (st->too_large || st->body.len + n > route_max_body(srv, st->route)) {
			st->too_large = 1;
			kbuf_free(&st->body);
		} else {
			kbuf_append(&st->body, upload_data, n);
		}
		return MHD_YES;
	}
	if (st->answered)
		return MHD_YES;
	if (st->too_large)
		api_error(&resp, 413, "request_too_large", "request body is larger than %zu bytes",
			  route_max_body(srv, st->route));
	else
		dispatch(st, &resp);
	st->answered = 1;
	return answer(conn, method, url, &resp, NULL);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_state *st = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (st == NULL)
		return;
	json_decref(st->req.body);
	free_params(&st->req);
	kbuf_free(&st->body);
	free(st);
	*con_cls = NULL;
}

static char *load_pem(const char *path, struct kerr *err)
{
	struct kbuf b = { 0 };

	if (read_file(path, 1 << 20, &b, err) < 0) {
		kbuf_free(&b);
		return NULL;
	}
	kbuf_cstr(&b);
	return (char *)b.data;
}

/* Room for API_MAX_CONNECTIONS descriptors (raising the soft limit up to
 * the hard one); the limit is what the process can really hold, less a
 * reserve for the store, the provider and the log. */
static unsigned int connection_limit(void)
{
	struct rlimit rl;
	rlim_t want = API_MAX_CONNECTIONS + 256;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 512;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur <= 512)
		return rl.rlim_cur > 320 ? (unsigned int)rl.rlim_cur - 256 : 64;
	return rl.rlim_cur - 256 < API_MAX_CONNECTIONS ? (unsigned int)(rl.rlim_cur - 256) :
	       API_MAX_CONNECTIONS;
}

static int is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

	if (ss->ss_family == AF_INET)
		return (ntohl(sin->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr) ||
	       (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr) && sin6->sin6_addr.s6_addr[12] == 127);
}

unsigned int api_server_default_threads(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (cores < 2)
		return 4;
	return cores > 32 ? 64 : (unsigned int)(2 * cores);
}

int api_server_start(const struct api_server_opts *opts, struct api_server **srv_r,
		     struct kerr *err)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	const char *listen_addr = opts->listen != NULL ? opts->listen : "127.0.0.1";
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *info;
	struct api_server *srv;

	*srv_r = NULL;
	if (opts->token == NULL || strlen(opts->token) < 16)
		return kerr_set(err, KERR_CONFIG,
				"the API token must be at least 16 characters; refusing to serve without one");
	if (inet_pton(AF_INET, listen_addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(opts->port);
	} else if (inet_pton(AF_INET6, listen_addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(opts->port);
		flags |= MHD_USE_IPv6;
	} else {
		return kerr_set(err, KERR_CONFIG, "api listen address '%s' is not an IP address",
				listen_addr);
	}
	/* The token would cross the network in clear text. */
	if (opts->tls_cert_file == NULL && !is_loopback(&ss) && !opts->allow_plain_http)
		return kerr_set(err, KERR_CONFIG, "api: refusing to serve plain HTTP on %s, which "
				"is not a loopback address: set api tls_cert and tls_key, listen on "
				"127.0.0.1 behind a TLS proxy, or set api insecure_plain_http: true",
				listen_addr);
	if (opts->tls_cert_file == NULL && !is_loopback(&ss))
		log_warn("api: serving PLAIN HTTP on %s (insecure_plain_http): the bearer token "
			 "and every document cross the network unencrypted", listen_addr);
	srv = xcalloc(1, sizeof(*srv));
	srv->token = xstrdup(opts->token);
	srv->token_len = strlen(srv->token);
	srv->max_body = opts->max_body > 0 ? opts->max_body : 1024 * 1024;
	srv->routes = opts->routes;
	srv->user = opts->user;
	if (opts->tls_cert_file != NULL) {
		srv->tls_cert = load_pem(opts->tls_cert_file, err);
		srv->tls_key = srv->tls_cert != NULL ? load_pem(opts->tls_key_file, err) : NULL;
		if (srv->tls_key == NULL) {
			kerr_prefix(err, "api TLS");
			api_server_stop(&srv);
			return -1;
		}
		flags |= MHD_USE_TLS;
	}
	{
		/* epoll: idle sockets cost no thread and no select() slot. */
		struct MHD_OptionItem tls[] = {
			{ MHD_OPTION_HTTPS_MEM_CERT, 0, srv->tls_cert },
			{ MHD_OPTION_HTTPS_MEM_KEY, 0, srv->tls_key },
			{ MHD_OPTION_END, 0, NULL },
		};

		if (srv->tls_cert == NULL)
			tls[0].option = MHD_OPTION_END;
		srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
					    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					    MHD_OPTION_THREAD_POOL_SIZE,
					    opts->threads ? opts->threads : api_server_default_threads(),
					    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
					    MHD_OPTION_CONNECTION_TIMEOUT,
					    opts->idle_timeout ? opts->idle_timeout : API_IDLE_TIMEOUT,
					    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
					    opts->per_address ? opts->per_address : API_PER_ADDRESS,
					    MHD_OPTION_CONNECTION_LIMIT, connection_limit(),
					    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
					    MHD_OPTION_ARRAY, tls,
					    MHD_OPTION_END);
	}
	if (srv->mhd == NULL) {
		kerr_set(err, KERR_IO, "cannot listen on %s port %u (address in use, or TLS files invalid)",
			 listen_addr, opts->port);
		api_server_stop(&srv);
		return -1;
	}
	info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = info != NULL ? info->port : opts->port;
	*srv_r = srv;
	return 0;
}

unsigned short api_server_port(const struct api_server *srv)
{
	return srv->port;
}

void api_server_stop(struct api_server **srv)
{
	struct api_server *s = *srv;

	if (s == NULL)
		return;
	if (s->mhd != NULL)
		MHD_stop_daemon(s->mhd);
	if (s->token != NULL)
		secret_free(&s->token);
	if (s->tls_key != NULL)
		secret_free(&s->tls_key);
	free(s->tls_cert);
	free(s);
	*srv = NULL;
}
