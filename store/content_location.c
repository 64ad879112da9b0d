/* content_location.c: where stored content is (the store or an archive
 * file) and reading it from either place (see store_archive.h). */
#include "store_archive.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "store_archive_p.h"
#include "store_blob_p.h"
#include "util.h"

int store_content_location(struct store *s, enum store_blob_kind kind, int64_t id,
			   struct store_content_location *loc, struct kerr *err)
{
	const char *sql;
	sqlite3_stmt *st;
	int rc;

	switch (kind) {
	case STORE_BLOB_PACKAGE_RAW:
		sql = "SELECT raw_size, raw_sha256, archived_to, archive_entry, archived_at"
		      " FROM packages WHERE id = :id";
		break;
	case STORE_BLOB_PART:
		sql = "SELECT p.size, p.sha256, p.archived_to, p.archive_entry, p.archived_at,"
		      " r.raw_offset, p.package_id FROM parts p"
		      " LEFT JOIN part_ranges r ON r.part_id = p.id WHERE p.id = :id";
		break;
	case STORE_BLOB_EVIDENCE_RAW:   /* evidence is never archived */
		sql = "SELECT raw_size, raw_sha256, NULL, NULL, NULL FROM evidence WHERE id = :id";
		break;
	default:
		return kerr_set(err, KERR_USAGE, "unknown content kind %d", (int)kind);
	}
	memset(loc, 0, sizeof(*loc));
	if (st_prepare(s, sql, &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		loc->size = st_col_int64(st, 0);
		st_col_sha256(st, 1, loc->sha256);
		loc->archive = st_col_str(st, 2);
		loc->entry = st_col_str(st, 3);
		loc->archived_at = st_col_int64(st, 4);
		loc->archived = loc->archive != NULL;
		if (kind == STORE_BLOB_PART && sqlite3_column_type(st, 5) != SQLITE_NULL) {
			loc->ranged = 1;
			loc->raw_offset = st_col_int64(st, 5);
			loc->raw_package = st_col_int64(st, 6);
		}
	}
	st_finalize(s, st);
	if (rc == SQLITE_DONE)
		return kerr_set(err, KERR_NOTFOUND, "no stored content %lld of kind %d",
				(long long)id, (int)kind);
	if (rc != SQLITE_ROW)
		return st_err(s, err, "cannot look up stored content");
	if (loc->archived && loc->entry == NULL) {
		store_content_location_free(loc);
		return kerr_set(err, KERR_STORE, "archived content %lld has no entry name",
				(long long)id);
	}
	return 0;
}

void store_content_location_free(struct store_content_location *loc)
{
	free(loc->archive);
	free(loc->entry);
	loc->archive = NULL;
	loc->entry = NULL;
}

static const char *kind_name(enum store_blob_kind kind)
{
	return kind == STORE_BLOB_PACKAGE_RAW ? "package" :
	       kind == STORE_BLOB_PART ? "part" : "evidence";
}

/* Content in the store, hashed on its way to cb. */
struct checked {
	store_blob_cb *cb;
	void *arg;
	EVP_MD_CTX *sha;
	int64_t size;
};

static int checked_chunk(void *arg, const void *chunk, size_t len, struct kerr *err)
{
	struct checked *c = arg;

	EVP_DigestUpdate(c->sha, chunk, len);
	c->size += (int64_t)len;
	return c->cb != NULL ? c->cb(c->arg, chunk, len, err) : 0;
}

static int read_in_store(struct store *s, enum store_blob_kind kind, int64_t id,
			 const struct store_content_location *loc, store_blob_cb *cb, void *arg,
			 struct kerr *err)
{
	struct checked c = { cb, arg, EVP_MD_CTX_new(), 0 };
	unsigned char md[32];
	int rc;

	if (c.sha == NULL || EVP_DigestInit_ex(c.sha, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c.sha);
		return kerr_set(err, KERR_INTERNAL, "cannot start SHA-256");
	}
	rc = st_blob_read_at(s, kind, id, loc, checked_chunk, &c, err);
	EVP_DigestFinal_ex(c.sha, md, NULL);
	EVP_MD_CTX_free(c.sha);
	if (rc < 0)
		return -1;
	if (c.size != loc->size || memcmp(md, loc->sha256, 32) != 0)
		return kerr_set(err, KERR_IO, "stored %s %lld is damaged: %lld bytes whose SHA-256"
				" is not the one recorded (%lld bytes recorded)", kind_name(kind),
				(long long)id, (long long)c.size, (long long)loc->size);
	return 0;
}

int store_content_read(struct store *s, enum store_blob_kind kind, int64_t id,
		       store_blob_cb *cb, void *arg, struct kerr *err)
{
	struct store_content_location loc;
	zip_t *za;
	int ret;

	if (store_content_location(s, kind, id, &loc, err) < 0)
		return -1;
	if (!loc.archived) {
		ret = read_in_store(s, kind, id, &loc, cb, arg, err);
		store_content_location_free(&loc);
		return ret;
	}
	ret = sa_open(loc.archive, &za, err);
	if (ret == 0) {
		ret = sa_entry_read(za, loc.archive, loc.entry, loc.size, loc.sha256, cb, arg, err);
		zip_discard(za);
	}
	if (ret < 0) {
		/* Archived content that cannot be read is a fault, not an absence. */
		if (err != NULL)
			err->cls = KERR_IO;
		kerr_prefix(err, "%s %lld was archived", kind_name(kind), (long long)id);
	}
	store_content_location_free(&loc);
	return ret;
}


int store_content_read_mem(struct store *s, enum store_blob_kind kind, int64_t id,
			   size_t max_len, struct kbuf *buf, struct kerr *err)
{
	struct st_mem_sink m = { buf, max_len, buf->len };

	if (store_content_read(s, kind, id, st_mem_sink_write, &m, err) < 0) {
		buf->len = m.start;
		return -1;
	}
	return 0;
}
