/* part.c: the parts table (see store_part.h; inserts are private, see store_part_p.h). */
#include "store_part.h"

#include <stdlib.h>

#include "store_blob_p.h"
#include "store_part_p.h"
#include "util.h"

int st_part_insert(struct store *s, int64_t package_id, int idx, const struct store_part *p,
		   struct kerr *err)
{
	struct st_source src;
	unsigned char sha[32];
	sqlite3_stmt *st;
	int ret;

	if (st_source_open(&p->content, &src, err) < 0)
		return kerr_prefix(err, "part %d", idx);
	if (st_prepare(s, "INSERT INTO parts (package_id, idx, role, content_type, file_name,"
		       " safe_name, size, sha256, content) VALUES (:pkg, :idx, :role, :ctype,"
		       " :fname, :sname, :size, zeroblob(32), :content)", &st, err) < 0) {
		st_source_close(&src);
		return -1;
	}
	st_bind_int64(st, ":pkg", package_id);
	st_bind_int64(st, ":idx", idx);
	st_bind_text(st, ":role", p->meta.role);
	st_bind_text(st, ":ctype", p->meta.content_type);
	st_bind_text(st, ":fname", p->meta.file_name);
	st_bind_text(st, ":sname", p->meta.safe_name);
	st_bind_int64(st, ":size", src.size);
	st_bind_zeroblob(st, ":content", src.size);
	ret = st_run(s, st, "cannot store part", err);
	if (ret == 0)
		ret = st_blob_fill(s, "parts", "content", "sha256", sqlite3_last_insert_rowid(s->db),
				   &src, sha, err);
	st_source_close(&src);
	return ret < 0 ? kerr_prefix(err, "part %d", idx) : 0;
}

int store_part_list(struct store *s, int64_t package_id,
		    struct store_part_row **rows_r, size_t *n_r, struct kerr *err)
{
	struct store_part_row *rows = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	if (st_prepare(s, "SELECT id, package_id, idx, role, content_type, file_name, safe_name,"
		       " size, sha256 FROM parts WHERE package_id = :pkg ORDER BY idx", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_part_row *r;

		rows = xrealloc(rows, (n + 1) * sizeof(*rows));
		r = &rows[n++];
		r->id = st_col_int64(st, 0);
		r->package_id = st_col_int64(st, 1);
		r->idx = (int)st_col_int64(st, 2);
		r->meta.role = st_col_str(st, 3);
		r->meta.content_type = st_col_str(st, 4);
		r->meta.file_name = st_col_str(st, 5);
		r->meta.safe_name = st_col_str(st, 6);
		r->size = st_col_int64(st, 7);
		st_col_sha256(st, 8, r->sha256);
	}
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot list parts");
		st_finalize(s, st);
		store_part_rows_free(&rows, n);
		return -1;
	}
	st_finalize(s, st);
	*rows_r = rows;
	*n_r = n;
	return 0;
}

void store_part_rows_free(struct store_part_row **rows, size_t n)
{
	size_t i;

	if (*rows == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((char *)(*rows)[i].meta.role);
		free((char *)(*rows)[i].meta.content_type);
		free((char *)(*rows)[i].meta.file_name);
		free((char *)(*rows)[i].meta.safe_name);
	}
	free(*rows);
	*rows = NULL;
}
