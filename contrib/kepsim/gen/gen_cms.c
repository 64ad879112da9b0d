/* gen_cms.c: CMS SignedData as KEP signers make it: SHA-256 (or SHA-1 for the
 * weak fault), signingTime, ESS signing-certificate-v2 (CMS_CADES), the chain,
 * and optionally an RFC 3161 signature time stamp as unsigned attribute. */
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>

#include "gen.h"

/* Takes a year off the time t where der encodes it (UTCTime, or
 * GeneralizedTime when generalized): a forger's backdating of signed bytes. */
static int backdate(unsigned char *der, size_t len, time_t t, int generalized, struct kerr *err)
{
	ASN1_TIME *a = generalized ? ASN1_GENERALIZEDTIME_set(NULL, t) : ASN1_UTCTIME_set(NULL, t);
	unsigned char *enc = NULL, *hit;
	int n = a ? i2d_ASN1_TIME(a, &enc) : -1;
	int rc = -1;

	ASN1_STRING_free(a);
	if (n > 4 && (hit = memmem(der, len, enc, (size_t)n)) != NULL) {
		unsigned char *y = hit + 2 + (generalized ? 3 : 1); /* the year's last digit */

		*y = *y == '0' ? '9' : (unsigned char)(*y - 1);
		rc = 0;
	} else {
		kerr_set(err, KERR_INTERNAL, "the time to backdate is not in the signature");
	}
	OPENSSL_free(enc);
	return rc;
}

static int add_timestamp(CMS_SignerInfo *si, const void *data, size_t len,
			 const struct cms_opts *o, struct kerr *err)
{
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	struct tsa_forge tf = {
		.md = o->forgery == CF_TS_SHA1_IMPRINT ? EVP_sha1()
		      : o->forgery == CF_TS_MD5_IMPRINT ? EVP_md5() : EVP_sha256(),
		.no_certs = o->forgery == CF_TS_NO_TSA_CERT,
		.ess_other = o->forgery == CF_TS_ESS_OTHER ? o->forge_other : NULL,
	};
	unsigned char imprint[EVP_MAX_MD_SIZE];
	unsigned int ilen = 0;
	struct kbuf tok = {0};
	/* The imprint is over the signature value; the over-content forgery
	 * stamps the signed bytes instead (a document's time stamp moved in). */
	if (o->forgery == CF_TS_OVER_CONTENT)
		EVP_Digest(data, len, imprint, &ilen, tf.md, NULL);
	else
		EVP_Digest(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), imprint,
			   &ilen, tf.md, NULL);
	if (o->ts_bad_imprint)
		imprint[0] ^= 0x5a;
	if (tsa_token_forged(o->tsa, o->ts_signer ? o->ts_signer : o->tsa, &tf, imprint, ilen,
			     o->ts_time, &tok, err) < 0)
		return -1;
	if (o->forgery == CF_TS_MALFORMED && ts_token_garble(&tok, err) < 0) {
		kbuf_free(&tok);
		return -1;
	}
	if (o->ts_alter_time && backdate(tok.data, tok.len, o->ts_time, 1, err) < 0) {
		kbuf_free(&tok);
		return -1;
	}
	int ok = CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken,
					       V_ASN1_SEQUENCE, tok.data, (int)tok.len);
	kbuf_free(&tok);
	if (!ok) {
		kerr_set(err, KERR_INTERNAL, "cannot add the time stamp attribute");
		kerr_add_openssl(err);
		return -1;
	}
	return 0;
}

int cms_sign(const struct signer *s, const void *data, size_t len,
	     const struct cms_opts *o, struct kbuf *der, struct kerr *err)
{
	unsigned int flags = CMS_BINARY | CMS_PARTIAL | (o->detached ? CMS_DETACHED : 0);
	int rc = cms_forged_structure(s, data, len, o->detached, o->forgery, der, err);
	if (rc <= 0)
		return rc;
	rc = -1;
	BIO *in = BIO_new_mem_buf(data, (int)len);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	ASN1_TIME *t = ASN1_TIME_set(NULL, o->signing_time);
	if (!in || !cms || !t)
		goto fail;
	CMS_SignerInfo *si = CMS_add1_signer(cms, s->cert, s->key, o->md,
					     CMS_PARTIAL | CMS_CADES | CMS_BINARY |
					     (o->forgery == CF_NO_SIGNER_CERT ? CMS_NOCERTS : 0));
	if (!si)
		goto fail;
	if (o->forgery == CF_ESS_OTHER && ess_name_other(si, s->cert, o->forge_other, err) < 0)
		goto out;
	/* UTCTime until 2049 as RFC 5652 requires; OpenSSL would otherwise add "now". */
	if (!CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t, -1))
		goto fail;
	for (int i = 0; i < sk_X509_num(s->chain); i++)
		if (!CMS_add1_cert(cms, sk_X509_value(s->chain, i)))
			goto fail;
	if (!CMS_final(cms, in, NULL, flags))
		goto fail;
	if (o->tsa && add_timestamp(si, data, len, o, err) < 0)
		goto out;
	unsigned char *p = NULL;
	int n = i2d_CMS_ContentInfo(cms, &p);
	if (n <= 0)
		goto fail;
	size_t at = der->len;
	kbuf_append(der, p, (size_t)n);
	OPENSSL_free(p);
	if (o->alter_signing_time &&
	    backdate(der->data + at, (size_t)n, o->signing_time, 0, err) < 0)
		goto out;
	rc = 0;
	goto out;
fail:
	kerr_set(err, KERR_INTERNAL, "cannot sign");
	kerr_add_openssl(err);
out:
	ASN1_TIME_free(t);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return rc;
}
