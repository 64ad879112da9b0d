/* evidence_mail.c: see store_evidence_mail.h. */
#include "store_evidence_mail.h"
#include "store_evidence_mail_p.h"

#include <stdio.h>

#include "store_audit.h"
#include "store_p.h"

int st_evidence_mail_insert(struct store *s, int64_t package_id, enum store_evidence_mail kind,
			    struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "INSERT INTO evidence_mails (package_id, is_evidence)"
		       " VALUES (:pkg, :ev)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_int64(st, ":ev", kind == STORE_EVMAIL_EVIDENCE);
	return st_run(s, st, "cannot record the evidence mail", err);
}

int store_evidence_mail_done(struct store *s, int64_t package_id, int64_t evidence_id,
			     struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "UPDATE evidence_mails SET evidence_id = :ev"
		       " WHERE package_id = :pkg AND evidence_id IS NULL", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_int64(st, ":ev", evidence_id);
	return st_run(s, st, "cannot record the evidence mail's delil", err);
}

/* The ids sql (:acc, :lim) selects, for account. */
static int account_ids(struct store *s, const char *sql, const char *account, size_t limit,
		       int64_t **ids_r, size_t *n_r, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, sql, &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	st_bind_int64(st, ":lim", limit > 0 ? (int64_t)limit : -1);
	return st_step_ids(s, st, ids_r, n_r, "cannot list evidence mails", err);
}

int store_evidence_mail_pending(struct store *s, const char *account, int64_t **ids_r,
				size_t *n_r, struct kerr *err)
{
	return account_ids(s, "SELECT m.package_id FROM evidence_mails m"
			   " JOIN packages p ON p.id = m.package_id"
			   " JOIN accounts a ON a.id = p.account_id"
			   " WHERE m.evidence_id IS NULL AND a.name = :acc"
			   " ORDER BY m.package_id LIMIT :lim", account, 0, ids_r, n_r, err);
}

int store_evidence_mail_unjudged(struct store *s, const char *account, size_t limit,
				 int64_t **ids_r, size_t *n_r, struct kerr *err)
{
	return account_ids(s, "SELECT u.package_id FROM evidence_mail_unjudged u"
			   " JOIN packages p ON p.id = u.package_id"
			   " JOIN accounts a ON a.id = p.account_id"
			   " WHERE a.name = :acc ORDER BY u.package_id LIMIT :lim", account, limit,
			   ids_r, n_r, err);
}

static int run_on(struct store *s, const char *sql, int64_t package_id, const char *what,
		  struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, sql, &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	return st_run(s, st, what, err);
}

int store_evidence_mail_judged(struct store *s, int64_t package_id,
			       enum store_evidence_mail kind, int ack_due, const char *actor,
			       struct kerr *err)
{
	struct st_tx tx;
	int ret;

	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	ret = run_on(s, "DELETE FROM evidence_mail_unjudged WHERE package_id = :pkg", package_id,
		     "cannot remove the mark", err);
	if (ret == 0 && kind != STORE_EVMAIL_NONE)
		ret = st_evidence_mail_insert(s, package_id, kind, err);
	if (ret == 0 && kind == STORE_EVMAIL_EVIDENCE)
		ret = run_on(s, "DELETE FROM import_queue WHERE package_id = :pkg"
			     " AND state NOT IN ('claimed', 'acked')", package_id,
			     "cannot take the evidence out of the import queue", err);
	if (ret == 0 && kind == STORE_EVMAIL_EVIDENCE && ack_due)
		ret = run_on(s, "UPDATE packages SET provider_ack = 'due', provider_ack_time = NULL"
			     " WHERE provider_ack = 'none' AND id = :pkg", package_id,
			     "cannot mark the provider acknowledgement due", err);
	if (ret == 0 && kind != STORE_EVMAIL_NONE) {
		char id[24];

		snprintf(id, sizeof(id), "%lld", (long long)package_id);
		ret = store_audit_append(s, actor != NULL ? actor : "store",
					 "evidence_mail.recognised", NULL, id,
					 kind == STORE_EVMAIL_EVIDENCE ? "evidence" : "unverified",
					 err);
	}
	if (ret < 0) {
		st_tx_rollback(s, &tx);
		return -1;
	}
	return st_tx_commit(s, &tx, err);
}
