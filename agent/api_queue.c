/* api_queue.c: /v1/queue endpoints (see import_queue.h for the semantics).
 *
 * The lease token travels in the Kep-Lease request header (GET) or in the
 * JSON body (POST); the older ?lease= query form is still read, answered
 * with "Deprecation: true", because query strings end up in access logs. */
#include <stdlib.h>
#include <string.h>

#include "api_routes.h"
#include "config.h"
#include "daemon.h"
#include "store_queue.h"
#include "reply.h"
#include "import_queue.h"

#define LEASE_HEADER "Kep-Lease"

void api_h_queue_list(const struct api_request *req, struct api_response *resp)
{
	const char *state_s = api_query(req, "state");
	long long limit, offset;
	struct store *st;
	struct kerr err;
	int state = STORE_Q_PENDING;

	if ((limit = api_query_int(req, resp, "limit", 100, 1, 1000)) < 0 ||
	    (offset = api_query_int(req, resp, "offset", 0, 0, 1LL << 40)) < 0)
		return;
	if (state_s != NULL && strcmp(state_s, "all") == 0)
		state = -1;
	else if (state_s != NULL && (state = store_queue_state_from_name(state_s)) < 0) {
		api_error(resp, 400, "bad_parameter", "state must be pending, claimed, acked, "
			  "rejected, parked or all");
		return;
	}
	if ((st = api_store(req, resp)) == NULL)
		return;
	if (import_queue_list(st, api_query(req, "account"), state, (size_t)limit, (size_t)offset,
			      &resp->json, &err) < 0)
		api_fail(resp, NULL, &err);
}

/* An optional integer member of the body; -1 (400 filled) when not one. */
static int body_int(const struct api_request *req, struct api_response *resp, const char *key,
		    long long def, long long *v)
{
	json_t *j = req->body ? json_object_get(req->body, key) : NULL;

	*v = def;
	if (j == NULL)
		return 0;
	if (!json_is_integer(j) || json_integer_value(j) < 0) {
		api_error(resp, 400, "bad_parameter", "'%s' must be a non-negative integer", key);
		return -1;
	}
	*v = json_integer_value(j);
	return 0;
}

/* An optional string member of the body; NULL when absent; -1 when not a string. */
static int body_str(const struct api_request *req, struct api_response *resp, const char *key,
		    const char **v)
{
	json_t *j = req->body ? json_object_get(req->body, key) : NULL;

	*v = NULL;
	if (j == NULL)
		return 0;
	if (!json_is_string(j)) {
		api_error(resp, 400, "bad_parameter", "'%s' must be a string", key);
		return -1;
	}
	*v = json_string_value(j);
	return 0;
}

static int want_object(const struct api_request *req, struct api_response *resp)
{
	if (req->body == NULL || !json_is_object(req->body)) {
		api_error(resp, 400, "bad_request", "a JSON object body is required");
		return -1;
	}
	return 0;
}

/* The lease of a request: the header, else the body's "lease", else the
 * deprecated query argument. */
static const char *lease_of(const struct api_request *req, struct api_response *resp)
{
	const char *l = api_header(req, LEASE_HEADER);
	json_t *j;

	if (l != NULL)
		return l;
	j = req->body ? json_object_get(req->body, "lease") : NULL;
	if (json_is_string(j))
		return json_string_value(j);
	l = api_query(req, "lease");
	if (l != NULL)
		resp->deprecated = 1;
	return l;
}

/* The lease of a request that must carry one, or NULL with the 400 sent. */
static const char *lease_required(const struct api_request *req, struct api_response *resp)
{
	const char *l = lease_of(req, resp);

	if (l == NULL)
		api_error(resp, 400, "bad_parameter", "'lease' is required");
	return l;
}

void api_h_queue_claim(const struct api_request *req, struct api_response *resp)
{
	const struct config *cfg;
	long long count, lease_s;
	const char *account;
	struct store *st;
	struct kerr err;
	int rc;

	if (want_object(req, resp) < 0 || body_int(req, resp, "count", 1, &count) < 0 ||
	    body_int(req, resp, "lease_seconds", 0, &lease_s) < 0 ||
	    body_str(req, resp, "account", &account) < 0)
		return;
	if (count < 1 || count > SVC_QUEUE_MAX_CLAIM) {
		api_error(resp, 400, "bad_parameter", "count must be 1..%d", SVC_QUEUE_MAX_CLAIM);
		return;
	}
	if (lease_s != 0 && (lease_s < CONFIG_LEASE_MIN_SECONDS || lease_s > CONFIG_LEASE_MAX_SECONDS)) {
		api_error(resp, 400, "bad_parameter", "lease_seconds must be %d..%d",
			  CONFIG_LEASE_MIN_SECONDS, CONFIG_LEASE_MAX_SECONDS);
		return;
	}
	if ((st = api_store(req, resp)) == NULL)
		return;
	cfg = daemon_config_get(req->user);
	rc = import_queue_claim(st, cfg, account, (size_t)count, (long)lease_s, &resp->json, &err);
	daemon_config_put(req->user, cfg);
	if (rc < 0)
		api_fail(resp, NULL, &err);
}

void api_h_queue_item(const struct api_request *req, struct api_response *resp)
{
	const char *code = NULL;
	struct store *st;
	struct kerr err;
	int64_t id;

	if ((id = api_param_id(req, resp, 0)) < 0 || (st = api_store(req, resp)) == NULL)
		return;
	if (import_queue_detail(st, id, lease_of(req, resp), &resp->json, &code, &err) < 0)
		api_fail(resp, code, &err);
}

/* 0..2^63-1, strictly decimal. */
static int parse_index(const char *s, long long *v)
{
	if (s != NULL && strcmp(s, "0") == 0) {
		*v = 0;
		return 0;
	}
	*v = api_parse_id(s);
	return *v < 0 ? -1 : 0;
}

static void content(const struct api_request *req, struct api_response *resp,
		    enum import_content what)
{
	struct import_content_meta meta;
	struct kbuf b = { 0 };
	const char *code = NULL;
	struct store *st;
	struct kerr err;
	int64_t id;
	long long n = 0;

	if ((id = api_param_id(req, resp, 0)) < 0)
		return;
	if (what == SVC_ATTACHMENT && (parse_index(req->params[1], &n) < 0 || n > 1000000)) {
		api_error(resp, 400, "bad_parameter", "attachment index must be an integer "
			  "from 0 to 1000000");
		return;
	}
	if ((st = api_store(req, resp)) == NULL)
		return;
	if (import_queue_content(st, id, lease_of(req, resp), what, (int)n, &b, &meta, &code,
				 &err) < 0) {
		kbuf_free(&b);
		api_fail(resp, code, &err);
		return;
	}
	resp->raw = b.data ? b.data : xmalloc(1);
	resp->raw_len = b.len;
	resp->content_type = meta.content_type;
	resp->has_sha256 = 1;
	memcpy(resp->sha256, meta.sha256, 32);
	if (what != SVC_PACKAGE) {
		resp->filename = meta.safe_name;
		meta.safe_name = NULL;
	}
	meta.content_type = NULL;
	import_content_meta_free(&meta);
}

void api_h_queue_original(const struct api_request *req, struct api_response *resp)
{
	content(req, resp, SVC_ORIGINAL);
}

void api_h_queue_package(const struct api_request *req, struct api_response *resp)
{
	content(req, resp, SVC_PACKAGE);
}

void api_h_queue_attachment(const struct api_request *req, struct api_response *resp)
{
	content(req, resp, SVC_ATTACHMENT);
}

void api_h_queue_eyp(const struct api_request *req, struct api_response *resp)
{
	content(req, resp, SVC_EYP);
}

/* The calls that hold a lease: extend it, ack or reject the item. */
enum leased_op { LEASE_EXTEND, LEASE_ACK, LEASE_REJECT };

static void leased(const struct api_request *req, struct api_response *resp, enum leased_op op)
{
	const char *lease, *reason = NULL, *code = NULL;
	const struct config *cfg;
	long long n;
	struct store *st;
	struct kerr err;
	int64_t id;
	int rc;

	if ((id = api_param_id(req, resp, 0)) < 0 || want_object(req, resp) < 0 ||
	    body_str(req, resp, "lease", &lease) < 0)
		return;
	if (op == LEASE_EXTEND ? body_int(req, resp, "lease_seconds", 0, &n) < 0
			       : body_str(req, resp, "reason", &reason) < 0 ||
				 body_int(req, resp, "retry_after", -1, &n) < 0)
		return;
	if ((lease = lease_required(req, resp)) == NULL || (st = api_store(req, resp)) == NULL)
		return;
	cfg = daemon_config_get(req->user);
	if (op == LEASE_EXTEND)
		rc = import_queue_extend(st, cfg, id, lease, (long)n, &resp->json, &code, &err);
	else if (op == LEASE_REJECT)
		rc = import_queue_reject(st, cfg, id, lease, reason, (long)n, "api", &resp->json,
					 &code, &err);
	else
		rc = import_queue_ack(st, cfg, id, lease, "api", &resp->json, &code, &err);
	daemon_config_put(req->user, cfg);
	if (rc < 0)
		api_fail(resp, code, &err);
}

void api_h_queue_extend(const struct api_request *req, struct api_response *resp)
{
	leased(req, resp, LEASE_EXTEND);
}

void api_h_queue_ack(const struct api_request *req, struct api_response *resp)
{
	leased(req, resp, LEASE_ACK);
}

void api_h_queue_reject(const struct api_request *req, struct api_response *resp)
{
	leased(req, resp, LEASE_REJECT);
}
