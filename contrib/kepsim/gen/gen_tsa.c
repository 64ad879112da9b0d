/* gen_tsa.c: an RFC 3161 time-stamp authority in process (OpenSSL TS_RESP_CTX),
 * so that tokens can be dated in the past and their imprint chosen freely. */
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ts.h>

#include "gen.h"

static int time_cb(TS_RESP_CTX *ctx, void *data, long *sec, long *usec)
{
	(void)ctx;
	*sec = (long)*(const time_t *)data;
	*usec = 0;
	return 1;
}

static ASN1_INTEGER *serial_cb(TS_RESP_CTX *ctx, void *data)
{
	(void)ctx;
	static long serial = 1;
	(void)data;
	ASN1_INTEGER *i = ASN1_INTEGER_new();
	if (i)
		ASN1_INTEGER_set(i, serial++);
	return i;
}

static TS_REQ *make_request(const EVP_MD *md, const unsigned char *imprint, size_t ilen)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, NULL);
	TS_MSG_IMPRINT_set_algo(mi, alg);
	TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)imprint, (int)ilen);
	TS_REQ_set_version(req, 1);
	TS_REQ_set_msg_imprint(req, mi);
	TS_REQ_set_cert_req(req, 1);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	return req;
}

/* OpenSSL's TSA signs the token with signingTime "now"; re-sign its TSTInfo
 * with signingTime = genTime so a back-dated token is consistent and RSA
 * tokens are byte-for-byte reproducible. ESS signing-certificate-v2 as
 * RFC 5816 allows. */
static int sign_tst_info(const struct signer *tsa, const struct tsa_forge *f, TS_TST_INFO *tst,
			 time_t gentime, struct kbuf *der)
{
	unsigned char *tder = NULL;
	int tlen = i2d_TS_TST_INFO(tst, &tder);
	unsigned int flags = CMS_BINARY | CMS_PARTIAL;
	int rc = -1;
	BIO *in = tlen > 0 ? BIO_new_mem_buf(tder, tlen) : NULL;
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	ASN1_TIME *t = ASN1_TIME_set(NULL, gentime);
	CMS_SignerInfo *si;
	struct kerr ferr;
	if (!in || !cms || !t ||
	    !CMS_set1_eContentType(cms, OBJ_nid2obj(NID_id_smime_ct_TSTInfo)) ||
	    !(si = CMS_add1_signer(cms, tsa->cert, tsa->key, EVP_sha256(),
				   CMS_PARTIAL | CMS_CADES | CMS_BINARY |
				   (f->no_certs ? CMS_NOCERTS : 0))) ||
	    !CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1))
		goto out;
	if (f->ess_other != NULL && ess_name_other(si, tsa->cert, f->ess_other, &ferr) < 0)
		goto out;
	for (int i = 0; !f->no_certs && i < sk_X509_num(tsa->chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(tsa->chain, i)))
			goto out;
	if (!CMS_final(cms, in, NULL, flags))
		goto out;
	unsigned char *p = NULL;
	int n = i2d_CMS_ContentInfo(cms, &p);
	if (n > 0) {
		kbuf_append(der, p, (size_t)n);
		OPENSSL_free(p);
		rc = 0;
	}
out:
	ASN1_TIME_free(t);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	OPENSSL_free(tder);
	return rc;
}

int tsa_token(const struct signer *tsa, const unsigned char imprint[32], time_t gentime,
	      struct kbuf *der, struct kerr *err)
{
	return tsa_token_signed_by(tsa, tsa, imprint, gentime, der, err);
}

int tsa_token_signed_by(const struct signer *tsa, const struct signer *signer,
			const unsigned char imprint[32], time_t gentime, struct kbuf *der,
			struct kerr *err)
{
	return tsa_token_forged(tsa, signer, NULL, imprint, 32, gentime, der, err);
}

int tsa_token_forged(const struct signer *tsa, const struct signer *signer,
		     const struct tsa_forge *f, const unsigned char *imprint, size_t ilen,
		     time_t gentime, struct kbuf *der, struct kerr *err)
{
	static const struct tsa_forge honest;
	const struct tsa_forge *ff = f != NULL ? f : &honest;
	const EVP_MD *md = ff->md != NULL ? ff->md : EVP_sha256();
	int rc = -1;
	TS_RESP *resp = NULL;
	TS_REQ *req = make_request(md, imprint, ilen);
	BIO *rb = BIO_new(BIO_s_mem());
	TS_RESP_CTX *ctx = TS_RESP_CTX_new();
	ASN1_OBJECT *policy = OBJ_txt2obj("1.3.6.1.4.1.99999.3161.1", 1);
	if (!req || !rb || !ctx || !policy || i2d_TS_REQ_bio(rb, req) <= 0)
		goto fail;
	if (!TS_RESP_CTX_set_signer_cert(ctx, tsa->cert) ||
	    !TS_RESP_CTX_set_signer_key(ctx, tsa->key) ||
	    !TS_RESP_CTX_set_certs(ctx, tsa->chain) ||
	    !TS_RESP_CTX_set_def_policy(ctx, policy) ||
	    !TS_RESP_CTX_add_md(ctx, md) ||
	    !TS_RESP_CTX_set_signer_digest(ctx, EVP_sha256()) ||
	    !TS_RESP_CTX_set_ess_cert_id_digest(ctx, EVP_sha256()))
		goto fail;
	TS_RESP_CTX_set_time_cb(ctx, time_cb, &gentime);
	TS_RESP_CTX_set_serial_cb(ctx, serial_cb, NULL);
	TS_RESP_CTX_add_flags(ctx, TS_ESS_CERT_ID_CHAIN);
	resp = TS_RESP_create_response(ctx, rb);
	if (!resp || ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp))) != 0)
		goto fail;
	if (sign_tst_info(signer, ff, TS_RESP_get_tst_info(resp), gentime, der) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	kerr_set(err, KERR_INTERNAL, "cannot make a time stamp");
	kerr_add_openssl(err);
out:
	TS_RESP_free(resp);
	TS_RESP_CTX_free(ctx);
	ASN1_OBJECT_free(policy);
	BIO_free(rb);
	TS_REQ_free(req);
	return rc;
}
