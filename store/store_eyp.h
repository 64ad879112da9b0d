/* store_eyp.h: e-Yazisma metadata (from Ustveri.xml) of a stored package.
 *
 * Written with its package (store_package_insert). store_eyp_get() returns a
 * struct owned by the caller: store_eyp_free(). Thread safety: as struct
 * store. */
#ifndef KEP_STORE_EYP_H
#define KEP_STORE_EYP_H

#include <stdint.h>

#include "err.h"

struct store;

struct store_eyp {
	const char *belge_id, *konu, *tarih, *belge_no, *olusturan;
	/* NULL or a JSON array of the package's documents, main document(s)
	 * first: {main, name, description, type, size, digest} (digest:
	 * valid, invalid, not-digested, missing, withheld). Rows stored before
	 * that hold Ustveri's Ek entries {dosya_adi, ad, mime}. */
	const char *attachments_json;
};

/* 1 and *eyp_r when the package has e-Yazisma metadata, 0 when not. */
int store_eyp_get(struct store *store, int64_t package_id, struct store_eyp **eyp_r,
		  struct kerr *err);
void store_eyp_free(struct store_eyp **eyp);

#endif
