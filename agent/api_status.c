/* api_status.c: GET /v1/status/{key} and the batch POST /v1/status. */
#include <stdlib.h>

#include "api_routes.h"
#include "reply.h"
#include "status_lookup.h"
#include "util.h"

void api_h_status(const struct api_request *req, struct api_response *resp)
{
	struct store *st;
	struct kerr err;
	int found;

	if ((st = api_store(req, resp)) == NULL)
		return;
	if (status_lookup_write(st, req->params[0], &resp->text, &found, &err) < 0) {
		api_fail(resp, NULL, &err);
		return;
	}
	if (!found)
		api_error(resp, 404, "not_found", "%s: %s", req->params[0], status_lookup_unknown);
}

void api_h_status_batch(const struct api_request *req, struct api_response *resp)
{
	json_t *keys = req->body ? json_object_get(req->body, "keys") : NULL, *k;
	const char **v;
	struct store *st;
	struct kerr err;
	size_t i, n;

	if (!json_is_array(keys)) {
		api_error(resp, 400, "bad_request", "the body must be {\"keys\": [...]}");
		return;
	}
	n = json_array_size(keys);
	if (n > SVC_STATUS_MAX_BATCH) {
		api_error(resp, 400, "bad_request", "at most %d keys at once", SVC_STATUS_MAX_BATCH);
		return;
	}
	v = xcalloc(n + 1, sizeof(*v));
	json_array_foreach(keys, i, k) {
		if (!json_is_string(k)) {
			free(v);
			api_error(resp, 400, "bad_parameter", "keys[%zu] is not a string", i);
			return;
		}
		v[i] = json_string_value(k);
	}
	if ((st = api_store(req, resp)) != NULL &&
	    status_lookup_batch_write(st, v, n, &resp->text, &err) < 0)
		api_fail(resp, NULL, &err);
	free(v);
}
