/* outbox.h: the outbox as EBYS and the officer see it, shared by
 * `POST /v1/outbox`, `GET /v1/outbox/{id}`, `kepagent send` and
 * `kepagent outbox` (the state machine is in store_outbox.h, the sending in
 * sync/send.h).
 *
 * outbox_submit() validates everything before anything is stored or signed
 * and refuses with KERR_USAGE naming the field ("to[1]", "attachments[0]",
 * "eyp", ...; *field_r): KEP address syntax and provider domain (hsNN.kep.tr),
 * the 25 MB message and 20 MB attachment limits, allowed file types, an .eyp's
 * own digests and signature (kep/verify_package.h, the trust of the
 * configuration), and what the account's sending path can carry. A repeat
 * (same Idempotency-Key, or same iletiID) returns the first item with
 * *existing_r 1; the same key with another request is KERR_USAGE with code
 * "idempotency_conflict". For Yukle the MIME entity is built at once, so an
 * officer's item waits in needs-signature from the start.
 *
 * The message object (doc/openapi.yaml, OutboxRequest): account, to[], cc[],
 * subject, body, body_type (text|html), ileti_tip (standart|eYazisma),
 * ileti_id. JSON returned is the caller's (json_decref). Thread-safe with one
 * store per thread. */
#ifndef KEP_OUTBOX_H
#define KEP_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

struct config;
struct store;

#define OUTBOX_MAX_MESSAGE (25u * 1024 * 1024)     /* message, as KEP carries it */
#define OUTBOX_MAX_ATTACHMENTS (20u * 1024 * 1024) /* all attachments together */
#define OUTBOX_MAX_FILES 50
#define OUTBOX_MAX_RECIPIENTS 100

struct outbox_upload {
	const char *field;         /* "attachment" or "eyp" */
	const char *file_name;
	const char *content_type;  /* NULL: from the name */
	const void *data;
	size_t len;
};

struct outbox_request {
	const char *idem_key;      /* Idempotency-Key; NULL: "iletiID:<ileti_id>" */
	const json_t *message;
	const struct outbox_upload *files;
	size_t n_files;
	const char *actor;         /* for the audit log: "api", "cli" */
};

/* 0 with *item_r (the Outbox JSON) and *existing_r; -1 with err (and
 * *code_r, a stable code, and *field_r, static or NULL). */
int outbox_submit(struct store *st, const struct config *cfg, const struct outbox_request *q,
		  json_t **item_r, int *existing_r, const char **code_r, char field[64],
		  struct kerr *err);

/* The Outbox JSON of item id, with the delivery status of its package once
 * submitted (status_lookup.h). KERR_NOTFOUND when unknown. */
int outbox_get_json(struct store *st, int64_t id, json_t **out, struct kerr *err);
/* {"items": [...], "total": n} of account (NULL: all) in state (NULL: all). */
int outbox_list_json(struct store *st, const char *account, const char *state, size_t limit,
		     json_t **out, struct kerr *err);
/* The outbox item with this iletiID, Message-ID or kepId: 1 found (*id_r). */
int outbox_find(struct store *st, const char *key, int64_t *id_r, struct kerr *err);
/* The status lookup's answer (Status of doc/openapi.yaml) for an outbox item
 * the key names whose package is not stored yet (not submitted, or just
 * submitted): found, no stage, its outbox state. 1 with *out, 0 when no
 * item has the key. */
int outbox_status_json(struct store *st, const char *key, json_t **out, struct kerr *err);

/* A person's decision on a parked item (outbox_park.c), audited as
 * outbox.resubmit / outbox.abandon with actor. Resubmit puts the item back
 * in signed, which allows one more submission (the sender asks the sent
 * folder first); abandon makes it failed with reason (NULL: a default
 * text) and it is never submitted. KERR_NOTFOUND: no such item;
 * KERR_USAGE with *code_r "not_parked" (409): it is not parked, or
 * "not_signed" (resubmit): it has nothing signed to submit; *code_r NULL
 * otherwise. With repeat_r (the API's idempotency), an item that is not
 * parked because the same decision was taken since it was last parked is
 * a repeat: 0 with *repeat_r 1 and nothing done. idem_key (the API's
 * Idempotency-Key, 1 to 200 printable characters; NULL: none) is recorded
 * with the decision: a replay with it is a repeat whatever the item's state
 * now (parked again included), a key used for the other decision is
 * KERR_USAGE "idempotency_conflict" (409), a bad key "bad_parameter". */
enum outbox_decision { OUTBOX_RESUBMIT, OUTBOX_ABANDON };
int outbox_decide(struct store *st, int64_t id, enum outbox_decision which, const char *actor,
		  const char *reason, const char *idem_key, int *repeat_r, const char **code_r,
		  struct kerr *err);
/* 1 when key is a usable Idempotency-Key: 1 to 200 printable characters. */
int outbox_idem_key_ok(const char *key);

#endif
