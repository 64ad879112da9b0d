/* outbox_park.c: what a person does with a parked outbox item (outbox.h):
 * submit it once more, or give it up. The sender never does either by
 * itself, since a parked submission may have been taken. */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_outbox.h"
#include "util.h"

/* The item, which must be parked. */
static int get_parked(struct store *st, int64_t id, const char *verb,
		      struct store_outbox_item *it, struct kerr *err)
{
	if (store_outbox_get(st, id, it, err) < 0)
		return -1;
	if (it->state != STORE_OB_PARKED) {
		kerr_set(err, KERR_USAGE, "outbox item %lld is %s: only a parked item is %s",
			 (long long)id, store_outbox_state_name(it->state), verb);
		store_outbox_item_clear(it);
		return -1;
	}
	return 0;
}

int outbox_resubmit(struct store *st, int64_t id, const char *actor, struct kerr *err)
{
	struct store_outbox_item it;
	struct store_outbox_step s = { .from = STORE_OB_PARKED, .to = STORE_OB_SIGNED,
				       .actor = actor, .action = "resubmit" };
	char *detail;
	int rc;

	if (get_parked(st, id, "resubmitted", &it, err) < 0)
		return -1;
	if (store_outbox_file_id(&it, strcmp(it.path, "yukle") == 0 ? STORE_OB_FILE_SMIME
				 : STORE_OB_FILE_SIGNATURE) == 0) {
		kerr_set(err, KERR_USAGE, "outbox item %lld was parked before it was signed: "
			 "there is nothing to submit; abandon it and send the message again",
			 (long long)id);
		store_outbox_item_clear(&it);
		return -1;
	}
	detail = xasprintf("a person's resubmission, once (parked: %s)",
			   it.provider_text ? it.provider_text : "no reason");
	s.detail = detail;
	s.provider_text = "resubmitted by a person: submitted once more at the next run";
	rc = store_outbox_step(st, id, &s, err);
	free(detail);
	store_outbox_item_clear(&it);
	return rc;
}

int outbox_abandon(struct store *st, int64_t id, const char *actor, const char *reason,
		   struct kerr *err)
{
	struct store_outbox_item it;
	struct store_outbox_step s = { .from = STORE_OB_PARKED, .to = STORE_OB_FAILED,
				       .actor = actor, .action = "abandon" };
	char *text;
	int rc;

	if (get_parked(st, id, "abandoned", &it, err) < 0)
		return -1;
	text = xasprintf("abandoned by a person: %s (parked: %s)",
			 reason ? reason : "not to be submitted",
			 it.provider_text ? it.provider_text : "no reason");
	s.provider_text = text;
	s.detail = text;
	rc = store_outbox_step(st, id, &s, err);
	free(text);
	store_outbox_item_clear(&it);
	return rc;
}
