/* store_schema.h: the schema as a list of migrations (private to store/).
 *
 * store_migrations[i] takes a database from user_version i to i + 1. A
 * released step is never edited: change the schema by appending a step. */
#ifndef KEP_STORE_SCHEMA_H
#define KEP_STORE_SCHEMA_H

#include <stddef.h>

struct store_migration {
	int version;        /* user_version after this step */
	const char *what;   /* for messages */
	const char *sql;    /* static SQL, run in one transaction */
};

extern const struct store_migration store_migrations[];
extern const size_t store_n_migrations;

#endif
