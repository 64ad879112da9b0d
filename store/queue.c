/* queue.c: the import_queue table (see store_queue.h). */
#include "store_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_audit.h"
#include "store_queue_p.h"
#include "util.h"

static const char *const state_names[] = {
	[STORE_Q_PENDING] = "pending", [STORE_Q_CLAIMED] = "claimed",
	[STORE_Q_ACKED] = "acked", [STORE_Q_REJECTED] = "rejected",
	[STORE_Q_PARKED] = "parked",
};

const char *store_queue_state_name(enum store_queue_state st)
{
	return (unsigned)st < ARRAY_SIZE(state_names) ? state_names[st] : "unknown";
}

int store_queue_state_from_name(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < ARRAY_SIZE(state_names); i++)
		if (strcmp(name, state_names[i]) == 0)
			return (int)i;
	return -1;
}

int st_queue_enqueue(struct store *s, int64_t package_id, struct kerr *err)
{
	sqlite3_stmt *st;
	int64_t now = now_ms();

	if (st_prepare(s, "INSERT INTO import_queue (package_id, state, created_at, updated_at)"
		       " VALUES (:pkg, 'pending', :now, :now) ON CONFLICT (package_id) DO NOTHING",
		       &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	st_bind_int64(st, ":now", now);
	return st_run(s, st, "cannot enqueue package", err);
}

int store_queue_enqueue(struct store *s, int64_t package_id, struct kerr *err)
{
	return st_queue_enqueue(s, package_id, err);
}

#define ITEM_SELECT "SELECT " ST_QUEUE_ITEM_COLUMNS \
	" FROM import_queue q JOIN packages p ON p.id = q.package_id" \
	" JOIN accounts a ON a.id = p.account_id"

void st_queue_read_item(sqlite3_stmt *st, struct store_queue_item *it)
{
	it->id = st_col_int64(st, 0);
	it->package_id = st_col_int64(st, 1);
	it->account = st_col_str(st, 2);
	it->state = (enum store_queue_state)store_queue_state_from_name(
		(const char *)sqlite3_column_text(st, 3));
	it->lease_owner = st_col_str(st, 4);
	it->lease_expires = st_col_int64(st, 5);
	it->not_before = st_col_int64(st, 6);
	it->attempts = st_col_int64(st, 7);
	it->last_reason = st_col_str(st, 8);
	it->created_at = st_col_int64(st, 9);
	it->updated_at = st_col_int64(st, 10);
}

/* Steps st to the end, appending every row to *items. */
static int collect(struct store *s, sqlite3_stmt *st, struct store_queue_item **items,
		   size_t *n, struct kerr *err)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*items = xrealloc(*items, (*n + 1) * sizeof(**items));
		st_queue_read_item(st, &(*items)[(*n)++]);
	}
	if (rc != SQLITE_DONE)
		st_err(s, err, "cannot read the import queue");
	st_finalize(s, st);
	return rc == SQLITE_DONE ? 0 : -1;
}

int store_queue_list(struct store *s, const struct store_queue_filter *f,
		     struct store_queue_item **items_r, size_t *n_r, struct kerr *err)
{
	struct store_queue_item *items = NULL;
	sqlite3_stmt *st;
	size_t n = 0;

	if (st_prepare(s, ITEM_SELECT " WHERE q.id > :after AND (:acc IS NULL OR a.name = :acc)"
		       " AND (:state IS NULL OR q.state = :state) ORDER BY q.id LIMIT :limit",
		       &st, err) < 0)
		return -1;
	st_bind_int64(st, ":after", f->after_id);
	st_bind_text(st, ":acc", f->account);
	st_bind_text(st, ":state", f->state < 0 ? NULL :
		     store_queue_state_name((enum store_queue_state)f->state));
	st_bind_int64(st, ":limit", f->limit ? (int64_t)f->limit : 100);
	if (collect(s, st, &items, &n, err) < 0) {
		store_queue_items_free(&items, n);
		return -1;
	}
	*items_r = items;
	*n_r = n;
	return 0;
}

int store_queue_claim(struct store *s, const char *owner, const char *account, size_t max,
		      int64_t lease_ms, struct store_queue_item **items_r, size_t *n_r,
		      struct kerr *err)
{
	struct store_queue_item *items = NULL;
	int64_t *ids = NULL, now = now_ms();
	size_t n = 0, n_ids = 0, i;
	sqlite3_stmt *st;
	struct st_tx tx;
	int rc;

	if (owner == NULL || lease_ms <= 0)
		return kerr_set(err, KERR_USAGE, "queue claim needs an owner and a lease");
	/* The write lock is taken before reading, so no other claimer can read
	 * the same claimable rows in between. */
	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (st_prepare(s, "UPDATE import_queue SET state = 'claimed', lease_owner = :owner,"
		       " lease_expires = :expires, updated_at = :now WHERE id IN ("
		       " SELECT q.id FROM import_queue q JOIN packages p ON p.id = q.package_id"
		       " JOIN accounts a ON a.id = p.account_id"
		       " WHERE (q.state = 'pending'"
		       "  OR (q.state = 'rejected' AND IFNULL(q.not_before, 0) <= :now)"
		       "  OR (q.state = 'claimed' AND q.lease_expires <= :now))"
		       " AND (:acc IS NULL OR a.name = :acc) ORDER BY q.id LIMIT :max) RETURNING id",
		       &st, err) < 0)
		goto fail;
	st_bind_text(st, ":owner", owner);
	st_bind_int64(st, ":expires", now + lease_ms);
	st_bind_int64(st, ":now", now);
	st_bind_text(st, ":acc", account);
	st_bind_int64(st, ":max", (int64_t)max);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xrealloc(ids, (n_ids + 1) * sizeof(*ids));
		ids[n_ids++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE)
		st_err(s, err, "cannot claim from the import queue");
	st_finalize(s, st);
	if (rc != SQLITE_DONE)
		goto fail;
	for (i = 0; i < n_ids; i++) {
		if (st_prepare(s, ITEM_SELECT " WHERE q.id = :id", &st, err) < 0)
			goto fail;
		st_bind_int64(st, ":id", ids[i]);
		if (collect(s, st, &items, &n, err) < 0)
			goto fail;
	}
	if (st_tx_commit(s, &tx, err) < 0)
		goto fail;
	free(ids);
	*items_r = items;
	*n_r = n;
	return 0;
fail:
	st_tx_rollback(s, &tx);
	store_queue_items_free(&items, n);
	free(ids);
	return -1;
}

/* Reads the state and attempts of a queued package inside tx. */
static int current(struct store *s, int64_t package_id, int *state_r, int64_t *attempts_r,
		   struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	if (st_prepare(s, "SELECT state, attempts FROM import_queue WHERE package_id = :pkg",
		       &st, err) < 0)
		return -1;
	st_bind_int64(st, ":pkg", package_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*state_r = store_queue_state_from_name((const char *)sqlite3_column_text(st, 0));
		*attempts_r = sqlite3_column_int64(st, 1);
	} else if (rc == SQLITE_DONE) {
		kerr_set(err, KERR_NOTFOUND, "package %lld is not in the import queue",
			 (long long)package_id);
	} else {
		st_err(s, err, "cannot read the import queue");
	}
	st_finalize(s, st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Moves a queued package to state and records it in the audit log (action,
 * reason as its detail), inside the caller's transaction. */
static int set_state(struct store *s, int64_t package_id, const char *state,
		     int64_t attempts, const char *reason, int64_t not_before, const char *actor,
		     const char *action, struct kerr *err)
{
	sqlite3_stmt *st;
	char obj[32];

	if (st_prepare(s, "UPDATE import_queue SET state = :state, attempts = :attempts,"
		       " last_reason = IFNULL(:reason, last_reason), not_before = :not_before,"
		       " lease_owner = NULL, lease_expires = NULL, updated_at = :now"
		       " WHERE package_id = :pkg", &st, err) < 0)
		return -1;
	st_bind_text(st, ":state", state);
	st_bind_int64(st, ":attempts", attempts);
	st_bind_text(st, ":reason", reason);
	st_bind_time(st, ":not_before", not_before);
	st_bind_int64(st, ":now", now_ms());
	st_bind_int64(st, ":pkg", package_id);
	if (st_run(s, st, "cannot update the import queue", err) < 0)
		return -1;
	snprintf(obj, sizeof(obj), "package:%lld", (long long)package_id);
	return store_audit_append(s, actor != NULL ? actor : "store", action, NULL, obj, reason,
				  err);
}

/* Acks or rejects (reject set) a queued package in one transaction. */
static int finish(struct store *s, int64_t package_id, const char *actor, int reject,
		  const char *reason, int64_t retry_delay_ms, int max_attempts, struct kerr *err)
{
	int state, parked, rc;
	struct st_tx tx;
	int64_t attempts;

	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (current(s, package_id, &state, &attempts, err) < 0)
		goto fail;
	if (state == STORE_Q_ACKED) {
		if (!reject)
			return st_tx_commit(s, &tx, err);
		kerr_set(err, KERR_USAGE, "package %lld was already acknowledged",
			 (long long)package_id);
		goto fail;
	}
	if (reject) {
		attempts++;
		parked = attempts >= max_attempts;
		rc = set_state(s, package_id, parked ? "parked" : "rejected", attempts, reason,
			       parked ? 0 : now_ms() + retry_delay_ms, actor,
			       parked ? "queue.parked" : "queue.rejected", err);
	} else {
		rc = set_state(s, package_id, "acked", attempts, NULL, 0, actor, "queue.acked", err);
	}
	if (rc < 0 || st_tx_commit(s, &tx, err) < 0)
		goto fail;
	return 0;
fail:
	st_tx_rollback(s, &tx);
	return -1;
}

int store_queue_ack(struct store *s, int64_t package_id, const char *actor, struct kerr *err)
{
	return finish(s, package_id, actor, 0, NULL, 0, 0, err);
}

int store_queue_reject(struct store *s, int64_t package_id, const char *actor,
		       const char *reason, int64_t retry_delay_ms, int max_attempts,
		       struct kerr *err)
{
	return finish(s, package_id, actor, 1, reason, retry_delay_ms, max_attempts, err);
}

void store_queue_items_free(struct store_queue_item **items, size_t n)
{
	size_t i;

	if (*items == NULL)
		return;
	for (i = 0; i < n; i++) {
		free((*items)[i].account);
		free((*items)[i].lease_owner);
		free((*items)[i].last_reason);
	}
	free(*items);
	*items = NULL;
}
