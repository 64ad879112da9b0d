/* api_server.c: see api_server.h. */
#include "api_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

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
	int too_large;
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
	free(resp->raw);
	resp->raw = NULL;
	resp->status = status;
	resp->json = json_pack("{s:s, s:s}", "error", code, "message", msg);
}

const char *api_query(const struct api_request *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

long long api_query_int(const struct api_request *req, struct api_response *resp,
			const char *key, long long def, long long max)
{
	const char *s = api_query(req, key);
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return def;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > max) {
		api_error(resp, 400, "bad_parameter", "query parameter '%s' must be an integer from 0 to %lld",
			  key, max);
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

static enum MHD_Result send_response(struct MHD_Connection *conn, struct api_response *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;

	if (resp->json != NULL) {
		char *text = json_dumps(resp->json, JSON_COMPACT);
		size_t len = strlen(text);

		r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	} else {
		r = MHD_create_response_from_buffer(resp->raw_len, resp->raw, MHD_RESPMEM_MUST_FREE);
		resp->raw = NULL;
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					resp->content_type != NULL ? resp->content_type :
					"application/octet-stream");
		if (resp->filename != NULL) {
			char *cd = xasprintf("attachment; filename=\"%s\"", resp->filename);

			MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
			free(cd);
		}
	}
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (resp->status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"kepagent\"");
	ret = MHD_queue_response(conn, resp->status, r);
	MHD_destroy_response(r);
	if (resp->json != NULL)
		json_decref(resp->json);
	free(resp->filename);
	return ret;
}

static void dispatch(struct api_server *srv, struct MHD_Connection *conn, const char *url,
		     const char *method, struct conn_state *st, struct api_response *resp)
{
	struct api_request req = { 0 };
	const struct api_route *rt;
	int path_known = 0;

	req.method = method;
	req.path = url;
	req.conn = conn;
	req.user = srv->user;
	for (rt = srv->routes; rt->method != NULL; rt++) {
		if (!route_match(rt->pattern, url, &req)) {
			free_params(&req);
			continue;
		}
		path_known = 1;
		if (strcmp(rt->method, method) != 0) {
			free_params(&req);
			continue;
		}
		if (!rt->public && !authorized(srv, conn)) {
			api_error(resp, 401, "unauthorized",
				  "missing or wrong bearer token (Authorization: Bearer ...)");
			free_params(&req);
			return;
		}
		if (st->too_large) {
			api_error(resp, 413, "request_too_large",
				  "request body is larger than %zu bytes", srv->max_body);
			free_params(&req);
			return;
		}
		if (st->body.len > 0) {
			json_error_t jerr;

			req.body = json_loadb((const char *)st->body.data, st->body.len, 0, &jerr);
			if (req.body == NULL) {
				api_error(resp, 400, "bad_json", "request body is not JSON: %s (line %d)",
					  jerr.text, jerr.line);
				free_params(&req);
				return;
			}
		}
		rt->fn(&req, resp);
		if (resp->json == NULL && resp->raw == NULL)
			api_error(resp, 500, "internal", "handler produced no response");
		json_decref(req.body);
		free_params(&req);
		return;
	}
	if (path_known)
		api_error(resp, 405, "method_not_allowed", "%s is not allowed on %s", method, url);
	else
		api_error(resp, 404, "not_found", "no such endpoint: %s", url);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct api_server *srv = cls;
	struct conn_state *st = *con_cls;
	struct api_response resp = { .status = 200 };

	(void)version;
	if (st == NULL) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
							     MHD_HTTP_HEADER_CONTENT_LENGTH);

		st = xcalloc(1, sizeof(*st));
		if (cl != NULL && strtoull(cl, NULL, 10) > srv->max_body)
			st->too_large = 1;
		*con_cls = st;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		if (!st->too_large && st->body.len + *upload_data_size <= srv->max_body)
			kbuf_append(&st->body, upload_data, *upload_data_size);
		else
			st->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	dispatch(srv, conn, url, method, st, &resp);
	log_debug("api: %s %s -> %u", method, url, resp.status);
	return send_response(conn, &resp);
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

int api_server_start(const struct api_server_opts *opts, struct api_server **srv_r,
		     struct kerr *err)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	const char *listen_addr = opts->listen != NULL ? opts->listen : "127.0.0.1";
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
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
	if (srv->tls_cert != NULL)
		srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
					    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					    MHD_OPTION_THREAD_POOL_SIZE, opts->threads ? opts->threads : 4,
					    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
					    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
					    MHD_OPTION_HTTPS_MEM_CERT, srv->tls_cert,
					    MHD_OPTION_HTTPS_MEM_KEY, srv->tls_key,
					    MHD_OPTION_END);
	else
		srv->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
					    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
					    MHD_OPTION_THREAD_POOL_SIZE, opts->threads ? opts->threads : 4,
					    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
					    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
					    MHD_OPTION_END);
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
