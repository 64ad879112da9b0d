/* digest_uri.h: XML digest algorithm URIs and base64 digest comparison,
 * shared by evidence (SenderMessageDetails) and eyp (PaketOzeti).
 * Only SHA-256/384/512 are accepted (xmlenc#sha256, xmldsig-more#sha384,
 * xmlenc#sha512 and any URI ending in those fragments). Thread-safe. */
#ifndef KEP_DIGEST_URI_H
#define KEP_DIGEST_URI_H

#include <stddef.h>

#include <openssl/evp.h>

/* The digest for an algorithm URI, or NULL (unknown or too weak). */
const EVP_MD *digest_for_uri(const char *uri);
/* 1 when the digest of data equals the base64 value (white space ignored),
 * 0 when it differs, -1 when the base64 is unreadable. */
int digest_b64_matches(const EVP_MD *md, const void *data, size_t len, const char *b64);

#endif
