/* store_evidence.h: stored evidence items (delil).
 *
 * An evidence item is kept byte for byte as downloaded, with the provider's
 * metadata and its verification results. It refers to its package when the
 * store knows it (by id, or found by (account, kepId)); otherwise package_id
 * stays NULL and is filled in when the package is stored later. Writing is
 * one transaction and idempotent on (account, delilId). Rows returned are
 * owned by the caller (store_evidence_rows_free(); id strings: free each and
 * the array). Thread safety: as struct store. */
#ifndef KEP_STORE_EVIDENCE_H
#define KEP_STORE_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "store_blob.h"
#include "store_verification.h"

struct store_evidence_meta {
	const char *account;        /* required */
	const char *kep_id;         /* the provider's reference to the package */
	int64_t provider_seq;       /* its sequence number in the folder; -1: none */
	const char *provider_seq_text; /* the text of one that was not a plain number
	                             * (kept verbatim from an older store), or NULL */
	const char *delil_id;       /* required */
	int64_t delil_tur_id;       /* 10, 20, ... ; unknown codes kept as they are */
	const char *description;    /* delilaciklama */
	int64_t event_time;         /* UTC, ms */
	const char *event_time_text; /* the provider's own text of it (tarih), or NULL */
	const char *issuer;         /* kephs */
	const char *verdict;        /* verdict_name(); NULL = not verified */
	const char *verdict_reason;
};

struct store_evidence {
	struct store_evidence_meta meta;
	int64_t package_id;         /* 0: look up by (account, kep_id) */
	struct store_content raw;
	const struct store_verification *verifications;
	size_t n_verifications;
	const char *actor;          /* for the audit line; NULL: "store" */
};

struct store_evidence_row {
	int64_t id;
	int64_t package_id;         /* 0 when the package is unknown */
	struct store_evidence_meta meta;   /* strings owned by the row */
	int64_t raw_size;
	unsigned char raw_sha256[32];
	int64_t stored_at;
	int64_t carrier_id;         /* the delil mail that carried it, 0 when none */
};

/* *inserted_r (may be NULL) is 0 when (account, delilId) was already stored. */
int store_evidence_insert(struct store *store, const struct store_evidence *ev,
			  int64_t *id_r, int *inserted_r, struct kerr *err);
/* 1 and *id_r (may be NULL) when stored, 0 when not. */
int store_evidence_exists(struct store *store, const char *account, const char *delil_id,
			  int64_t *id_r, struct kerr *err);
/* The delilIds already stored for (account, kepId), so a sync downloads
 * only new ones. */
int store_evidence_delil_ids(struct store *store, const char *account, const char *kep_id,
			     char ***ids_r, size_t *n_r, struct kerr *err);
void store_evidence_delil_ids_free(char ***ids, size_t n);
/* A later judgement of a stored item (its digest checked once the original
 * of its package is stored): the row's verdict and reason replaced, each
 * check of v replacing the stored ones of its name (a check judged again is
 * listed once, as judged last), audited "evidence.rejudged" (the audit log
 * keeps that it was judged before); one transaction. */
int store_evidence_rejudge(struct store *store, const struct store_evidence_row *row,
			   const char *verdict, const char *reason,
			   const struct store_verification *v, size_t n, const char *actor,
			   struct kerr *err);
/* The evidence of a package, by event time then id. */
int store_evidence_list_for_package(struct store *store, int64_t package_id,
				    struct store_evidence_row **rows_r, size_t *n_r,
				    struct kerr *err);
void store_evidence_rows_free(struct store_evidence_row **rows, size_t n);

#endif
