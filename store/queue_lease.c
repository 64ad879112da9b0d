/* queue_lease.c: lease tokens and views of the import queue (see
 * store_queue_lease.h). */
#include "store_queue_lease.h"

#include <stdlib.h>
#include <string.h>

#include "store_p.h"
#include "store_queue_p.h"
#include "util.h"

/* As clients see the queue: a claim whose lease ran out is pending again
 * (claimable, attempts kept), without its owner. */
#define VIEW_QUEUE "(SELECT id, package_id, CASE WHEN state = 'claimed'" \
	" AND lease_expires <= :now THEN 'pending' ELSE state END AS state," \
	" CASE WHEN state = 'claimed' AND lease_expires <= :now THEN NULL ELSE lease_owner END" \
	" AS lease_owner, CASE WHEN state = 'claimed' AND lease_expires <= :now THEN NULL" \
	" ELSE lease_expires END AS lease_expires, not_before, attempts, last_reason," \
	" created_at, updated_at FROM import_queue)"
#define VIEW_SELECT "SELECT " ST_QUEUE_ITEM_COLUMNS ", p.kep_id, p.subject, p.sender, p.verdict, p.received_at" \
	" FROM " VIEW_QUEUE " q JOIN packages p ON p.id = q.package_id" \
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
	st_finalize(s, st);
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
	st_bind_int64(st, ":now", now_ms());
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
	st_bind_int64(st, ":now", now_ms());
}

int store_queue_view_list(struct store *s, const struct store_queue_filter *f, size_t offset,
			  struct store_queue_view **views_r, size_t *n_r, int64_t *total_r,
			  struct kerr *err)
{
	struct store_queue_view *v = NULL;
	sqlite3_stmt *st;
	size_t n = 0;

	if (total_r != NULL) {
		if (st_prepare(s, "SELECT count(*) FROM " VIEW_QUEUE " q JOIN packages p"
			       " ON p.id = q.package_id JOIN accounts a ON a.id = p.account_id"
			       VIEW_FILTER, &st, err) < 0)
			return -1;
		bind_filter(st, f);
		if (sqlite3_step(st) != SQLITE_ROW) {
			st_err(s, err, "cannot count the import queue");
			st_finalize(s, st);
			return -1;
		}
		*total_r = sqlite3_column_int64(st, 0);
		st_finalize(s, st);
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

/* The lease as stored (not the clients' view, where an expired claim is
 * pending): owner and expiry of a claimed row. 1 when claimed, 0 when not. */
static int raw_lease(struct store *s, int64_t package_id, char **owner_r, int64_t *expires_r,
		     struct kerr *err)
{
	sqlite3_stmt *st;
	int rc, claimed = 0;

	*owner_r = NULL;
	if (st_prepare(s, "SELECT state = 'claimed', lease_owner, lease_expires FROM import_queue"
		       " WHERE package_id = :pkg", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		claimed = sqlite3_column_int(st, 0);
		*owner_r = st_col_str(st, 1);
		*expires_r = st_col_int64(st, 2);
	}
	st_finalize(s, st);
	if (rc == SQLITE_DONE)
		return kerr_set(err, KERR_NOTFOUND, "package %lld is not in the import queue",
				(long long)package_id);
	if (rc != SQLITE_ROW)
		return st_err(s, err, "cannot read the import queue");
	return claimed;
}

int store_queue_lease_check(struct store *s, int64_t package_id, const char *token, int64_t now,
			    enum store_lease *lease_r, struct kerr *err)
{
	int64_t expires = 0;
	char *owner;
	int claimed = raw_lease(s, package_id, &owner, &expires, err);

	if (claimed < 0)
		return -1;
	if (!claimed || owner == NULL || token == NULL ||
	    !const_time_eq(owner, strlen(owner), token, strlen(token)))
		*lease_r = STORE_LEASE_MISMATCH;
	else if (expires <= now)
		*lease_r = STORE_LEASE_EXPIRED;
	else
		*lease_r = STORE_LEASE_HELD;
	free(owner);
	return 0;
}

int store_queue_lease_extend(struct store *s, int64_t package_id, const char *token,
			     int64_t lease_ms, int64_t *expires_r, struct kerr *err)
{
	enum store_lease l;
	sqlite3_stmt *st;
	struct st_tx tx;
	int64_t now = now_ms();
	int ret;

	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (store_queue_lease_check(s, package_id, token, now, &l, err) < 0)
		goto fail;
	if (l != STORE_LEASE_HELD) {
		st_tx_rollback(s, &tx);
		return (int)l;
	}
	if (st_prepare(s, "UPDATE import_queue SET lease_expires = :exp, updated_at = :now"
		       " WHERE package_id = :pkg", &st, err) < 0)
		goto fail;
	st_bind_int64(st, ":exp", now + lease_ms);
	st_bind_int64(st, ":now", now);
	st_bind_int64(st, ":pkg", package_id);
	ret = st_run(s, st, "cannot extend the lease", err);
	if (ret < 0 || st_tx_commit(s, &tx, err) < 0)
		goto fail;
	*expires_r = now + lease_ms;
	return STORE_LEASE_HELD;
fail:
	st_tx_rollback(s, &tx);
	return -1;
}
