/* evidence.c: the evidence table (see store_evidence.h). */
#include "store_evidence.h"

#include <stdlib.h>

#include "store_audit.h"
#include "store_blob_p.h"
#include "store_evidence_p.h"
#include "util.h"

static int lookup(struct store *s, int64_t acc, const char *delil_id, int64_t *id_r,
		  struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "SELECT id FROM evidence WHERE account_id = :acc AND delil_id = :delil",
		       &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	st_bind_text(st, ":delil", delil_id);
	return st_step_id(s, st, id_r, "cannot look up evidence", err);
}

int store_evidence_exists(struct store *s, const char *account, const char *delil_id,
			  int64_t *id_r, struct kerr *err)
{
	struct kerr e = { 0 };
	int64_t acc;

	if (st_account_id(s, account, &acc, &e) < 0) {
		if (e.cls == KERR_NOTFOUND)
			return 0;
		if (err != NULL)
			*err = e;
		return -1;
	}
	return lookup(s, acc, delil_id, id_r, err);
}

static int insert_row(struct store *s, int64_t acc, const struct store_evidence *ev,
		      struct st_source *src, int64_t *id_r, struct kerr *err)
{
	const struct store_evidence_meta *m = &ev->meta;
	sqlite3_stmt *st;

	/* Without an explicit package, the oldest package with this kepId. */
	if (st_prepare(s, "INSERT INTO evidence (account_id, package_id, kep_id,"
		       " delil_id, delil_tur_id, description, event_time, event_time_text, issuer,"
		       " raw, raw_size, raw_sha256, verdict, verdict_reason, stored_at) VALUES (:acc,"
		       " IFNULL(:pkg, (SELECT MIN(id) FROM packages WHERE account_id = :acc"
		       "  AND kep_id = :kep)), :kep, :delil, :tur, :descr, :time, :ttext,"
		       " :issuer, :raw, :size, zeroblob(32), :verdict, :reason, :now)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	st_bind_time(st, ":pkg", ev->package_id);
	st_bind_text(st, ":kep", m->kep_id);
	st_bind_text(st, ":delil", m->delil_id);
	st_bind_int64(st, ":tur", m->delil_tur_id);
	st_bind_text(st, ":descr", m->description);
	st_bind_time(st, ":time", m->event_time);
	st_bind_text(st, ":ttext", m->event_time_text);
	st_bind_text(st, ":issuer", m->issuer);
	st_bind_zeroblob(st, ":raw", src->size);
	st_bind_int64(st, ":size", src->size);
	st_bind_text(st, ":verdict", m->verdict);
	st_bind_text(st, ":reason", m->verdict_reason);
	st_bind_int64(st, ":now", now_ms());
	return st_run_insert(s, st, id_r, "cannot store evidence", err);
}

static int write_all(struct store *s, int64_t acc, const struct store_evidence *ev,
		     struct st_source *src, int64_t *id_r, struct kerr *err)
{
	unsigned char sha[32];
	size_t i;

	if (st_fault(s, "evidence", err) < 0 || insert_row(s, acc, ev, src, id_r, err) < 0 ||
	    st_fault(s, "evidence content", err) < 0 ||
	    st_blob_fill(s, "evidence", "raw", "raw_sha256", *id_r, src, sha, err) < 0 ||
	    st_fault(s, "evidence sequence number", err) < 0 ||
	    st_seq_insert(s, "INSERT INTO evidence_seq (evidence_id, kep_sira_no, kep_sira_no_text)"
			  " VALUES (:id, :n, :text)", *id_r, ev->meta.provider_seq,
			  ev->meta.provider_seq_text, err) < 0)
		return -1;
	for (i = 0; i < ev->n_verifications; i++)
		if (st_fault(s, "verification", err) < 0 ||
		    store_verification_add(s, STORE_VERIF_EVIDENCE, *id_r, &ev->verifications[i],
					   err) < 0)
			return -1;
	return st_fault(s, "audit", err) < 0 ? -1 :
		store_audit_append(s, ev->actor != NULL ? ev->actor : "store", "evidence.stored",
				   ev->meta.account, ev->meta.delil_id, ev->meta.kep_id, err);
}

int store_evidence_insert(struct store *s, const struct store_evidence *ev, int64_t *id_r,
			  int *inserted_r, struct kerr *err)
{
	struct st_source src;
	struct st_tx tx;
	int64_t acc, id = 0;
	int found;

	if (ev->meta.account == NULL || ev->meta.delil_id == NULL)
		return kerr_set(err, KERR_USAGE, "evidence needs account and delilId");
	if (st_source_open(&ev->raw, &src, err) < 0)
		return kerr_prefix(err, "evidence %s", ev->meta.delil_id);
	if (st_tx_begin(s, &tx, err) < 0) {
		st_source_close(&src);
		return -1;
	}
	if (st_account_id(s, ev->meta.account, &acc, err) < 0 ||
	    (found = lookup(s, acc, ev->meta.delil_id, &id, err)) < 0 ||
	    (!found && write_all(s, acc, ev, &src, &id, err) < 0)) {
		st_source_close(&src);
		st_tx_rollback(s, &tx);
		return kerr_prefix(err, "evidence %s", ev->meta.delil_id);
	}
	st_source_close(&src);
	if (st_tx_commit(s, &tx, err) < 0)
		return kerr_prefix(err, "evidence %s", ev->meta.delil_id);
	if (id_r != NULL)
		*id_r = id;
	if (inserted_r != NULL)
		*inserted_r = !found;
	return 0;
}

int store_evidence_rejudge(struct store *s, const struct store_evidence_row *row,
			   const char *verdict, const char *reason,
			   const struct store_verification *v, size_t n, const char *actor,
			   struct kerr *err)
{
	sqlite3_stmt *st;
	struct st_tx tx;
	size_t i;
	int ret;

	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	ret = st_prepare(s, "UPDATE evidence SET verdict = :verdict, verdict_reason = :reason"
			 " WHERE id = :id", &st, err);
	if (ret == 0) {
		st_bind_text(st, ":verdict", verdict);
		st_bind_text(st, ":reason", reason);
		st_bind_int64(st, ":id", row->id);
		ret = st_run(s, st, "cannot record the evidence's new verdict", err);
	}
	/* Each check replaces the earlier judgement's of that name, so the
	 * item's checks are this judgement's, once each. */
	for (i = 0; ret == 0 && i < n; i++) {
		ret = st_prepare(s, "DELETE FROM verification_results WHERE evidence_id = :id"
				 " AND check_name = :check", &st, err);
		if (ret < 0)
			break;
		st_bind_int64(st, ":id", row->id);
		st_bind_text(st, ":check", v[i].check);
		ret = st_run(s, st, "cannot replace the evidence's checks", err);
		if (ret == 0)
			ret = store_verification_add(s, STORE_VERIF_EVIDENCE, row->id, &v[i], err);
	}
	if (ret == 0)
		ret = store_audit_append(s, actor != NULL ? actor : "store", "evidence.rejudged",
					 row->meta.account, row->meta.delil_id, verdict, err);
	if (ret < 0) {
		st_tx_rollback(s, &tx);
		return kerr_prefix(err, "evidence %s", row->meta.delil_id);
	}
	return st_tx_commit(s, &tx, err);
}

int store_evidence_delil_ids(struct store *s, const char *account, const char *kep_id,
			     char ***ids_r, size_t *n_r, struct kerr *err)
{
	sqlite3_stmt *st;
	char **ids = NULL;
	size_t n = 0;
	int rc;

	if (st_prepare(s, "SELECT e.delil_id FROM evidence e JOIN accounts a"
		       " ON a.id = e.account_id WHERE a.name = :acc AND e.kep_id = :kep"
		       " ORDER BY e.id", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	st_bind_text(st, ":kep", kep_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = st_col_str(st, 0);
	}
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot list evidence ids");
		st_finalize(s, st);
		store_evidence_delil_ids_free(&ids, n);
		return -1;
	}
	st_finalize(s, st);
	*ids_r = ids;
	*n_r = n;
	return 0;
}

void store_evidence_delil_ids_free(char ***ids, size_t n)
{
	size_t i;

	if (*ids == NULL)
		return;
	for (i = 0; i < n; i++)
		free((*ids)[i]);
	free(*ids);
	*ids = NULL;
}

void st_evidence_row_read(sqlite3_stmt *st, int c, struct store_evidence_row *r)
{
	r->id = st_col_int64(st, c + 0);
	r->package_id = st_col_int64(st, c + 1);
	r->meta.account = st_col_str(st, c + 2);
	r->meta.kep_id = st_col_str(st, c + 3);
	r->meta.provider_seq = st_col_int64(st, c + 4);
	r->meta.delil_id = st_col_str(st, c + 5);
	r->meta.delil_tur_id = st_col_int64(st, c + 6);
	r->meta.description = st_col_str(st, c + 7);
	r->meta.event_time = st_col_int64(st, c + 8);
	r->meta.issuer = st_col_str(st, c + 9);
	r->meta.verdict = st_col_str(st, c + 10);
	r->meta.verdict_reason = st_col_str(st, c + 11);
	r->raw_size = st_col_int64(st, c + 12);
	st_col_sha256(st, c + 13, r->raw_sha256);
	r->stored_at = st_col_int64(st, c + 14);
	r->meta.event_time_text = st_col_str(st, c + 15);
	r->carrier_id = st_col_int64(st, c + 16);
	r->meta.provider_seq_text = st_col_str(st, c + 17);
}

int st_evidence_collect(struct store *s, sqlite3_stmt *st, struct store_evidence_row **rows_r,
			size_t *n_r, struct kerr *err)
{
	struct store_evidence_row *rows = NULL;
	size_t n = 0;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rows = xrealloc(rows, (n + 1) * sizeof(*rows));
		st_evidence_row_read(st, 0, &rows[n++]);
	}
	st_finalize(s, st);
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot read evidence");
		store_evidence_rows_free(&rows, n);
		return -1;
	}
	*rows_r = rows;
	*n_r = n;
	return 0;
}

int store_evidence_list_for_package(struct store *s, int64_t package_id,
				    struct store_evidence_row **rows_r, size_t *n_r,
				    struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, ST_EVIDENCE_SELECT " WHERE e.package_id = :pkg ORDER BY e.event_time, e.id",
		       &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	return st_evidence_collect(s, st, rows_r, n_r, err);
}

void store_evidence_rows_free(struct store_evidence_row **rows, size_t n)
{
	size_t i;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		struct store_evidence_meta *m = &(*rows)[i].meta;

		free((char *)m->account);
		free((char *)m->kep_id);
		free((char *)m->provider_seq_text);
		free((char *)m->delil_id);
		free((char *)m->description);
		free((char *)m->issuer);
		free((char *)m->event_time_text);
		free((char *)m->verdict);
		free((char *)m->verdict_reason);
	}
	free(*rows);
	*rows = NULL;
}
