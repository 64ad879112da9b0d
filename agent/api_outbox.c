/* api_outbox.c: POST /v1/outbox (multipart/form-data: a "message" JSON
 * part and "attachment"/"eyp" file parts; or a bare JSON message without
 * files), GET /v1/outbox and GET /v1/outbox/{id}, and a person's decision
 * on a parked item, POST /v1/outbox/{id}/resubmit and /abandon (outbox.h). The body was
 * bounded by the frame (the route's max_body) before it got here; the parts
 * are split with libmicrohttpd's post processor. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "api_routes.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "outbox.h"
#include "store.h"
#include "util.h"

#define MAX_PARTS (OUTBOX_MAX_FILES + 2)

struct part {
	char *name, *file_name, *content_type;
	struct kbuf data;
};

struct parts {
	struct part p[MAX_PARTS];
	size_t n;
	int too_many;
};

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *filename, const char *content_type,
			       const char *transfer_encoding, const char *data, uint64_t off,
			       size_t size)
{
	struct parts *ps = cls;
	struct part *p;

	(void)kind;
	(void)transfer_encoding;
	if (off == 0) {
		if (ps->n == MAX_PARTS) {
			ps->too_many = 1;
			return MHD_NO;
		}
		p = &ps->p[ps->n++];
		p->name = xstrdup(key ? key : "");
		p->file_name = filename ? xstrdup(filename) : NULL;
		/* The type as sent, without parameters: the file's own type. */
		p->content_type = content_type ? xstrndup(content_type,
							  strcspn(content_type, "; ")) : NULL;
	}
	if (ps->n == 0)
		return MHD_NO;
	kbuf_append(&ps->p[ps->n - 1].data, data, size);
	return MHD_YES;
}

static void parts_free(struct parts *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		free(ps->p[i].name);
		free(ps->p[i].file_name);
		free(ps->p[i].content_type);
		kbuf_free(&ps->p[i].data);
	}
	ps->n = 0;
}

static int split(const struct api_request *req, struct parts *ps, struct api_response *resp)
{
	struct MHD_PostProcessor *pp;
	enum MHD_Result ok;

	pp = MHD_create_post_processor(req->conn, 64 * 1024, on_part, ps);
	if (pp == NULL) {
		api_error(resp, 415, "unsupported_media_type",
			  "send multipart/form-data (a 'message' JSON part and file parts) or "
			  "application/json");
		return -1;
	}
	ok = MHD_post_process(pp, (const char *)req->raw_body, req->raw_len);
	MHD_destroy_post_processor(pp);
	if (ps->too_many) {
		api_error(resp, 400, "invalid_field", "attachments: more than %d parts", MAX_PARTS);
		return -1;
	}
	if (ok != MHD_YES) {
		api_error(resp, 400, "bad_multipart", "the multipart body does not parse");
		return -1;
	}
	return 0;
}

static json_t *parse_message(const void *data, size_t len, struct api_response *resp)
{
	json_error_t jerr;
	json_t *m = json_loadb(data, len, 0, &jerr);

	if (m == NULL)
		api_error(resp, 400, "bad_json", "message: not JSON: %s (line %d)", jerr.text,
			  jerr.line);
	return m;
}

/* The daemon sends the item at once rather than at the next poll: a new
 * item of a seal account (an officer's waits for the card), or a signed
 * item of any sending account (signed: 1). */
static void kick(struct daemon *d, const json_t *item, const struct config *cfg, int is_signed)
{
	const char *acc = json_string_value(json_object_get(item, "account"));
	const struct account_config *a = acc ? config_find_account(cfg, acc) : NULL;
	struct kerr err;

	if (a != NULL && (a->sending.mode == SEND_SEAL ||
			  (is_signed && a->sending.mode != SEND_OFF)) &&
	    daemon_refresh_now(d, acc, &err) < 0 && err.cls != KERR_BUSY)
		log_warn("outbox: %s", err.msg);
}

void api_h_outbox_submit(const struct api_request *req, struct api_response *resp)
{
	struct outbox_upload up[MAX_PARTS];
	struct parts ps = { .n = 0 };
	struct outbox_request q = { .actor = "api" };
	const char *ctype = api_header(req, "Content-Type"), *code;
	const struct config *cfg;
	json_t *msg = NULL, *item = NULL;
	struct store *st;
	char field[64];
	struct kerr err;
	int existing;
	size_t i;

	if (ctype != NULL && strncasecmp(ctype, "application/json", 16) == 0) {
		msg = parse_message(req->raw_body, req->raw_len, resp);
		if (msg == NULL)
			return;
	} else {
		if (split(req, &ps, resp) < 0)
			goto out;
		for (i = 0; i < ps.n; i++) {
			struct part *p = &ps.p[i];

			if (strcmp(p->name, "message") == 0 && p->file_name == NULL && msg == NULL) {
				if ((msg = parse_message(p->data.data, p->data.len, resp)) == NULL)
					goto out;
			} else if (strcmp(p->name, "attachment") == 0 || strcmp(p->name, "eyp") == 0) {
				up[q.n_files++] = (struct outbox_upload){
					strcmp(p->name, "eyp") == 0 ? "eyp" : "attachment",
					p->file_name, p->content_type, p->data.data, p->data.len };
			} else {
				api_error(resp, 400, "invalid_field", "%.60s: unknown part (message, "
					  "attachment or eyp)", p->name);
				goto out;
			}
		}
		if (msg == NULL) {
			api_error(resp, 400, "invalid_field", "message: the JSON part is missing");
			goto out;
		}
	}
	if ((st = api_store(req, resp)) == NULL)
		goto out;
	q.idem_key = api_header(req, "Idempotency-Key");
	q.message = msg;
	q.files = up;
	cfg = daemon_config_get(req->user);
	if (outbox_submit(st, cfg, &q, &item, &existing, &code, field, &err) < 0) {
		api_fail(resp, code, &err);
		if (field[0] && resp->json != NULL)
			json_object_set_new(resp->json, "field", json_string(field));
	} else {
		resp->status = existing ? 200 : 201;
		resp->location = xasprintf("/v1/outbox/%lld",
					   (long long)json_integer_value(json_object_get(item, "id")));
		if (!existing)
			kick(req->user, item, cfg, 0);
		resp->json = item;
		item = NULL;
	}
	daemon_config_put(req->user, cfg);
out:
	json_decref(item);
	json_decref(msg);
	parts_free(&ps);
}

void api_h_outbox_get(const struct api_request *req, struct api_response *resp)
{
	int64_t id = api_param_id(req, resp, 0);
	struct store *st;
	struct kerr err;

	if (id < 0 || (st = api_store(req, resp)) == NULL)
		return;
	if (outbox_get_json(st, id, &resp->json, &err) < 0)
		api_fail(resp, NULL, &err);
}

void api_h_outbox_list(const struct api_request *req, struct api_response *resp)
{
	long long limit = api_query_int(req, resp, "limit", 100, 1, 1000);
	struct store *st;
	struct kerr err;

	if (limit < 0 || (st = api_store(req, resp)) == NULL)
		return;
	if (outbox_list_json(st, api_query(req, "account"), api_query(req, "state"),
			     (size_t)limit, &resp->json, &err) < 0)
		api_fail(resp, NULL, &err);
}

/* POST /v1/outbox/{id}/resubmit and /abandon: 200 with the item as the
 * decision left it; a repeat of the decision already taken since the item
 * was last parked, or a replay with the Idempotency-Key of a decision
 * taken, is 200 with the item, nothing done again. */
static void decide(const struct api_request *req, struct api_response *resp,
		   enum outbox_decision which)
{
	int64_t id = api_param_id(req, resp, 0);
	json_t *j = req->body ? json_object_get(req->body, "reason") : NULL;
	const char *reason = NULL, *code;
	const struct config *cfg;
	struct store *st;
	struct kerr err;
	int repeat;

	if (id < 0)
		return;
	if (req->body != NULL && !json_is_object(req->body)) {
		api_error(resp, 400, "bad_request", "the body, when there is one, is a JSON object");
		return;
	}
	if (j != NULL && (!json_is_string(j) || json_string_length(j) == 0 ||
			  json_string_length(j) > 1000)) {
		api_error(resp, 400, "bad_parameter", "'reason' must be a string of 1..1000 bytes");
		return;
	}
	reason = json_string_value(j);
	if ((st = api_store(req, resp)) == NULL)
		return;
	if (outbox_decide(st, id, which, "api", reason, api_header(req, "Idempotency-Key"),
			  &repeat, &code, &err) < 0 ||
	    outbox_get_json(st, id, &resp->json, &err) < 0) {
		api_fail(resp, code, &err);
		return;
	}
	if (which == OUTBOX_RESUBMIT && !repeat) {
		cfg = daemon_config_get(req->user);
		kick(req->user, resp->json, cfg, 1);
		daemon_config_put(req->user, cfg);
	}
}

void api_h_outbox_resubmit(const struct api_request *req, struct api_response *resp)
{
	decide(req, resp, OUTBOX_RESUBMIT);
}

void api_h_outbox_abandon(const struct api_request *req, struct api_response *resp)
{
	decide(req, resp, OUTBOX_ABANDON);
}
