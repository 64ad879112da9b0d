/* The HTTP API frame over real loopback HTTP with libcurl: authentication,
 * routing, parameters, size limits and error shapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>

#include "api_server.h"
#include "util.h"

#define TOKEN "0123456789abcdef0123456789abcdef"

static void h_echo(const struct api_request *req, struct api_response *resp)
{
	long long n = api_query_int(req, resp, "n", 7, 100);

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

static const struct api_route routes[] = {
	{ "POST", "/v1/items/{id}/echo", h_echo, 0 },
	{ "GET", "/healthz", h_health, 1 },
	{ NULL, NULL, NULL, 0 },
};

struct reply {
	long status;
	struct kbuf body;
};

static size_t on_data(char *p, size_t sz, size_t n, void *ud)
{
	kbuf_append(&((struct reply *)ud)->body, p, sz * n);
	return sz * n;
}

static void request(unsigned short port, const char *method, const char *path,
		    const char *token, const char *body, size_t body_len, struct reply *r)
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
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)body_len);
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	kbuf_reset(&r->body);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
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

	request(port, "GET", "/v1/items/abc/echo", TOKEN, NULL, 0, &r);
	assert_int_equal(r.status, 405);
	request(port, "GET", "/v1/nothing", TOKEN, NULL, 0, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(error_code(&r, &j), "not_found");
	json_decref(j);

	request(port, "GET", "/healthz", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);

	api_server_stop(&srv);
	assert_null(srv);
	kbuf_free(&r.body);
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
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
