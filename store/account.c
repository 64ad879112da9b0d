/* account.c: the accounts table (see store_account.h). */
#include "store_account.h"

#include "store_p.h"
#include "util.h"

int store_account_ensure(struct store *s, const char *name, const char *address,
			 const char *provider, int64_t *id_r, struct kerr *err)
{
	sqlite3_stmt *st;
	int ret;

	if (name == NULL || *name == '\0')
		return kerr_set(err, KERR_USAGE, "account name is empty");
	if (st_prepare(s, "INSERT INTO accounts (name, address, provider, created_at)"
		       " VALUES (:name, :address, :provider, :now)"
		       " ON CONFLICT (name) DO UPDATE SET address = excluded.address,"
		       " provider = excluded.provider", &st, err) < 0)
		return -1;
	st_bind_text(st, ":name", name);
	st_bind_text(st, ":address", address);
	st_bind_text(st, ":provider", provider);
	st_bind_int64(st, ":now", now_ms());
	ret = st_run(s, st, "cannot store account", err);
	if (ret < 0 || id_r == NULL)
		return ret;
	return st_account_id(s, name, id_r, err);
}

int st_account_id(struct store *s, const char *name, int64_t *id_r, struct kerr *err)
{
	sqlite3_stmt *st;
	int rc;

	if (name == NULL)
		return kerr_set(err, KERR_USAGE, "no account name given");
	if (st_prepare(s, "SELECT id FROM accounts WHERE name = :name", &st, err) < 0)
		return -1;
	st_bind_text(st, ":name", name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id_r = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		kerr_set(err, KERR_NOTFOUND, "account '%s' is not known to the store", name);
	else
		st_err(s, err, "cannot look up account");
	st_finalize(s, st);
	return rc == SQLITE_ROW ? 0 : -1;
}
