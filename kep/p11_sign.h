/* p11_sign.h: CAdES-BES signatures with a PKCS#11 token (libp11).
 *
 * Used by the EIMZA login (the officer's card signs the provider's
 * challenge) and by sending (the seal or the officer's card signs the
 * message). The result is a DER CMS SignedData, SHA-256 (never SHA-1), with
 * the content attached (or detached, for S/MIME multipart/signed) and the
 * ESS signing-certificate-v2 signed attribute; the
 * signer's certificate is included. The PIN is read once (file or
 * terminal, see pin.h), used for one login, and wiped. A rejected PIN is
 * KERR_AUTH with the tries-left state the token reports; it is never
 * retried here, because a retry loop locks cards. Not thread-safe (the
 * PKCS#11 module is loaded and unloaded per call). */
#ifndef KEP_P11_SIGN_H
#define KEP_P11_SIGN_H

#include <stddef.h>

#include "err.h"
#include "util.h"

struct p11_opts {
	const char *module;       /* PKCS#11 module path (required) */
	const char *token_label;  /* NULL: the first initialised token */
	const char *key_label;    /* key selected by label (else, when hex, by CKA_ID), */
	const char *key_id_hex;   /* or by CKA_ID in hex; neither: the only key */
	const char *pin_file;     /* NULL: ask on the terminal */
	int detached;             /* 1: the content is not put into the SignedData */
};

/* Signs data; appends the DER SignedData to der. */
int p11_cades_sign(const struct p11_opts *o, const void *data, size_t len,
		   struct kbuf *der, struct kerr *err);
/* Signs a SHA-256 digest computed elsewhere (MimeYap's eHash): a detached
 * SignedData whose messageDigest attribute is digest. Any other length is
 * refused (KERR_USAGE; a SHA-1 digest says so). */
int p11_cades_sign_digest(const struct p11_opts *o, const unsigned char *digest, size_t len,
			  struct kbuf *der, struct kerr *err);

#endif
