/* The HTTP API frame over real loopback HTTP with libcurl: authentication,
 * routing, parameters, size limits, error shapes, unknown body fields, Allow,
 * downloads (ETag/304, Range/206/416, HEAD, RFC 6266 names), id parsing and
 * the refusal of plain HTTP on a non-loopback address. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>

#include "api_server.h"
#include "util.h"

#define TOKEN "0123456789abcdef0123456789abcdef"

static void h_echo(const struct api_request *req, struct api_response *resp)
{
	long long n = api_query_int(req, resp, "n", 7, 0, 100);

	if (n < 0)
		return;
	resp->json = json_pack("{s:s, s:I, s:O?}", "id", req->nparams > 0 ? req->params[0] : "",
			       "n", n, "body", req->body);
}

static void h_health(const struct api_request *req, struct api_response *resp)
{
	(void)req;
	resp->json = json_pack("{s:s}", "status", "ok");
}

static void h_file(const struct api_request *req, struct api_response *resp)
{
	static const char text[] = "0123456789";

	(void)req;
	resp->raw = (unsigned char *)xstrdup(text);
	resp->raw_len = 10;
	resp->content_type = xstrdup("application/pdf");
	resp->filename = xstrdup("Ek-\xc3\x87izelge \"1\".pdf"); /* Ek-Çizelge "1".pdf */
	resp->has_sha256 = 1;
	memset(resp->sha256, 0xab, 32);
}

static const struct api_route routes[] = {
	{ "POST", "/v1/items/{id}/echo", h_echo, 0, "k" },
	{ "GET", "/v1/file", h_file, 0, NULL },
	{ "GET", "/healthz", h_health, 1, NULL },
	{ NULL, NULL, NULL, 0, NULL },
};

struct reply {
	long status;
	struct kbuf body;
	struct kbuf headers;
};

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	kbuf_append(&((struct reply *)ud)->body, p, sz * n);
	return sz * n;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud)
{
	kbuf_append(&((struct reply *)ud)->headers, p, sz * n);
	return sz * n;
}

static void request_h(unsigned short port, const char *method, const char *path,
		      const char *token, const char *body, size_t body_len, const char *extra,
		      struct reply *r)
{
	struct curl_slist *hdrs = NULL;
	char url[256], auth[128];
	CURL *c = curl_easy_init();

	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	while (extra != NULL && *extra != '\0') {      /* lines separated by '\n' */
		const char *nl = strchr(extra, '\n');
		char line[256];

		snprintf(line, sizeof(line), "%.*s", nl ? (int)(nl - extra) : (int)strlen(extra),
			 extra);
		hdrs = curl_slist_append(hdrs, line);
		extra = nl ? nl + 1 : NULL;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
	kbuf_reset(&r->body);
	kbuf_reset(&r->headers);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	kbuf_cstr(&r->headers);
}

static void request(unsigned short port, const char *method, const char *path,
		    const char *token, const char *body, size_t body_len, struct reply *r)
{
	request_h(port, method, path, token, body, body_len, NULL, r);
}

/* 1 when the reply has the header line (case-insensitive name). */
static int has_header(struct reply *r, const char *line)
{
	const char *p = (const char *)r->headers.data;
	size_t n = strlen(line);

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncasecmp(p, line, n) == 0 && (p[n] == '\r' || p[n] == '\n'))
			return 1;
	return 0;
}

static const char *error_code(struct reply *r, json_t **hold)
{
	*hold = json_loadb((const char *)r->body.data, r->body.len, 0, NULL);
	assert_non_null(*hold);
	assert_non_null(json_string_value(json_object_get(*hold, "message")));
	return json_string_value(json_object_get(*hold, "error"));
}

static void test_api_frame(void **state)
{
	struct api_server_opts o = { .listen = "127.0.0.1", .token = TOKEN, .max_body = 64,
				     .routes = routes };
	struct api_server *srv;
	struct reply r = { 0 };
	struct kerr err;
	char big[200];
	json_t *j;
	unsigned short port;

	(void)state;
	assert_int_equal(api_server_start(&o, &srv, &err), 0);
	port = api_server_port(srv);
	assert_true(port > 0);

	request(port, "POST", "/v1/items/abc/echo", NULL, "{}", 2, &r);
	assert_int_equal(r.status, 401);
	assert_string_equal(error_code(&r, &j), "unauthorized");
	json_decref(j);

	request(port, "POST", "/v1/items/abc/echo", TOKEN "x", "{}", 2, &r);
	assert_int_equal(r.status, 401);

	request(port, "POST", "/v1/items/abc/echo?n=3", TOKEN, "{\"k\":1}", 7, &r);
	assert_int_equal(r.status, 200);
	j = json_loadb((const char *)r.body.data, r.body.len, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "id")), "abc");
	assert_int_equal(json_integer_value(json_object_get(j, "n")), 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "body"), "k")), 1);
	json_decref(j);

	request(port, "POST", "/v1/items/abc/echo?n=x", TOKEN, NULL, 0, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(error_code(&r, &j), "bad_parameter");
	json_decref(j);

	memset(big, ' ', sizeof(big));
	request(port, "POST", "/v1/items/abc/echo", TOKEN, big, sizeof(big), &r);
	assert_int_equal(r.status, 413);
	assert_string_equal(error_code(&r, &j), "request_too_large");
	json_decref(j);

	request(port, "POST", "/v1/items/abc/echo", TOKEN, "{nope", 5, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(error_code(&r, &j), "bad_json");
	json_decref(j);

	request(port, "POST", "/v1/items/abc/echo", TOKEN, "{\"k\":1,\"kk\":2}", 14, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(error_code(&r, &j), "unknown_field");
	assert_non_null(strstr(json_string_value(json_object_get(j, "message")), "'kk'"));
	json_decref(j);

	request(port, "GET", "/v1/items/abc/echo", TOKEN, NULL, 0, &r);
	assert_int_equal(r.status, 405);
	assert_true(has_header(&r, "Allow: POST"));
	request(port, "DELETE", "/v1/file", TOKEN, NULL, 0, &r);
	assert_int_equal(r.status, 405);
	assert_true(has_header(&r, "Allow: GET, HEAD"));
	request(port, "GET", "/v1/nothing", TOKEN, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(error_code(&r, &j), "not_found");
	json_decref(j);

	request(port, "GET", "/healthz", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);

	api_server_stop(&srv);
	assert_null(srv);
	kbuf_free(&r.body);
	kbuf_free(&r.headers);
}

#define ETAG "\"abababababababababababababababababababababababababababababababab\""

static void test_downloads(void **state)
{
	struct api_server_opts o = { .listen = "127.0.0.1", .token = TOKEN, .routes = routes };
	struct api_server *srv;
	struct reply r = { 0 };
	struct kerr err;
	unsigned short port;

	(void)state;
	assert_int_equal(api_server_start(&o, &srv, &err), 0);
	port = api_server_port(srv);

	request(port, "GET", "/v1/file", TOKEN, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 10);
	assert_true(has_header(&r, "Content-Type: application/pdf"));
	assert_true(has_header(&r, "ETag: " ETAG));
	assert_true(has_header(&r, "Accept-Ranges: bytes"));
	/* ASCII fallback (one '_' per character, quotes replaced) and RFC 8187. */
	assert_true(has_header(&r, "Content-Disposition: attachment; filename=\"Ek-_izelge _1_.pdf\"; "
			       "filename*=UTF-8''Ek-%C3%87izelge%20%221%22.pdf"));

	request(port, "HEAD", "/v1/file", TOKEN, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 0);
	assert_true(has_header(&r, "Content-Length: 10"));
	assert_true(has_header(&r, "ETag: " ETAG));

	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "If-None-Match: " ETAG, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.body.len, 0);
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "If-None-Match: \"other\", " ETAG, &r);
	assert_int_equal(r.status, 304);
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "If-None-Match: \"other\"", &r);
	assert_int_equal(r.status, 200);

	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=2-4", &r);
	assert_int_equal(r.status, 206);
	assert_int_equal(r.body.len, 3);
	assert_memory_equal(r.body.data, "234", 3);
	assert_true(has_header(&r, "Content-Range: bytes 2-4/10"));
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=7-", &r);
	assert_int_equal(r.status, 206);
	assert_memory_equal(r.body.data, "789", 3);
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=-2", &r);
	assert_int_equal(r.status, 206);
	assert_memory_equal(r.body.data, "89", 2);
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=5-100", &r);
	assert_int_equal(r.status, 206);
	assert_true(has_header(&r, "Content-Range: bytes 5-9/10"));
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=10-", &r);
	assert_int_equal(r.status, 416);
	assert_true(has_header(&r, "Content-Range: bytes */10"));
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=4-2", &r);
	assert_int_equal(r.status, 416);
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=99999999999999999999-", &r);
	assert_int_equal(r.status, 416);
	/* Several ranges: the whole body (RFC 9110 allows ignoring Range). */
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=0-1,4-5", &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.body.len, 10);
	/* If-Range with another entity tag: the whole, changed entity. */
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=0-1\nIf-Range: \"x\"", &r);
	assert_int_equal(r.status, 200);
	request_h(port, "GET", "/v1/file", TOKEN, NULL, 0, "Range: bytes=0-1\nIf-Range: " ETAG, &r);
	assert_int_equal(r.status, 206);

	api_server_stop(&srv);
	kbuf_free(&r.body);
	kbuf_free(&r.headers);
}

static void test_ids(void **state)
{
	(void)state;
	assert_int_equal(api_parse_id("1"), 1);
	assert_int_equal(api_parse_id("9223372036854775807"), 9223372036854775807LL);
	assert_int_equal(api_parse_id("9223372036854775808"), -1);   /* 2^63 */
	assert_int_equal(api_parse_id("18446744073709551616"), -1);
	assert_int_equal(api_parse_id("0"), -1);
	assert_int_equal(api_parse_id("-1"), -1);
	assert_int_equal(api_parse_id("+1"), -1);
	assert_int_equal(api_parse_id(" 1"), -1);
	assert_int_equal(api_parse_id("1x"), -1);
	assert_int_equal(api_parse_id(""), -1);
}

static void test_plain_http_off_loopback(void **state)
{
	struct api_server_opts o = { .listen = "0.0.0.0", .token = TOKEN, .routes = routes };
	struct api_server *srv = NULL;
	struct kerr err;

	(void)state;
	assert_int_equal(api_server_start(&o, &srv, &err), -1);
	assert_int_equal(err.cls, KERR_CONFIG);
	assert_non_null(strstr(err.msg, "plain HTTP"));
	o.listen = "::1";
	assert_int_equal(api_server_start(&o, &srv, &err), 0);
	api_server_stop(&srv);
	o.listen = "127.0.0.2";
	assert_int_equal(api_server_start(&o, &srv, &err), 0);
	api_server_stop(&srv);
	o.listen = "0.0.0.0";
	o.allow_plain_http = 1;
	assert_int_equal(api_server_start(&o, &srv, &err), 0);
	api_server_stop(&srv);
}

/* The worker pool follows the machine: two per online core, 4 to 64 (it was
 * 4 whatever the cores). */
static void test_default_threads(void **state)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int n = api_server_default_threads();

	(void)state;
	assert_in_range(n, 4, 64);
	if (cores >= 2 && cores <= 32)
		assert_int_equal(n, 2 * cores);
}

static void test_refuses_short_token_and_bad_address(void **state)
{
	struct api_server_opts o = { .token = "short", .routes = routes };
	struct api_server *srv;
	struct kerr err;

	(void)state;
	assert_int_equal(api_server_start(&o, &srv, &err), -1);
	assert_int_equal(err.cls, KERR_CONFIG);
	o.token = TOKEN;
	o.listen = "localhost-not-an-ip";
	assert_int_equal(api_server_start(&o, &srv, &err), -1);
	assert_int_equal(err.cls, KERR_CONFIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_api_frame),
		cmocka_unit_test(test_refuses_short_token_and_bad_address),
		cmocka_unit_test(test_default_threads),
		cmocka_unit_test(test_downloads),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_plain_http_off_loopback),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
