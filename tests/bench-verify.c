/* bench-verify: verifies N (default 1,000) packages from one signer three
 * ways on the same input and prints the times and ratios: the cached path
 * (cms_verify_detached + chain cache), a naive loop of full CMS_verify per
 * package, and leaf-only CMS_verify (CMS_NO_SIGNER_CERT_VERIFY: the
 * signature checked, no chain built: the floor the cached path is held
 * against, issue 15: <= 1.5x leaf-only). The three run alternated, three
 * rounds each, and the median round is printed. Not a timed test: make
 * bench runs it, or by hand after making a PKI,
 *   sh tests/verify-mkpki.sh /tmp/pki 1 2 && VPKI=/tmp/pki tests/bench-verify [N]
 * (revocation is offline: the ports are not used). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/err.h>

#include "chain_cache.h"
#include "cms_verify.h"
#include "trust.h"
#include "util.h"
#include "verify-testlib.h"

#define ROUNDS 3

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum way { CACHED, NAIVE, LEAF, N_WAYS };

struct input {
	struct tl_sig *sigs;
	char **bodies;
	int n;
	struct verify_opts *vo;
	X509_STORE *anchors;
};

/* One pass over the packages one way; the number that did not verify. */
static int pass(const struct input *in, enum way w)
{
	int i, bad = 0;

	for (i = 0; i < in->n; i++) {
		const char *body = in->bodies[i];
		struct cms_result res;
		struct kerr err;

		if (w == CACHED) {
			if (cms_verify_detached(in->vo, in->sigs[i].der, in->sigs[i].len, body,
						strlen(body), &res, &err) < 0 ||
			    res.verdict > VERDICT_REVOCATION_UNKNOWN)
				bad++;
			cms_result_free(&res);
		} else {
			const unsigned char *p = in->sigs[i].der;
			CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)in->sigs[i].len);
			BIO *bio = BIO_new_mem_buf(body, (int)strlen(body));
			unsigned flags = CMS_BINARY | (w == LEAF ? CMS_NO_SIGNER_CERT_VERIFY : 0);

			if (cms == NULL || !CMS_verify(cms, NULL, in->anchors, bio, NULL, flags))
				bad++;
			BIO_free(bio);
			CMS_ContentInfo_free(cms);
		}
	}
	return bad;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench(const char *label, const char *signer, const char *inter, const char *root,
		  int n)
{
	struct tl_sign_opts so = { .signer = signer, .chain = { inter } };
	struct trust_store *ts = trust_new();
	struct chain_cache *cc = chain_cache_new(0);
	struct verify_opts vo = { .trust = ts, .cache = cc };
	struct input in = { .n = n, .vo = &vo };
	X509 *rootc = tl_cert(root);
	double t[N_WAYS][ROUNDS], med[N_WAYS], t0;
	struct kerr err;
	int i, r, w, bad = 0;

	trust_add_cert(ts, TRUST_ANCHOR, rootc, &err);
	in.anchors = trust_x509_store(ts, TRUST_ANCHOR);
	in.sigs = xcalloc((size_t)n, sizeof(*in.sigs));
	in.bodies = xcalloc((size_t)n, sizeof(*in.bodies));
	for (i = 0; i < n; i++) {
		in.bodies[i] = xasprintf("Content-Type: text/plain\r\n\r\nPackage %d\r\n", i);
		tl_sign(&so, in.bodies[i], strlen(in.bodies[i]), &in.sigs[i]);
	}
	for (r = 0; r < ROUNDS; r++)
		for (w = 0; w < N_WAYS; w++) {
			t0 = now_s();
			bad += pass(&in, (enum way)w);
			t[w][r] = now_s() - t0;
		}
	for (w = 0; w < N_WAYS; w++) {
		qsort(t[w], ROUNDS, sizeof(t[w][0]), cmp_double);
		med[w] = t[w][ROUNDS / 2];
	}
	printf("%-28s n=%d  cached %.3f s (%.3f ms/pkg, %lu chain builds)  naive CMS_verify %.3f s"
	       " (%.3f ms/pkg)  leaf-only %.3f s (%.3f ms/pkg)  ratio naive/cached %.1fx"
	       "  cached/leaf-only %.2fx%s\n",
	       label, n, med[CACHED], med[CACHED] * 1000.0 / n, chain_cache_misses(cc), med[NAIVE],
	       med[NAIVE] * 1000.0 / n, med[LEAF], med[LEAF] * 1000.0 / n,
	       med[CACHED] > 0 ? med[NAIVE] / med[CACHED] : 0.0,
	       med[LEAF] > 0 ? med[CACHED] / med[LEAF] : 0.0, bad ? "  ERRORS" : "");
	for (i = 0; i < n; i++) {
		tl_sig_free(&in.sigs[i]);
		free(in.bodies[i]);
	}
	free(in.sigs);
	free(in.bodies);
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
