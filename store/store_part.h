/* store_part.h: the MIME parts and attachments of a stored package.
 *
 * Parts are written with their package (store_package_insert); this header
 * describes them and lists them. Content is read back with store_blob_read*
 * (STORE_BLOB_PART, part id). Listed rows are owned by the caller:
 * store_part_rows_free(). Thread safety: as struct store. */
#ifndef KEP_STORE_PART_H
#define KEP_STORE_PART_H

#include <stddef.h>
#include <stdint.h>

#include "store_blob.h"

/* role: "envelope", "original", "body", "attachment", "eyp", "signature",
 * "evidence" or "other" (the schema refuses anything else). */
struct store_part_meta {
	const char *role;
	const char *content_type;
	const char *file_name;     /* as received: untrusted */
	const char *safe_name;     /* sanitised for the file system */
};

struct store_part {
	struct store_part_meta meta;
	struct store_content content;
};

struct store_part_row {
	int64_t id, package_id;
	int idx;
	struct store_part_meta meta;   /* strings owned by the row */
	int64_t size;
	unsigned char sha256[32];
};

/* In index order. */
int store_part_list(struct store *store, int64_t package_id,
		    struct store_part_row **rows_r, size_t *n_r, struct kerr *err);
void store_part_rows_free(struct store_part_row **rows, size_t n);

#endif
