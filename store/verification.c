/* verification.c: the verification_results table (see store_verification.h). */
#include "store_verification.h"

#include <stdlib.h>

#include "store_p.h"
#include "util.h"

int store_verification_add(struct store *s, enum store_verif_owner owner, int64_t id,
			   const struct store_verification *v, struct kerr *err)
{
	sqlite3_stmt *st;

	if (v->check == NULL || v->verdict == NULL)
		return kerr_set(err, KERR_USAGE, "verification result without check or verdict");
	if (st_prepare(s, "INSERT INTO verification_results (package_id, evidence_id,"
		       " check_name, verdict, reason, signer_subject, signer_serial,"
		       " signer_issuer, signing_time, timestamp_time, validation_time,"
		       " details_json, created_at) VALUES (:pkg, :ev, :check, :verdict,"
		       " :reason, :subject, :serial, :issuer, :signing, :ts, :validation,"
		       " :details, :now)", &st, err) < 0)
		return -1;
	if (owner == STORE_VERIF_PACKAGE) {
		st_bind_int64(st, ":pkg", id);
		st_bind_null(st, ":ev");
	} else {
		st_bind_null(st, ":pkg");
		st_bind_int64(st, ":ev", id);
	}
	st_bind_text(st, ":check", v->check);
	st_bind_text(st, ":verdict", v->verdict);
	st_bind_text(st, ":reason", v->reason);
	st_bind_text(st, ":subject", v->signer_subject);
	st_bind_text(st, ":serial", v->signer_serial);
	st_bind_text(st, ":issuer", v->signer_issuer);
	st_bind_time(st, ":signing", v->signing_time);
	st_bind_time(st, ":ts", v->timestamp_time);
	st_bind_time(st, ":validation", v->validation_time);
	st_bind_text(st, ":details", v->details_json);
	st_bind_int64(st, ":now", now_ms());
	return st_run(s, st, "cannot store verification result", err);
}

int store_verification_list(struct store *s, enum store_verif_owner owner, int64_t id,
			    struct store_verification_row **rows_r, size_t *n_r,
			    struct kerr *err)
{
	struct store_verification_row *rows = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	if (st_prepare(s, owner == STORE_VERIF_PACKAGE ?
		       "SELECT id, package_id, evidence_id, created_at, check_name, verdict,"
		       " reason, signer_subject, signer_serial, signer_issuer, signing_time,"
		       " timestamp_time, validation_time, details_json FROM verification_results"
		       " WHERE package_id = :id ORDER BY id" :
		       "SELECT id, package_id, evidence_id, created_at, check_name, verdict,"
		       " reason, signer_subject, signer_serial, signer_issuer, signing_time,"
		       " timestamp_time, validation_time, details_json FROM verification_results"
		       " WHERE evidence_id = :id ORDER BY id", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_verification_row *r;

		rows = xrealloc(rows, (n + 1) * sizeof(*rows));
		r = &rows[n++];
		r->id = st_col_int64(st, 0);
		r->package_id = st_col_int64(st, 1);
		r->evidence_id = st_col_int64(st, 2);
		r->created_at = st_col_int64(st, 3);
		r->v.check = st_col_str(st, 4);
		r->v.verdict = st_col_str(st, 5);
		r->v.reason = st_col_str(st, 6);
		r->v.signer_subject = st_col_str(st, 7);
		r->v.signer_serial = st_col_str(st, 8);
		r->v.signer_issuer = st_col_str(st, 9);
		r->v.signing_time = st_col_int64(st, 10);
		r->v.timestamp_time = st_col_int64(st, 11);
		r->v.validation_time = st_col_int64(st, 12);
		r->v.details_json = st_col_str(st, 13);
	}
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot list verification results");
		st_finalize(s, st);
		store_verification_rows_free(&rows, n);
		return -1;
	}
	st_finalize(s, st);
	*rows_r = rows;
	*n_r = n;
	return 0;
}

void store_verification_rows_free(struct store_verification_row **rows, size_t n)
{
	size_t i;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		struct store_verification *v = &(*rows)[i].v;

		/* The row owns these strings; const is for the input side. */
		free((char *)v->check);
		free((char *)v->verdict);
		free((char *)v->reason);
		free((char *)v->signer_subject);
		free((char *)v->signer_serial);
		free((char *)v->signer_issuer);
		free((char *)v->details_json);
	}
	free(*rows);
	*rows = NULL;
}
