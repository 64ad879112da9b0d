/* search.c: auditor searches and status helpers (see store_search.h). */
#include "store_search.h"

#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "store_evidence_p.h"
#include "store_package_p.h"
#include "store_p.h"
#include "util.h"

static void bind_common(sqlite3_stmt *st, const struct store_search *q)
{
	st_bind_time(st, ":from", q->from);
	st_bind_time(st, ":to", q->to);
	st_bind_text(st, ":acc", q->account);
	st_bind_text(st, ":cp", q->counterpart);
	st_bind_text(st, ":verdict", q->verdict);
}

static void bind_page(sqlite3_stmt *st, const struct store_search *q)
{
	st_bind_int64(st, ":limit", q->limit ? (int64_t)q->limit : 100);
	st_bind_int64(st, ":off", (int64_t)q->offset);
}

/* The counterpart of a message is its sender or one of its recipients. */
#define CP_MATCH "(:cp IS NULL OR p.sender_kep = :cp COLLATE NOCASE OR instr(p.sender, :cp) > 0" \
	" OR EXISTS (SELECT 1 FROM package_recipients r WHERE r.package_id = p.id" \
	" AND (r.address = :cp COLLATE NOCASE OR instr(r.name, :cp) > 0)))"
/* Packages by when the KEP system took them in, else when they were stored. */
#define PKG_TIME "COALESCE(d.provider_time, p.stored_at)"
#define EVIDENCE_WHERE " WHERE (:from IS NULL OR e.event_time >= :from)" \
	" AND (:to IS NULL OR e.event_time < :to)" \
	" AND (:acc IS NULL OR a.name = :acc)" \
	" AND (:stage IS NULL OR e.delil_tur_id = :stage)" \
	" AND (:verdict IS NULL OR e.verdict = :verdict)" \
	" AND " CP_MATCH
#define PACKAGE_FROM " FROM packages p JOIN accounts a ON a.id = p.account_id" \
	" LEFT JOIN package_details d ON d.package_id = p.id" \
	" WHERE (:from IS NULL OR " PKG_TIME " >= :from)" \
	" AND (:to IS NULL OR " PKG_TIME " < :to)" \
	" AND (:acc IS NULL OR a.name = :acc)" \
	" AND (:folder IS NULL OR p.folder = :folder)" \
	" AND (:verdict IS NULL OR p.verdict = :verdict)" \
	" AND " CP_MATCH

static void bind_stage(sqlite3_stmt *st, const struct store_search *q)
{
	if (q->stage != 0)
		st_bind_int64(st, ":stage", q->stage);
	else
		st_bind_null(st, ":stage");
}

static int count(struct store *s, sqlite3_stmt *st, int64_t *n_r, struct kerr *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*n_r = sqlite3_column_int64(st, 0);
	st_finalize(s, st);
	return rc == SQLITE_ROW ? 0 : st_err(s, err, "cannot count search results");
}

int store_search_evidence(struct store *s, const struct store_search *q,
			  struct store_evidence_row **rows_r, size_t *n_r, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, ST_EVIDENCE_SELECT " LEFT JOIN packages p ON p.id = e.package_id"
		       EVIDENCE_WHERE " ORDER BY e.event_time, e.id LIMIT :limit OFFSET :off",
		       &st, err) < 0)
		return -1;
	bind_common(st, q);
	bind_page(st, q);
	bind_stage(st, q);
	return st_evidence_collect(s, st, rows_r, n_r, err);
}

int store_search_evidence_count(struct store *s, const struct store_search *q, int64_t *n_r,
				struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "SELECT count(*) FROM evidence e JOIN accounts a ON a.id = e.account_id"
		       " LEFT JOIN packages p ON p.id = e.package_id" EVIDENCE_WHERE, &st, err) < 0)
		return -1;
	bind_common(st, q);
	bind_stage(st, q);
	return count(s, st, n_r, err);
}

int store_search_packages_count(struct store *s, const struct store_search *q, int64_t *n_r,
				struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "SELECT count(*)" PACKAGE_FROM, &st, err) < 0)
		return -1;
	bind_common(st, q);
	st_bind_text(st, ":folder", q->folder);
	return count(s, st, n_r, err);
}

int store_search_packages(struct store *s, const struct store_search *q, int64_t **ids_r,
			  size_t *n_r, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "SELECT p.id" PACKAGE_FROM " ORDER BY p.id DESC LIMIT :limit OFFSET :off",
		       &st, err) < 0)
		return -1;
	bind_common(st, q);
	bind_page(st, q);
	st_bind_text(st, ":folder", q->folder);
	return st_step_ids(s, st, ids_r, n_r, "cannot search packages", err);
}

int store_evidence_orphans(struct store *s, const char *kep_id,
			   struct store_evidence_row **rows_r, size_t *n_r, struct kerr *err)
{
	sqlite3_stmt *st;

	/* Driven by accounts (CROSS JOIN) so the (account_id, kep_id) index
	 * serves it: as a join of its own, SQLite without statistics read every
	 * orphan through evidence_by_package, or every evidence row
	 * (tests/test-status-plan.c). */
	if (st_prepare(s, ST_EVIDENCE_SELECT " WHERE e.id IN (SELECT x.id FROM accounts b CROSS JOIN"
		       " evidence x WHERE x.account_id = b.id AND x.kep_id = :kep AND"
		       " x.package_id IS NULL)"
		       " ORDER BY e.event_time, e.id", &st, err) < 0)
		return -1;
	st_bind_text(st, ":kep", kep_id);
	return st_evidence_collect(s, st, rows_r, n_r, err);
}

int store_evidence_get(struct store *s, int64_t id, struct store_evidence_row **row_r,
		       struct kerr *err)
{
	struct store_evidence_row *rows = NULL;
	sqlite3_stmt *st;
	size_t n = 0;

	if (st_prepare(s, ST_EVIDENCE_SELECT " WHERE e.id = :id", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	if (st_evidence_collect(s, st, &rows, &n, err) < 0)
		return -1;
	if (n == 0)
		return kerr_set(err, KERR_NOTFOUND, "no evidence item with id %lld",
				(long long)id);
	*row_r = rows;
	return 0;
}

/* The keys as one JSON array, the statement's one parameter: json_each
 * gives each key with its index. */
static void keys_json(const char *const *keys, size_t n, struct kbuf *b)
{
	size_t i;

	jt_begin(b, '[');
	for (i = 0; i < n; i++)
		jt_str(b, keys[i]);
	jt_end(b, ']');
}

int store_packages_by_kep_ids(struct store *s, const char *const *keys, size_t n,
			      struct store_kep_id_hit **hits_r, size_t *n_r, struct kerr *err)
{
	struct store_kep_id_hit *hits = NULL, *h = NULL;
	struct kbuf json = { 0 };
	sqlite3_stmt *st;
	size_t nh = 0;
	int rc;

	*hits_r = NULL;
	*n_r = 0;
	if (n == 0)
		return 0;
	/* The packages first (each kepId through its index), then their
	 * evidence through evidence_by_package. */
	if (st_prepare(s, "WITH pk AS (SELECT k.key AS ki, " ST_PACKAGE_COLS
		       " FROM json_each(:keys) k JOIN packages p ON p.kep_id = k.value"
		       " JOIN accounts a ON a.id = p.account_id"
		       " LEFT JOIN package_seq q ON q.package_id = p.id),"
		       " ev AS (" ST_EVIDENCE_SELECT " WHERE e.package_id IN (SELECT id FROM pk))"
		       " SELECT pk.*, ev.* FROM pk LEFT JOIN ev ON ev.package_id = pk.id"
		       " ORDER BY pk.ki, pk.id, ev.event_time, ev.id", &st, err) < 0)
		return -1;
	keys_json(keys, n, &json);
	sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":keys"), (const char *)json.data,
			  (int)json.len, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t ki = st_col_int64(st, 0), pid = st_col_int64(st, 1);

		if (ki < 0 || (size_t)ki >= n)
			continue;
		if (h == NULL || h->key != (size_t)ki || h->pkg->id != pid) {
			hits = xrealloc(hits, (nh + 1) * sizeof(*hits));
			h = &hits[nh++];
			memset(h, 0, sizeof(*h));
			h->key = (size_t)ki;
			h->pkg = st_package_row_read(st, 1);
		}
		if (sqlite3_column_type(st, 1 + ST_PACKAGE_NCOLS) == SQLITE_NULL)
			continue; /* no evidence */
		h->ev = xrealloc(h->ev, (h->nev + 1) * sizeof(*h->ev));
		st_evidence_row_read(st, 1 + ST_PACKAGE_NCOLS, &h->ev[h->nev++]);
	}
	st_finalize(s, st);
	kbuf_free(&json);
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot look packages up by kepId");
		store_kep_id_hits_free(&hits, nh);
		return -1;
	}
	*hits_r = hits;
	*n_r = nh;
	return 0;
}

void store_kep_id_hits_free(struct store_kep_id_hit **hits, size_t n)
{
	size_t i;

	if (*hits == NULL)
		return;
	for (i = 0; i < n; i++) {
		store_package_row_free(&(*hits)[i].pkg);
		store_evidence_rows_free(&(*hits)[i].ev, (*hits)[i].nev);
	}
	free(*hits);
	*hits = NULL;
}
