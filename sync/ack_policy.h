/* ack_policy.h: the one home of the acknowledgement policy.
 *
 * The rule (an account's ack_policy, kepagent.yaml(5)):
 * - the provider's acknowledgement becomes *due* only for received packages and
 *   only in the transaction that makes the package durable in the sense the
 *   policy names: `on-store` when the package is stored, `on-import` when
 *   EBYS acknowledges its queue item, `never` not at all; a delil mail
 *   whose KEPHS signature verifies is evidence, never in the queue, so under
 *   `on-import` it is due when stored, as under `on-store` (its delil is
 *   extracted from the stored copy, store_evidence_mail.h: the provider's
 *   copy is not needed); a delil mail that does not verify is an ordinary
 *   received package;
 * - a due acknowledgement is sent after that transaction committed and
 *   recorded done only after the provider answered (a crash in between sends
 *   it again: an acknowledgement is idempotent at the provider);
 * - with delete_after_ack, the provider deletion becomes due in the transaction that
 *   records the acknowledgement done, and is recorded done only after the
 *   provider answered (store_package_ack_done(), store_provider_delete_done()).
 * sync_package.c, sync_ack.c and the import queue ask these functions; none
 * of them tests ack_policy itself. Thread-safe; the store calls are not
 * (one connection per thread, like every store call). */
#ifndef KEP_SYNC_ACK_POLICY_H
#define KEP_SYNC_ACK_POLICY_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "store_package.h"

struct store;

/* The acknowledgement state a package gets when it is stored: due for a
 * received package under on-store, and for a received evidence mail
 * (evidence_mail: its KEPHS signature verified) under on-import too; none
 * otherwise. */
enum store_ack ack_policy_on_store(const struct account_config *a, int received,
				   int evidence_mail);
/* 1 when the account acknowledges to the provider at all (not `never`). */
int ack_policy_acks(const struct account_config *a);
/* 1 when the provider deletion follows a recorded acknowledgement. */
int ack_policy_deletes(const struct account_config *a);
/* EBYS acknowledged package_id's queue item: records it (store_queue_ack())
 * and, under on-import, makes the provider acknowledgement due in the same
 * transaction. a may be NULL (account no longer configured: the queue item
 * is acked, the provider is not told). Runs inside the caller's
 * store_begin(); KERR_NOTFOUND when the package is not queued. */
int ack_policy_queue_acked(struct store *store, const struct account_config *a,
			   int64_t package_id, const char *actor, struct kerr *err);

#endif
