/* store_part_p.h: writing parts (private to store/; called inside a transaction). */
#ifndef KEP_STORE_PART_P_H
#define KEP_STORE_PART_P_H

#include "store_part.h"
#include "store_p.h"

int st_part_insert(struct store *s, int64_t package_id, int idx, const struct store_part *p,
		   struct kerr *err);

#endif
