/* store_package.h: stored KEP packages.
 *
 * A package is kept byte for byte as downloaded (raw, with size and SHA-256)
 * plus the metadata parsed from it. store_package_insert() writes a package
 * and everything derived from it (parts, e-Yazisma metadata, verification
 * results, queue entry, audit line) in ONE transaction: either all of it is
 * stored or none. It is idempotent on (account, folder, kepId).
 *
 * Input structs only borrow the caller's strings and content. Rows returned
 * by the getters are owned by the caller: store_package_row_free(); id
 * arrays are freed with free(). Thread safety: as struct store. */
#ifndef KEP_STORE_PACKAGE_H
#define KEP_STORE_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "store_blob.h"
#include "store_eyp.h"
#include "store_package_details.h"
#include "store_part.h"
#include "store_verification.h"
#include "store_evidence_mail.h"

enum store_ack {             /* provider acknowledgement (AlindiOnay) */
	STORE_ACK_NONE = 0,  /* not to be acknowledged */
	STORE_ACK_DUE,       /* to be acknowledged to the provider */
	STORE_ACK_DONE,      /* acknowledged at ack_time */
};

struct store_package_meta {
	const char *account;         /* required; see store_account.h */
	const char *folder;          /* required, e.g. "INBOX" */
	const char *kep_id;          /* required */
	int64_t provider_seq;        /* the provider's sequence number in the folder
	                              * (kepSiraNo); -1 when none or not a number */
	const char *provider_seq_text; /* the provider's text when it was not a plain
	                              * non-negative number (kept, never dropped);
	                              * NULL otherwise */
	const char *org_mesaj_id;    /* OrgMesajId */
	const char *message_id;      /* Message-ID header */
	const char *sender;          /* From header */
	const char *sender_kep;      /* sender's KEP address */
	const char *subject;         /* decoded, UTF-8 */
	int64_t received_at;
	const char *tur, *tur_id;
	const char *ileti_tip;       /* X-TR-REM-iletiTip */
	const char *ileti_id;        /* X-TR-REM-iletiID */
	const char *belge_no;        /* e-Yazisma BelgeNo, NULL when none */
	const char *verdict;         /* overall: verdict_name(); NULL = not verified */
	const char *verdict_reason;
	enum store_ack ack;
	int64_t ack_time;
};

struct store_package {
	struct store_package_meta meta;
	struct store_content raw;                   /* the bytes as received */
	const struct store_part *parts;             /* stored with idx = array index */
	size_t n_parts;
	const struct store_eyp *eyp;                /* NULL when not e-Yazisma */
	const struct store_verification *verifications;
	size_t n_verifications;
	const struct store_package_details *details; /* NULL: none derived */
	int enqueue;                                /* put it in the import queue */
	enum store_evidence_mail evidence_mail;     /* a delil mail: its pending extraction */
	const char *actor;                          /* for the audit line; NULL: "store" */
};

struct store_package_row {
	int64_t id;
	struct store_package_meta meta;   /* strings owned by the row */
	int64_t raw_size;
	unsigned char raw_sha256[32];
	int64_t stored_at;
};

/* Stores the package. *id_r gets the package's id; *inserted_r (may be NULL)
 * is 1 when stored now, 0 when (account, folder, kepId) was already there
 * (then nothing is written). Evidence stored earlier for the same (account,
 * kepId) without a package is linked to it. On failure nothing is written. */
int store_package_insert(struct store *store, const struct store_package *pkg,
			 int64_t *id_r, int *inserted_r, struct kerr *err);

/* 1 and *id_r (may be NULL) when stored, 0 when not. */
int store_package_exists(struct store *store, const char *account, const char *folder,
			 const char *kep_id, int64_t *id_r, struct kerr *err);
/* The stored package's sequence number as text (*seq_r, the caller's):
 * the number in decimal, or the provider's text when it was not a number;
 * NULL when it has none. */
int store_package_seq(struct store *store, int64_t id, char **seq_r, struct kerr *err);
/* KERR_NOTFOUND when there is no such package. */
int store_package_get(struct store *store, int64_t id, struct store_package_row **row_r,
		      struct kerr *err);
void store_package_row_free(struct store_package_row **row);

enum store_package_key {
	STORE_PKG_BY_KEP_ID,
	STORE_PKG_BY_MESSAGE_ID,   /* matches OrgMesajId or Message-ID */
	STORE_PKG_BY_ILETI_ID,
	STORE_PKG_BY_BELGE_NO,
};
/* Ids of the packages whose key equals value (account NULL: any account),
 * oldest first; *ids_r is NULL when none. */
int store_package_find(struct store *store, enum store_package_key key, const char *account,
		       const char *value, int64_t **ids_r, size_t *n_r, struct kerr *err);

/* Packages whose provider acknowledgement is due (account NULL: all), at
 * most limit (0: 100), oldest first. */
int store_package_ack_due(struct store *store, const char *account, size_t limit,
			  int64_t **ids_r, size_t *n_r, struct kerr *err);
/* Sets the acknowledgement state; time 0 means now for STORE_ACK_DONE. */
int store_package_set_ack(struct store *store, int64_t id, enum store_ack ack, int64_t time,
			  struct kerr *err);

const char *store_ack_name(enum store_ack ack);

#endif
