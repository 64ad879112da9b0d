/* eyp.c: the eyp_metadata table (see store_eyp.h). */
#include "store_eyp.h"

#include <stdlib.h>

#include "store_eyp_p.h"
#include "util.h"

int st_eyp_insert(struct store *s, int64_t package_id, const struct store_eyp *e,
		  struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "INSERT INTO eyp_metadata (package_id, belge_id, konu, tarih, belge_no,"
		       " olusturan, attachments_json) VALUES (:pkg, :belge_id, :konu, :tarih,"
		       " :belge_no, :olusturan, :ekler)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_text(st, ":belge_id", e->belge_id);
	st_bind_text(st, ":konu", e->konu);
	st_bind_text(st, ":tarih", e->tarih);
	st_bind_text(st, ":belge_no", e->belge_no);
	st_bind_text(st, ":olusturan", e->olusturan);
	st_bind_text(st, ":ekler", e->attachments_json);
	return st_run(s, st, "cannot store e-Yazisma metadata", err);
}

int store_eyp_get(struct store *s, int64_t package_id, struct store_eyp **eyp_r,
		  struct kerr *err)
{
	struct store_eyp *e;
	sqlite3_stmt *st;
	int rc;

	if (st_prepare(s, "SELECT belge_id, konu, tarih, belge_no, olusturan, attachments_json"
		       " FROM eyp_metadata WHERE package_id = :pkg", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			st_err(s, err, "cannot read e-Yazisma metadata");
		st_finalize(s, st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	e = xcalloc(1, sizeof(*e));
	e->belge_id = st_col_str(st, 0);
	e->konu = st_col_str(st, 1);
	e->tarih = st_col_str(st, 2);
	e->belge_no = st_col_str(st, 3);
	e->olusturan = st_col_str(st, 4);
	e->attachments_json = st_col_str(st, 5);
	st_finalize(s, st);
	*eyp_r = e;
	return 1;
}

void store_eyp_free(struct store_eyp **eyp)
{
	struct store_eyp *e = *eyp;

	if (e == NULL)
		return;
	free((char *)e->belge_id);
	free((char *)e->konu);
	free((char *)e->tarih);
	free((char *)e->belge_no);
	free((char *)e->olusturan);
	free((char *)e->attachments_json);
	free(e);
	*eyp = NULL;
}
