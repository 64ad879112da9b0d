/* cert_info.h: what a reader needs to know of one certificate (subject,
 * issuer, serial, validity, fingerprint), named the way verification
 * results name signers (RFC 2253 order, UTF-8 kept), so a report can walk
 * from a check's signer up the chain by issuer. Thread-safe, no allocation. */
#ifndef KEP_CERT_INFO_H
#define KEP_CERT_INFO_H

#include <time.h>

#include <openssl/x509.h>

struct cert_info {
	char subject[256];
	char issuer[256];
	char serial[80];        /* hex */
	time_t not_before;      /* 0 when unreadable */
	time_t not_after;
	char sha256[65];        /* of the DER, hex */
	int self_issued;        /* subject == issuer */
};

/* Fills ci from x; -1 when the certificate cannot be encoded. */
int cert_info_get(X509 *x, struct cert_info *ci);

#endif
