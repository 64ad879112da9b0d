/* http_server.c: see http_server.h. */
#include "http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "faults.h"
#include "jsonl.h"
#include "log.h"
#include "mtom.h"
#include "ops.h"
#include "soap.h"
#include "util.h"
#include "wsdl.h"

struct http_server {
	struct MHD_Daemon *d;
	struct kbuf cert, key;   /* PEM text; MHD reads it while running */
	const struct kepsim_conf *conf;
	atomic_ullong seq;
	int port;
};

struct upload {
	struct kbuf body;
	int too_large;
};

/* The drop fault: serve the first `stop` bytes, then fail the connection. */
struct partial {
	struct encoded enc;
	size_t stop;
};

int mhd_bound_port(struct MHD_Daemon *d)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);

	return i != NULL ? (int)i->port : -1;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	if (ms > 0)
		nanosleep(&ts, NULL);
}

static enum MHD_Result queue_ra(struct MHD_Connection *c, unsigned status, const char *ctype,
				const void *data, size_t len, const char *retry_after)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result rc;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	MHD_add_response_header(r, MHD_HTTP_HEADER_SERVER, "Apache");
	if (retry_after != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, retry_after);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, const char *ctype,
			     const void *data, size_t len)
{
	return queue_ra(c, status, ctype, data, len, NULL);
}

/* The http503/http429 faults' Retry-After: seconds, or the HTTP-date that
 * many seconds ahead (RFC 9110 allows both). */
static void retry_after_value(const struct kepsim_conf *conf, char out[64])
{
	time_t t;
	struct tm tm;

	if (!conf->retry_after_date) {
		snprintf(out, 64, "%s", conf->retry_after);
		return;
	}
	t = time(NULL) + atol(conf->retry_after);
	gmtime_r(&t, &tm);
	strftime(out, 64, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static ssize_t partial_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct partial *p = cls;
	size_t n;

	if (pos >= p->stop)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	n = p->stop - (size_t)pos;
	if (n > max)
		n = max;
	memcpy(buf, p->enc.body.data + pos, n);
	return (ssize_t)n;
}

static void partial_free(void *cls)
{
	struct partial *p = cls;

	encoded_free(&p->enc);
	free(p);
}

/* Sends an encoded answer, applying drop / truncated-mtom. Takes enc. */
static enum MHD_Result send_encoded(struct MHD_Connection *c, unsigned status,
				    struct encoded *enc, enum fault f)
{
	struct MHD_Response *r;
	struct partial *p;
	enum MHD_Result rc;
	size_t len = enc->body.len;

	if (f == FAULT_TRUNCATED_MTOM)
		len = enc->cut > 0 ? enc->cut : len / 2; /* consistent Content-Length */
	if (f == FAULT_DROP) {
		p = xcalloc(1, sizeof(*p));
		p->enc = *enc;
		p->stop = enc->body.len / 2;
		memset(enc, 0, sizeof(*enc));
		/* The full length is announced: the client sees a short body. */
		r = MHD_create_response_from_callback(p->enc.body.len, 4096, partial_read, p,
						      partial_free);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, p->enc.content_type);
	} else {
		r = MHD_create_response_from_buffer(len, enc->body.data, MHD_RESPMEM_MUST_COPY);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, enc->content_type);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_SERVER, "Apache");
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	encoded_free(enc);
	return rc;
}

static enum MHD_Result send_soap(struct MHD_Connection *c, struct http_server *s,
				 struct soap_resp *resp, enum fault f, json_t *log)
{
	struct encoded enc;
	unsigned status = (unsigned)resp->http_status;

	mtom_encode(resp, s->conf->inline_base64, &enc);
	json_object_set_new(log, "http", json_integer(status));
	json_object_set_new(log, "bytes", json_integer((json_int_t)enc.body.len));
	json_object_set_new(log, "mtom", json_boolean(strncmp(enc.content_type, "multipart", 9) == 0));
	return send_encoded(c, status, &enc, f);
}

/* SOAPAction "urn:Op" (quoted or not), empty, or absent are accepted. */
static int action_ok(const char *action, const char *op)
{
	size_t n;

	if (action == NULL)
		return 1;
	if (*action == '"')
		action++;
	n = strlen(action);
	if (n > 0 && action[n - 1] == '"')
		n--;
	if (n == 0)
		return 1;
	return n == strlen(op) + 4 && strncmp(action, "urn:", 4) == 0 &&
	       strncmp(action + 4, op, n - 4) == 0;
}

static enum MHD_Result handle_soap(struct http_server *s, struct MHD_Connection *c,
				   struct upload *u)
{
	const char *ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	const char *action = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "SOAPAction");
	uint64_t seq = atomic_fetch_add(&s->seq, 1) + 1;
	struct soap_req req;
	struct soap_resp *resp;
	struct kerr err;
	enum fault f = FAULT_NONE;
	enum MHD_Result rc;
	char now[20];
	json_t *log;

	jsonl_now(now);
	log = json_pack("{s:I, s:s, s:I}", "seq", (json_int_t)seq, "time", now, "ms",
			(json_int_t)now_ms());
	sleep_ms(s->conf->delay_ms);
	if (soap_parse_request(u->body.data, u->body.len, ctype, &req, &err) < 0) {
		log_warn("request %llu: %s", (unsigned long long)seq, err.msg);
		json_object_set_new(log, "error", json_string(err.msg));
		resp = soap_resp_fault("soapenv:Client", err.msg);
	} else if (!action_ok(action, req.op)) {
		json_object_set_new(log, "op", json_string(req.op));
		json_object_set_new(log, "error", json_string("SOAPAction mismatch"));
		resp = soap_resp_fault("soapenv:Client", "SOAPAction does not match the operation");
	} else {
		json_object_set_new(log, "op", json_string(req.op));
		f = faults_decide(seq, req.op);
		if (f != FAULT_NONE)
			json_object_set_new(log, "fault", json_string(fault_name(f)));
		resp = NULL;
	}
	if (f == FAULT_PERFORMED_HTTP500 || f == FAULT_PERFORMED_NO_ANSWER) {
		/* The back end commits; the front end then fails the answer. */
		resp = ops_run(s->conf, &req, f, seq, log);
		soap_resp_free(&resp);
	}
	if (f == FAULT_PERFORMED_NO_ANSWER) {
		json_object_set_new(log, "http", json_integer(0));
		rc = MHD_NO; /* MHD closes the connection without a byte of answer */
	} else if (f == FAULT_HTTP503 || f == FAULT_HTTP429) {
		static const char h503[] = "<html><head><title>503 Service Unavailable</title></head>"
					   "<body><h1>Service Unavailable</h1></body></html>\n";
		static const char h429[] = "<html><head><title>429 Too Many Requests</title></head>"
					   "<body><h1>Too Many Requests</h1></body></html>\n";
		unsigned status = f == FAULT_HTTP503 ? 503 : 429;
		char ra[64];

		retry_after_value(s->conf, ra);
		json_object_set_new(log, "http", json_integer(status));
		if (s->conf->retry_after != NULL)
			json_object_set_new(log, "retry_after", json_string(ra));
		rc = queue_ra(c, status, "text/html; charset=iso-8859-1", status == 503 ? h503 : h429,
			      status == 503 ? sizeof(h503) - 1 : sizeof(h429) - 1,
			      s->conf->retry_after != NULL ? ra : NULL);
	} else if (f == FAULT_HTTP500 || f == FAULT_PERFORMED_HTTP500) {
		static const char h500[] = "<html><head><title>500 Internal Server Error</title></head>"
					   "<body><h1>Internal Server Error</h1></body></html>\n";

		json_object_set_new(log, "http", json_integer(500));
		rc = queue(c, 500, "text/html; charset=iso-8859-1", h500, sizeof(h500) - 1);
	} else {
		if (f == FAULT_SOAP_FAULT)
			resp = soap_resp_fault("soapenv:Server", "Internal server error (geçici hata)");
		else if (resp == NULL)
			resp = ops_run(s->conf, &req, f, seq, log);
		if (f == FAULT_SLOW)
			sleep_ms(s->conf->slow_ms);
		rc = send_soap(c, s, resp, f, log);
		soap_resp_free(&resp);
	}
	if (jsonl_append(s->conf->request_log, log, &err) < 0)
		log_warn("request log: %s", err.msg);
	json_decref(log);
	soap_req_free(&req);
	return rc;
}

static enum MHD_Result find_wsdl(void *cls, enum MHD_ValueKind kind, const char *key,
				 const char *value)
{
	int *found = cls;

	if (strcasecmp(key, "wsdl") == 0)
		*found = 1;
	return MHD_YES;
}

static enum MHD_Result handle_get(struct http_server *s, struct MHD_Connection *c,
				  const char *url)
{
	int wsdl = 0;
	char *loc, *doc;
	enum MHD_Result rc;

	MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, find_wsdl, &wsdl);
	if (!wsdl)
		return queue(c, 405, "text/plain", "POST SOAP requests here; GET ?wsdl for the WSDL\n", 48);
	loc = xasprintf("https://127.0.0.1:%d%s", s->port, url);
	doc = wsdl_document(loc);
	rc = queue(c, 200, "text/xml; charset=UTF-8", doc, strlen(doc));
	free(doc);
	free(loc);
	return rc;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *data,
				 size_t *data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct upload *u = *con_cls;

	if (strcmp(method, "GET") == 0)
		return handle_get(s, c, url);
	if (strcmp(method, "POST") != 0)
		return queue(c, 405, "text/plain", "method not allowed\n", 19);
	if (u == NULL) {
		*con_cls = xcalloc(1, sizeof(*u));
		return MHD_YES;
	}
	if (*data_size > 0) {
		if (u->body.len + *data_size > s->conf->max_request)
			u->too_large = 1;
		else
			kbuf_append(&u->body, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	if (u->too_large)
		return queue(c, 413, "text/plain", "request too large\n", 18);
	return handle_soap(s, c, u);
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct upload *u = *con_cls;

	if (u != NULL) {
		kbuf_free(&u->body);
		free(u);
		*con_cls = NULL;
	}
}

int http_server_start(const struct kepsim_conf *conf, int port, const char *cert_path,
		      const char *key_path, struct http_server **out, int *bound_port,
		      struct kerr *err)
{
	struct http_server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_in sa;

	*out = NULL;
	s->conf = conf;
	if (read_file(cert_path, 1 << 20, &s->cert, err) < 0 ||
	    read_file(key_path, 1 << 20, &s->key, err) < 0) {
		kbuf_free(&s->cert);
		kbuf_free(&s->key);
		free(s);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD |
				MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG,
				0, NULL, NULL, access_cb, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_HTTPS_MEM_CERT, kbuf_cstr(&s->cert),
				MHD_OPTION_HTTPS_MEM_KEY, kbuf_cstr(&s->key),
				MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
				MHD_OPTION_END);
	secure_wipe(s->key.data, s->key.len);
	if (s->d == NULL) {
		kbuf_free(&s->cert);
		kbuf_free(&s->key);
		free(s);
		return kerr_set(err, KERR_IO, "cannot start the HTTPS listener on 127.0.0.1:%d "
				"(port in use, or a bad certificate/key)", port);
	}
	s->port = mhd_bound_port(s->d);
	*bound_port = s->port;
	*out = s;
	return 0;
}

void http_server_stop(struct http_server **sp)
{
	struct http_server *s = *sp;

	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	kbuf_free(&s->cert);
	kbuf_free(&s->key);
	free(s);
	*sp = NULL;
}
