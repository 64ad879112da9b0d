/* part.c: the parts table (see store_part.h; inserts are private, see store_part_p.h). */
#include "store_part.h"

#include <stdlib.h>

#include <openssl/evp.h>

#include "store_blob_p.h"
#include "store_part_p.h"
#include "util.h"

/* A part that is a slice of its package's raw content (schema v16): its
 * digest, and the range, which must lie inside the raw content stored. */
static int insert_range(struct store *s, int64_t package_id, int64_t part_id,
			const struct store_content *c, struct kerr *err)
{
	unsigned char sha[32];
	unsigned int mdlen = 0;
	sqlite3_stmt *st;

	if (EVP_Digest(c->data, c->len, sha, &mdlen, EVP_sha256(), NULL) != 1)
		return kerr_set(err, KERR_INTERNAL, "cannot compute SHA-256");
	if (st_prepare(s, "UPDATE parts SET sha256 = :sha WHERE id = :id", &st, err) < 0)
		return -1;
	st_bind_blob(st, ":sha", sha, 32);
	st_bind_int64(st, ":id", part_id);
	if (st_run(s, st, "cannot store a part's digest", err) < 0)
		return -1;
	if (st_prepare(s, "INSERT INTO part_ranges (part_id, raw_offset) SELECT :id, :off"
		       " FROM packages WHERE id = :pkg AND raw_size >= :end", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", part_id);
	st_bind_int64(st, ":off", (int64_t)c->offset);
	st_bind_int64(st, ":pkg", package_id);
	st_bind_int64(st, ":end", (int64_t)(c->offset + c->len));
	if (st_run(s, st, "cannot store a part's range", err) < 0)
		return -1;
	if (sqlite3_changes(s->db) != 1)
		return kerr_set(err, KERR_INTERNAL, "a part's range (%zu + %zu) is not inside its "
				"package's content", c->offset, c->len);
	return 0;
}

int st_part_insert(struct store *s, int64_t package_id, int idx, const struct store_part *p,
		   struct kerr *err)
{
	struct st_source src;
	unsigned char sha[32];
	sqlite3_stmt *st;
	int64_t part_id = 0;
	int ret, ranged;

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
	ranged = p->content.kind == STORE_CONTENT_RAW_SLICE;
	/* A range holds no bytes of its own (filled empty). */
	st_bind_zeroblob(st, ":content", ranged ? 0 : src.size);
	ret = st_run_insert(s, st, &part_id, "cannot store part", err);
	if (ret == 0 && ranged)
		ret = insert_range(s, package_id, part_id, &p->content, err);
	else if (ret == 0)
		ret = st_blob_fill(s, "parts", "content", "sha256", part_id, &src, sha, err);
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
