/* revcache.c: the revocation_cache table (see store_revcache.h). */
#include "store_revcache.h"

#include <stdlib.h>
#include <string.h>

#include "store_p.h"
#include "util.h"

int store_revcache_put(struct store *s, const char *key, const void *der, size_t der_len,
		       int64_t this_update, int64_t next_update, int64_t fetched_at,
		       struct kerr *err)
{
	sqlite3_stmt *st;

	if (key == NULL || der == NULL)
		return kerr_set(err, KERR_USAGE, "revocation cache: key and data are required");
	if (st_prepare(s, "INSERT INTO revocation_cache (key, der, this_update, next_update,"
		       " fetched_at) VALUES (:key, :der, :this, :next, :fetched)"
		       " ON CONFLICT (key) DO UPDATE SET der = excluded.der,"
		       " this_update = excluded.this_update, next_update = excluded.next_update,"
		       " fetched_at = excluded.fetched_at", &st, err) < 0)
		return -1;
	st_bind_text(st, ":key", key);
	st_bind_blob(st, ":der", der, der_len);
	st_bind_time(st, ":this", this_update);
	st_bind_time(st, ":next", next_update);
	st_bind_int64(st, ":fetched", fetched_at ? fetched_at : now_ms());
	return st_run(s, st, "cannot store revocation data", err);
}

int store_revcache_get(struct store *s, const char *key, struct store_revcache_entry **entry_r,
		       struct kerr *err)
{
	struct store_revcache_entry *e;
	sqlite3_stmt *st;
	int rc;

	if (st_prepare(s, "SELECT der, this_update, next_update, fetched_at"
		       " FROM revocation_cache WHERE key = :key", &st, err) < 0)
		return -1;
	st_bind_text(st, ":key", key);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc != SQLITE_DONE)
			st_err(s, err, "cannot read revocation cache");
		st_finalize(s, st);
		return rc == SQLITE_DONE ? 0 : -1;
	}
	e = xcalloc(1, sizeof(*e));
	e->key = xstrdup(key);
	e->der_len = (size_t)sqlite3_column_bytes(st, 0);
	e->der = xmalloc(e->der_len ? e->der_len : 1);
	if (e->der_len)
		memcpy(e->der, sqlite3_column_blob(st, 0), e->der_len);
	e->this_update = st_col_int64(st, 1);
	e->next_update = st_col_int64(st, 2);
	e->fetched_at = st_col_int64(st, 3);
	st_finalize(s, st);
	*entry_r = e;
	return 1;
}

void store_revcache_entry_free(struct store_revcache_entry **entry)
{
	struct store_revcache_entry *e = *entry;

	if (e == NULL)
		return;
	free(e->key);
	free(e->der);
	free(e);
	*entry = NULL;
}

int store_revcache_clear(struct store *s, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "DELETE FROM revocation_cache", &st, err) < 0 ||
	    st_run(s, st, "cannot clear the revocation cache", err) < 0)
		return -1;
	return sqlite3_changes(s->db);
}
