/* trust.h: trust anchors, intermediates and TSA anchors from configuration.
 *
 * Anchors are configuration, never compiled in and never taken from a
 * message: a root certificate carried inside a CMS stays untrusted. Sources
 * are PEM files, directories of PEM files (*.pem, *.crt, *.cer) or a Kamu SM
 * certificate store XML (<koksertifika> elements with a base64 DER <mValue>;
 * recognised by content, parsed with XML_PARSE_NONET, documents with a DTD
 * refused). Load everything first, then share the store read-only between
 * threads: lookups and verification against it are thread-safe, loading is
 * not. If no TSA anchor is configured, time-stamp tokens are judged against
 * the signature anchors (TRUST_ANCHOR). The store also holds who may sign
 * as a KEPHS (signer_role.h). */
#ifndef KEP_TRUST_H
#define KEP_TRUST_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "err.h"

enum trust_kind {
	TRUST_ANCHOR = 0,   /* roots for signatures (CMS, CAdES, XAdES) */
	TRUST_INTERMEDIATE, /* untrusted helpers for chain building */
	TRUST_TSA_ANCHOR,   /* roots for time-stamp tokens */
	TRUST_KEPHS,        /* KEPHS signing certificates: load with trust_load_kephs() */
};

struct trust_store;
struct kephs_signers;

struct trust_store *trust_new(void);
/* Frees the store and sets *ts to NULL; NULL-safe. */
void trust_free(struct trust_store **ts);
/* Loads every certificate from path (PEM file, directory, or Kamu SM XML)
 * as kind. Fails if path holds no certificate at all. */
int trust_load(struct trust_store *ts, enum trust_kind kind, const char *path,
	       struct kerr *err);
/* Adds one certificate (up-referenced; the caller keeps its reference). */
int trust_add_cert(struct trust_store *ts, enum trust_kind kind, X509 *cert, struct kerr *err);
/* Parses a Kamu SM certificate store document held in memory. */
int trust_load_kamusm_xml(struct trust_store *ts, enum trust_kind kind, const void *xml,
			  size_t len, struct kerr *err);

/* KEPHS signing identities (signer_role.h): the certificates in path (PEM
 * file or directory) may sign envelopes and delils for provider ("ptt";
 * NULL: any provider). */
int trust_load_kephs(struct trust_store *ts, const char *provider, const char *path,
		     struct kerr *err);
/* Borrowed: the store's KEPHS signers (never NULL); add rules to it while
 * loading (kephs_signers_add_rule), never after sharing the store. */
struct kephs_signers *trust_kephs(const struct trust_store *ts);

size_t trust_count(const struct trust_store *ts, enum trust_kind kind);
/* Changes whenever the store's content changes; part of chain cache keys. */
uint64_t trust_generation(const struct trust_store *ts);
/* Borrowed: the X509_STORE of anchors for TRUST_ANCHOR or TRUST_TSA_ANCHOR
 * (falls back to TRUST_ANCHOR when no TSA anchor is loaded). Never modify. */
X509_STORE *trust_x509_store(const struct trust_store *ts, enum trust_kind kind);
/* Borrowed: the configured intermediates (may be empty, never NULL). */
STACK_OF(X509) *trust_intermediates(const struct trust_store *ts);

#endif
