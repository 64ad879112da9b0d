/* evidence_mail.c: see store_evidence_mail.h. */
#include "store_evidence_mail.h"
#include "store_evidence_mail_p.h"

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

int store_evidence_mail_pending(struct store *s, const char *account, int64_t **ids_r,
				size_t *n_r, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "SELECT m.package_id FROM evidence_mails m"
		       " JOIN packages p ON p.id = m.package_id"
		       " JOIN accounts a ON a.id = p.account_id"
		       " WHERE m.evidence_id IS NULL AND a.name = :acc ORDER BY m.package_id",
		       &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	return st_step_ids(s, st, ids_r, n_r, "cannot list pending evidence mails", err);
}
