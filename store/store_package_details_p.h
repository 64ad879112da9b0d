/* store_package_details_p.h: writing package details inside the caller's
 * transaction (store_package_insert). */
#ifndef KEP_STORE_PACKAGE_DETAILS_P_H
#define KEP_STORE_PACKAGE_DETAILS_P_H

#include "store_p.h"
#include "store_package_details.h"

int st_details_insert(struct store *s, int64_t package_id, const struct store_package_details *d,
		      struct kerr *err);

#endif
