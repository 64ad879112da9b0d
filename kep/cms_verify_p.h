/* cms_verify_p.h: internals shared by cms_verify.c and tstamp.c. */
#ifndef KEP_CMS_VERIFY_P_H
#define KEP_CMS_VERIFY_P_H

#include <openssl/cms.h>

#include "chain_cache.h"
#include "cms_verify.h"
#include "trust.h"

struct chain_req {
	X509 *leaf;
	STACK_OF(X509) *extra;  /* certificates from the message; may be NULL */
	enum trust_kind anchors; /* TRUST_ANCHOR or TRUST_TSA_ANCHOR */
	int purpose;            /* 0: our own key usage/EKU checks, else X509_PURPOSE_* */
	const char *eku;        /* as verify_opts.signer_eku, when purpose is 0 */
	time_t at;
};

/* Chain, key usage, weak keys and revocation, through the cache. */
void chain_judge(const struct verify_opts *o, const struct chain_req *rq,
		 struct chain_entry *out);
/* 1 when si's ESS signing-certificate(-v2) attribute (if any) names signer. */
int ess_binding_ok(CMS_SignerInfo *si, X509 *signer, STACK_OF(X509) *certs);
/* Time helpers: 0 on failure. */
time_t asn1_time_to_time_t(const ASN1_TIME *t);
void fmt_time(time_t t, char *buf, size_t len);
void name_oneline(const X509_NAME *n, char *buf, size_t len);
void serial_hex(const ASN1_INTEGER *s, char *buf, size_t len);
/* 1 when the digest NID is SHA-1 or MD5. */
int weak_md_nid(int md_nid);
/* A digest's display name for reasons: "SHA-1", "MD5", else OpenSSL's short name. */
const char *weak_md_label(int md_nid);

#endif
