/* evidence.h: ETSI TS 102 640-2 REM evidence (PTT "delil") documents.
 *
 * Input is the eDelil bytes as downloaded: plain XML or a ZIP holding one
 * XML file (zip_safe.h bounds). The XML is parsed only through xml_safe.h
 * (documents with a DTD are refused before parsing). The namespace
 * http://uri.etsi.org/02640/v2# is **assumed**: any namespace and prefix is
 * accepted, elements are matched by local name, and the root element's
 * local name is taken as the evidence type.
 *
 * The enveloped ds:Signature is verified with xmlsec: references only to the
 * same document (URI "" or "#id"), a whitelist of transforms (no XSLT, no
 * XPath), trust anchors only from the caller; certificates inside X509Data
 * serve as untrusted intermediates at most. One reference must cover the
 * whole document (URI "" or "#<root Id>"). The signer certificate is then
 * judged: with opts->verify by cert_verify() (any verdict it gives:
 * untrusted, expired, revoked, revocation-unknown, weak...), else by a plain
 * chain to opts->anchors (untrusted or expired). Verdicts: valid, invalid
 * (signature or digest wrong), malformed, unsigned, or the certificate's.
 *
 * Return: 0 when a verdict was given (even malformed: look at ev->verdict),
 * -1 only for internal failures. Everything in struct evidence is owned by
 * it; free with evidence_free(). Thread-safe after the first call (one-time
 * xmlsec initialisation is guarded). */
#ifndef KEP_EVIDENCE_H
#define KEP_EVIDENCE_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "cms_verify.h"
#include "err.h"
#include "verdict.h"

#define EVIDENCE_MAX_LEN (16u * 1024 * 1024)

struct evidence_opts {
	/* borrowed, may be NULL: when set the signer certificate is judged by
	 * cert_verify() like a CMS signer (chain cache, key usage, EKU,
	 * revocation, expired vs untrusted) and anchors/intermediates are unused */
	const struct verify_opts *verify;
	X509_STORE *anchors;            /* borrowed: trust_x509_store(ts, TRUST_ANCHOR); NULL: none */
	STACK_OF(X509) *intermediates;  /* borrowed, may be NULL: trust_intermediates(ts) */
	time_t at;                      /* certificate validity time; 0: now */
	const void *original;           /* the stored original message bytes, or NULL */
	size_t original_len;
	int provider_code;              /* delilTurId as the provider gave it (0: none) */
};

enum evidence_digest {
	EVIDENCE_DIGEST_UNCHECKED = 0,  /* no original given */
	EVIDENCE_DIGEST_MATCH,
	EVIDENCE_DIGEST_MISMATCH,
	/* the delil binds no message: it carries no digest, or one in an
	 * algorithm not accepted as proof (digest_uri.h); whatever the original */
	EVIDENCE_DIGEST_ABSENT,
	EVIDENCE_DIGEST_UNSUPPORTED,
};

struct evidence {
	/* fields; NULL when absent */
	char *type;              /* root local name, e.g. SubmissionAcceptanceRejection */
	char *ns;                /* root namespace URI */
	char *event_code;        /* e.g. http://uri.etsi.org/02640/Event#Acceptance */
	char *event_reasons;
	char *evidence_id;
	char *issuer;            /* EvidenceIssuerDetails, name (or address) */
	char *event_time;
	char *submission_time;
	char *sender;
	char *recipients;        /* comma separated */
	char *subject;           /* SenderMessageDetails/MessageSubject */
	char *ua_message_id;
	char *remmd_message_id;
	char *digest_method;     /* Algorithm URI */
	char *digest_value;      /* base64 as written */
	int delil_code;          /* PTT code mapped from type+event (0: unknown mapping) */
	int provider_code;       /* as given by the provider, kept even when unknown */
	/* signature */
	enum verdict verdict;
	char reason[512];
	char signer_subject[256];
	char signer_serial[80];  /* hex */
	char signer_issuer[256];
	X509 *signer_cert;       /* owned: the certificate whose key verified, or NULL */
	/* SenderMessageDetails digest against the stored original */
	enum evidence_digest digest;
	char digest_reason[256];
};

int evidence_verify(const void *data, size_t len, const struct evidence_opts *o,
		    struct evidence *ev, struct kerr *err);
void evidence_free(struct evidence *ev);
/* The SenderMessageDetails digest of ev (from evidence_verify) checked
 * again, against original (NULL: none): ev->digest and ev->digest_reason
 * as evidence_verify() would set them with o->original, without parsing or
 * verifying the document again. */
void evidence_check_digest(struct evidence *ev, const void *original, size_t original_len);
const char *evidence_digest_name(enum evidence_digest d); /* "unchecked", "match", "mismatch" */

#endif
