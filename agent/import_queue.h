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
/* lease_seconds 0: the configuration's queue.lease_seconds; otherwise it
 * must be within CONFIG_LEASE_MIN_SECONDS..CONFIG_LEASE_MAX_SECONDS. */
int import_queue_claim(struct store *st, const struct config *cfg, const char *account,
		    size_t count, long lease_seconds, json_t **out, struct kerr *err);
int import_queue_detail(struct store *st, int64_t id, const char *lease, json_t **out,
		     const char **code_r, struct kerr *err);

enum import_content { SVC_ORIGINAL, SVC_PACKAGE, SVC_EYP, SVC_ATTACHMENT };
/* What a download is, for its HTTP headers and file names. Owned strings. */
struct import_content_meta {
	char *content_type;        /* the part's own, e.g. "application/pdf" (validated) */
	char *file_name;           /* as the sender wrote it (untrusted); NULL for the package */
	char *safe_name;           /* safe on a file system; NULL for the package */
	int64_t size;
	unsigned char sha256[32];  /* of the bytes appended to out */
};
void import_content_meta_free(struct import_content_meta *m);
/* Appends the content to out, read through the content location layer
 * (store_archive.h: the store or the verified archive, checked against the
 * recorded SHA-256) and fills *meta. n: attachment index. Content that
 * should exist and cannot be read (archive gone, bytes damaged) fails with
 * code "content_unavailable": never empty bytes. */
int import_queue_content(struct store *st, int64_t id, const char *lease, enum import_content what,
		      int n, struct kbuf *out, struct import_content_meta *meta,
		      const char **code_r, struct kerr *err);
/* Extends a held lease by lease_seconds from now (0: the configured
 * queue.lease_seconds); *out is the item with its new lease_until. */
int import_queue_extend(struct store *st, const struct config *cfg, int64_t id, const char *lease,
			long lease_seconds, json_t **out, const char **code_r, struct kerr *err);
int import_queue_ack(struct store *st, const struct config *cfg, int64_t id, const char *lease,
		  const char *actor, json_t **out, const char **code_r, struct kerr *err);
/* retry_seconds < 0: SVC_QUEUE_RETRY_DEFAULT. */
int import_queue_reject(struct store *st, const struct config *cfg, int64_t id, const char *lease,
		     const char *reason, long retry_seconds, const char *actor, json_t **out,
		     const char **code_r, struct kerr *err);

#endif
