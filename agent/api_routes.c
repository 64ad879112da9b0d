/* api_routes.c: every endpoint of the local API, in one table, and the
 * helpers the handlers share. */
#include "api_routes.h"

#include <stdlib.h>

#include "api_health.h"
#include "daemon.h"
#include "reply.h"

const struct api_route api_routes[] = {
	{ "GET", "/healthz", api_h_healthz, 1, NULL },
	{ "GET", "/metrics", api_h_metrics, 0, NULL },
	{ "GET", "/v1/accounts", api_h_accounts, 0, NULL },
	{ "GET", "/v1/accounts/{name}/refresh", api_h_account_get, 0, NULL },
	{ "POST", "/v1/accounts/{name}/refresh", api_h_account_refresh, 0, NULL },
	{ "GET", "/v1/queue", api_h_queue_list, 0, NULL },
	{ "POST", "/v1/queue/claim", api_h_queue_claim, 0, "count lease_seconds account" },
	{ "GET", "/v1/queue/{id}", api_h_queue_item, 0, NULL },
	{ "GET", "/v1/queue/{id}/original", api_h_queue_original, 0, NULL },
	{ "GET", "/v1/queue/{id}/package", api_h_queue_package, 0, NULL },
	{ "GET", "/v1/queue/{id}/attachments/{n}", api_h_queue_attachment, 0, NULL },
	{ "GET", "/v1/queue/{id}/eyp", api_h_queue_eyp, 0, NULL },
	{ "POST", "/v1/queue/{id}/lease", api_h_queue_extend, 0, "lease lease_seconds" },
	{ "POST", "/v1/queue/{id}/ack", api_h_queue_ack, 0, "lease" },
	{ "POST", "/v1/queue/{id}/reject", api_h_queue_reject, 0, "lease reason retry_after" },
	{ "GET", "/v1/status/{key}", api_h_status, 0, NULL },
	{ "POST", "/v1/status", api_h_status_batch, 0, "keys" },
	{ "GET", "/v1/evidence", api_h_evidence_search, 0, NULL },
	{ "GET", "/v1/packages", api_h_package_search, 0, NULL },
	{ "GET", "/v1/packages/{id}/bundle", api_h_bundle, 0, NULL },
	/* A whole message with its attachments: up to 25 MB and the multipart
	 * framing around it. */
	{ "POST", "/v1/outbox", api_h_outbox_submit, 0, NULL, 27 * 1024 * 1024, 1 },
	{ "GET", "/v1/outbox", api_h_outbox_list, 0, NULL },
	{ "GET", "/v1/outbox/{id}", api_h_outbox_get, 0, NULL },
	{ "POST", "/v1/outbox/{id}/resubmit", api_h_outbox_resubmit, 0, NULL },
	{ "POST", "/v1/outbox/{id}/abandon", api_h_outbox_abandon, 0, "reason" },
	{ NULL, NULL, NULL, 0, NULL },
};

struct store *api_store(const struct api_request *req, struct api_response *resp)
{
	struct kerr err;
	struct store *st = daemon_store(req->user, &err);

	if (st == NULL)
		api_fail(resp, NULL, &err);
	return st;
}

void api_fail(struct api_response *resp, const char *code, const struct kerr *err)
{
	if (code == NULL)
		code = reply_code(err);
	api_error(resp, reply_http_status(code), code, "%s", err->msg);
}

int64_t api_param_id(const struct api_request *req, struct api_response *resp, int i)
{
	const char *s = i < req->nparams ? req->params[i] : NULL;
	long long v = api_parse_id(s);

	if (v < 0)
		api_error(resp, 400, "bad_parameter", "'%.40s' is not an id (an integer from 1 to "
			  "9223372036854775807)", s ? s : "");
	return v;
}
