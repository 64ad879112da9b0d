/* xmldsig.h: verify the enveloped XML signature of a parsed document with
 * xmlsec (OpenSSL back end). Used by evidence.c.
 *
 * Only same-document references are followed, transforms are whitelisted
 * (enveloped, C14N family, base64, SHA-1/2 digests, RSA/ECDSA), the key is
 * the signer certificate's from the signature's X509Data, and one reference
 * must cover the whole document: URI "", or "#id" naming the document
 * element itself (the element xmlsec digested, not an Id text: else
 * "signature wrapping"). An intact signature or reference digest in SHA-1
 * is VERDICT_WEAK (reported, not trusted); one with no X509Data certificate
 * (a bare KeyValue) is malformed. The certificate itself is NOT judged here
 * (no chain, time, usage or revocation): "valid" means the signature is
 * right for r->signer, and the caller judges r->signer (cert_verify) with
 * r->certs as untrusted helpers. The document gets its Id attributes
 * registered (duplicates are refused as malformed). Returns 0 with r filled
 * (verdict valid, weak, invalid, malformed or unsigned), -1 on internal error;
 * free r with xmldsig_result_free(). Thread-safe (xmlsec is initialised once
 * per process and its one keys manager is used under a lock). */
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
	X509 *signer;            /* owned: the certificate whose key verified, or NULL */
	STACK_OF(X509) *certs;   /* owned: every X509Data certificate, or NULL */
};

int xmldsig_verify_enveloped(xmlDocPtr doc, struct xmldsig_result *r, struct kerr *err);
void xmldsig_result_free(struct xmldsig_result *r);

#endif
