/* api_evidence.c: auditor endpoints: evidence and package search, and the
 * evidence bundle of one message. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>



#include "api_routes.h"
#include "bundle.h"
#include "trust_config.h"
#include "daemon.h"
#include "store_search.h"
#include "reply.h"
#include "evidence_query.h"
#include "trust.h"

/* Fills q from the query; -1 with a 400 in resp when a value is bad. */
static int search_query(const struct api_request *req, struct api_response *resp,
			struct store_search *q)
{
	const char *from = api_query(req, "from"), *to = api_query(req, "to");
	long long limit, offset, stage;
	struct kerr err;

	memset(q, 0, sizeof(*q));
	if ((limit = api_query_int(req, resp, "limit", 100, 1, 1000)) < 0 ||
	    (offset = api_query_int(req, resp, "offset", 0, 0, 1LL << 40)) < 0 ||
	    (stage = api_query_int(req, resp, "stage", 0, 0, 1000)) < 0)
		return -1;
	if ((from != NULL && reply_parse_time(from, &q->from, &err) < 0) ||
	    (to != NULL && reply_parse_time(to, &q->to, &err) < 0)) {
		api_error(resp, 400, "bad_parameter", "%s", err.msg);
		return -1;
	}
	q->limit = (size_t)limit;
	q->offset = (size_t)offset;
	q->stage = stage;
	q->account = api_query(req, "account");
	q->counterpart = api_query(req, "counterpart");
	q->folder = api_query(req, "folder");
	q->verdict = api_query(req, "verdict");
	return 0;
}

/* A search over the query's filters, answered by run (evidence or packages). */
static void search(const struct api_request *req, struct api_response *resp,
		   int (*run)(struct store *, const struct store_search *, json_t **, struct kerr *))
{
	struct store_search q;
	struct store *st;
	struct kerr err;

	if (search_query(req, resp, &q) < 0 || (st = api_store(req, resp)) == NULL)
		return;
	if (run(st, &q, &resp->json, &err) < 0)
		api_fail(resp, NULL, &err);
}

void api_h_evidence_search(const struct api_request *req, struct api_response *resp)
{
	search(req, resp, evidence_query_search);
}

void api_h_package_search(const struct api_request *req, struct api_response *resp)
{
	search(req, resp, evidence_query_packages);
}

/* The bundle is built in a private temporary directory and sent from memory. */
void api_h_bundle(const struct api_request *req, struct api_response *resp)
{
	const struct config *cfg;
	struct trust_store *ts = trust_new();
	struct kbuf b = { 0 };
	struct store *st;
	struct kerr err;
	char dir[] = "/tmp/kepagent-bundle.XXXXXX", *path = NULL;
	int64_t id;
	int rc, unavailable = 0;

	if ((id = api_param_id(req, resp, 0)) < 0 || (st = api_store(req, resp)) == NULL) {
		trust_free(&ts);
		return;
	}
	cfg = daemon_config_get(req->user);
	rc = trust_load_config(cfg, ts, &err);
	daemon_config_put(req->user, cfg);
	if (rc == 0 && mkdtemp(dir) == NULL)
		rc = kerr_errno(&err, KERR_IO, errno, "cannot make a temporary directory");
	if (rc == 0) {
		path = xasprintf("%s/bundle.zip", dir);
		rc = bundle_export(st, ts, id, path, &unavailable, &err);
		if (rc == 0)
			rc = read_file(path, 512u << 20, &b, &err);
		unlink(path);
		rmdir(dir);
		free(path);
	}
	trust_free(&ts);
	if (rc < 0) {
		kbuf_free(&b);
		api_fail(resp, unavailable ? "content_unavailable" : NULL, &err);
		return;
	}
	/* Built afresh (its report says when): no ETag, so no 304 or Range
	 * that would splice two different bundles. */
	resp->raw = b.data;
	resp->raw_len = b.len;
	resp->content_type = xstrdup("application/zip");
	resp->filename = xasprintf("kep-bundle-%lld.zip", (long long)id);
}
