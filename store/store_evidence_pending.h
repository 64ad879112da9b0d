/* store_evidence_pending.h: stored packages whose evidence is not final,
 * so the sync follows their evidence without listing the provider's whole
 * sent folder, each on its own poll schedule (evidence_polls). The store does not judge finality: the sync marks a package
 * final (store_evidence_final_mark()) when kep/evidence_stage.h says its
 * verified evidence is. Not thread-safe per connection. */
#ifndef KEP_STORE_EVIDENCE_PENDING_H
#define KEP_STORE_EVIDENCE_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

struct store_evidence_pending {
	int64_t package_id;
	char *kep_id;
	int64_t provider_seq; /* -1 when the provider gave none (or not a number) */
};

/* Packages of account/folder dated (KEP provider time, else stored time) at
 * or after since_ms not marked final whose next poll is due at or before
 * due_ms (never polled: due), oldest first, at most limit (0: 1000).
 * *rows_r is owned by the caller: store_evidence_pending_free(). */
int store_evidence_pending_list(struct store *store, const char *account, const char *folder,
				int64_t since_ms, int64_t due_ms, size_t limit,
				struct store_evidence_pending **rows_r, size_t *n_r,
				struct kerr *err);
void store_evidence_pending_free(struct store_evidence_pending **rows, size_t n);
/* The poll schedule of a package's evidence (the sync decides it): the
 * interval of its last poll (0 when never polled) ... */
int store_evidence_poll_interval(struct store *store, int64_t package_id, int64_t *interval_ms_r,
				 struct kerr *err);
/* ... and, after a poll, the next one: due at due_ms, interval_ms after it. */
int store_evidence_poll_set(struct store *store, int64_t package_id, int64_t due_ms,
			    int64_t interval_ms, struct kerr *err);
/* Records that package_id's evidence is final; idempotent. */
int store_evidence_final_mark(struct store *store, int64_t package_id, struct kerr *err);

#endif
