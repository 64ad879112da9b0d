/* verify-testlib.c: see verify-testlib.h. */
#include "verify-testlib.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ts.h>

#include "util.h"

static void die(const char *what)
{
	fprintf(stderr, "verify-testlib: %s\n", what);
	ERR_print_errors_fp(stderr);
	abort();
}

const char *tl_dir(void)
{
	const char *d = getenv("VPKI");

	if (d == NULL)
		die("VPKI not set (run through tests/verify-cms.sh)");
	return d;
}

char *tl_path(const char *name)
{
	return xasprintf("%s/%s", tl_dir(), name);
}

X509 *tl_cert(const char *name)
{
	char *p = xasprintf("%s/%s.crt", tl_dir(), name);
	FILE *f = fopen(p, "r");
	X509 *x = f != NULL ? PEM_read_X509(f, NULL, NULL, NULL) : NULL;

	if (f != NULL)
		fclose(f);
	if (x == NULL)
		die(p);
	free(p);
	return x;
}

EVP_PKEY *tl_key(const char *name)
{
	char *p = xasprintf("%s/%s.key", tl_dir(), name);
	FILE *f = fopen(p, "r");
	EVP_PKEY *k = f != NULL ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;

	if (f != NULL)
		fclose(f);
	if (k == NULL)
		die(p);
	free(p);
	return k;
}

static time_t ts_at;

static int ts_time_cb(TS_RESP_CTX *ctx, void *data, long *sec, long *usec)
{
	(void)ctx;
	(void)data;
	*sec = (long)(ts_at != 0 ? ts_at : time(NULL));
	*usec = 0;
	return 1;
}

static void add_timestamp(const struct tl_sign_opts *so, CMS_SignerInfo *si)
{
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	unsigned char d[32], *der = NULL;
	unsigned int dl;
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	X509 *tsa = tl_cert(so->tsa);
	EVP_PKEY *tkey = tl_key(so->tsa);
	ASN1_OBJECT *policy = OBJ_txt2obj("1.2.3.4.1", 1);
	BIO *rb = BIO_new(BIO_s_mem());
	TS_RESP *resp;
	int len;

	EVP_Digest(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), d, &dl,
		   EVP_sha256(), NULL);
	if (so->ts_bad_imprint)
		d[0] ^= 0xff;
	X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL);
	TS_MSG_IMPRINT_set_algo(mi, alg);
	TS_MSG_IMPRINT_set_msg(mi, d, (int)dl);
	TS_REQ_set_version(req, 1);
	TS_REQ_set_msg_imprint(req, mi);
	TS_REQ_set_cert_req(req, 1);
	i2d_TS_REQ_bio(rb, req);
	TS_RESP_CTX_set_signer_cert(ctx, tsa);
	TS_RESP_CTX_set_signer_key(ctx, tkey);
	TS_RESP_CTX_set_def_policy(ctx, policy);
	TS_RESP_CTX_add_md(ctx, EVP_sha256());
	TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256());
	TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256());
	ts_at = so->ts_time;
	TS_RESP_CTX_set_time_cb(ctx, ts_time_cb, NULL);
	resp = TS_RESP_create_response(ctx, rb);
	if (resp == NULL || TS_RESP_get_token(resp) == NULL)
		die("TS_RESP_create_response");
	len = i2d_PKCS7(TS_RESP_get_token(resp), &der);
	if (len <= 0 || !CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken,
						       V_ASN1_SEQUENCE, der, len))
		die("adding the time-stamp token");
	OPENSSL_free(der);
	TS_RESP_free(resp);
	TS_RESP_CTX_free(ctx);
	ASN1_OBJECT_free(policy);
	BIO_free(rb);
	X509_free(tsa);
	EVP_PKEY_free(tkey);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
}

void tl_sign(const struct tl_sign_opts *so, const void *data, size_t len, struct tl_sig *out)
{
	unsigned int flags = CMS_BINARY | CMS_PARTIAL | CMS_CADES | (so->attached ? 0 : CMS_DETACHED);
	X509 *signer = tl_cert(so->signer);
	EVP_PKEY *key = tl_key(so->signer);
	const EVP_MD *md = EVP_get_digestbyname(so->md != NULL ? so->md : "sha256");
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	CMS_SignerInfo *si;
	BIO *in = BIO_new_mem_buf(data, (int)len);
	unsigned char *der = NULL;
	int i, n;

	if (cms == NULL || md == NULL)
		die("CMS_sign");
	si = CMS_add1_signer(cms, signer, key, md, flags);
	if (si == NULL)
		die("CMS_add1_signer");
	for (i = 0; i < 3 && so->chain[i] != NULL; i++) {
		X509 *c = tl_cert(so->chain[i]);
		CMS_add1_cert(cms, c);
		X509_free(c);
	}
	if (!CMS_final(cms, in, NULL, flags))
		die("CMS_final");
	if (so->tsa != NULL)
		add_timestamp(so, si);
	n = i2d_CMS_ContentInfo(cms, &der);
	if (n <= 0)
		die("i2d_CMS_ContentInfo");
	out->der = xmalloc((size_t)n);
	memcpy(out->der, der, (size_t)n);
	out->len = (size_t)n;
	OPENSSL_free(der);
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	X509_free(signer);
	EVP_PKEY_free(key);
}

void tl_sig_free(struct tl_sig *s)
{
	free(s->der);
	s->der = NULL;
	s->len = 0;
}
