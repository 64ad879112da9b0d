/* ocsp_responder.h: answers one DER OCSP request from the test PKI.
 *
 * pki is MAILBOX/pki. Each ocsp/responders.tsv line is
 * "ca-name <TAB> index <TAB> ca-cert <TAB> signer-cert <TAB> signer-key"
 * (paths relative to pki). Status comes from the CA's openssl-ca index:
 * V good, R revoked (with its time and reason), absent unknown. A request
 * for a CA that is not listed gets "unauthorized", one that does not parse
 * "malformedRequest". Always returns a DER OCSPResponse in *out (malloc'ed).
 * Thread-safe (no shared state). */
#ifndef KEPSIM_OCSP_RESPONDER_H
#define KEPSIM_OCSP_RESPONDER_H

#include <stddef.h>

void ocsp_answer(const char *pki, const unsigned char *req, size_t len,
		 unsigned char **out, size_t *out_len);

#endif
