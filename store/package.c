/* package.c: writing and looking up packages (see store_package.h). */
#include "store_package.h"

#include <stdlib.h>
#include <string.h>

#include "store_audit.h"
#include "store_blob_p.h"
#include "store_eyp_p.h"
#include "store_package_details_p.h"
#include "store_package_p.h"
#include "store_part_p.h"
#include "store_queue_p.h"
#include "store_evidence_mail_p.h"
#include "util.h"

static const char *const ack_names[] = { "none", "due", "done" };

const char *store_ack_name(enum store_ack ack)
{
	return (unsigned)ack < ARRAY_SIZE(ack_names) ? ack_names[ack] : "none";
}

static enum store_ack ack_from_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < ARRAY_SIZE(ack_names); i++)
		if (strcmp(name, ack_names[i]) == 0)
			return (enum store_ack)i;
	return STORE_ACK_NONE;
}

static int lookup(struct store *s, int64_t account_id, const char *folder, const char *kep_id,
		  int64_t *id_r, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "SELECT id FROM packages WHERE account_id = :acc AND folder = :folder"
		       " AND kep_id = :kep", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", account_id);
	st_bind_text(st, ":folder", folder);
	st_bind_text(st, ":kep", kep_id);
	return st_step_id(s, st, id_r, "cannot look up package", err);
}

int store_package_exists(struct store *s, const char *account, const char *folder,
			 const char *kep_id, int64_t *id_r, struct kerr *err)
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
	return lookup(s, acc, folder, kep_id, id_r, err);
}

int store_package_seq(struct store *s, int64_t id, char **seq_r, struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	*seq_r = NULL;
	if (st_prepare(s, "SELECT COALESCE(CAST(kep_sira_no AS TEXT), kep_sira_no_text)"
		       " FROM package_seq WHERE package_id = :id", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*seq_r = st_col_str(st, 0);
	else if (rc != SQLITE_DONE)
		st_err(s, err, "cannot read a package's sequence number");
	st_finalize(s, st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int insert_row(struct store *s, int64_t acc, const struct store_package_meta *m,
		      struct st_source *src, int64_t *id_r, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "INSERT INTO packages (account_id, folder, kep_id,"
		       " org_mesaj_id, message_id, sender, sender_kep, subject,"
		       " received_at, tur, tur_id, ileti_tip, ileti_id, belge_no, verdict,"
		       " verdict_reason, provider_ack, provider_ack_time, raw, raw_size,"
		       " raw_sha256, stored_at) VALUES (:acc, :folder, :kep, :org, :msgid,"
		       " :sender, :sender_kep, :subject, :received, :tur, :tur_id,"
		       " :ileti_tip, :ileti_id, :belge_no, :verdict, :reason, :ack, :ack_time,"
		       " :raw, :size, zeroblob(32), :now)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	st_bind_text(st, ":folder", m->folder);
	st_bind_text(st, ":kep", m->kep_id);
	st_bind_text(st, ":org", m->org_mesaj_id);
	st_bind_text(st, ":msgid", m->message_id);
	st_bind_text(st, ":sender", m->sender);
	st_bind_text(st, ":sender_kep", m->sender_kep);
	st_bind_text(st, ":subject", m->subject);
	st_bind_time(st, ":received", m->received_at);
	st_bind_text(st, ":tur", m->tur);
	st_bind_text(st, ":tur_id", m->tur_id);
	st_bind_text(st, ":ileti_tip", m->ileti_tip);
	st_bind_text(st, ":ileti_id", m->ileti_id);
	st_bind_text(st, ":belge_no", m->belge_no);
	st_bind_text(st, ":verdict", m->verdict);
	st_bind_text(st, ":reason", m->verdict_reason);
	st_bind_text(st, ":ack", store_ack_name(m->ack));
	st_bind_time(st, ":ack_time", m->ack_time);
	st_bind_zeroblob(st, ":raw", src->size);
	st_bind_int64(st, ":size", src->size);
	st_bind_int64(st, ":now", now_ms());
	return st_run_insert(s, st, id_r, "cannot store package", err);
}

/* Evidence can arrive before its package: attach it now. */
static int link_evidence(struct store *s, int64_t acc, int64_t id, const char *kep_id,
			 struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "UPDATE evidence SET package_id = :id WHERE account_id = :acc"
		       " AND kep_id = :kep AND package_id IS NULL", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	st_bind_int64(st, ":acc", acc);
	st_bind_text(st, ":kep", kep_id);
	return st_run(s, st, "cannot link evidence", err);
}

static int write_derived(struct store *s, int64_t acc, int64_t id,
			 const struct store_package *p, struct kerr *err)
{
	size_t i;

	if (st_fault(s, "sequence number", err) < 0 ||
	    st_seq_insert(s, "INSERT INTO package_seq (package_id, kep_sira_no, kep_sira_no_text)"
			  " VALUES (:id, :n, :text)", id, p->meta.provider_seq,
			  p->meta.provider_seq_text, err) < 0)
		return -1;
	for (i = 0; i < p->n_parts; i++)
		if (st_fault(s, "part", err) < 0 ||
		    st_part_insert(s, id, (int)i, &p->parts[i], err) < 0)
			return -1;
	if (p->eyp != NULL &&
	    (st_fault(s, "eyp", err) < 0 || st_eyp_insert(s, id, p->eyp, err) < 0))
		return -1;
	for (i = 0; i < p->n_verifications; i++)
		if (st_fault(s, "verification", err) < 0 ||
		    store_verification_add(s, STORE_VERIF_PACKAGE, id, &p->verifications[i],
					   err) < 0)
			return -1;
	if (p->details != NULL && st_details_insert(s, id, p->details, err) < 0)
		return -1;
	if (st_fault(s, "evidence link", err) < 0 ||
	    link_evidence(s, acc, id, p->meta.kep_id, err) < 0)
		return -1;
	if (p->enqueue && (st_fault(s, "queue", err) < 0 || st_queue_enqueue(s, id, err) < 0))
		return -1;
	if (p->evidence_mail != STORE_EVMAIL_NONE &&
	    (st_fault(s, "evidence mail", err) < 0 ||
	     st_evidence_mail_insert(s, id, p->evidence_mail, err) < 0))
		return -1;
	return st_fault(s, "audit", err) < 0 ? -1 :
		store_audit_append(s, p->actor != NULL ? p->actor : "store", "package.stored",
				   p->meta.account, p->meta.kep_id, p->meta.folder, err);
}

int store_package_insert(struct store *s, const struct store_package *p, int64_t *id_r,
			 int *inserted_r, struct kerr *err)
{
	const struct store_package_meta *m = &p->meta;
	struct st_source src;
	unsigned char sha[32];
	struct st_tx tx;
	int64_t acc, id = 0;
	int found;

	if (m->account == NULL || m->folder == NULL || m->kep_id == NULL)
		return kerr_set(err, KERR_USAGE, "package needs account, folder and kepId");
	if (st_source_open(&p->raw, &src, err) < 0)
		return kerr_prefix(err, "package %s", m->kep_id);
	if (st_tx_begin(s, &tx, err) < 0) {
		st_source_close(&src);
		return -1;
	}
	if (st_account_id(s, m->account, &acc, err) < 0 ||
	    (found = lookup(s, acc, m->folder, m->kep_id, &id, err)) < 0)
		goto fail;
	if (found) {
		st_source_close(&src);
		*id_r = id;
		if (inserted_r != NULL)
			*inserted_r = 0;
		return st_tx_commit(s, &tx, err);
	}
	if (st_fault(s, "package", err) < 0 || insert_row(s, acc, m, &src, &id, err) < 0 ||
	    st_fault(s, "raw content", err) < 0 ||
	    st_blob_fill(s, "packages", "raw", "raw_sha256", id, &src, sha, err) < 0 ||
	    write_derived(s, acc, id, p, err) < 0)
		goto fail;
	st_source_close(&src);
	if (st_tx_commit(s, &tx, err) < 0)
		return kerr_prefix(err, "package %s", m->kep_id);
	*id_r = id;
	if (inserted_r != NULL)
		*inserted_r = 1;
	return 0;
fail:
	st_source_close(&src);
	st_tx_rollback(s, &tx);
	return kerr_prefix(err, "package %s", m->kep_id);
}

struct store_package_row *st_package_row_read(sqlite3_stmt *st, int c)
{
	struct store_package_row *r = xcalloc(1, sizeof(*r));
	struct store_package_meta *m = &r->meta;
	const unsigned char *ack;

	r->id = st_col_int64(st, c + 0);
	m->account = st_col_str(st, c + 1);
	m->folder = st_col_str(st, c + 2);
	m->kep_id = st_col_str(st, c + 3);
	m->provider_seq = st_col_int64(st, c + 4);
	m->provider_seq_text = st_col_str(st, c + 5);
	m->org_mesaj_id = st_col_str(st, c + 6);
	m->message_id = st_col_str(st, c + 7);
	m->sender = st_col_str(st, c + 8);
	m->sender_kep = st_col_str(st, c + 9);
	m->subject = st_col_str(st, c + 10);
	m->received_at = st_col_int64(st, c + 11);
	m->tur = st_col_str(st, c + 12);
	m->tur_id = st_col_str(st, c + 13);
	m->ileti_tip = st_col_str(st, c + 14);
	m->ileti_id = st_col_str(st, c + 15);
	m->belge_no = st_col_str(st, c + 16);
	m->verdict = st_col_str(st, c + 17);
	m->verdict_reason = st_col_str(st, c + 18);
	ack = sqlite3_column_text(st, c + 19);
	m->ack = ack_from_name((const char *)ack);
	m->ack_time = st_col_int64(st, c + 20);
	r->raw_size = st_col_int64(st, c + 21);
	st_col_sha256(st, c + 22, r->raw_sha256);
	r->stored_at = st_col_int64(st, c + 23);
	return r;
}

int store_package_get(struct store *s, int64_t id, struct store_package_row **row_r,
		      struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	if (st_prepare(s, "SELECT " ST_PACKAGE_COLS " FROM packages p JOIN accounts a"
		       " ON a.id = p.account_id LEFT JOIN package_seq q ON q.package_id = p.id"
		       " WHERE p.id = :id", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*row_r = st_package_row_read(st, 0);
	else if (rc == SQLITE_DONE)
		kerr_set(err, KERR_NOTFOUND, "no package with id %lld", (long long)id);
	else
		st_err(s, err, "cannot read package");
	st_finalize(s, st);
	return rc == SQLITE_ROW ? 0 : -1;
}

void store_package_row_free(struct store_package_row **row)
{
	struct store_package_row *r = *row;
	struct store_package_meta *m;

	if (r == NULL)
		return;
	m = &r->meta;
	free((char *)m->account);
	free((char *)m->folder);
	free((char *)m->kep_id);
	free((char *)m->provider_seq_text);
	free((char *)m->org_mesaj_id);
	free((char *)m->message_id);
	free((char *)m->sender);
	free((char *)m->sender_kep);
	free((char *)m->subject);
	free((char *)m->tur);
	free((char *)m->tur_id);
	free((char *)m->ileti_tip);
	free((char *)m->ileti_id);
	free((char *)m->belge_no);
	free((char *)m->verdict);
	free((char *)m->verdict_reason);
	free(r);
	*row = NULL;
}

int store_package_find(struct store *s, enum store_package_key key, const char *account,
		       const char *value, int64_t **ids_r, size_t *n_r, struct kerr *err)
{
	/* One fixed statement per key, so every lookup can use its index. */
	static const char *const sql[] = {
		[STORE_PKG_BY_KEP_ID] = "p.kep_id = :v",
		[STORE_PKG_BY_MESSAGE_ID] = "(p.org_mesaj_id = :v OR p.message_id = :v)",
		[STORE_PKG_BY_ILETI_ID] = "p.ileti_id = :v",
		[STORE_PKG_BY_BELGE_NO] = "p.belge_no = :v",
	};
	sqlite3_stmt *st;
	char *q;
	int ret;

	if ((unsigned)key >= ARRAY_SIZE(sql) || value == NULL)
		return kerr_set(err, KERR_USAGE, "bad package lookup");
	q = xasprintf("SELECT p.id FROM packages p JOIN accounts a ON a.id = p.account_id"
		      " WHERE %s AND (:acc IS NULL OR a.name = :acc) ORDER BY p.id", sql[key]);
	ret = st_prepare(s, q, &st, err);
	free(q);
	if (ret < 0)
		return -1;
	st_bind_text(st, ":v", value);
	st_bind_text(st, ":acc", account);
	return st_step_ids(s, st, ids_r, n_r, "cannot list packages", err);
}

int store_package_ack_due(struct store *s, const char *account, size_t limit,
			  int64_t **ids_r, size_t *n_r, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "SELECT p.id FROM packages p JOIN accounts a ON a.id = p.account_id"
		       " WHERE p.provider_ack = 'due' AND (:acc IS NULL OR a.name = :acc)"
		       " ORDER BY p.id LIMIT :limit", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	st_bind_int64(st, ":limit", limit ? (int64_t)limit : 100);
	return st_step_ids(s, st, ids_r, n_r, "cannot list packages", err);
}

int store_package_set_ack(struct store *s, int64_t id, enum store_ack ack, int64_t time,
			  struct kerr *err)
{
	sqlite3_stmt *st;
	int ret;

	if (ack == STORE_ACK_DONE && time == 0)
		time = now_ms();
	if (st_prepare(s, "UPDATE packages SET provider_ack = :ack, provider_ack_time = :time"
		       " WHERE id = :id", &st, err) < 0)
		return -1;
	st_bind_text(st, ":ack", store_ack_name(ack));
	st_bind_time(st, ":time", time);
	st_bind_int64(st, ":id", id);
	ret = st_run(s, st, "cannot set provider acknowledgement", err);
	if (ret == 0 && sqlite3_changes(s->db) == 0)
		return kerr_set(err, KERR_NOTFOUND, "no package with id %lld", (long long)id);
	return ret;
}
