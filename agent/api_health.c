/* api_health.c: see api_health.h. */
#include "api_health.h"

#include <string.h>

#include "daemon.h"
#include "store.h"
#include "util.h"

void api_h_healthz(const struct api_request *req, struct api_response *resp)
{
	struct daemon *d = req->user;
	struct kerr err = { 0 };
	struct store *s = daemon_store(d, &err);

	/* Taking the write lock proves the file is there and writable. */
	if (s == NULL || store_begin(s, &err) < 0) {
		resp->status = 503;
		resp->json = json_pack("{s:s, s:s}", "status", "unhealthy", "store", err.msg);
		return;
	}
	store_rollback(s);
	resp->json = json_pack("{s:s, s:s}", "status", "ok", "store", "writable");
}

void api_h_metrics(const struct api_request *req, struct api_response *resp)
{
	struct kbuf out = { 0 };

	daemon_metrics_render(req->user, &out);
	kbuf_cstr(&out);
	resp->raw = out.data;
	resp->raw_len = out.len;
	resp->content_type = xstrdup("text/plain; version=0.0.4; charset=utf-8");
}
