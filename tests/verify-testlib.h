/* verify-testlib.h: test material for the verification tests and the
 * benchmark: loads the PKI made by verify-mkpki.sh and signs in process
 * (CMS, optional RFC 3161 token at a chosen time). Aborts on any failure:
 * it is test scaffolding, not product code. */
#ifndef KEP_VERIFY_TESTLIB_H
#define KEP_VERIFY_TESTLIB_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct tl_sig {
	unsigned char *der;
	size_t len;
};

struct tl_sign_opts {
	const char *signer;    /* PKI name, e.g. "rsa-leaf" */
	const char *chain[3];  /* certificates to include besides the signer */
	const char *md;        /* "sha256" when NULL */
	int attached;
	const char *tsa;       /* NULL: no time stamp */
	time_t ts_time;        /* genTime; 0: now */
	int ts_bad_imprint;    /* stamp a different value */
};

/* PKI directory from $VPKI. */
const char *tl_dir(void);
X509 *tl_cert(const char *name);
EVP_PKEY *tl_key(const char *name);
char *tl_path(const char *name);  /* malloc'd */
void tl_sign(const struct tl_sign_opts *so, const void *data, size_t len, struct tl_sig *out);
void tl_sig_free(struct tl_sig *s);

#endif
