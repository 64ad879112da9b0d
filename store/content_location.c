/* content_location.c: where stored content is (the store or an archive
 * file) and reading it from either place (see store_archive.h). */
#include "store_archive.h"

#include <stdlib.h>
#include <string.h>

#include "store_archive_p.h"
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
		sql = "SELECT size, sha256, archived_to, archive_entry, archived_at"
		      " FROM parts WHERE id = :id";
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
	}
	sqlite3_finalize(st);
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

int store_content_read(struct store *s, enum store_blob_kind kind, int64_t id,
		       store_blob_cb *cb, void *arg, struct kerr *err)
{
	struct store_content_location loc;
	zip_t *za;
	int ret;

	if (store_content_location(s, kind, id, &loc, err) < 0)
		return -1;
	if (!loc.archived) {
		store_content_location_free(&loc);
		return store_blob_read(s, kind, id, cb, arg, err);
	}
	ret = sa_open(loc.archive, &za, err);
	if (ret == 0) {
		ret = sa_entry_read(za, loc.archive, loc.entry, loc.size, loc.sha256, cb, arg, err);
		zip_discard(za);
	}
	store_content_location_free(&loc);
	return ret;
}
