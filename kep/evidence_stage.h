/* evidence_stage.h: the one rule for what a sent message's evidence shows.
 *
 * Only verified evidence counts (kep-domain.md, "Only verified evidence
 * counts"): a delil whose overall verdict is not acceptable (broken
 * signature, digest of another message, unparseable) never raises the stage
 * or sets the failure; it stays listed with its verdict by the caller.
 * Among counted delils the stage is the progress code (10, 20, 40, 60) of the
 * highest rank, the failure the failure code (11, 21, 31, 41) of the highest
 * rank. A message is final once it has a counted failure or a counted 60.
 * Acceptable verdicts: verdict_acceptable() (valid, revocation-unknown).
 * Thread-safe, no allocation. */
#ifndef KEP_EVIDENCE_STAGE_H
#define KEP_EVIDENCE_STAGE_H

#include "delil.h"
#include "verdict.h"

struct evidence_stage {
	const struct delil_code *stage;    /* NULL: no verified progress */
	const struct delil_code *failure;  /* NULL: no verified failure */
	int counted;                       /* delils that counted */
};

/* 1 when a code ends a message's life (a failure or 60), whatever its verdict. */
int evidence_code_is_final(int code);
/* Adds one delil; verdict is its stored name (NULL: not verified). */
void evidence_stage_add(struct evidence_stage *s, int code, const char *verdict);
/* 1 when the counted evidence is final. */
int evidence_stage_final(const struct evidence_stage *s);

#endif
