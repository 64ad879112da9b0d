/* store_kep_id_reuse.h: a kepId the provider lists again with another
 * kepSiraNo than the stored package's (schema 19, kep_id_reuses).
 *
 * Packages are unique by (account, folder, kepId), and a stored package's
 * bytes are never overwritten: the second package listed under the id is
 * recorded beside the first, keyed by the stored package and the number it
 * was listed with, with its bytes as downloaded by that number, so it is
 * neither lost nor taken for the stored one. A person decides what it is
 * (kepagent(8), FILES). Thread safety: as struct store. */
#ifndef KEP_STORE_KEP_ID_REUSE_H
#define KEP_STORE_KEP_ID_REUSE_H

#include <stdint.h>

#include "store.h"
#include "store_blob.h"

/* 1 when the package listed as listed_seq under package_id's kepId has its
 * bytes kept, 0 when not (never recorded, or recorded without them). */
int store_kep_id_reuse_kept(struct store *store, int64_t package_id, const char *listed_seq,
			    struct kerr *err);

/* Records the package listed as listed_seq under the kepId of package_id
 * (actor, account and kep_id for the audit line), with its bytes when raw is not
 * NULL (written into a row that has none yet). One transaction; the audit
 * line package.kep-id-reused is written when the row is new. *new_r (may be
 * NULL): 1 when the row is new. */
int store_kep_id_reuse_record(struct store *store, const char *actor, const char *account,
			      const char *kep_id, int64_t package_id, const char *listed_seq,
			      const struct store_content *raw, int *new_r, struct kerr *err);

#endif
