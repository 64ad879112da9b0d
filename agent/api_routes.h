/* api_routes.h: the route table of the local API served by `kepagent run`
 * (see doc/openapi.yaml; tests/api-openapi.sh checks the server against
 * it), the handlers of the EBYS/auditor endpoints, and the helpers they
 * share. Handlers get the struct daemon * as req->user and use the calling
 * thread's store connection (daemon_store). Thread-safe. */
#ifndef KEP_API_ROUTES_H
#define KEP_API_ROUTES_H

#include <stdint.h>

#include "api_server.h"
#include "err.h"

struct store;

extern const struct api_route api_routes[];

/* The thread's store; on failure fills resp (503 "busy" or 500) and
 * returns NULL. */
struct store *api_store(const struct api_request *req, struct api_response *resp);
/* Fills resp with the error: code (NULL: from err's class) and err's message. */
void api_fail(struct api_response *resp, const char *code, const struct kerr *err);
/* Parses path parameter i as a positive integer; fills a 400 and returns -1
 * otherwise. */
int64_t api_param_id(const struct api_request *req, struct api_response *resp, int i);

/* api_queue.c */
api_handler api_h_queue_list, api_h_queue_claim, api_h_queue_item, api_h_queue_original,
	api_h_queue_package, api_h_queue_attachment, api_h_queue_eyp, api_h_queue_extend,
	api_h_queue_ack,
	api_h_queue_reject;
/* api_status.c */
api_handler api_h_status, api_h_status_batch;
/* api_evidence.c */
api_handler api_h_evidence_search, api_h_package_search, api_h_bundle;
/* api_outbox.c */
api_handler api_h_outbox_submit, api_h_outbox_list, api_h_outbox_get, api_h_outbox_resubmit,
	api_h_outbox_abandon;
/* api_accounts.c */
api_handler api_h_accounts, api_h_account_get, api_h_account_refresh;

#endif
