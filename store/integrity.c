/* integrity.c: see store_integrity.h. */
#include "store_integrity.h"

#include <string.h>

#include "store_p.h"

int store_quick_check(struct store *store, struct kerr *err)
{
	const unsigned char *msg;
	sqlite3_stmt *st;
	int rc, ok;

	if (st_prepare(store, "PRAGMA quick_check(1)", &st, err) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		st_finalize(store, st);
		return st_err(store, err, "integrity check");
	}
	msg = sqlite3_column_text(st, 0);
	ok = msg != NULL && strcmp((const char *)msg, "ok") == 0;
	if (!ok)
		kerr_set(err, KERR_STORE, "database damaged: %s", msg != NULL ? (const char *)msg : "?");
	st_finalize(store, st);
	return ok ? 0 : -1;
}
