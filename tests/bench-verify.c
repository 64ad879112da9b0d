/* bench-verify: verifies 1,000 packages from one signer with the cached path
 * (cms_verify_detached + chain cache) and with a naive loop of full
 * CMS_verify per package on the same input, and prints both times and the
 * ratio. Not a timed test: run it by hand after making a PKI,
 *   sh tests/verify-mkpki.sh /tmp/pki 1 2 && VPKI=/tmp/pki tests/bench-verify [N]
 * (revocation is offline: the ports are not used). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>

#include "chain_cache.h"
#include "cms_verify.h"
#include "trust.h"
#include "util.h"
#include "verify-testlib.h"

static double secs(int64_t a, int64_t b)
{
	return (double)(b - a) / 1000.0;
}

static void bench(const char *label, const char *signer, const char *inter, const char *root,
		  int n)
{
	struct tl_sign_opts so = { .signer = signer, .chain = { inter } };
	struct tl_sig *sigs = xcalloc((size_t)n, sizeof(*sigs));
	char **bodies = xcalloc((size_t)n, sizeof(*bodies));
	struct trust_store *ts = trust_new();
	struct chain_cache *cc = chain_cache_new(0);
	struct verify_opts vo = { .trust = ts, .cache = cc };
	X509 *rootc = tl_cert(root);
	struct kerr err;
	int64_t t0, t1, t2;
	int i, bad = 0;

	trust_add_cert(ts, TRUST_ANCHOR, rootc, &err);
	for (i = 0; i < n; i++) {
		bodies[i] = xasprintf("Content-Type: text/plain\r\n\r\nPackage %d\r\n", i);
		tl_sign(&so, bodies[i], strlen(bodies[i]), &sigs[i]);
	}
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		struct cms_result res;
		if (cms_verify_detached(&vo, sigs[i].der, sigs[i].len, bodies[i], strlen(bodies[i]),
					&res, &err) < 0 || res.verdict > VERDICT_REVOCATION_UNKNOWN)
			bad++;
		cms_result_free(&res);
	}
	t1 = now_ms();
	for (i = 0; i < n; i++) {
		const unsigned char *p = sigs[i].der;
		CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)sigs[i].len);
		BIO *in = BIO_new_mem_buf(bodies[i], (int)strlen(bodies[i]));
		if (cms == NULL || !CMS_verify(cms, NULL, trust_x509_store(ts, TRUST_ANCHOR), in, NULL,
					       CMS_BINARY))
			bad++;
		BIO_free(in);
		CMS_ContentInfo_free(cms);
	}
	t2 = now_ms();
	printf("%-28s n=%d  cached %.3f s (%.3f ms/pkg, %lu chain builds)  naive CMS_verify %.3f s"
	       " (%.3f ms/pkg)  ratio naive/cached %.1fx%s\n",
	       label, n, secs(t0, t1), secs(t0, t1) * 1000.0 / n, chain_cache_misses(cc),
	       secs(t1, t2), secs(t1, t2) * 1000.0 / n,
	       secs(t0, t1) > 0 ? secs(t1, t2) / secs(t0, t1) : 0.0, bad ? "  ERRORS" : "");
	for (i = 0; i < n; i++) {
		tl_sig_free(&sigs[i]);
		free(bodies[i]);
	}
	free(sigs);
	free(bodies);
	X509_free(rootc);
	chain_cache_free(&cc);
	trust_free(&ts);
	ERR_clear_error();
	if (bad)
		exit(1);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1000;

	if (n <= 0)
		n = 1000;
	bench("P-256 leaf, P-384 chain", "ec-leaf", "ec-inter", "ec-root", n);
	bench("RSA-2048 leaf, RSA chain", "rsa-leaf", "rsa-inter", "rsa-root", n);
	return 0;
}
