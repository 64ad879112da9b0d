/* xmldsig.h: verify the enveloped XML signature of a parsed document with
 * xmlsec (OpenSSL back end). Used by evidence.c.
 *
 * Only same-document references are followed, transforms are whitelisted
 * (enveloped, C14N family, base64, SHA-1/2 digests, RSA/ECDSA), key info is
 * read from the signature's X509Data, and trust comes only from `anchors`
 * (certificates in the document are untrusted helpers). One reference must
 * cover the whole document. The document gets its Id attributes registered
 * (duplicates are refused as malformed). Returns 0 with r filled (verdict
 * valid, invalid, untrusted, malformed or unsigned), -1 on internal error.
 * Thread-safe after the guarded one-time xmlsec initialisation. */
#ifndef KEP_XMLDSIG_H
#define KEP_XMLDSIG_H

#include <time.h>

#include <libxml/tree.h>
#include <openssl/x509.h>

#include "err.h"
#include "verdict.h"

struct xmldsig_result {
	enum verdict verdict;
	char reason[512];
	char subject[256];
	char serial[80];
	char issuer[256];
};

int xmldsig_verify_enveloped(xmlDocPtr doc, X509_STORE *anchors, STACK_OF(X509) *intermediates,
			     time_t at, struct xmldsig_result *r, struct kerr *err);

#endif
