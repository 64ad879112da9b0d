/* delil_verdict.c: see delil_verdict.h. */
#include "delil_verdict.h"

#include <stdio.h>
#include <string.h>

#include "delil.h"

static void add_reason(struct delil_verdict *dv, const char *text)
{
	size_t n = strlen(dv->reason);

	if (text == NULL || *text == '\0')
		return;
	snprintf(dv->reason + n, sizeof(dv->reason) - n, "%s%s", n ? "; " : "", text);
}

/* 1 when the code the listing gave (PaketDelilSorgula's delilTurId) is not
 * the one the signed document proves, with why: the listing is the
 * provider's unsigned word, so the delil proves nothing it claims. Two codes
 * kepagent does not know (neither ever counts) are not a mismatch. */
static int code_mismatch(const struct evidence *ev, char *why, size_t len)
{
	const struct delil_code *claimed = delil_by_code(ev->provider_code);
	const struct delil_code *proved = delil_by_code(ev->delil_code);
	int n;

	if (ev->provider_code <= 0 || ev->provider_code == ev->delil_code ||
	    (claimed == NULL && proved == NULL))
		return 0;
	n = snprintf(why, len, "code mismatch: the listing names delil %d (%s), the signed "
		     "evidence is ", ev->provider_code, claimed ? claimed->label : "unknown");
	if (n < 0 || (size_t)n >= len)
		return 1;
	if (proved != NULL)
		snprintf(why + n, len - (size_t)n, "%d (%s)", proved->code, proved->label);
	else
		snprintf(why + n, len - (size_t)n, "of no known code (%.60s, %.80s)",
			 ev->type ? ev->type : "no type",
			 ev->event_code ? ev->event_code : "no event");
	return 1;
}

/* The verdict and reason of dv from its parts (dv->ev). */
static void compose(struct delil_verdict *dv)
{
	const struct evidence *ev = &dv->ev;
	char why[300];

	dv->reason[0] = '\0';
	dv->verdict = ev->verdict;
	dv->digest_verdict = ev->digest == EVIDENCE_DIGEST_MATCH ? VERDICT_VALID
			     : ev->digest == EVIDENCE_DIGEST_UNCHECKED ? VERDICT_UNSIGNED
			     : VERDICT_INVALID;
	if (ev->verdict == VERDICT_MALFORMED) {
		snprintf(dv->reason, sizeof(dv->reason), "%s", ev->reason);
		return;
	}
	if (code_mismatch(ev, why, sizeof(why))) {
		dv->verdict = verdict_worst(dv->verdict, VERDICT_INVALID);
		add_reason(dv, why);
	}
	if (ev->digest != EVIDENCE_DIGEST_MATCH && ev->digest != EVIDENCE_DIGEST_UNCHECKED) {
		dv->verdict = verdict_worst(dv->verdict, VERDICT_INVALID);
		/* The digest first: "of another message" is what a reader needs. */
		add_reason(dv, ev->digest_reason);
		if (!verdict_acceptable(ev->verdict))
			add_reason(dv, ev->reason);
		return;
	}
	add_reason(dv, ev->reason);
	if (ev->digest == EVIDENCE_DIGEST_MATCH) {
		add_reason(dv, ev->digest_reason);
	} else {
		snprintf(why, sizeof(why), DELIL_DIGEST_UNCHECKED ": %s",
			 ev->digest_reason[0] ? ev->digest_reason : "nothing to compare with");
		add_reason(dv, why);
	}
}

int delil_judge(const void *data, size_t len, const struct evidence_opts *o,
		struct delil_verdict *dv, struct kerr *err)
{
	memset(dv, 0, sizeof(*dv));
	if (evidence_verify(data, len, o, &dv->ev, err) < 0)
		return -1;
	compose(dv);
	return 0;
}

void delil_verdict_digest(struct delil_verdict *dv, const void *original, size_t original_len)
{
	if (dv->ev.verdict == VERDICT_MALFORMED)
		return;    /* nothing was read to check */
	evidence_check_digest(&dv->ev, original, original_len);
	compose(dv);
}

void delil_verdict_free(struct delil_verdict *dv)
{
	if (dv != NULL)
		evidence_free(&dv->ev);
}
