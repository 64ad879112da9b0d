/* cms_verify.c: see cms_verify.h.
 *
 * The SignerInfo signatures are checked one by one (CMS_SignerInfo_verify
 * and CMS_SignerInfo_verify_content over one digest pass of the exact
 * bytes) so that every signer gets its own verdict; the chain is judged
 * separately through chain_judge(), which a chain cache makes cheap for
 * repeated signers. */
#include "cms_verify.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "cms_der.h"
#include "cms_verify_p.h"
#include "tstamp.h"
#include "util.h"

#define CMS_MAX_LEN (64u << 20)

enum verdict sig_report_overall(const struct sig_report *r)
{
	return r->ts.present ? verdict_worst(r->verdict, r->ts.verdict) : r->verdict;
}

void cms_result_free(struct cms_result *res)
{
	if (res == NULL)
		return;
	free(res->signers);
	free(res->content);
	memset(res, 0, sizeof(*res));
}

static time_t base_time(const struct verify_opts *o)
{
	return o->validation_time != 0 ? o->validation_time : (time_t)(now_ms() / 1000);
}

static void fill_cert_fields(X509 *x, struct sig_report *r)
{
	name_oneline(X509_get_subject_name(x), r->subject, sizeof(r->subject));
	name_oneline(X509_get_issuer_name(x), r->issuer, sizeof(r->issuer));
	serial_hex(X509_get0_serialNumber(x), r->serial, sizeof(r->serial));
}

/* Chain verdict for a signer judged at `at`, composed into r. */
static void judge_signer(const struct verify_opts *o, X509 *leaf, STACK_OF(X509) *extra,
			 time_t at, int time_stamped, struct sig_report *r)
{
	struct chain_req rq = { .leaf = leaf, .extra = extra, .anchors = TRUST_ANCHOR,
				.purpose = 0, .eku = o->signer_eku, .at = at };
	struct chain_entry ce;
	time_t na = asn1_time_to_time_t(X509_get0_notAfter(leaf));
	char a[40], b[40];

	chain_judge(o, &rq, &ce);
	signer_role_apply(trust_kephs(o->trust), o->role, o->provider, leaf, &ce.verdict,
			  ce.reason, sizeof(ce.reason));
	r->validation_time = at;
	r->revocation = ce.revocation;
	r->verdict = verdict_worst(r->verdict, ce.verdict);
	if (ce.verdict != VERDICT_VALID && ce.reason[0] != '\0') {
		snprintf(r->reason, sizeof(r->reason), "%s", ce.reason);
	} else if (time_stamped && na < base_time(o)) {
		fmt_time(na, a, sizeof(a));
		fmt_time(at, b, sizeof(b));
		snprintf(r->reason, sizeof(r->reason),
			 "certificate expired on %s, valid at time-stamped time %s", a, b);
	} else if (r->verdict == VERDICT_VALID) {
		fmt_time(at, b, sizeof(b));
		snprintf(r->reason, sizeof(r->reason), "signature valid, chain to %s at %s%s",
			 ce.issuer_subject, b, time_stamped ? " (time-stamped)" : "");
	}
	if (ce.verdict == VERDICT_REVOCATION_UNKNOWN && time_stamped && na < base_time(o)) {
		size_t n = strlen(r->reason);
		fmt_time(na, a, sizeof(a));
		fmt_time(at, b, sizeof(b));
		snprintf(r->reason + n, sizeof(r->reason) - n,
			 "; certificate expired on %s, valid at time-stamped time %s", a, b);
	}
}

static void check_signature_algs(CMS_SignerInfo *si, struct sig_report *r)
{
	X509_ALGOR *dig = NULL, *sig = NULL;
	int md_nid = NID_undef, pk_nid = NID_undef, nid;

	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	if (dig != NULL && weak_md_nid(OBJ_obj2nid(dig->algorithm))) {
		r->verdict = verdict_worst(r->verdict, VERDICT_WEAK);
		snprintf(r->reason, sizeof(r->reason), "signature uses the weak digest %s",
			 weak_md_label(OBJ_obj2nid(dig->algorithm)));
		return;
	}
	nid = sig != NULL ? OBJ_obj2nid(sig->algorithm) : NID_undef;
	if (OBJ_find_sigid_algs(nid, &md_nid, &pk_nid) && weak_md_nid(md_nid)) {
		r->verdict = verdict_worst(r->verdict, VERDICT_WEAK);
		snprintf(r->reason, sizeof(r->reason), "signature algorithm %s is weak",
			 OBJ_nid2sn(nid));
	}
}

static void signing_time(CMS_SignerInfo *si, struct sig_report *r)
{
	int i = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
	ASN1_TYPE *t;

	if (i < 0)
		return;
	t = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0);
	if (t != NULL && (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME))
		r->signing_time = asn1_time_to_time_t((ASN1_TIME *)t->value.ptr);
}

static void verify_signer(const struct verify_opts *o, CMS_SignerInfo *si, BIO *digests,
			  STACK_OF(X509) *certs, struct sig_report *r)
{
	X509 *signer = NULL;
	int ts_ok;

	CMS_SignerInfo_get0_algs(si, NULL, &signer, NULL, NULL);
	signing_time(si, r);
	r->validation_time = base_time(o);
	/* The token covers the signature value, not the content: it is judged
	 * (and reported) even when the content no longer matches. */
	tstamp_verify(o, si, &r->ts);
	if (signer == NULL) {
		r->verdict = VERDICT_UNTRUSTED;
		snprintf(r->reason, sizeof(r->reason), "signer certificate not in the message");
		return;
	}
	fill_cert_fields(signer, r);
	if (CMS_signed_get_attr_count(si) >= 0 && CMS_SignerInfo_verify(si) <= 0) {
		r->verdict = VERDICT_INVALID;
		snprintf(r->reason, sizeof(r->reason),
			 "signature over the signed attributes does not verify");
		ERR_clear_error();
		return;
	}
	if (CMS_SignerInfo_verify_content(si, digests) <= 0) {
		r->verdict = VERDICT_INVALID;
		snprintf(r->reason, sizeof(r->reason),
			 "content digest does not match: the signed bytes were altered");
		ERR_clear_error();
		return;
	}
	if (!ess_binding_ok(si, signer, certs)) {
		r->verdict = VERDICT_INVALID;
		snprintf(r->reason, sizeof(r->reason),
			 "ESS signing-certificate attribute does not match the signer certificate");
		return;
	}
	ts_ok = r->ts.present &&
		(r->ts.verdict == VERDICT_VALID || r->ts.verdict == VERDICT_REVOCATION_UNKNOWN);
	judge_signer(o, signer, certs, ts_ok ? r->ts.gen_time : base_time(o), ts_ok, r);
	check_signature_algs(si, r);
}

static CMS_ContentInfo *parse_cms(const void *der, size_t len)
{
	BIO *b;
	CMS_ContentInfo *cms;

	if (len > CMS_MAX_LEN)
		return NULL;
	if (len >= 10 && memcmp(der, "-----BEGIN", 10) == 0) {
		b = BIO_new_mem_buf(der, (int)len);
		cms = PEM_read_bio_CMS(b, NULL, NULL, NULL);
		BIO_free(b);
	} else {
		cms = cms_der_decode(der, len);
	}
	ERR_clear_error();
	return cms;
}

/* Frees the digest BIOs CMS_dataInit pushed in front of dcont (not dcont). */
static void free_upto(BIO *f, BIO *upto)
{
	if (upto == NULL) {
		BIO_free_all(f);
		return;
	}
	while (f != NULL && f != upto) {
		BIO *next = BIO_pop(f);
		BIO_free(f);
		f = next;
	}
}

/* An owned NUL-terminated copy of cms's encapsulated content; NULL when none. */
static void copy_content(CMS_ContentInfo *cms, unsigned char **out, size_t *len)
{
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);

	*out = NULL;
	*len = 0;
	if (pos == NULL || *pos == NULL)
		return;
	*len = (size_t)ASN1_STRING_length(*pos);
	*out = xmalloc(*len + 1);
	memcpy(*out, ASN1_STRING_get0_data(*pos), *len);
	(*out)[*len] = '\0';
}

static void malformed(struct cms_result *res, const char *why)
{
	res->verdict = VERDICT_MALFORMED;
	snprintf(res->reason, sizeof(res->reason), "%s", why);
}

static int verify_cms(const struct verify_opts *o, const void *der, size_t len, BIO *dcont,
		      struct cms_result *res, struct kerr *err)
{
	CMS_ContentInfo *cms;
	STACK_OF(CMS_SignerInfo) *sis;
	STACK_OF(X509) *certs = NULL;
	BIO *digests = NULL;
	char buf[16384];
	int i, n;

	memset(res, 0, sizeof(*res));
	if (o == NULL || o->trust == NULL)
		return kerr_set(err, KERR_USAGE, "verification needs a trust store");
	cms = parse_cms(der, len);
	if (cms == NULL) {
		malformed(res, "not a CMS structure");
		return 0;
	}
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		malformed(res, "CMS is not SignedData");
		goto out;
	}
	if (dcont != NULL && !CMS_is_detached(cms)) {
		malformed(res, "signature is not detached but detached content was given");
		goto out;
	}
	if (dcont == NULL && CMS_is_detached(cms)) {
		malformed(res, "SignedData holds no content (detached signature)");
		goto out;
	}
	/* Before the digests: a SignedData without a signer has no digest
	 * algorithm either (OpenSSL's certificates-only form), and it is
	 * unsigned, not unreadable. */
	sis = CMS_get0_SignerInfos(cms);
	if (sk_CMS_SignerInfo_num(sis) <= 0) {
		res->verdict = VERDICT_UNSIGNED;
		snprintf(res->reason, sizeof(res->reason), "SignedData has no signer");
		goto out;
	}
	certs = CMS_get1_certs(cms);
	if (certs == NULL)
		certs = sk_X509_new_null();
	CMS_set1_signers_certs(cms, certs, 0);
	ERR_clear_error();
	digests = CMS_dataInit(cms, dcont);
	if (digests == NULL) {
		malformed(res, "cannot read the signed content (unknown digest algorithm?)");
		ERR_clear_error();
		goto out;
	}
	while ((n = BIO_read(digests, buf, sizeof(buf))) > 0)
		;
	res->nsigners = (size_t)sk_CMS_SignerInfo_num(sis);
	res->signers = xcalloc(res->nsigners, sizeof(*res->signers));
	for (i = 0; i < (int)res->nsigners; i++) {
		struct sig_report *r = &res->signers[i];
		verify_signer(o, sk_CMS_SignerInfo_value(sis, i), digests, certs, r);
		if (i == 0 || sig_report_overall(r) > res->verdict) {
			res->verdict = sig_report_overall(r);
			snprintf(res->reason, sizeof(res->reason), "%s",
				 r->verdict >= (r->ts.present ? r->ts.verdict : VERDICT_VALID)
				 ? r->reason : r->ts.reason);
		}
	}
	if (dcont == NULL)
		copy_content(cms, &res->content, &res->content_len);
out:
	if (digests != NULL)
		free_upto(digests, dcont);
	sk_X509_pop_free(certs, X509_free);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return 0;
}

int cms_verify_detached(const struct verify_opts *o, const void *cms, size_t cms_len,
			const void *content, size_t content_len, struct cms_result *res,
			struct kerr *err)
{
	BIO *b;
	int rc;

	if (content_len > INT32_MAX)
		return kerr_set(err, KERR_LIMIT, "signed content too large");
	b = BIO_new_mem_buf(content_len > 0 ? content : "", (int)content_len);
	if (b == NULL)
		return kerr_set(err, KERR_NOMEM, "BIO_new_mem_buf failed");
	rc = verify_cms(o, cms, cms_len, b, res, err);
	BIO_free(b);
	return rc;
}

int cms_verify_attached(const struct verify_opts *o, const void *cms, size_t cms_len,
			struct cms_result *res, struct kerr *err)
{
	return verify_cms(o, cms, cms_len, NULL, res, err);
}

int cms_content(const void *der, size_t len, unsigned char **out, size_t *out_len,
		struct kerr *err)
{
	CMS_ContentInfo *cms = parse_cms(der, len);
	int rc = 0;

	*out = NULL;
	*out_len = 0;
	if (cms == NULL)
		return kerr_set(err, KERR_MALFORMED, "not a CMS structure");
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
		rc = kerr_set(err, KERR_MALFORMED, "CMS is not SignedData");
	} else if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data) {
		char t[80];

		OBJ_obj2txt(t, sizeof(t), CMS_get0_eContentType(cms), 1);
		rc = kerr_set(err, KERR_MALFORMED, "encapsulated content of type %s, not data", t);
	} else {
		copy_content(cms, out, out_len);
	}
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

int cert_verify(const struct verify_opts *o, X509 *leaf, STACK_OF(X509) *extra, time_t at,
		struct sig_report *rep, struct kerr *err)
{
	memset(rep, 0, sizeof(*rep));
	if (o == NULL || o->trust == NULL || leaf == NULL)
		return kerr_set(err, KERR_USAGE, "cert_verify needs a trust store and a certificate");
	fill_cert_fields(leaf, rep);
	judge_signer(o, leaf, extra, at != 0 ? at : base_time(o), 0, rep);
	return 0;
}
