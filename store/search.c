/* search.c: auditor searches and status helpers (see store_search.h). */
#include "store_search.h"

#include <stdlib.h>

#include "store_evidence_p.h"
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
