/* revocation_http.c: see revocation_http.h. */
#include "revocation_http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>

#include "http_server.h"
#include "log.h"
#include "ocsp_responder.h"
#include "util.h"

#define MAX_OCSP_REQUEST 65536

struct revocation_http {
	struct MHD_Daemon *d;
	char *pki;
};

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *ctype,
			      void *data, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, mode);
	enum MHD_Result rc;

	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	rc = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result not_found(struct MHD_Connection *c)
{
	return answer(c, 404, "text/plain", "not found\n", 10, MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result ocsp(struct revocation_http *s, struct MHD_Connection *c,
			    const unsigned char *req, size_t len)
{
	unsigned char *out;
	size_t out_len;

	ocsp_answer(s->pki, req, len, &out, &out_len);
	return answer(c, 200, "application/ocsp-response", out, out_len, MHD_RESPMEM_MUST_FREE);
}

/* GET /ocsp/<base64 DER, URL-decoded by MHD>. */
static enum MHD_Result ocsp_get(struct revocation_http *s, struct MHD_Connection *c,
				const char *b64)
{
	size_t n = strlen(b64);
	unsigned char *der = xmalloc(n + 4);
	int len = n % 4 == 0 && n > 0 ? EVP_DecodeBlock(der, (const unsigned char *)b64, (int)n) : -1;
	enum MHD_Result rc;

	if (len > 0) {
		len -= (b64[n - 1] == '=') + (n > 1 && b64[n - 2] == '=');
		rc = ocsp(s, c, der, (size_t)len);
	} else {
		rc = ocsp(s, c, (const unsigned char *)"", 0);
	}
	free(der);
	return rc;
}

static enum MHD_Result serve_crl(struct revocation_http *s, struct MHD_Connection *c,
				 const char *name)
{
	char *path = xasprintf("%s/crl/%s", s->pki, name);
	struct kbuf b = { 0 };
	enum MHD_Result rc;

	if (name[0] == '.' || strchr(name, '/') != NULL || read_file(path, 16 << 20, &b, NULL) < 0) {
		rc = not_found(c);
	} else {
		rc = answer(c, 200, strstr(name, ".pem") ? "application/x-pem-file" : "application/pkix-crl",
			    b.data, b.len, MHD_RESPMEM_MUST_COPY);
	}
	kbuf_free(&b);
	free(path);
	return rc;
}

static enum MHD_Result access_cb(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *data,
				 size_t *data_size, void **con_cls)
{
	struct revocation_http *s = cls;
	struct kbuf *b = *con_cls;
	const char *last = strrchr(url, '/');
	size_t ll;

	last = last != NULL ? last + 1 : url;
	ll = strlen(last);
	if (strcmp(method, "GET") == 0) {
		log_debug("revocation: GET %s", url);
		if (ll > 4 && strcmp(last + ll - 4, ".crl") == 0)
			return serve_crl(s, c, last);
		if (strstr(url, "/ocsp/") != NULL)
			return ocsp_get(s, c, strstr(url, "/ocsp/") + 6);
		return not_found(c);
	}
	if (strcmp(method, "POST") != 0)
		return answer(c, 405, "text/plain", "method not allowed\n", 19, MHD_RESPMEM_PERSISTENT);
	if (b == NULL) {
		*con_cls = xcalloc(1, sizeof(*b));
		return MHD_YES;
	}
	if (*data_size > 0) {
		if (b->len + *data_size <= MAX_OCSP_REQUEST)
			kbuf_append(b, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	log_debug("revocation: OCSP POST %s (%zu bytes)", url, b->len);
	return ocsp(s, c, b->data, b->len);
}

static void completed_cb(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct kbuf *b = *con_cls;

	if (b != NULL) {
		kbuf_free(b);
		free(b);
		*con_cls = NULL;
	}
}

int revocation_http_start(const char *mailbox, int port, struct revocation_http **out,
			  int *bound_port, struct kerr *err)
{
	struct revocation_http *s = xcalloc(1, sizeof(*s));
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->pki = xasprintf("%s/pki", mailbox);
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
				MHD_USE_ERROR_LOG, 0, NULL, NULL, access_cb, s,
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
	if (s->d == NULL) {
		free(s->pki);
		free(s);
		*out = NULL;
		return kerr_set(err, KERR_IO, "cannot start the HTTP listener on 127.0.0.1:%d", port);
	}
	*bound_port = mhd_bound_port(s->d);
	*out = s;
	return 0;
}

void revocation_http_stop(struct revocation_http **sp)
{
	struct revocation_http *s = *sp;

	if (s == NULL)
		return;
	MHD_stop_daemon(s->d);
	free(s->pki);
	free(s);
	*sp = NULL;
}
