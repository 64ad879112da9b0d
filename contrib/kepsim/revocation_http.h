/* revocation_http.h: the plain-HTTP listener for revocation data.
 *
 * GET <anything>/<name>.crl serves MAILBOX/pki/crl/<name>.crl (certificates
 * name <revocation-base>/crl/<ca>.crl; only the last path component is
 * used, so any base URL maps here). POST with an OCSP request (RFC 6960,
 * any path) or GET <path>/<base64 request> answers from the openssl-ca
 * databases listed in MAILBOX/pki/ocsp/responders.tsv, signed by the
 * responder named there. Files are read per request. Loopback only. */
#ifndef KEPSIM_REVOCATION_HTTP_H
#define KEPSIM_REVOCATION_HTTP_H

#include "err.h"

struct revocation_http;

int revocation_http_start(const char *mailbox, int port, struct revocation_http **out,
			  int *bound_port, struct kerr *err);
void revocation_http_stop(struct revocation_http **r);

#endif
