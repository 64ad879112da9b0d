/* cms_verify.h: verify CMS SignedData (S/MIME, CAdES) and certificate chains.
 *
 * Input is the DER (or PEM) of a CMS ContentInfo exactly as received, and
 * for a detached signature the exact signed bytes: never rewrite line
 * endings before calling. Every SignerInfo gets a struct sig_report: the
 * signature over the bytes, ESS signing-certificate(-v2) binding, key usage
 * (digitalSignature or nonRepudiation) and EKU, the chain to the configured
 * anchors (intermediates from the message or configuration; a root carried
 * in the message is never trusted), revocation, weak algorithms (SHA-1, RSA
 * < 2048, EC < 256 -> "weak") and the signature time stamp (tstamp.h). When
 * the time stamp is valid the certificates are judged at the time-stamped
 * moment; otherwise at opts->validation_time (0: now).
 *
 * Return values: 0 when a judgement was made (even "malformed" or
 * "invalid": look at the verdicts), -1 only when verification could not be
 * carried out (unreadable file, internal error), with err filled.
 * Thread-safe as long as the trust store is no longer being loaded; the
 * chain cache and revocation object may be shared. */
#ifndef KEP_CMS_VERIFY_H
#define KEP_CMS_VERIFY_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "err.h"
#include "verdict.h"
#include "revocation.h"
#include "signer_role.h"

struct trust_store;
struct chain_cache;

struct verify_opts {
	const struct trust_store *trust; /* required; borrowed */
	struct revocation *rev;          /* NULL: offline ("revocation not checked") */
	struct chain_cache *cache;       /* NULL: verify every chain in full */
	time_t validation_time;          /* 0: the current time */
	/* EKU required of a signer certificate that has an EKU extension:
	 * NULL means emailProtection (S/MIME), "" means no EKU check, else a
	 * short name ("codeSigning") or dotted OID. anyExtendedKeyUsage passes. */
	const char *signer_eku;
	/* Who must have signed (signer_role.h): SIGNER_KEPHS for envelopes and
	 * delils, checked after the chain against trust_kephs(trust) for
	 * provider (NULL: any configured provider). */
	enum signer_role role;
	const char *provider;
};

/* The sub-report of an RFC 3161 signature time stamp. */
struct ts_report {
	int present;              /* 0: no time-stamp attribute */
	enum verdict verdict;     /* valid, invalid, untrusted, expired, malformed, weak */
	char reason[384];
	char tsa_subject[256];
	char serial[80];          /* token serial number, hex */
	time_t gen_time;          /* genTime; 0 when unknown */
};

struct sig_report {
	enum verdict verdict;     /* the signature and its certificate (not the time stamp) */
	char reason[512];
	char subject[256];        /* signer certificate subject, RFC 2253-ish one line */
	char serial[80];          /* signer certificate serial, hex */
	char issuer[256];
	time_t signing_time;      /* signed attribute signingTime; 0 when absent */
	time_t validation_time;   /* the time the certificates were judged at */
	enum rev_status revocation;
	struct ts_report ts;
};

struct cms_result {
	enum verdict verdict;      /* worst over the signers, time stamps included */
	char reason[512];          /* why the whole object failed (malformed), else the worst signer's */
	size_t nsigners;
	struct sig_report *signers; /* owned: nsigners entries */
	unsigned char *content;    /* attached only: owned copy of eContent, else NULL */
	size_t content_len;
};

/* The verdict of one signer including its time stamp: the worse of the two. */
enum verdict sig_report_overall(const struct sig_report *r);

/* Detached signature over content/content_len. */
int cms_verify_detached(const struct verify_opts *o, const void *cms, size_t cms_len,
			const void *content, size_t content_len, struct cms_result *res,
			struct kerr *err);
/* Opaque (attached) SignedData: on success res->content holds the signed content. */
int cms_verify_attached(const struct verify_opts *o, const void *cms, size_t cms_len,
			struct cms_result *res, struct kerr *err);
/* The encapsulated content of an opaque SignedData, NOT verified: for
 * parsing what cms_verify_attached() then proves (its res->content must be
 * the same bytes). *out is an owned NUL-terminated copy (free()), NULL when
 * the SignedData holds no content (detached). -1 with KERR_MALFORMED when
 * cms is not a SignedData, or its content type is not id-data (the content
 * is not a MIME entity then). */
int cms_content(const void *cms, size_t cms_len, unsigned char **out, size_t *out_len,
		struct kerr *err);
/* Frees what a cms_result owns and zeroes it; NULL-safe. */
void cms_result_free(struct cms_result *res);

/* Judges a certificate alone (e.g. the signer of an XML signature checked
 * by xmlsec): chain to the anchors with helpers from extra (may be NULL)
 * and the configuration, key usage, EKU per o->signer_eku, weak key,
 * revocation, at time at (0: o->validation_time or now). Fills rep (ts not
 * present). Returns 0, or -1 on internal error. */
int cert_verify(const struct verify_opts *o, X509 *leaf, STACK_OF(X509) *extra, time_t at,
		struct sig_report *rep, struct kerr *err);

/* Chain verifications actually run (cache misses and uncached); for tests. */
unsigned long cms_verify_chain_builds(void);

#endif
