/* outbox.c: the outbox tables and their state machine (store_outbox.h). */
#include "store_outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_audit.h"
#include "store_blob_p.h"
#include "store_package_details_p.h"
#include "store_p.h"
#include "util.h"

static const char *const state_names[STORE_OB_N_STATES] = {
	"accepted", "needs-signature", "signed", "submitting", "submitted", "failed", "parked",
};

const char *store_outbox_state_name(enum store_outbox_state s)
{
	return (unsigned)s < STORE_OB_N_STATES ? state_names[s] : "unknown";
}

int store_outbox_state_from_name(const char *name)
{
	int i;

	for (i = 0; name != NULL && i < STORE_OB_N_STATES; i++)
		if (strcmp(name, state_names[i]) == 0)
			return i;
	return -1;
}

int store_outbox_transition_ok(enum store_outbox_state from, enum store_outbox_state to)
{
	switch (from) {
	case STORE_OB_ACCEPTED:
		return to == STORE_OB_NEEDS_SIGNATURE || to == STORE_OB_FAILED ||
		       to == STORE_OB_PARKED;
	case STORE_OB_NEEDS_SIGNATURE:
		return to == STORE_OB_SIGNED || to == STORE_OB_FAILED || to == STORE_OB_PARKED;
	case STORE_OB_SIGNED:
		return to == STORE_OB_SUBMITTING || to == STORE_OB_SUBMITTED ||
		       to == STORE_OB_FAILED || to == STORE_OB_PARKED;
	case STORE_OB_SUBMITTING:
		return to == STORE_OB_SUBMITTING || to == STORE_OB_SIGNED ||
		       to == STORE_OB_SUBMITTED || to == STORE_OB_FAILED || to == STORE_OB_PARKED;
	case STORE_OB_PARKED:
		/* A person's decision: submit once more, or give it up. */
		return to == STORE_OB_SIGNED || to == STORE_OB_FAILED;
	default:
		return 0;
	}
}

/* ---- insert ---- */

static int find_existing(struct store *s, int64_t acc, const struct store_outbox_new *n,
			 int64_t *id_r, unsigned char sha[32], struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	if (st_prepare(s, "SELECT id, request_sha256 FROM outbox WHERE account_id = :acc AND"
		       " (idem_key = :key OR (:ileti IS NOT NULL AND ileti_id = :ileti))"
		       " ORDER BY id LIMIT 1", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	st_bind_text(st, ":key", n->idem_key);
	st_bind_text(st, ":ileti", n->ileti_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id_r = st_col_int64(st, 0);
		st_col_sha256(st, 1, sha);
	}
	st_finalize(s, st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return st_err(s, err, "cannot look up the outbox");
	return 0;
}

static int insert_file(struct store *s, int64_t id, const struct store_outbox_file_in *f,
		       struct kerr *err)
{
	struct st_source src;
	unsigned char sha[32];
	sqlite3_stmt *st;
	int ret;

	if (st_source_open(&f->content, &src, err) < 0)
		return -1;
	if (st_prepare(s, "INSERT INTO outbox_files (item_id, role, file_name, content_type,"
		       " size, sha256, created_at, content) VALUES (:id, :role, :fname, :ctype,"
		       " :size, zeroblob(32), :now, :content)", &st, err) < 0) {
		st_source_close(&src);
		return -1;
	}
	st_bind_int64(st, ":id", id);
	st_bind_text(st, ":role", f->role);
	st_bind_text(st, ":fname", f->file_name);
	st_bind_text(st, ":ctype", f->content_type);
	st_bind_int64(st, ":size", src.size);
	st_bind_int64(st, ":now", now_ms());
	st_bind_zeroblob(st, ":content", src.size);
	ret = st_run(s, st, "cannot store an outbox file", err);
	if (ret == 0)
		ret = st_blob_fill(s, "outbox_files", "content", "sha256",
				   sqlite3_last_insert_rowid(s->db), &src, sha, err);
	st_source_close(&src);
	return ret;
}

static int insert_row(struct store *s, int64_t acc, const struct store_outbox_new *n,
		      int64_t *id_r, struct kerr *err)
{
	sqlite3_stmt *st;
	int64_t now = now_ms();

	if (st_prepare(s, "INSERT INTO outbox (account_id, idem_key, ileti_id, ileti_tip, path,"
		       " sign_mode, subject, body, body_type, message_id, request_sha256,"
		       " created_at, updated_at) VALUES (:acc, :key, :ileti, :tip, :path, :mode,"
		       " :subj, :body, :btype, :msgid, :sha, :now, :now)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	st_bind_text(st, ":key", n->idem_key);
	st_bind_text(st, ":ileti", n->ileti_id);
	st_bind_text(st, ":tip", n->ileti_tip);
	st_bind_text(st, ":path", n->path);
	st_bind_text(st, ":mode", n->sign_mode);
	st_bind_text(st, ":subj", n->subject);
	st_bind_text(st, ":body", n->body);
	st_bind_text(st, ":btype", n->body_type);
	st_bind_text(st, ":msgid", n->message_id);
	st_bind_blob(st, ":sha", n->request_sha256, 32);
	st_bind_int64(st, ":now", now);
	return st_run_insert(s, st, id_r, "cannot store the outbox item", err);
}

int store_outbox_insert(struct store *s, const struct store_outbox_new *n, int64_t *id_r,
			int *existing_r, struct kerr *err)
{
	unsigned char old[32];
	struct st_tx tx;
	int64_t acc, id = 0;
	char obj[32];
	size_t i;
	int rc;

	*existing_r = 0;
	if (n->idem_key == NULL || n->message_id == NULL || n->request_sha256 == NULL)
		return kerr_set(err, KERR_INTERNAL, "outbox item without key, Message-ID or digest");
	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (st_account_id(s, n->account, &acc, err) < 0)
		goto fail;
	rc = find_existing(s, acc, n, &id, old, err);
	if (rc < 0)
		goto fail;
	if (rc == 1) {
		st_tx_rollback(s, &tx);
		*id_r = id;
		*existing_r = 1;
		if (memcmp(old, n->request_sha256, 32) != 0)
			return kerr_set(err, KERR_USAGE, "conflict: outbox item %lld has the same "
					"Idempotency-Key or iletiID but a different request",
					(long long)id);
		return 0;
	}
	if (insert_row(s, acc, n, &id, err) < 0 || st_recipients_insert(s, ST_RCPT_OUTBOX, id, n->recipients, n->n_recipients, err) < 0)
		goto fail;
	for (i = 0; i < n->n_files; i++)
		if (insert_file(s, id, &n->files[i], err) < 0)
			goto fail;
	snprintf(obj, sizeof(obj), "outbox/%lld", (long long)id);
	if (st_fault(s, "outbox insert", err) < 0 ||
	    store_audit_append(s, n->actor ? n->actor : "api", "outbox.accepted", n->account, obj, n->message_id,
			       err) < 0)
		goto fail;
	if (st_tx_commit(s, &tx, err) < 0)
		return -1;
	*id_r = id;
	return 0;
fail:
	st_tx_rollback(s, &tx);
	return kerr_prefix(err, "outbox");
}

/* ---- reading ---- */

#define ITEM_COLS \
	"o.id, a.name, o.idem_key, o.ileti_id, o.ileti_tip, o.path, o.sign_mode, o.subject," \
	" o.body, o.body_type, o.message_id, o.state, o.kep_id, o.mesaj_id, o.provider_text," \
	" o.attempts, o.package_id, o.created_at, o.updated_at, o.submitted_at, o.request_sha256"

static void read_item(sqlite3_stmt *st, struct store_outbox_item *it)
{
	char *state;

	memset(it, 0, sizeof(*it));
	it->id = st_col_int64(st, 0);
	it->account = st_col_str(st, 1);
	it->idem_key = st_col_str(st, 2);
	it->ileti_id = st_col_str(st, 3);
	it->ileti_tip = st_col_str(st, 4);
	it->path = st_col_str(st, 5);
	it->sign_mode = st_col_str(st, 6);
	it->subject = st_col_str(st, 7);
	it->body = st_col_str(st, 8);
	it->body_type = st_col_str(st, 9);
	it->message_id = st_col_str(st, 10);
	state = st_col_str(st, 11);
	it->state = (enum store_outbox_state)store_outbox_state_from_name(state);
	free(state);
	it->kep_id = st_col_str(st, 12);
	it->mesaj_id = st_col_str(st, 13);
	it->provider_text = st_col_str(st, 14);
	it->attempts = st_col_int64(st, 15);
	it->package_id = st_col_int64(st, 16);
	it->created_at = st_col_int64(st, 17);
	it->updated_at = st_col_int64(st, 18);
	it->submitted_at = st_col_int64(st, 19);
	st_col_sha256(st, 20, it->request_sha256);
}

static int read_recipients(struct store *s, struct store_outbox_item *it, struct kerr *err)
{
	struct store_recipient *r;
	size_t n;

	if (st_recipients_read(s, ST_RCPT_OUTBOX, it->id, &r, &n, err) < 0)
		return -1;
	it->recipients = r;
	it->n_recipients = n;
	return 0;
}

static int read_files(struct store *s, struct store_outbox_item *it, struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	if (st_prepare(s, "SELECT id, role, file_name, content_type, size, sha256"
		       " FROM outbox_files WHERE item_id = :id ORDER BY id", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", it->id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_outbox_file *f;

		it->files = xrealloc(it->files, (it->n_files + 1) * sizeof(*it->files));
		f = &it->files[it->n_files++];
		f->id = st_col_int64(st, 0);
		f->role = st_col_str(st, 1);
		f->file_name = st_col_str(st, 2);
		f->content_type = st_col_str(st, 3);
		f->size = st_col_int64(st, 4);
		st_col_sha256(st, 5, f->sha256);
	}
	st_finalize(s, st);
	return rc == SQLITE_DONE ? 0 : st_err(s, err, "cannot read outbox files");
}

int store_outbox_get(struct store *s, int64_t id, struct store_outbox_item *it,
		     struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(it, 0, sizeof(*it));
	if (st_prepare(s, "SELECT " ITEM_COLS " FROM outbox o JOIN accounts a"
		       " ON a.id = o.account_id WHERE o.id = :id", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		read_item(st, it);
	st_finalize(s, st);
	if (rc == SQLITE_DONE)
		return kerr_set(err, KERR_NOTFOUND, "no outbox item %lld", (long long)id);
	if (rc != SQLITE_ROW)
		return st_err(s, err, "cannot read the outbox item");
	if (read_recipients(s, it, err) < 0 || read_files(s, it, err) < 0) {
		store_outbox_item_clear(it);
		return -1;
	}
	return 0;
}

int store_outbox_find(struct store *s, const char *account, const char *key, int64_t *id_r,
		      struct kerr *err)
{
	sqlite3_stmt *st;

	/* One index probe per column: as one OR, the (account_id, ileti_id)
	 * index could not serve the ileti_id term and SQLite read the whole
	 * outbox for every key no package answers (tests/test-status-plan.c). */
	if (st_prepare(s, "SELECT id FROM (SELECT o.id FROM accounts a CROSS JOIN outbox o"
		       " WHERE o.account_id = a.id AND o.ileti_id = :key AND"
		       " (:acc IS NULL OR a.name = :acc) UNION ALL SELECT o.id FROM outbox o JOIN"
		       " accounts a ON a.id = o.account_id WHERE o.message_id = :key AND"
		       " (:acc IS NULL OR a.name = :acc) UNION ALL SELECT o.id FROM outbox o JOIN"
		       " accounts a ON a.id = o.account_id WHERE o.kep_id = :key AND"
		       " (:acc IS NULL OR a.name = :acc)) ORDER BY id DESC LIMIT 1", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	st_bind_text(st, ":key", key);
	return st_step_id(s, st, id_r, "cannot look up the outbox", err);
}

int store_outbox_list(struct store *s, const struct store_outbox_filter *f,
		      struct store_outbox_item **items_r, size_t *n_r, struct kerr *err)
{
	struct store_outbox_item *items = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	*items_r = NULL;
	*n_r = 0;
	if (st_prepare(s, "SELECT " ITEM_COLS " FROM outbox o JOIN accounts a"
		       " ON a.id = o.account_id WHERE (:acc IS NULL OR a.name = :acc)"
		       " AND (:state IS NULL OR o.state = :state) AND o.id > :after"
		       " ORDER BY o.id LIMIT :limit", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", f->account);
	st_bind_text(st, ":state", f->state >= 0 ? store_outbox_state_name(f->state) : NULL);
	st_bind_int64(st, ":after", f->after_id);
	st_bind_int64(st, ":limit", f->limit ? (int64_t)f->limit : 100);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		items = xrealloc(items, (n + 1) * sizeof(*items));
		read_item(st, &items[n++]);
	}
	st_finalize(s, st);
	if (rc != SQLITE_DONE) {
		store_outbox_items_free(&items, n);
		return st_err(s, err, "cannot list the outbox");
	}
	*items_r = items;
	*n_r = n;
	return 0;
}

/* ---- the state machine ---- */

static int update_state(struct store *s, int64_t id, const struct store_outbox_step *p,
			struct kerr *err)
{
	sqlite3_stmt *st;
	int ret;

	if (st_prepare(s, "UPDATE outbox SET state = :to, updated_at = :now,"
		       " kep_id = coalesce(:kep, kep_id), mesaj_id = coalesce(:mesaj, mesaj_id),"
		       " provider_text = coalesce(:text, provider_text),"
		       " attempts = attempts + :bump,"
		       " submitted_at = CASE WHEN :to = 'submitted' THEN :now ELSE submitted_at END"
		       " WHERE id = :id AND state = :from", &st, err) < 0)
		return -1;
	st_bind_text(st, ":to", store_outbox_state_name(p->to));
	st_bind_text(st, ":from", store_outbox_state_name(p->from));
	st_bind_int64(st, ":now", now_ms());
	st_bind_text(st, ":kep", p->kep_id);
	st_bind_text(st, ":mesaj", p->mesaj_id);
	st_bind_text(st, ":text", p->provider_text);
	st_bind_int64(st, ":bump", p->bump_attempts ? 1 : 0);
	st_bind_int64(st, ":id", id);
	ret = st_run(s, st, "cannot record the outbox state", err);
	if (ret == 0 && sqlite3_changes(s->db) != 1)
		return kerr_set(err, KERR_BUSY, "outbox item %lld is no longer %s", (long long)id,
				store_outbox_state_name(p->from));
	return ret;
}

static int account_of(struct store *s, int64_t id, char **name_r, struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	*name_r = NULL;
	if (st_prepare(s, "SELECT a.name FROM outbox o JOIN accounts a ON a.id = o.account_id"
		       " WHERE o.id = :id", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*name_r = st_col_str(st, 0);
	st_finalize(s, st);
	if (rc == SQLITE_DONE)
		return kerr_set(err, KERR_NOTFOUND, "no outbox item %lld", (long long)id);
	return rc == SQLITE_ROW ? 0 : st_err(s, err, "cannot read the outbox item");
}

static int insert_decision_key(struct store *s, int64_t id, const struct store_outbox_step *p,
			       struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "INSERT INTO outbox_decision_keys (item_id, idem_key, action, created_at)"
		       " VALUES (:id, :key, :action, :now)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	st_bind_text(st, ":key", p->idem_key);
	st_bind_text(st, ":action", p->action);
	st_bind_int64(st, ":now", now_ms());
	return st_run(s, st, "cannot record the decision's Idempotency-Key", err);
}

int store_outbox_decision_key(struct store *s, int64_t id, const char *key, char **action_r,
			      struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	*action_r = NULL;
	if (st_prepare(s, "SELECT action FROM outbox_decision_keys WHERE item_id = :id"
		       " AND idem_key = :key", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	st_bind_text(st, ":key", key);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*action_r = st_col_str(st, 0);
	else if (rc != SQLITE_DONE)
		st_err(s, err, "cannot read the decision's Idempotency-Key");
	st_finalize(s, st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

int store_outbox_step(struct store *s, int64_t id, const struct store_outbox_step *p,
		      struct kerr *err)
{
	char action[64], obj[32], *acc = NULL;
	struct st_tx tx;

	if (!store_outbox_transition_ok(p->from, p->to))
		return kerr_set(err, KERR_INTERNAL, "outbox: no transition %s -> %s",
				store_outbox_state_name(p->from), store_outbox_state_name(p->to));
	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (p->action != NULL)
		snprintf(action, sizeof(action), "outbox.%s", p->action);
	else
		snprintf(action, sizeof(action), "outbox.%s", store_outbox_state_name(p->to));
	snprintf(obj, sizeof(obj), "outbox/%lld", (long long)id);
	if (update_state(s, id, p, err) < 0 ||
	    (p->add_file != NULL && insert_file(s, id, p->add_file, err) < 0) ||
	    (p->idem_key != NULL && insert_decision_key(s, id, p, err) < 0) ||
	    account_of(s, id, &acc, err) < 0 ||
	    store_audit_append(s, p->actor ? p->actor : "sync", action, acc, obj,
			       p->detail ? p->detail : p->provider_text, err) < 0) {
		free(acc);
		st_tx_rollback(s, &tx);
		return kerr_prefix(err, "outbox item %lld", (long long)id);
	}
	free(acc);
	return st_tx_commit(s, &tx, err);
}

int store_outbox_last_decision(struct store *s, int64_t id, char **action_r, struct kerr *err)
{
	char obj[32];
	sqlite3_stmt *st;
	int rc;

	*action_r = NULL;
	snprintf(obj, sizeof(obj), "outbox/%lld", (long long)id);
	/* Newest first, by rowid: the line looked for is the item's latest.
	 * Through the partial index audit_outbox_decisions (v20): the action
	 * term is its WHERE word for word (tests/test-status-plan.c). */
	if (st_prepare(s, "SELECT action FROM audit_log WHERE object = :obj AND action IN"
		       " ('outbox.parked', 'outbox.resubmit', 'outbox.abandon')"
		       " ORDER BY id DESC LIMIT 1", &st, err) < 0)
		return -1;
	st_bind_text(st, ":obj", obj);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		char *a = st_col_str(st, 0);

		if (a != NULL && strncmp(a, "outbox.", 7) == 0 && strcmp(a + 7, "parked") != 0)
			*action_r = xstrdup(a + 7);
		free(a);
	}
	st_finalize(s, st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0
						     : st_err(s, err, "cannot read the outbox audit");
}

/* ---- files, links, counts ---- */

int64_t store_outbox_file_id(const struct store_outbox_item *it, const char *role)
{
	int64_t id = 0;
	size_t i;

	for (i = 0; i < it->n_files; i++)
		if (strcmp(it->files[i].role, role) == 0)
			id = it->files[i].id;
	return id;
}

int store_outbox_file_read(struct store *s, int64_t file_id, size_t max_len, struct kbuf *buf,
			   struct kerr *err)
{
	return store_blob_read_mem(s, STORE_BLOB_OUTBOX_FILE, file_id, max_len, buf, err);
}

int store_outbox_link_packages(struct store *s, const char *account, struct kerr *err)
{
	sqlite3_stmt *st;
	int ret;

	if (st_prepare(s, "UPDATE outbox SET package_id = (SELECT p.id FROM packages p"
		       " WHERE p.account_id = outbox.account_id AND p.kep_id = outbox.kep_id"
		       " ORDER BY p.id LIMIT 1) WHERE package_id IS NULL AND kep_id IS NOT NULL"
		       " AND account_id = (SELECT id FROM accounts WHERE name = :acc)"
		       " AND EXISTS (SELECT 1 FROM packages p WHERE p.account_id = outbox.account_id"
		       " AND p.kep_id = outbox.kep_id)", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	ret = st_run(s, st, "cannot link outbox items to their packages", err);
	return ret < 0 ? -1 : sqlite3_changes(s->db);
}

int store_outbox_counts(struct store *s, int64_t counts[STORE_OB_N_STATES], struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	memset(counts, 0, STORE_OB_N_STATES * sizeof(*counts));
	if (st_prepare(s, "SELECT state, count(*) FROM outbox GROUP BY state", &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = store_outbox_state_from_name((const char *)sqlite3_column_text(st, 0));

		if (i >= 0)
			counts[i] = sqlite3_column_int64(st, 1);
	}
	st_finalize(s, st);
	return rc == SQLITE_DONE ? 0 : st_err(s, err, "cannot count the outbox");
}

int store_send_block_get(struct store *s, const char *account, char **reason_r,
			 char **fp_r, struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	*reason_r = NULL;
	*fp_r = NULL;
	if (st_prepare(s, "SELECT b.reason, b.pin_fingerprint FROM send_blocks b"
		       " JOIN accounts a ON a.id = b.account_id WHERE a.name = :acc", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*reason_r = st_col_str(st, 0);
		*fp_r = st_col_str(st, 1);
	}
	st_finalize(s, st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : st_err(s, err, "cannot read the sending block");
}

int store_send_block_set(struct store *s, const char *account, const char *reason,
			 const char *fp, struct kerr *err)
{
	sqlite3_stmt *st;
	int64_t acc;
	int ret;

	if (st_account_id(s, account, &acc, err) < 0)
		return -1;
	if (st_prepare(s, "INSERT OR REPLACE INTO send_blocks (account_id, reason,"
		       " pin_fingerprint, created_at) VALUES (:acc, :reason, :fp, :now)", &st,
		       err) < 0)
		return -1;
	st_bind_int64(st, ":acc", acc);
	st_bind_text(st, ":reason", reason);
	st_bind_text(st, ":fp", fp);
	st_bind_int64(st, ":now", now_ms());
	ret = st_run(s, st, "cannot record the sending block", err);
	if (ret == 0)
		(void)store_audit_append(s, "sync", "outbox.blocked", account, NULL, reason, NULL);
	return ret;
}

int store_send_block_clear(struct store *s, const char *account, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "DELETE FROM send_blocks WHERE account_id ="
		       " (SELECT id FROM accounts WHERE name = :acc)", &st, err) < 0)
		return -1;
	st_bind_text(st, ":acc", account);
	return st_run(s, st, "cannot clear the sending block", err);
}

void store_outbox_item_clear(struct store_outbox_item *it)
{
	size_t i;

	free(it->account);
	free(it->idem_key);
	free(it->ileti_id);
	free(it->ileti_tip);
	free(it->path);
	free(it->sign_mode);
	free(it->subject);
	free(it->body);
	free(it->body_type);
	free(it->message_id);
	free(it->kep_id);
	free(it->mesaj_id);
	free(it->provider_text);
	for (i = 0; i < it->n_recipients; i++) {
		free((char *)it->recipients[i].role);
		free((char *)it->recipients[i].address);
		free((char *)it->recipients[i].name);
	}
	free(it->recipients);
	for (i = 0; i < it->n_files; i++) {
		free(it->files[i].role);
		free(it->files[i].file_name);
		free(it->files[i].content_type);
	}
	free(it->files);
	memset(it, 0, sizeof(*it));
}

void store_outbox_items_free(struct store_outbox_item **items, size_t n)
{
	size_t i;

	if (*items == NULL)
		return;
	for (i = 0; i < n; i++)
		store_outbox_item_clear(&(*items)[i]);
	free(*items);
	*items = NULL;
}
