/* store_verification.h: results of verification checks, per package or evidence.
 *
 * One row per check (check names such as "envelope-signature",
 * "envelope-timestamp", "original-signature", "eyp-digests", "eyp-nihai-ozet",
 * "eyp-signature", "eyp-seal", "evidence-signature", "evidence-digest") with the verdict's
 * stable name from kep/verdict.h (verdict_name()). Results are normally
 * written together with their package or evidence (store_package_insert,
 * store_evidence_insert); store_verification_add() records a later
 * re-verification. Rows returned are owned by the caller:
 * store_verification_rows_free(). Thread safety: as struct store. */
#ifndef KEP_STORE_VERIFICATION_H
#define KEP_STORE_VERIFICATION_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

struct store_verification {
	const char *check;            /* required */
	const char *verdict;          /* required: verdict_name() */
	const char *reason;
	const char *signer_subject, *signer_serial, *signer_issuer;
	int64_t signing_time, timestamp_time, validation_time;
	const char *details_json;     /* NULL or valid JSON */
};

struct store_verification_row {
	int64_t id;
	int64_t package_id, evidence_id;   /* exactly one is non-zero */
	int64_t created_at;
	struct store_verification v;       /* strings owned by the row */
};

enum store_verif_owner { STORE_VERIF_PACKAGE, STORE_VERIF_EVIDENCE };

int store_verification_add(struct store *store, enum store_verif_owner owner, int64_t id,
			   const struct store_verification *v, struct kerr *err);
/* In insertion order. */
int store_verification_list(struct store *store, enum store_verif_owner owner, int64_t id,
			    struct store_verification_row **rows_r, size_t *n_r,
			    struct kerr *err);
void store_verification_rows_free(struct store_verification_row **rows, size_t n);

#endif
