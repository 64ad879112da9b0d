/* outbox_park.c: what a person does with a parked outbox item (outbox.h):
 * submit it once more, or give it up. The sender never does either by
 * itself, since a parked submission may have been taken. Both decisions are
 * one helper: they differ only in the state they lead to and their texts. */
#include "outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_outbox.h"
#include "util.h"

struct decision {
	const char *action;             /* audit "outbox.<action>", the CLI verb */
	const char *done;               /* "only a parked item is <done>" */
	enum store_outbox_state to;
};

static const struct decision decisions[] = {
	[OUTBOX_RESUBMIT] = { "resubmit", "resubmitted", STORE_OB_SIGNED },
	[OUTBOX_ABANDON] = { "abandon", "abandoned", STORE_OB_FAILED },
};

/* 1 when the item is not parked because this decision was taken since it
 * was last parked: a repeat of the same request. */
static int repeated(struct store *st, int64_t id, const struct decision *d, struct kerr *err)
{
	char *last = NULL;
	int rc;

	if (store_outbox_last_decision(st, id, &last, err) < 0)
		return -1;
	rc = last != NULL && strcmp(last, d->action) == 0;
	free(last);
	return rc;
}

/* A decision recorded with key on the item: 1 a replay of this decision,
 * -1 with *code_r "idempotency_conflict" when it was the other one, 0 when
 * the key is new. */
static int replayed(struct store *st, int64_t id, const struct decision *d, const char *key,
		    const char **code_r, struct kerr *err)
{
	char *was = NULL;
	int rc = store_outbox_decision_key(st, id, key, &was, err);

	if (rc > 0 && strcmp(was, d->action) != 0) {
		*code_r = "idempotency_conflict";
		rc = kerr_set(err, KERR_USAGE, "this Idempotency-Key was used to %s outbox item "
			      "%lld, not to %s it", was, (long long)id, d->action);
	}
	free(was);
	return rc;
}

int outbox_decide(struct store *st, int64_t id, enum outbox_decision which, const char *actor,
		  const char *reason, const char *idem_key, int *repeat_r, const char **code_r,
		  struct kerr *err)
{
	const struct decision *d = &decisions[which];
	struct store_outbox_step s = { .from = STORE_OB_PARKED, .to = d->to, .actor = actor,
				       .action = d->action };
	const char *why, *signed_role;
	struct store_outbox_item it;
	char *text;
	int rc;

	*code_r = NULL;
	if (repeat_r != NULL)
		*repeat_r = 0;
	if (idem_key != NULL && !outbox_idem_key_ok(idem_key)) {
		*code_r = "bad_parameter";
		return kerr_set(err, KERR_USAGE, "Idempotency-Key: 1 to 200 printable characters");
	}
	if (store_outbox_get(st, id, &it, err) < 0)
		return -1;
	/* A replay of a decision taken with this key: answered as a repeat,
	 * even once the item was parked again (never a second decision). */
	if (idem_key != NULL && (rc = replayed(st, id, d, idem_key, code_r, err)) != 0) {
		if (rc > 0 && repeat_r != NULL)
			*repeat_r = 1;
		store_outbox_item_clear(&it);
		return rc > 0 ? 0 : -1;
	}
	s.idem_key = idem_key;
	if (it.state != STORE_OB_PARKED) {
		rc = repeat_r != NULL ? repeated(st, id, d, err) : 0;
		if (rc > 0) {
			*repeat_r = 1;
			rc = 0;
		} else if (rc == 0) {
			*code_r = "not_parked";
			rc = kerr_set(err, KERR_USAGE, "outbox item %lld is %s: only a parked item is %s",
				      (long long)id, store_outbox_state_name(it.state), d->done);
		}
		store_outbox_item_clear(&it);
		return rc;
	}
	signed_role = strcmp(it.path, "yukle") == 0 ? STORE_OB_FILE_SMIME : STORE_OB_FILE_SIGNATURE;
	if (which == OUTBOX_RESUBMIT && store_outbox_file_id(&it, signed_role) == 0) {
		*code_r = "not_signed";
		kerr_set(err, KERR_USAGE, "outbox item %lld was parked before it was signed: "
			 "there is nothing to submit; abandon it and send the message again",
			 (long long)id);
		store_outbox_item_clear(&it);
		return -1;
	}
	why = it.provider_text ? it.provider_text : "no reason";
	if (which == OUTBOX_RESUBMIT) {
		text = xasprintf("a person's resubmission, once (parked: %s)", why);
		s.provider_text = "resubmitted by a person: submitted once more at the next run";
	} else {
		text = xasprintf("abandoned by a person: %s (parked: %s)",
				 reason ? reason : "not to be submitted", why);
		s.provider_text = text;
	}
	s.detail = text;
	rc = store_outbox_step(st, id, &s, err);
	if (rc < 0 && err->cls == KERR_BUSY)
		*code_r = "not_parked";     /* decided by someone else meanwhile */
	free(text);
	store_outbox_item_clear(&it);
	return rc;
}
