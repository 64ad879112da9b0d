/* mtom.h: turning a soap_resp into HTTP body bytes.
 *
 * Without binaries, or with inline_base64, the answer is one text/xml
 * document (binaries as base64 text). Otherwise it is MTOM/XOP as Axis2
 * sends it: multipart/related, the envelope as the application/xop+xml
 * root part, each binary a later application/octet-stream part referenced
 * by <xop:Include href="cid:..."/>. Modifies the response's tree. */
#ifndef KEPSIM_MTOM_H
#define KEPSIM_MTOM_H

#include "soap.h"
#include "util.h"

struct encoded {
	struct kbuf body;       /* owned: kbuf_free() */
	char *content_type;     /* owned: free() */
	size_t cut;             /* where truncated-mtom cuts: inside the last part (0: none) */
};

void mtom_encode(struct soap_resp *r, int inline_base64, struct encoded *out);
void encoded_free(struct encoded *e);

#endif
