/* store_eyp_p.h: writing e-Yazisma metadata (private to store/). */
#ifndef KEP_STORE_EYP_P_H
#define KEP_STORE_EYP_P_H

#include "store_eyp.h"
#include "store_p.h"

int st_eyp_insert(struct store *s, int64_t package_id, const struct store_eyp *e,
		  struct kerr *err);

#endif
