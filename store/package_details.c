/* package_details.c: the package_details and package_recipients tables (see
 * store_package_details.h; inserts with the package are in package.c). */
#include "store_package_details.h"

#include <stdlib.h>
#include <string.h>

#include "store_package_details_p.h"
#include "util.h"

static const struct {
	const char *insert, *select, *what;
} rcpt_sql[] = {
	[ST_RCPT_PACKAGE] = {
		"INSERT INTO package_recipients (package_id, idx, role, address, name)"
		" VALUES (:id, :idx, :role, :addr, :name)",
		"SELECT role, address, name FROM package_recipients WHERE package_id = :id"
		" ORDER BY idx", "cannot read recipients" },
	[ST_RCPT_OUTBOX] = {
		"INSERT INTO outbox_recipients (item_id, idx, role, address, name)"
		" VALUES (:id, :idx, :role, :addr, :name)",
		"SELECT role, address, name FROM outbox_recipients WHERE item_id = :id"
		" ORDER BY idx", "cannot read outbox recipients" },
};

int st_recipients_insert(struct store *s, enum st_recipients_table t, int64_t id,
			 const struct store_recipient *r, size_t n, struct kerr *err)
{
	sqlite3_stmt *st;
	size_t i;
	int ret = 0;

	if (n == 0)
		return 0;
	if (st_prepare(s, rcpt_sql[t].insert, &st, err) < 0)
		return -1;
	for (i = 0; ret == 0 && i < n; i++) {
		sqlite3_reset(st);
		st_bind_int64(st, ":id", id);
		st_bind_int64(st, ":idx", (int64_t)i);
		st_bind_text(st, ":role", r[i].role);
		st_bind_text(st, ":addr", r[i].address);
		st_bind_text(st, ":name", r[i].name);
		ret = st_step_done(s, st, "cannot store recipients", err);
	}
	st_finalize(s, st);
	return ret;
}

int st_recipients_read(struct store *s, enum st_recipients_table t, int64_t id,
		       struct store_recipient **r_r, size_t *n_r, struct kerr *err)
{
	struct store_recipient *r = NULL;
	sqlite3_stmt *st;
	size_t n = 0, i;
	int rc;

	*r_r = NULL;
	*n_r = 0;
	if (st_prepare(s, rcpt_sql[t].select, &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r = xrealloc(r, (n + 1) * sizeof(*r));
		r[n].role = st_col_str(st, 0);
		r[n].address = st_col_str(st, 1);
		r[n].name = st_col_str(st, 2);
		n++;
	}
	st_finalize(s, st);
	if (rc != SQLITE_DONE) {
		for (i = 0; i < n; i++) {
			free((char *)r[i].role);
			free((char *)r[i].address);
			free((char *)r[i].name);
		}
		free(r);
		return st_err(s, err, rcpt_sql[t].what);
	}
	*r_r = r;
	*n_r = n;
	return 0;
}

int st_details_insert(struct store *s, int64_t id, const struct store_package_details *d,
		      struct kerr *err)
{
	sqlite3_stmt *st;
	int ret;

	if (st_prepare(s, "INSERT INTO package_details (package_id, message_date, provider_time,"
		       " derived_at) VALUES (:id, :mdate, :ptime, :now)", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	st_bind_time(st, ":mdate", d->message_date);
	st_bind_time(st, ":ptime", d->provider_time);
	st_bind_int64(st, ":now", now_ms());
	ret = st_run(s, st, "cannot store package details", err);
	if (ret == 0)
		ret = st_recipients_insert(s, ST_RCPT_PACKAGE, id, d->recipients, d->n_recipients,
					   err);
	return ret;
}

int store_package_details_get(struct store *s, int64_t id, struct store_package_details *d,
			      struct kerr *err)
{
	struct store_recipient *r = NULL;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc;

	memset(d, 0, sizeof(*d));
	if (st_prepare(s, "SELECT message_date, provider_time FROM package_details"
		       " WHERE package_id = :id", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":id", id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		d->message_date = st_col_int64(st, 0);
		d->provider_time = st_col_int64(st, 1);
	}
	st_finalize(s, st);
	if (rc == SQLITE_DONE)
		return kerr_set(err, KERR_NOTFOUND, "package %lld has no details", (long long)id);
	if (rc != SQLITE_ROW)
		return st_err(s, err, "cannot read package details");
	if (st_recipients_read(s, ST_RCPT_PACKAGE, id, &r, &n, err) < 0)
		return -1;
	d->recipients = r;
	d->n_recipients = n;
	return 0;
}

void store_package_details_free(struct store_package_details *d)
{
	size_t i;

	for (i = 0; i < d->n_recipients; i++) {
		free((char *)d->recipients[i].role);
		free((char *)d->recipients[i].address);
		free((char *)d->recipients[i].name);
	}
	free((void *)d->recipients);
	memset(d, 0, sizeof(*d));
}

int store_package_details_missing(struct store *s, size_t limit, int64_t **ids_r, size_t *n_r,
				  struct kerr *err)
{
	sqlite3_stmt *st;

	*ids_r = NULL;
	*n_r = 0;
	if (st_prepare(s, "SELECT p.id FROM packages p LEFT JOIN package_details d"
		       " ON d.package_id = p.id WHERE d.package_id IS NULL ORDER BY p.id"
		       " LIMIT :limit", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":limit", (int64_t)limit);
	return st_step_ids(s, st, ids_r, n_r, "cannot list packages without details", err);
}

int store_package_details_fill(struct store *s, int64_t id, const struct store_package_details *d,
			       const char *const *raw_names, size_t n_names, struct kerr *err)
{
	sqlite3_stmt *st;
	struct st_tx tx;
	size_t i;
	int rc;

	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	if (st_prepare(s, "SELECT 1 FROM package_details WHERE package_id = :id", &st, err) < 0)
		goto fail;
	st_bind_int64(st, ":id", id);
	rc = sqlite3_step(st);
	st_finalize(s, st);
	if (rc == SQLITE_ROW)
		return st_tx_commit(s, &tx, err);
	if (rc != SQLITE_DONE) {
		st_err(s, err, "cannot read package details");
		goto fail;
	}
	if (st_details_insert(s, id, d, err) < 0)
		goto fail;
	for (i = 0; i < n_names; i++) {
		if (raw_names[i] == NULL)
			continue;
		if (st_prepare(s, "UPDATE parts SET file_name = :name WHERE package_id = :id"
			       " AND idx = :idx", &st, err) < 0)
			goto fail;
		st_bind_text(st, ":name", raw_names[i]);
		st_bind_int64(st, ":id", id);
		st_bind_int64(st, ":idx", (int64_t)i);
		rc = st_run(s, st, "cannot store a raw attachment name", err);
		if (rc < 0)
			goto fail;
	}
	return st_tx_commit(s, &tx, err);
fail:
	st_tx_rollback(s, &tx);
	return -1;
}
