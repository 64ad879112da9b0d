/* delil_verdict.c: see delil_verdict.h. */
#include "delil_verdict.h"

#include <stdio.h>
#include <string.h>

static void add_reason(struct delil_verdict *dv, const char *text)
{
	size_t n = strlen(dv->reason);

	if (text == NULL || *text == '\0')
		return;
	snprintf(dv->reason + n, sizeof(dv->reason) - n, "%s%s", n ? "; " : "", text);
}

int delil_judge(const void *data, size_t len, const struct evidence_opts *o,
		struct delil_verdict *dv, struct kerr *err)
{
	const struct evidence *ev = &dv->ev;
	char why[300];

	memset(dv, 0, sizeof(*dv));
	if (evidence_verify(data, len, o, &dv->ev, err) < 0)
		return -1;
	dv->verdict = ev->verdict;
	dv->digest_verdict = ev->digest == EVIDENCE_DIGEST_MATCH ? VERDICT_VALID
			     : ev->digest == EVIDENCE_DIGEST_MISMATCH ? VERDICT_INVALID
			     : VERDICT_UNSIGNED;
	if (ev->verdict == VERDICT_MALFORMED) {
		snprintf(dv->reason, sizeof(dv->reason), "%s", ev->reason);
		return 0;
	}
	if (ev->digest == EVIDENCE_DIGEST_MISMATCH) {
		dv->verdict = verdict_worst(dv->verdict, VERDICT_INVALID);
		/* The digest first: "of another message" is what a reader needs. */
		add_reason(dv, ev->digest_reason);
		if (!verdict_acceptable(ev->verdict))
			add_reason(dv, ev->reason);
		return 0;
	}
	add_reason(dv, ev->reason);
	if (ev->digest == EVIDENCE_DIGEST_MATCH) {
		add_reason(dv, ev->digest_reason);
	} else {
		snprintf(why, sizeof(why), DELIL_DIGEST_UNCHECKED ": %s",
			 ev->digest_reason[0] ? ev->digest_reason : "nothing to compare with");
		add_reason(dv, why);
	}
	return 0;
}

void delil_verdict_free(struct delil_verdict *dv)
{
	if (dv != NULL)
		evidence_free(&dv->ev);
}
