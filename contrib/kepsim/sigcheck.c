/* sigcheck.c: see sigcheck.h. */
#include "sigcheck.h"

#include <string.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>

#define E_NOT_SIGNED "İmza okunamadı: CMS SignedData bekleniyor"
#define E_SIGNERS "İmza tek bir imzacı içermelidir"
#define E_ALG "Desteklenmeyen özet algoritması; SHA-256 ya da SHA-512 kullanınız"
#define E_MD "İmzanın özet algoritması eOzetAlg ile uyuşmuyor"
#define E_CERT "İmzalayan sertifika bu KEP hesabına tanımlı değil"
#define E_VERIFY "İmza doğrulanamadı"
#define E_CADES "İmza CAdES-BES değil: signing-certificate-v2 özniteliği yok ya da sertifikayla uyuşmuyor"
#define E_CONTENT "İmzalı içerik gönderilecek iletiyle aynı değil"

/* The account's certificate the signer's identifier names, or NULL. */
static X509 *account_signer(const char *mailbox, const struct account *a, CMS_SignerInfo *si)
{
	static const char *const keys[] = { "muhur_cert", "eimza_cert" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		X509 *x = account_cert(mailbox, a, keys[i]);

		if (x != NULL && CMS_SignerInfo_cert_cmp(si, x) == 0)
			return x;
		X509_free(x);
	}
	return NULL;
}

static int weak_alg(int nid)
{
	return nid == NID_sha1 || nid == NID_sha1WithRSAEncryption || nid == NID_ecdsa_with_SHA1 ||
	       nid == NID_md5 || nid == NID_md5WithRSAEncryption;
}

/* ESS signing-certificate-v2 present, and its first ESSCertIDv2 is cert. */
static int cades_ok(CMS_SignerInfo *si, X509 *cert)
{
	ASN1_STRING *v = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2),
						     -3, V_ASN1_SEQUENCE);
	const unsigned char *p;
	ESS_SIGNING_CERT_V2 *ss;
	STACK_OF(X509) *chain;
	int ok;

	if (v == NULL)
		return 0;
	p = ASN1_STRING_get0_data(v);
	ss = d2i_ESS_SIGNING_CERT_V2(NULL, &p, ASN1_STRING_length(v));
	if (ss == NULL)
		return 0;
	chain = sk_X509_new_null();
	sk_X509_push(chain, cert);
	ok = OSSL_ESS_check_signing_certs(NULL, ss, chain, 1) > 0;
	sk_X509_free(chain);
	ESS_SIGNING_CERT_V2_free(ss);
	return ok;
}

/* Checks cms (content: the detached content, or NULL when encapsulated);
 * *out gets the encapsulated content when out is not NULL. */
static const char *check(const char *mailbox, const struct account *a, CMS_ContentInfo *cms,
			 BIO *content, int md_nid, BIO *out)
{
	STACK_OF(CMS_SignerInfo) *sis;
	CMS_SignerInfo *si;
	X509_ALGOR *dig = NULL, *sig = NULL;
	STACK_OF(X509) *certs = NULL;
	X509 *cert = NULL;
	const char *fail = NULL;
	int dnid;

	if (cms == NULL || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		return E_NOT_SIGNED;
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) != 1)
		return E_SIGNERS;
	si = sk_CMS_SignerInfo_value(sis, 0);
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	dnid = OBJ_obj2nid(dig->algorithm);
	if (weak_alg(dnid) || weak_alg(OBJ_obj2nid(sig->algorithm)))
		return SIGCHECK_SHA1;
	if (dnid != NID_sha256 && dnid != NID_sha384 && dnid != NID_sha512)
		return E_ALG;
	if (md_nid != 0 && dnid != md_nid)
		return E_MD;
	cert = account_signer(mailbox, a, si);
	if (cert == NULL)
		return E_CERT;
	certs = sk_X509_new_null();
	sk_X509_push(certs, cert);
	if (CMS_verify(cms, certs, NULL, content, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1)
		fail = E_VERIFY;
	else if (!cades_ok(si, cert))
		fail = E_CADES;
	sk_X509_free(certs);
	X509_free(cert);
	ERR_clear_error();
	return fail;
}

const char *sigcheck_smime(const char *mailbox, const struct account *a, const struct kbuf *msg)
{
	BIO *in, *cont = NULL;
	CMS_ContentInfo *cms;
	const char *fail;

	if (msg->len > INT32_MAX)
		return E_NOT_SIGNED;
	in = BIO_new_mem_buf(msg->data, (int)msg->len);
	cms = SMIME_read_CMS(in, &cont);
	fail = cms == NULL ? "ePaket imzalı bir S/MIME ileti değil" : check(mailbox, a, cms, cont, 0, NULL);
	CMS_ContentInfo_free(cms);
	BIO_free(cont);
	BIO_free(in);
	ERR_clear_error();
	return fail;
}

const char *sigcheck_cms(const char *mailbox, const struct account *a, const struct kbuf *der,
			 const struct kbuf *content, int md_nid, int *detached)
{
	const unsigned char *p = der->data;
	CMS_ContentInfo *cms = der->len < INT32_MAX ? d2i_CMS_ContentInfo(NULL, &p, (long)der->len) : NULL;
	ASN1_OCTET_STRING **econt = cms != NULL ? CMS_get0_content(cms) : NULL;
	const char *fail;
	BIO *in = NULL, *out = NULL;
	char *data;
	long n;

	*detached = econt == NULL || *econt == NULL;
	if (*detached) {
		in = BIO_new_mem_buf(content->data, (int)content->len);
		fail = check(mailbox, a, cms, in, md_nid, NULL);
	} else {
		out = BIO_new(BIO_s_mem());
		fail = check(mailbox, a, cms, NULL, md_nid, out);
		n = BIO_get_mem_data(out, &data);
		if (fail == NULL && ((size_t)n != content->len || memcmp(data, content->data, content->len) != 0))
			fail = E_CONTENT;
	}
	BIO_free(in);
	BIO_free(out);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return fail;
}
