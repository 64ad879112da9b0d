/* migrate.c: applies store_migrations (see store_migrate.h) to a store
 * store.c opened; it never opens one itself (store.c calls it, not the
 * reverse). */
#include "store_migrate.h"

#include <stdio.h>

#include "crashpoint.h"
#include "store_schema.h"
#include "store_p.h"

int store_schema_version(struct store *s, int *version_r, struct kerr *err)
{
	sqlite3_stmt *st;

	if (st_prepare(s, "PRAGMA user_version", &st, err) < 0)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		st_err(s, err, "cannot read the schema version");
		st_finalize(s, st);
		return -1;
	}
	*version_r = sqlite3_column_int(st, 0);
	st_finalize(s, st);
	return 0;
}

static int refuse_newer(struct store *s, int v, struct kerr *err)
{
	return kerr_set(err, KERR_STORE,
			"%s has schema version %d, newer than this kepagent knows (%d): "
			"use a kepagent at least as new as the one that wrote it",
			s->path, v, STORE_SCHEMA_VERSION);
}

static int apply_step(struct store *s, const struct store_migration *m, struct kerr *err)
{
	char pragma[64];
	int v;

	if (st_exec(s, "BEGIN IMMEDIATE", err) < 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (store_schema_version(s, &v, err) < 0)
		goto fail;
	if (v >= m->version) {
		st_exec(s, "COMMIT", NULL);
		return 0;
	}
	if (v != m->version - 1) {
		kerr_set(err, KERR_INTERNAL, "schema version %d cannot take step %d", v, m->version);
		goto fail;
	}
	/* PRAGMA takes no bound parameters; the value is our own constant. */
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
	if (st_exec(s, m->sql, err) < 0 || st_exec(s, pragma, err) < 0)
		goto fail;
	crashpoint("migrate-before-commit");
	if (st_exec(s, "COMMIT", err) < 0)
		goto fail;
	crashpoint("migrate-committed");
	return 0;
fail:
	(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return kerr_prefix(err, "cannot migrate %s to schema version %d (%s)", s->path,
			   m->version, m->what);
}

int store_migrate_to(struct store *s, int version, struct kerr *err)
{
	int cur;
	size_t i;

	if (version < 0 || version > STORE_SCHEMA_VERSION)
		return kerr_set(err, KERR_USAGE, "no schema version %d", version);
	if (store_schema_version(s, &cur, err) < 0)
		return -1;
	if (cur > STORE_SCHEMA_VERSION)
		return refuse_newer(s, cur, err);
	for (i = 0; i < store_n_migrations; i++) {
		const struct store_migration *m = &store_migrations[i];

		if (m->version <= cur || m->version > version)
			continue;
		if (apply_step(s, m, err) < 0)
			return -1;
	}
	return 0;
}
