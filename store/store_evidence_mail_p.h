/* store_evidence_mail_p.h: the pending extraction written with its
 * carrying package (store/package.c), inside the package's transaction. */
#ifndef KEP_STORE_EVIDENCE_MAIL_P_H
#define KEP_STORE_EVIDENCE_MAIL_P_H

#include "store_evidence_mail.h"

int st_evidence_mail_insert(struct store *s, int64_t package_id, enum store_evidence_mail kind,
			    struct kerr *err);

#endif
