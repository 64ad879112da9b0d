/* tstamp.c: see tstamp.h. The token is read as CMS (a PKCS#7 SignedData is
 * a CMS SignedData), so its signature is checked the same way as a signer's
 * and its chain goes through the same cached chain_judge() with the TSA
 * anchors and the timeStamping purpose (which demands a critical EKU). The
 * TSA chain is judged at the validation time (opts or now), not at genTime:
 * a TSA certificate that is no longer trustworthy proves nothing. */
#include "tstamp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ts.h>

#include "cms_der.h"
#include "cms_verify_p.h"
#include "util.h"

static void set(struct ts_report *r, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set(struct ts_report *r, enum verdict v, const char *fmt, ...)
{
	va_list ap;

	r->verdict = v;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

/* 1 when the imprint is the hash of si's signature value. */
static int imprint_matches(TS_TST_INFO *tst, CMS_SignerInfo *si, int *md_nid)
{
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(tst);
	X509_ALGOR *alg = TS_MSG_IMPRINT_get_algo(mi);
	ASN1_OCTET_STRING *want = TS_MSG_IMPRINT_get_msg(mi);
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	const EVP_MD *md;
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl;

	*md_nid = OBJ_obj2nid(alg->algorithm);
	md = EVP_get_digestbynid(*md_nid);
	if (md == NULL || sig == NULL ||
	    !EVP_Digest(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), d, &dl, md,
			NULL))
		return 0;
	return const_time_eq(d, dl, ASN1_STRING_get0_data(want), (size_t)ASN1_STRING_length(want));
}

static void judge_token(const struct verify_opts *o, CMS_ContentInfo *tok, CMS_SignerInfo *si,
			struct ts_report *r)
{
	STACK_OF(X509) *certs = CMS_get1_certs(tok), *signers = NULL;
	BIO *out = BIO_new(BIO_s_mem());
	TS_TST_INFO *tst = NULL;
	const unsigned char *p;
	char *data;
	long dlen;
	int md_nid;

	if (OBJ_obj2nid(CMS_get0_eContentType(tok)) != NID_id_smime_ct_TSTInfo) {
		set(r, VERDICT_MALFORMED, "time-stamp token does not hold a TSTInfo");
		goto out;
	}
	if (sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(tok)) != 1) {
		set(r, VERDICT_MALFORMED, "time-stamp token must have exactly one signer");
		goto out;
	}
	/* The TSA's certificate must be in the token (RFC 3161 certReq): none
	 * is configured, only its anchors. Without it nothing can be proved of
	 * who signed; say so rather than that the signature failed. */
	CMS_set1_signers_certs(tok, certs, 0);
	ERR_clear_error();
	signers = CMS_get0_signers(tok);
	if (signers == NULL || sk_X509_num(signers) != 1) {
		set(r, VERDICT_UNTRUSTED, "time-stamp signer certificate not in the token");
		goto out;
	}
	if (!CMS_verify(tok, certs, NULL, NULL, out, CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY)) {
		set(r, VERDICT_INVALID, "time-stamp token signature does not verify");
		goto out;
	}
	dlen = BIO_get_mem_data(out, &data);
	p = (const unsigned char *)data;
	tst = d2i_TS_TST_INFO(NULL, &p, dlen);
	if (tst == NULL) {
		set(r, VERDICT_MALFORMED, "time-stamp TSTInfo does not parse");
		goto out;
	}
	r->gen_time = asn1_time_to_time_t(TS_TST_INFO_get_time(tst));
	serial_hex(TS_TST_INFO_get_serial(tst), r->serial, sizeof(r->serial));
	name_oneline(X509_get_subject_name(sk_X509_value(signers, 0)), r->tsa_subject,
		     sizeof(r->tsa_subject));
	if (!imprint_matches(tst, si, &md_nid)) {
		set(r, VERDICT_INVALID,
		    "message imprint mismatch: the time stamp is not over this signature");
		goto out;
	}
	if (!ess_binding_ok(CMS_get0_SignerInfos(tok) != NULL
			    ? sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(tok), 0) : NULL,
			    sk_X509_value(signers, 0), certs)) {
		set(r, VERDICT_INVALID, "time-stamp ESS signing-certificate does not match the TSA");
		goto out;
	}
	{
		struct chain_req rq = { .leaf = sk_X509_value(signers, 0), .extra = certs,
					.anchors = TRUST_TSA_ANCHOR,
					.purpose = X509_PURPOSE_TIMESTAMP_SIGN,
					.at = o->validation_time != 0 ? o->validation_time
								      : (time_t)(now_ms() / 1000) };
		struct chain_entry ce;
		char t[40];

		chain_judge(o, &rq, &ce);
		fmt_time(r->gen_time, t, sizeof(t));
		if (ce.verdict != VERDICT_VALID)
			set(r, ce.verdict, "time stamp TSA: %s", ce.reason);
		else
			set(r, VERDICT_VALID, "time stamp %s by %s", t, r->tsa_subject);
	}
	if (weak_md_nid(md_nid) && r->verdict < VERDICT_WEAK)
		set(r, VERDICT_WEAK, "time-stamp imprint uses the weak digest %s",
		    weak_md_label(md_nid));
out:
	TS_TST_INFO_free(tst);
	sk_X509_free(signers);
	sk_X509_pop_free(certs, X509_free);
	BIO_free(out);
	ERR_clear_error();
}

void tstamp_verify(const struct verify_opts *o, CMS_SignerInfo *si, struct ts_report *r)
{
	int i = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
	ASN1_TYPE *t;
	CMS_ContentInfo *tok;

	memset(r, 0, sizeof(*r));
	if (i < 0)
		return;
	r->present = 1;
	t = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, i), 0);
	if (t == NULL || t->type != V_ASN1_SEQUENCE) {
		set(r, VERDICT_MALFORMED, "time-stamp attribute is not a token");
		return;
	}
	tok = cms_der_decode(t->value.sequence->data, (size_t)t->value.sequence->length);
	if (tok == NULL || OBJ_obj2nid(CMS_get0_type(tok)) != NID_pkcs7_signed) {
		set(r, VERDICT_MALFORMED, "time-stamp token does not parse");
		CMS_ContentInfo_free(tok);
		ERR_clear_error();
		return;
	}
	judge_token(o, tok, si, r);
	CMS_ContentInfo_free(tok);
}
