/* kep_id_reuse.c: the kep_id_reuses table (see store_kep_id_reuse.h). */
#include "store_kep_id_reuse.h"

#include "store_audit.h"
#include "store_blob_p.h"
#include "util.h"

int store_kep_id_reuse_kept(struct store *s, int64_t package_id, const char *listed_seq,
			    struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "SELECT id FROM kep_id_reuses WHERE package_id = :pkg"
		       " AND listed_seq = :seq AND raw IS NOT NULL", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_text(st, ":seq", listed_seq);
	return st_step_id(s, st, NULL, "cannot look up a reused kepId", err);
}

static int find_row(struct store *s, int64_t package_id, const char *listed_seq, int64_t *id_r,
		    int *has_raw_r, struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	if (st_prepare(s, "SELECT id, raw IS NOT NULL FROM kep_id_reuses WHERE package_id = :pkg"
		       " AND listed_seq = :seq", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_text(st, ":seq", listed_seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id_r = st_col_int64(st, 0);
		*has_raw_r = (int)st_col_int64(st, 1);
	} else if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot look up a reused kepId");
	}
	st_finalize(s, st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

static int insert_row(struct store *s, int64_t package_id, const char *listed_seq, int64_t *id_r,
		      struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "INSERT INTO kep_id_reuses (package_id, listed_seq, first_seen)"
		       " VALUES (:pkg, :seq, :now)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_text(st, ":seq", listed_seq);
	st_bind_int64(st, ":now", now_ms());
	return st_run_insert(s, st, id_r, "cannot record a reused kepId", err);
}

/* The row's raw content: allocated as a zeroblob of its size, then filled. */
static int fill_raw(struct store *s, int64_t id, struct st_source *src, struct kerr *err)
{
	unsigned char sha[32];
	sqlite3_stmt *st;

	if (st_prepare(s, "UPDATE kep_id_reuses SET raw = :raw, raw_size = :size,"
		       " raw_sha256 = zeroblob(32), stored_at = :now WHERE id = :id", &st, err) < 0)
		return -1;
	st_bind_zeroblob(st, ":raw", src->size);
	st_bind_int64(st, ":size", src->size);
	st_bind_int64(st, ":now", now_ms());
	st_bind_int64(st, ":id", id);
	if (st_run(s, st, "cannot store a reused kepId's package", err) < 0)
		return -1;
	return st_blob_fill(s, "kep_id_reuses", "raw", "raw_sha256", id, src, sha, err);
}

int store_kep_id_reuse_record(struct store *s, const char *actor, const char *account,
			      const char *kep_id, int64_t package_id, const char *listed_seq,
			      const struct store_content *raw, int *new_r, struct kerr *err)
{
	struct st_source src = { .fd = -1 };
	struct st_tx tx;
	int64_t id = 0;
	int found, has_raw = 0, opened = 0;

	if (new_r != NULL)
		*new_r = 0;
	if (raw != NULL) {
		if (st_source_open(raw, &src, err) < 0)
			return kerr_prefix(err, "package %s #%s", kep_id, listed_seq);
		opened = 1;
	}
	if (st_tx_begin(s, &tx, err) < 0)
		goto out;
	found = find_row(s, package_id, listed_seq, &id, &has_raw, err);
	if (found < 0 || (!found && (insert_row(s, package_id, listed_seq, &id, err) < 0 ||
				     store_audit_append(s, actor, "package.kep-id-reused", account,
							kep_id, listed_seq, err) < 0)) ||
	    (opened && !has_raw && fill_raw(s, id, &src, err) < 0)) {
		st_tx_rollback(s, &tx);
		goto out;
	}
	if (st_tx_commit(s, &tx, err) < 0)
		goto out;
	if (opened)
		st_source_close(&src);
	if (new_r != NULL)
		*new_r = !found;
	return 0;
out:
	if (opened)
		st_source_close(&src);
	return kerr_prefix(err, "package %s #%s", kep_id, listed_seq);
}
