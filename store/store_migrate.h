/* store_migrate.h: schema versions and migrations.
 *
 * The schema version is SQLite's PRAGMA user_version. Each step runs in its
 * own write transaction and re-reads the version under the lock, so two
 * processes opening a fresh database at once do not both migrate it. A
 * database whose version is newer than STORE_SCHEMA_VERSION is refused
 * (KERR_STORE) and left untouched. */
#ifndef KEP_STORE_MIGRATE_H
#define KEP_STORE_MIGRATE_H

#include "store.h"

#define STORE_SCHEMA_VERSION 21

/* The database's current user_version. */
int store_schema_version(struct store *store, int *version_r, struct kerr *err);
/* Upgrades to `version` (<= STORE_SCHEMA_VERSION); never downgrades. */
int store_migrate_to(struct store *store, int version, struct kerr *err);
/* Testing only (store.c): as store_open() but stops at `version` (0 = empty file), so
 * a test can build a database of an older release. */
int store_open_at_version(const char *path, int version, struct store **store_r,
			  struct kerr *err);

#endif
