/* store_evidence_pending.h: stored packages whose evidence is not final,
 * so the sync follows their evidence without listing the provider's whole
 * sent folder. Final: an evidence item with code 60 (read) or a failure
 * code (11, 21, 31, 41) is stored for the package. */
#ifndef KEP_STORE_EVIDENCE_PENDING_H
#define KEP_STORE_EVIDENCE_PENDING_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

struct store_evidence_pending {
	int64_t package_id;
	char *kep_id;
	char *kep_sira_no;   /* NULL when the provider gave none */
};

/* Packages of account/folder dated (provider date, else stored time) at or
 * after since_ms whose evidence is not final, oldest first, at most limit
 * (0: 1000). *rows_r is owned by the caller: store_evidence_pending_free(). */
int store_evidence_pending_list(struct store *store, const char *account, const char *folder,
				int64_t since_ms, size_t limit,
				struct store_evidence_pending **rows_r, size_t *n_r,
				struct kerr *err);
void store_evidence_pending_free(struct store_evidence_pending **rows, size_t n);

#endif
