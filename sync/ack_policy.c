/* ack_policy.c: see ack_policy.h. */
#include "ack_policy.h"

#include "store_queue.h"
#include "store_queue_ack_due.h"

enum store_ack ack_policy_on_store(const struct account_config *a, int received,
				   int evidence_mail)
{
	if (!received || a->ack_policy == ACK_NEVER)
		return STORE_ACK_NONE;
	/* Under on-import, evidence is never queued for EBYS to acknowledge: it
	 * is due once stored (its delil is extracted from the stored copy). */
	return a->ack_policy == ACK_ON_STORE || evidence_mail ? STORE_ACK_DUE : STORE_ACK_NONE;
}

int ack_policy_acks(const struct account_config *a)
{
	return a->ack_policy != ACK_NEVER;
}

int ack_policy_deletes(const struct account_config *a)
{
	return a->delete_after_ack;
}

int ack_policy_queue_acked(struct store *store, const struct account_config *a,
			   int64_t package_id, const char *actor, struct kerr *err)
{
	if (a != NULL && a->ack_policy == ACK_ON_IMPORT)
		return store_queue_ack_due(store, package_id, actor, err);
	return store_queue_ack(store, package_id, actor, err);
}
