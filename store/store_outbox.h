/* store_outbox.h: the outbox, from which kepagent sends what EBYS hands it.
 *
 * An item is one message for one account: recipients (To/Cc), subject,
 * body (text or HTML) and attachments, or a ready e-Yazisma package; its
 * iletiTip and EBYS's own iletiID; an idempotency key unique per account
 * (the Idempotency-Key header, else "iletiID:<id>"), and the Message-ID the
 * agent chose, stored before anything is submitted. Files (attachments, the
 * .eyp, the MIME entity to sign, the signature, the S/MIME sent) are kept
 * byte for byte in the store with their SHA-256.
 *
 * The state machine (every transition is one committed transaction with an
 * audit line, checked against the current state, so a crash leaves the item
 * in the last state written and two senders cannot both move it):
 *
 *   accepted --(Yukle: entity built; MimeYap: provider's eHash stored)-->
 *   needs-signature --(seal: the daemon; officer: `kepagent outbox sign`)-->
 *   signed --(written before the provider is called)--> submitting
 *   signed --(submitted before: reconciliation found it)--> submitted
 *   submitting --(the provider answered with a kepId, or reconciliation
 *                 found the package in the sent folder)--> submitted
 *   submitting --(the provider provably did not take it: the request never
 *                 left, or it refused it)--> signed (submitted again later)
 *   submitting --(submitted again as a new attempt: attempts + 1)--> submitting
 *   any but submitted --> failed (the provider refused; its text kept)
 *                     --> parked (ambiguous, unanswered and not listed, or
 *                         too many attempts: a person decides)
 *   parked --(a person: `kepagent outbox resubmit`)--> signed
 *   parked --(a person: `kepagent outbox abandon`)--> failed
 *
 * submitted and failed are final; parked waits for a person. Evidence of a
 * submitted item is followed through its package in the sent folder
 * (kep_id). Returned
 * items are owned by the caller: store_outbox_item_clear() /
 * store_outbox_items_free(). Thread safety: as struct store. */
#ifndef KEP_STORE_OUTBOX_H
#define KEP_STORE_OUTBOX_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store_blob.h"
#include "store_package_details.h"

struct store;

enum store_outbox_state {
	STORE_OB_ACCEPTED = 0,
	STORE_OB_NEEDS_SIGNATURE,
	STORE_OB_SIGNED,
	STORE_OB_SUBMITTING,
	STORE_OB_SUBMITTED,
	STORE_OB_FAILED,
	STORE_OB_PARKED,
	STORE_OB_N_STATES
};

const char *store_outbox_state_name(enum store_outbox_state s);
/* -1 when unknown. */
int store_outbox_state_from_name(const char *name);
/* 1 when from -> to is a transition of the state machine above. */
int store_outbox_transition_ok(enum store_outbox_state from, enum store_outbox_state to);

/* File roles. */
#define STORE_OB_FILE_ATTACHMENT "attachment"  /* an attachment EBYS gave */
#define STORE_OB_FILE_EYP        "eyp"         /* a ready e-Yazisma package */
#define STORE_OB_FILE_ENTITY     "entity"      /* the MIME entity to sign (Yukle) */
#define STORE_OB_FILE_EHASH      "ehash"       /* the provider's eHash (MimeYap) */
#define STORE_OB_FILE_SIGNATURE  "signature"   /* the DER CMS made on the token */
#define STORE_OB_FILE_SMIME      "smime"       /* the S/MIME package sent (Yukle) */

struct store_outbox_file_in {
	const char *role;
	const char *file_name;       /* as EBYS named it; NULL for generated files */
	const char *content_type;
	struct store_content content;
};

struct store_outbox_new {
	const char *account;
	const char *idem_key;        /* required */
	const char *ileti_id;        /* NULL: none */
	const char *ileti_tip;       /* "standart" or "eYazisma" */
	const char *path;            /* "yukle" or "mimeyap" */
	const char *sign_mode;       /* "seal" or "officer" */
	const char *subject;
	const char *body;            /* NULL: empty */
	const char *body_type;       /* "text" or "html" */
	const char *message_id;      /* "<...>", chosen by the agent; unique */
	const unsigned char *request_sha256; /* 32 bytes: what was asked, for repeats */
	const char *actor;           /* for the audit line; NULL: "api" */
	const struct store_recipient *recipients;
	size_t n_recipients;
	const struct store_outbox_file_in *files;
	size_t n_files;
};

struct store_outbox_file {
	int64_t id;
	char *role, *file_name, *content_type;
	int64_t size;
	unsigned char sha256[32];
};

struct store_outbox_item {
	int64_t id;
	char *account, *idem_key, *ileti_id, *ileti_tip, *path, *sign_mode;
	char *subject, *body, *body_type, *message_id;
	enum store_outbox_state state;
	char *kep_id;                /* submitted: the provider's kepId */
	char *mesaj_id;              /* MimeYap: the provider's mesajid */
	char *provider_text;         /* failed/parked: the provider's or our reason */
	int64_t attempts;            /* submissions tried */
	int64_t package_id;          /* the sent package once stored by the sync; 0 */
	int64_t created_at, updated_at, submitted_at;
	unsigned char request_sha256[32];
	struct store_recipient *recipients;
	size_t n_recipients;
	struct store_outbox_file *files;
	size_t n_files;
};

/* Inserts a new item in state accepted, with its recipients and files, in
 * one transaction. When the account already has an item with the same
 * idem_key or ileti_id, nothing is written: *id_r gets that item and
 * *existing_r 1 (KERR_USAGE "conflict" when its request_sha256 differs, so a
 * reused key never returns another message's item silently). */
int store_outbox_insert(struct store *store, const struct store_outbox_new *n, int64_t *id_r,
			int *existing_r, struct kerr *err);

/* KERR_NOTFOUND when there is no such item. */
int store_outbox_get(struct store *store, int64_t id, struct store_outbox_item *it,
		     struct kerr *err);
/* The item of account (NULL: any) with this iletiID, or Message-ID: 1 found,
 * 0 none. */
int store_outbox_find(struct store *store, const char *account, const char *key,
		      int64_t *id_r, struct kerr *err);

struct store_outbox_filter {
	const char *account;         /* NULL: all */
	int state;                   /* enum store_outbox_state, or -1: all */
	int64_t after_id;
	size_t limit;                /* 0: 100 */
};
/* Oldest first; items carry no recipients or files (use _get). */
int store_outbox_list(struct store *store, const struct store_outbox_filter *f,
		      struct store_outbox_item **items_r, size_t *n_r, struct kerr *err);

/* One step of the state machine, committed before it returns. Fails with
 * KERR_BUSY when the item is not in `from` (someone else moved it) and
 * KERR_INTERNAL when from -> to is not a transition. Optional members: NULL
 * or 0 leave the column alone; add_file is stored in the same transaction. */
struct store_outbox_step {
	enum store_outbox_state from, to;
	const char *kep_id;
	const char *mesaj_id;
	const char *provider_text;
	int bump_attempts;
	const struct store_outbox_file_in *add_file;
	const char *actor;           /* for the audit line; NULL: "sync" */
	const char *action;          /* the audit action "outbox.<action>"; NULL: the
	                              * new state's name */
	const char *detail;          /* for the audit line */
	const char *idem_key;        /* a person's decision: its Idempotency-Key,
	                              * recorded with action; NULL: none */
};
int store_outbox_step(struct store *store, int64_t id, const struct store_outbox_step *s,
		      struct kerr *err);

/* The decision a person took on the item since it was last parked:
 * *action_r "resubmit" or "abandon" (malloc'd), NULL when it has been
 * parked since (or never decided). From the audit log. */
int store_outbox_last_decision(struct store *store, int64_t id, char **action_r,
			       struct kerr *err);

/* The decision recorded with Idempotency-Key key on the item: 1 and
 * *action_r ("resubmit", "abandon"; malloc'd), 0 when none. */
int store_outbox_decision_key(struct store *store, int64_t id, const char *key,
			      char **action_r, struct kerr *err);

/* The id of the item's newest file with role; 0 when none. */
int64_t store_outbox_file_id(const struct store_outbox_item *it, const char *role);
/* Reads an outbox file (store_blob_read_mem with its kind). */
int store_outbox_file_read(struct store *store, int64_t file_id, size_t max_len,
			   struct kbuf *buf, struct kerr *err);

/* Links a submitted item to its sent package (found by kepId). Returns the
 * number of items linked. */
int store_outbox_link_packages(struct store *store, const char *account, struct kerr *err);

/* An account whose seal refused its PIN: sending stops until the PIN file
 * changes. _get returns 1 with *reason_r and *fingerprint_r (malloc'd, the
 * latter may be NULL) when the account is blocked, 0 when not. */
int store_send_block_get(struct store *store, const char *account, char **reason_r,
			 char **fingerprint_r, struct kerr *err);
int store_send_block_set(struct store *store, const char *account, const char *reason,
			 const char *fingerprint, struct kerr *err);
int store_send_block_clear(struct store *store, const char *account, struct kerr *err);

/* Number of items per state (counts[STORE_OB_N_STATES]). */
int store_outbox_counts(struct store *store, int64_t counts[STORE_OB_N_STATES],
			struct kerr *err);

void store_outbox_item_clear(struct store_outbox_item *it);
void store_outbox_items_free(struct store_outbox_item **items, size_t n);

#endif
