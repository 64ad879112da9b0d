/* store_audit.h: the append-only audit log.
 *
 * Each line records who (actor: "sync", "api:<client>", "cli", ...) did what
 * (action: "package.stored", "queue.acked", ...) to which object. The table
 * refuses UPDATE and DELETE by trigger. Rows returned by store_audit_list()
 * are owned by the caller: store_audit_rows_free(). Thread safety: as
 * struct store. */
#ifndef KEP_STORE_AUDIT_H
#define KEP_STORE_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

struct store_audit_row {
	int64_t id;
	int64_t time;
	char *actor, *action, *account, *object, *detail;
};

/* actor and action are required; the others may be NULL. time: now. */
int store_audit_append(struct store *store, const char *actor, const char *action,
		       const char *account, const char *object, const char *detail,
		       struct kerr *err);

struct store_audit_filter {
	const char *account;   /* NULL: all */
	int64_t since;         /* time >= since; 0: from the start */
	int64_t after_id;      /* paging: rows with id > after_id */
	size_t limit;          /* 0: 100 */
};
/* Oldest first. */
int store_audit_list(struct store *store, const struct store_audit_filter *f,
		     struct store_audit_row **rows_r, size_t *n_r, struct kerr *err);
void store_audit_rows_free(struct store_audit_row **rows, size_t n);

#endif
