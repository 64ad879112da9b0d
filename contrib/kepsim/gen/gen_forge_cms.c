/* gen_forge_cms.c: forgeries of a CMS signature's structure and of its time
 * stamp (enum cms_forgery), as a forger holding genuine packages and an
 * ordinary certificate makes them: nothing here needs the KEPHS's or the
 * TSA's key beyond what a genuine signature or token already carries, except
 * where the fault says the signer erred (the ESS attribute naming another
 * certificate). FORMAT.md lists the verdicts each must get. */
#include <string.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "gen.h"

enum cms_forgery fault_cms_forgery(int fault)
{
	switch ((enum gen_fault)fault) {
	case F_ENVELOPE_SIGNER_CERT_MISSING: return CF_NO_SIGNER_CERT;
	case F_ENVELOPE_ESS_MISMATCH: return CF_ESS_OTHER;
	case F_ENVELOPE_NOT_SIGNED_DATA: return CF_NOT_SIGNED_DATA;
	case F_ENVELOPE_ATTACHED_AS_DETACHED: return CF_ATTACHED_AS_DETACHED;
	case F_ENVELOPE_DETACHED_AS_OPAQUE: return CF_DETACHED_AS_OPAQUE;
	case F_ENVELOPE_NO_SIGNER_INFO: return CF_NO_SIGNER_INFO;
	case F_TIMESTAMP_MALFORMED: return CF_TS_MALFORMED;
	case F_TIMESTAMP_WITHOUT_TSA_CERT: return CF_TS_NO_TSA_CERT;
	case F_TIMESTAMP_ESS_MISMATCH: return CF_TS_ESS_OTHER;
	case F_TIMESTAMP_SHA1_IMPRINT: return CF_TS_SHA1_IMPRINT;
	case F_TIMESTAMP_MD5_IMPRINT: return CF_TS_MD5_IMPRINT;
	case F_TIMESTAMP_OVER_CONTENT: return CF_TS_OVER_CONTENT;
	default: return CF_NONE;
	}
}

static int der_out(CMS_ContentInfo *cms, struct kbuf *der)
{
	unsigned char *p = NULL;
	int n = cms != NULL ? i2d_CMS_ContentInfo(cms, &p) : -1;

	if (n <= 0)
		return -1;
	kbuf_append(der, p, (size_t)n);
	OPENSSL_free(p);
	return 0;
}

int cms_forged_structure(const struct signer *s, const void *data, size_t len, int detached,
			 enum cms_forgery f, struct kbuf *der, struct kerr *err)
{
	unsigned int flags = CMS_BINARY | (detached ? CMS_DETACHED : 0);
	STACK_OF(X509) *certs = NULL;
	CMS_ContentInfo *cms = NULL;
	BIO *in;
	int rc = -1;

	if (f != CF_NOT_SIGNED_DATA && f != CF_NO_SIGNER_INFO)
		return 1;
	in = BIO_new_mem_buf(data, (int)len);
	if (in == NULL)
		goto fail;
	if (f == CF_NOT_SIGNED_DATA) {
		/* Anyone can digest: a DigestedData "proves" the bytes to a reader
		 * that checks a digest and not who signed. */
		cms = CMS_digest_create(in, EVP_sha256(), flags);
	} else {
		/* The KEPHS's certificates, as a genuine envelope ships them, and
		 * no signer at all (OpenSSL's certificates-only SignedData: no
		 * CMS_final, which wants a digest to write, for a detached one). */
		certs = sk_X509_new_null();
		sk_X509_push(certs, s->cert);
		for (int i = 0; i < sk_X509_num(s->chain); i++)
			sk_X509_push(certs, sk_X509_value(s->chain, i));
		cms = CMS_sign(NULL, NULL, certs, in, flags | CMS_PARTIAL);
		if (cms != NULL && !detached && !CMS_final(cms, in, NULL, flags)) {
			CMS_ContentInfo_free(cms);
			cms = NULL;
		}
	}
	if (der_out(cms, der) == 0)
		rc = 0;
fail:
	if (rc < 0) {
		kerr_set(err, KERR_INTERNAL, "cannot make the forged CMS structure");
		kerr_add_openssl(err);
	}
	sk_X509_free(certs);
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return rc;
}

int ess_name_other(void *sip, X509 *signer, X509 *other, struct kerr *err)
{
	CMS_SignerInfo *si = sip;
	int i = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1);
	ASN1_TYPE *t = i >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0) : NULL;
	unsigned char mine[32], theirs[32], *hit;
	unsigned int n = 0;

	if (t == NULL || t->type != V_ASN1_SEQUENCE || other == NULL ||
	    !X509_digest(signer, EVP_sha256(), mine, &n) ||
	    !X509_digest(other, EVP_sha256(), theirs, &n))
		return kerr_set(err, KERR_INTERNAL, "no ESS signing-certificate-v2 to forge");
	/* The attribute's DER is kept as bytes until it is signed: the
	 * certificate hash (SHA-256, ESSCertIDv2's default) swapped in place. */
	hit = memmem(t->value.sequence->data, (size_t)t->value.sequence->length, mine, sizeof(mine));
	if (hit == NULL)
		return kerr_set(err, KERR_INTERNAL, "the signer's hash is not in its ESS attribute");
	memcpy(hit, theirs, sizeof(theirs));
	return 0;
}

int ts_token_garble(struct kbuf *der, struct kerr *err)
{
	/* id-signedData (1.2.840.113549.1.7.2), first in the token: the
	 * outer contentType. Its last arc made 1: id-data, same length. */
	static const unsigned char oid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
					    0x0d, 0x01, 0x07, 0x02};
	unsigned char *hit = memmem(der->data, der->len > 32 ? 32 : der->len, oid, sizeof(oid));

	if (hit == NULL)
		return kerr_set(err, KERR_INTERNAL, "the token is not a SignedData ContentInfo");
	hit[sizeof(oid) - 1] = 0x01;
	return 0;
}
