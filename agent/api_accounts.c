/* api_accounts.c: /v1/accounts and on-demand refresh
 * (POST /v1/accounts/{name}/refresh -> daemon_refresh_now, the same code
 * path and lock as `kepagent refresh`). */
#include <string.h>

#include "api_routes.h"
#include "daemon.h"
#include "reply.h"

static json_t *account_json(const struct account_status *s)
{
	char a[32], b[32];

	return json_pack("{s:s, s:s, s:b, s:s?, s:s?, s:s?, s:s?, s:i, s:I, s:I}",
			 "name", s->name, "address", s->address, "refreshing", s->refreshing,
			 "last_refresh", reply_time(s->last_refresh_ms, a),
			 "last_success", reply_time(s->last_success_ms, b),
			 "last_result", account_result_name(s->last_result),
			 "last_error", s->last_error[0] ? s->last_error : NULL,
			 "consecutive_failures", s->consecutive_failures,
			 "packages_synced", (json_int_t)s->packages_synced,
			 "evidence_synced", (json_int_t)s->evidence_synced);
}

void api_h_accounts(const struct api_request *req, struct api_response *resp)
{
	json_t *a = json_array();
	struct account_status s;
	struct kerr err;
	int i, n = daemon_account_count(req->user);

	for (i = 0; i < n; i++) {
		if (daemon_account_status_at(req->user, i, &s, &err) < 0)
			continue; /* removed by a reload meanwhile */
		json_array_append_new(a, account_json(&s));
	}
	resp->json = json_pack("{s:o}", "accounts", a);
}

void api_h_account_get(const struct api_request *req, struct api_response *resp)
{
	struct account_status s;
	struct kerr err;

	if (daemon_account_status(req->user, req->params[0], &s, &err) < 0) {
		api_fail(resp, NULL, &err);
		return;
	}
	resp->json = account_json(&s);
}

/* Where the accepted refresh can be watched: its GET, the name escaped. */
static char *account_location(const char *name)
{
	struct kbuf b = { 0 };

	kbuf_append_str(&b, "/v1/accounts/");
	kbuf_pct_encode(&b, name, "-._~");
	kbuf_append_str(&b, "/refresh");
	kbuf_cstr(&b);
	return (char *)b.data;
}

void api_h_account_refresh(const struct api_request *req, struct api_response *resp)
{
	struct account_status s;
	struct kerr err;

	if (daemon_refresh_now(req->user, req->params[0], &err) < 0) {
		api_fail(resp, err.cls == KERR_BUSY ? "conflict" : NULL, &err);
		return;
	}
	if (daemon_account_status(req->user, req->params[0], &s, &err) < 0) {
		api_fail(resp, NULL, &err);
		return;
	}
	/* The refresh was handed to the account's thread, which may not have
	 * picked it up yet. */
	s.refreshing = 1;
	resp->status = 202;
	resp->json = account_json(&s);
	resp->location = account_location(req->params[0]);
}
