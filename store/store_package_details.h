/* store_package_details.h: what a package says about its time and its
 * parties, beside the package row (a table of its own: the packages row,
 * whose raw BLOB ends the record, is not rewritten to add them).
 *
 * message_date is the message's own Date: header; provider_time is when the
 * KEP system took the message in (the provider envelope's Date:, its
 * arrival for received mail, its acceptance for sent mail). Recipients are
 * the To and Cc addresses of the original message. Details are written with
 * the package (store_package.details) or, for packages stored before schema
 * version 6, back-filled from the stored bytes (sync/sync_backfill.c), with
 * the sender's raw attachment names.
 *
 * Rows returned are owned by the caller: store_package_details_free().
 * Thread safety: as struct store. */
#ifndef KEP_STORE_PACKAGE_DETAILS_H
#define KEP_STORE_PACKAGE_DETAILS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct store;

struct store_recipient {
	const char *role;      /* "to" or "cc" */
	const char *address;   /* addr-spec */
	const char *name;      /* display name, NULL when none */
};

struct store_package_details {
	int64_t message_date;  /* ms; 0 unknown */
	int64_t provider_time; /* ms; 0 unknown */
	const struct store_recipient *recipients;
	size_t n_recipients;
};

/* KERR_NOTFOUND when the package has no details (yet). Strings owned by *d. */
int store_package_details_get(struct store *store, int64_t package_id,
			      struct store_package_details *d, struct kerr *err);
void store_package_details_free(struct store_package_details *d);

/* Ids of packages without details, oldest first, at most limit. */
int store_package_details_missing(struct store *store, size_t limit, int64_t **ids_r,
				  size_t *n_r, struct kerr *err);
/* Back-fill: the details, and raw_names[i] as the file_name of part idx i
 * (NULL entries and parts beyond n_names are left alone), in one
 * transaction. Does nothing when the package has details already. */
int store_package_details_fill(struct store *store, int64_t package_id,
			       const struct store_package_details *d,
			       const char *const *raw_names, size_t n_names, struct kerr *err);

#endif
