/* queue_lease.c: lease tokens and views of the import queue (see
 * store_queue_lease.h). */
#include "store_queue_lease.h"

#include <stdlib.h>
#include <string.h>

#include "store_p.h"
#include "store_queue_p.h"
#include "util.h"

#define VIEW_SELECT "SELECT " ST_QUEUE_ITEM_COLUMNS ", p.kep_id, p.subject, p.sender, p.verdict, p.received_at" \
	" FROM import_queue q JOIN packages p ON p.id = q.package_id" \
	" JOIN accounts a ON a.id = p.account_id"
#define VIEW_FILTER " WHERE (:acc IS NULL OR a.name = :acc)" \
	" AND (:state IS NULL OR q.state = :state)"

static void read_view(sqlite3_stmt *st, struct store_queue_view *v)
{
	st_queue_read_item(st, &v->item);
	v->kep_id = st_col_str(st, 11);
	v->subject = st_col_str(st, 12);
	v->sender = st_col_str(st, 13);
	v->verdict = st_col_str(st, 14);
	v->received_at = st_col_int64(st, 15);
}

static int collect(struct store *s, sqlite3_stmt *st, struct store_queue_view **views,
		   size_t *n, struct kerr *err)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*views = xrealloc(*views, (*n + 1) * sizeof(**views));
		read_view(st, &(*views)[(*n)++]);
	}
	if (rc != SQLITE_DONE)
		st_err(s, err, "cannot read the import queue");
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_queue_view_get(struct store *s, int64_t package_id, struct store_queue_view **view_r,
			 struct kerr *err)
{
	struct store_queue_view *v = NULL;
	sqlite3_stmt *st;
	size_t n = 0;

	if (st_prepare(s, VIEW_SELECT " WHERE q.package_id = :pkg", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	if (collect(s, st, &v, &n, err) < 0) {
		store_queue_views_free(&v, n);
		return -1;
	}
	if (n == 0)
		return kerr_set(err, KERR_NOTFOUND, "package %lld is not in the import queue",
				(long long)package_id);
	*view_r = v;
	return 0;
}

static void bind_filter(sqlite3_stmt *st, const struct store_queue_filter *f)
{
	st_bind_text(st, ":acc", f->account);
	st_bind_text(st, ":state", f->state < 0 ? NULL :
		     store_queue_state_name((enum store_queue_state)f->state));
}

int store_queue_view_list(struct store *s, const struct store_queue_filter *f, size_t offset,
			  struct store_queue_view **views_r, size_t *n_r, int64_t *total_r,
			  struct kerr *err)
{
	struct store_queue_view *v = NULL;
	sqlite3_stmt *st;
	size_t n = 0;

	if (total_r != NULL) {
		if (st_prepare(s, "SELECT count(*) FROM import_queue q JOIN packages p"
			       " ON p.id = q.package_id JOIN accounts a ON a.id = p.account_id"
			       VIEW_FILTER, &st, err) < 0)
			return -1;
		bind_filter(st, f);
		if (sqlite3_step(st) != SQLITE_ROW) {
			st_err(s, err, "cannot count the import queue");
			sqlite3_finalize(st);
			return -1;
		}
		*total_r = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	if (st_prepare(s, VIEW_SELECT VIEW_FILTER " ORDER BY q.id LIMIT :limit OFFSET :off",
		       &st, err) < 0)
		return -1;
	bind_filter(st, f);
	st_bind_int64(st, ":limit", f->limit ? (int64_t)f->limit : 100);
	st_bind_int64(st, ":off", (int64_t)offset);
	if (collect(s, st, &v, &n, err) < 0) {
		store_queue_views_free(&v, n);
		return -1;
	}
	*views_r = v;
	*n_r = n;
	return 0;
}

void store_queue_views_free(struct store_queue_view **views, size_t n)
{
	size_t i;

	if (*views == NULL)
		return;
	for (i = 0; i < n; i++) {
		struct store_queue_view *v = &(*views)[i];

		free(v->item.account);
		free(v->item.lease_owner);
		free(v->item.last_reason);
		free(v->kep_id);
		free(v->subject);
		free(v->sender);
		free(v->verdict);
	}
	free(*views);
	*views = NULL;
}

int store_queue_lease_check(struct store *s, int64_t package_id, const char *token, int64_t now,
			    enum store_lease *lease_r, struct kerr *err)
{
	struct store_queue_view *v = NULL;
	const char *owner;

	if (store_queue_view_get(s, package_id, &v, err) < 0)
		return -1;
	owner = v->item.lease_owner;
	if (v->item.state != STORE_Q_CLAIMED || owner == NULL || token == NULL ||
	    !const_time_eq(owner, strlen(owner), token, strlen(token)))
		*lease_r = STORE_LEASE_MISMATCH;
	else if (v->item.lease_expires <= now)
		*lease_r = STORE_LEASE_EXPIRED;
	else
		*lease_r = STORE_LEASE_HELD;
	store_queue_views_free(&v, 1);
	return 0;
}
