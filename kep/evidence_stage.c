/* evidence_stage.c: see evidence_stage.h. */
#include "evidence_stage.h"

#include <stddef.h>

int evidence_code_is_final(int code)
{
	const struct delil_code *d = delil_by_code(code);

	return d != NULL && (d->kind == DELIL_FAILURE || d->code == 60);
}

void evidence_stage_add(struct evidence_stage *s, int code, const char *verdict)
{
	const struct delil_code *d = delil_by_code(code);
	int v = verdict != NULL ? verdict_from_name(verdict) : -1;

	if (d == NULL || v < 0 || !verdict_acceptable((enum verdict)v))
		return;
	s->counted++;
	if (d->kind == DELIL_PROGRESS && (s->stage == NULL || d->rank > s->stage->rank))
		s->stage = d;
	if (d->kind == DELIL_FAILURE && (s->failure == NULL || d->rank > s->failure->rank))
		s->failure = d;
}

int evidence_stage_final(const struct evidence_stage *s)
{
	return s->failure != NULL || (s->stage != NULL && s->stage->code == 60);
}
