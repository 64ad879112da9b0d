/* delil_verdict.h: the whole verdict of one delil, computed once.
 *
 * A delil proves an event in a message's life only when every part holds
 * (kep-domain.md §4, "Only verified evidence counts", "Who may sign"):
 *   parse      the bytes are an evidence document (XML, or a ZIP holding
 *              one) within xml_safe's bounds             else malformed
 *   signature  the enveloped XML signature covers the whole document and
 *              is intact                                 else invalid
 *   signer     it chains to the anchors and is a KEPHS signing certificate
 *              (signer_role.h)       else untrusted, expired, revoked, ...
 *   digest     SenderMessageDetails' digest is the stored original's
 *                                                        else invalid
 *   code       the code the signed document proves (type + event) is the
 *              one the provider's listing gave (o->provider_code, when
 *              given)                 else invalid ("code mismatch: ...")
 * The verdict is the worst of them (verdict_worst) and the reason names
 * every part that failed. Without an original (`kepagent verify` without
 * --original, an item whose package the store does not hold) the digest is
 * not checked: the verdict is the signature's and the reason says "digest
 * not checked", never that it matched. A delil that carries no digest, or
 * one in an algorithm not accepted as proof, binds no message: invalid,
 * with or without an original (digest_verdict invalid, ev.digest absent or
 * unsupported).
 *
 * The sync, `kepagent verify`, the bundle export and the bundle check only
 * map this result: the verdict and reason they store, print or compare are
 * dv->verdict and dv->reason, and their two checks are
 * DELIL_CHECK_SIGNATURE (ev.verdict, ev.reason) and DELIL_CHECK_DIGEST
 * (digest_verdict, ev.digest_reason). Which verdicts count: verdict.h.
 *
 * Return 0 when judged (look at dv->verdict, even malformed), -1 only for
 * internal failures (err set). Free with delil_verdict_free(). Thread-safe
 * as evidence_verify(). */
#ifndef KEP_DELIL_VERDICT_H
#define KEP_DELIL_VERDICT_H

#include <stddef.h>

#include "err.h"
#include "evidence.h"
#include "verdict.h"

#define DELIL_CHECK_SIGNATURE "evidence-signature"
#define DELIL_CHECK_DIGEST "evidence-digest"
/* In the reason of a verdict whose digest was not checked for want of an
 * original: the sync judges such a stored item again once it has one. */
#define DELIL_DIGEST_UNCHECKED "digest not checked"

struct delil_verdict {
	struct evidence ev;           /* fields; ev.verdict: signature and signer */
	enum verdict verdict;         /* the finished verdict */
	char reason[1024];
	/* the digest check as a verdict: valid (match), invalid (mismatch),
	 * unsigned (not checked: nothing to compare) */
	enum verdict digest_verdict;
};

/* o->original: the stored original message, NULL when there is none. */
int delil_judge(const void *data, size_t len, const struct evidence_opts *o,
		struct delil_verdict *dv, struct kerr *err);
/* dv (from delil_judge) judged again against another original (NULL:
 * none), as delil_judge() would judge the same bytes with it: only the
 * digest is checked again (the document is neither parsed nor verified a
 * second time), the verdict and reason recomposed. */
void delil_verdict_digest(struct delil_verdict *dv, const void *original, size_t original_len);
void delil_verdict_free(struct delil_verdict *dv);

#endif
