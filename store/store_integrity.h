/* store_integrity.h: checks of the database file itself (kepagent doctor). */
#ifndef KEP_STORE_INTEGRITY_H
#define KEP_STORE_INTEGRITY_H

#include "err.h"

struct store;

/* Runs PRAGMA quick_check; 0 when the database is sound, else -1 with the
 * first problem SQLite reports (KERR_STORE). */
int store_quick_check(struct store *store, struct kerr *err);

#endif
