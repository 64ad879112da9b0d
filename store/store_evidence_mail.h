/* store_evidence_mail.h: the packages that carry a delil as an e-mail
 * (schema 15, table evidence_mails; kep-domain.md §4).
 *
 * A row is written with the carrying package, in its transaction
 * (store_package.evidence_mail), with no evidence yet: the pending
 * extraction. store_evidence_mail_done() links it to the evidence row once
 * the delil is stored, so a delil whose storing failed or was killed after
 * the carrier committed is extracted again from the stored carrier by the
 * next refresh (store_evidence_mail_pending()), and stored once.
 * is_evidence: the carrier's KEPHS signature verified; such a package is
 * evidence, never put in the import queue. Not thread-safe per connection,
 * like every store call. */
#ifndef KEP_STORE_EVIDENCE_MAIL_H
#define KEP_STORE_EVIDENCE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

enum store_evidence_mail {
	STORE_EVMAIL_NONE = 0,      /* not a delil mail */
	STORE_EVMAIL_UNVERIFIED,    /* carries a delil, its own signature is not a KEPHS's */
	STORE_EVMAIL_EVIDENCE,      /* carries a delil, signed by a KEPHS: evidence */
};

/* Links package_id's pending extraction to evidence_id (idempotent). */
int store_evidence_mail_done(struct store *store, int64_t package_id, int64_t evidence_id,
			     struct kerr *err);
/* The ids of account's carriers whose delil is not stored yet, oldest
 * first; *ids_r is the caller's to free(). */
int store_evidence_mail_pending(struct store *store, const char *account, int64_t **ids_r,
				size_t *n_r, struct kerr *err);

/* Packages stored before delil mails were recognised (schema 18 marked
 * them): up to limit of account's, oldest first, to be judged once each;
 * *ids_r is the caller's to free(). */
int store_evidence_mail_unjudged(struct store *store, const char *account, size_t limit,
				 int64_t **ids_r, size_t *n_r, struct kerr *err);
/* Records the judgement of such a package, in one transaction: its mark
 * removed; a delil mail gets its pending extraction (as a new one does);
 * evidence leaves the import queue unless EBYS holds or acknowledged it
 * (claimed, acked), and its provider acknowledgement becomes due when ack_due
 * and it had none (ack_policy_on_store); audited "evidence_mail.recognised"
 * when it is one. */
int store_evidence_mail_judged(struct store *store, int64_t package_id,
			       enum store_evidence_mail kind, int ack_due, const char *actor,
			       struct kerr *err);

#endif
