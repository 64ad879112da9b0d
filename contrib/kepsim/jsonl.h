/* jsonl.h: appending JSON lines to a file (request log, fault log, state).
 *
 * Each call writes one complete line with one write(2) under a process-wide
 * lock, so lines from concurrent requests never interleave. The object is
 * not consumed (the caller still owns it). path NULL means "do nothing". */
#ifndef KEPSIM_JSONL_H
#define KEPSIM_JSONL_H

#include <jansson.h>

#include "err.h"

int jsonl_append(const char *path, const json_t *obj, struct kerr *err);
/* Calls fn for every parseable line of path (a missing file has no lines);
 * stops early when fn returns nonzero and returns that value. Lines that do
 * not parse are skipped: a writer may have been killed mid-line. */
int jsonl_each(const char *path, int (*fn)(json_t *line, void *arg), void *arg);
/* The current time as "YYYY-MM-DDThh:mm:ss" in UTC (FORMAT.md: the
 * mailbox's times; the wire form is the dialect's, soap.h). */
void jsonl_now(char out[20]);

#endif
