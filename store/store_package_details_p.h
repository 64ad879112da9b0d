/* store_package_details_p.h: writing package details inside the caller's
 * transaction (store_package_insert). */
#ifndef KEP_STORE_PACKAGE_DETAILS_P_H
#define KEP_STORE_PACKAGE_DETAILS_P_H

#include "store_p.h"
#include "store_package_details.h"

/* The two recipient tables have one shape (owner id, idx, role, address,
 * name): package_recipients (a package's To/Cc) and outbox_recipients. */
enum st_recipients_table { ST_RCPT_PACKAGE = 0, ST_RCPT_OUTBOX };
int st_recipients_insert(struct store *s, enum st_recipients_table t, int64_t id,
			 const struct store_recipient *r, size_t n, struct kerr *err);
/* In idx order; *r_r owned by the caller (strings and array). */
int st_recipients_read(struct store *s, enum st_recipients_table t, int64_t id,
		       struct store_recipient **r_r, size_t *n_r, struct kerr *err);

int st_details_insert(struct store *s, int64_t package_id, const struct store_package_details *d,
		      struct kerr *err);

#endif
