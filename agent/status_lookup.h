/* status_lookup.h: delivery status of sent messages ("KEP Delili Durumu").
 *
 * A key is tried as kepId, then OrgMesajId/Message-ID, X-TR-REM-iletiID and
 * e-Yazisma BelgeNo, trimmed, and when nothing answers in its other angle
 * bracket form ("<id>" for "id" and back: people copy ids either way); among the packages found, a sent one (with evidence) is
 * preferred. The answer (Status of doc/openapi.yaml) gives the furthest
 * progress stage reached (10 < 20 < 40 < 60) with its Turkish label, the
 * failure stage when one was received (11/21/31/41), and every evidence item
 * with its time, issuer and verdict; unknown codes are listed as unknown and
 * never count as progress. An unknown key gives found=false and a message.
 * Evidence whose package is not stored is found by kepId. Returned JSON is
 * owned by the caller. Thread-safe with one store per thread. */
#ifndef KEP_STATUS_LOOKUP_H
#define KEP_STATUS_LOOKUP_H

#include <stddef.h>

#include <jansson.h>

#include "err.h"

struct store;

#define SVC_STATUS_MAX_BATCH 1000

struct kbuf;

/* The message of an unknown key's answer. */
extern const char status_lookup_unknown[];

/* The answer written as JSON text (json_text.h), appended to out: what the
 * API sends as it is. *found_r 0 for an unknown key. -1 only when the
 * store fails; an unknown key is a result. */
int status_lookup_write(struct store *st, const char *key, struct kbuf *out, int *found_r,
			struct kerr *err);
/* {"results": [...]} in the order of keys, appended to out. */
int status_lookup_batch_write(struct store *st, const char *const *keys, size_t n,
			      struct kbuf *out, struct kerr *err);
/* The same parsed, for the CLI and the outbox. */
int status_lookup(struct store *st, const char *key, json_t **out, struct kerr *err);
/* {"results": [...]} in the order of keys. */
int status_lookup_batch(struct store *st, const char *const *keys, size_t n, json_t **out,
		     struct kerr *err);

#endif
