/* import_queue.h: the import queue as EBYS sees it, for the CLI and the API.
 *
 * Item ids are package ids (the same id /v1/packages and bundles use). A
 * claim hands out a random opaque lease token (the queue's lease owner);
 * fetching, acknowledging and rejecting need it: a wrong token gives code
 * "lease_mismatch", a token whose lease ran out "lease_expired" (both 409).
 * Acknowledging an acknowledged item again succeeds whatever the token
 * (idempotent). Acknowledging also makes the provider acknowledgement due
 * when the account's ack_policy is on-import. JSON shapes: QueueItem,
 * QueueList, QueueItemDetail of doc/openapi.yaml. Thread-safe with one
 * store per thread. */
#ifndef KEP_IMPORT_QUEUE_H
#define KEP_IMPORT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"
#include "util.h"

struct store;
struct config;

#define SVC_QUEUE_MAX_CLAIM 100
#define SVC_QUEUE_RETRY_DEFAULT 60   /* seconds before a rejected item comes back */

/* state: enum store_queue_state or -1 for all. */
int import_queue_list(struct store *st, const char *account, int state, size_t limit,
		   size_t offset, json_t **out, struct kerr *err);
/* lease_seconds 0: the configuration's queue.lease_seconds. */
int import_queue_claim(struct store *st, const struct config *cfg, const char *account,
		    size_t count, long lease_seconds, json_t **out, struct kerr *err);
int import_queue_detail(struct store *st, int64_t id, const char *lease, json_t **out,
		     const char **code_r, struct kerr *err);

enum import_content { SVC_ORIGINAL, SVC_PACKAGE, SVC_EYP, SVC_ATTACHMENT };
/* Appends the content to out; *ctype_r is a static string, *name_r (may be
 * NULL) a safe file name the caller frees. n: attachment index. */
int import_queue_content(struct store *st, int64_t id, const char *lease, enum import_content what,
		      int n, struct kbuf *out, const char **ctype_r, char **name_r,
		      const char **code_r, struct kerr *err);
int import_queue_ack(struct store *st, const struct config *cfg, int64_t id, const char *lease,
		  const char *actor, json_t **out, const char **code_r, struct kerr *err);
/* retry_seconds < 0: SVC_QUEUE_RETRY_DEFAULT. */
int import_queue_reject(struct store *st, const struct config *cfg, int64_t id, const char *lease,
		     const char *reason, long retry_seconds, const char *actor, json_t **out,
		     const char **code_r, struct kerr *err);

#endif
