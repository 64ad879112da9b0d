/* chain_verify.c: judging a certificate chain (see cms_verify_p.h).
 *
 * OpenSSL builds and checks the path with its security level lowered to 0,
 * so that SHA-1 or short keys do not hide behind "untrusted": we report
 * them ourselves as "weak". Only certificates in the configured store are
 * anchors; certificates from the message are untrusted helpers, so a root
 * a sender ships along never becomes trusted. */
#include "cms_verify_p.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "util.h"

static unsigned long chain_builds;

unsigned long cms_verify_chain_builds(void)
{
	return __atomic_load_n(&chain_builds, __ATOMIC_RELAXED);
}

time_t asn1_time_to_time_t(const ASN1_TIME *t)
{
	struct tm tm;

	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

void fmt_time(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "(unknown)");
		return;
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void name_oneline(const X509_NAME *n, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int r;

	buf[0] = '\0';
	if (b == NULL || n == NULL) {
		BIO_free(b);
		return;
	}
	/* RFC 2253 order, UTF-8 kept as is (Turkish names). */
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	r = BIO_read(b, buf, (int)len - 1);
	buf[r > 0 ? r : 0] = '\0';
	BIO_free(b);
}

void serial_hex(const ASN1_INTEGER *s, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(s, NULL);
	char *h = bn != NULL ? BN_bn2hex(bn) : NULL;

	snprintf(buf, len, "%s", h != NULL ? h : "");
	OPENSSL_free(h);
	BN_free(bn);
}

int weak_md_nid(int md_nid)
{
	return md_nid == NID_sha1 || md_nid == NID_md5 || md_nid == NID_md5_sha1;
}

const char *weak_md_label(int md_nid)
{
	/* The names auditors and the issue use ("SHA-1"), not OpenSSL's "SHA1". */
	return md_nid == NID_sha1 ? "SHA-1" : md_nid == NID_md5 ? "MD5" : OBJ_nid2sn(md_nid);
}

static void set_reason(struct chain_entry *out, enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_reason(struct chain_entry *out, enum verdict v, const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(out->reason);

	/* The first problem found at the worst level explains the verdict. */
	if (v < out->verdict || (v == out->verdict && n > 0 && v != VERDICT_VALID))
		return;
	if (v > out->verdict)
		n = 0;
	out->verdict = v;
	va_start(ap, fmt);
	vsnprintf(out->reason + n, sizeof(out->reason) - n, fmt, ap);
	va_end(ap);
}

static void cache_key(const struct verify_opts *o, const struct chain_req *rq,
		      unsigned char key[CHAIN_CACHE_KEY_LEN])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int dl;
	uint64_t gen = trust_generation(o->trust);
	int mode = o->rev != NULL ? (int)revocation_mode(o->rev) : -1, i;

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	X509_digest(rq->leaf, EVP_sha256(), d, &dl);
	EVP_DigestUpdate(md, d, dl);
	for (i = 0; rq->extra != NULL && i < sk_X509_num(rq->extra); i++) {
		X509_digest(sk_X509_value(rq->extra, i), EVP_sha256(), d, &dl);
		EVP_DigestUpdate(md, d, dl);
	}
	EVP_DigestUpdate(md, &rq->anchors, sizeof(rq->anchors));
	EVP_DigestUpdate(md, &rq->purpose, sizeof(rq->purpose));
	EVP_DigestUpdate(md, rq->eku != NULL ? rq->eku : "(null)",
			 strlen(rq->eku != NULL ? rq->eku : "(null)") + 1);
	EVP_DigestUpdate(md, &gen, sizeof(gen));
	EVP_DigestUpdate(md, &mode, sizeof(mode));
	EVP_DigestUpdate(md, &o->rev, sizeof(o->rev));
	EVP_DigestFinal_ex(md, key, &dl);
	EVP_MD_CTX_free(md);
}

static void check_leaf_usage(const struct chain_req *rq, struct chain_entry *out)
{
	uint32_t flags = X509_get_extension_flags(rq->leaf);
	const char *eku = rq->eku != NULL ? rq->eku : "emailProtection";

	if ((flags & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(rq->leaf) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		set_reason(out, VERDICT_UNTRUSTED,
			   "signer key usage allows neither digitalSignature nor nonRepudiation");
	if (eku[0] != '\0' && (flags & EXFLAG_XKUSAGE)) {
		EXTENDED_KEY_USAGE *ekus = X509_get_ext_d2i(rq->leaf, NID_ext_key_usage, NULL, NULL);
		ASN1_OBJECT *want = OBJ_txt2obj(eku, 0);
		int i, ok = 0;

		for (i = 0; ekus != NULL && i < sk_ASN1_OBJECT_num(ekus); i++) {
			const ASN1_OBJECT *e = sk_ASN1_OBJECT_value(ekus, i);
			if ((want != NULL && OBJ_cmp(e, want) == 0) ||
			    OBJ_obj2nid(e) == NID_anyExtendedKeyUsage)
				ok = 1;
		}
		if (!ok)
			set_reason(out, VERDICT_UNTRUSTED,
				   "signer extended key usage does not include %s", eku);
		ASN1_OBJECT_free(want);
		sk_ASN1_OBJECT_pop_free(ekus, ASN1_OBJECT_free);
	}
}

static void check_weak(X509 *x, int is_anchor, struct chain_entry *out)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	char subj[256];
	int md_nid = NID_undef, pk_nid = NID_undef, bits;

	if (pk == NULL)
		return;
	bits = EVP_PKEY_get_bits(pk);
	name_oneline(X509_get_subject_name(x), subj, sizeof(subj));
	if ((EVP_PKEY_is_a(pk, "RSA") && bits < 2048) || (EVP_PKEY_is_a(pk, "EC") && bits < 256))
		set_reason(out, VERDICT_WEAK, "weak %d-bit %s key in certificate %s", bits,
			   EVP_PKEY_get0_type_name(pk), subj);
	/* An anchor's self-signature proves nothing: only check issued ones. */
	if (!is_anchor && OBJ_find_sigid_algs(X509_get_signature_nid(x), &md_nid, &pk_nid) &&
	    weak_md_nid(md_nid))
		set_reason(out, VERDICT_WEAK, "certificate %s is signed with %s", subj,
			   weak_md_label(md_nid));
}

static void window(STACK_OF(X509) *chain, X509 *leaf, struct chain_entry *out)
{
	int i, n = chain != NULL ? sk_X509_num(chain) : 0;

	out->not_before = asn1_time_to_time_t(X509_get0_notBefore(leaf));
	out->not_after = asn1_time_to_time_t(X509_get0_notAfter(leaf));
	for (i = 1; i < n; i++) {
		X509 *x = sk_X509_value(chain, i);
		time_t nb = asn1_time_to_time_t(X509_get0_notBefore(x));
		time_t na = asn1_time_to_time_t(X509_get0_notAfter(x));
		if (nb > out->not_before)
			out->not_before = nb;
		if (na < out->not_after)
			out->not_after = na;
	}
}

static void check_revocation(const struct verify_opts *o, X509_STORE *store,
			     STACK_OF(X509) *chain, time_t at, struct chain_entry *out)
{
	enum rev_mode mode = o->rev != NULL ? revocation_mode(o->rev) : REV_OFFLINE;
	int i, n = sk_X509_num(chain);
	char why[256], subj[256];

	if (mode == REV_OFFLINE && n < 2) {
		out->revocation = REV_NOT_CHECKED;
		set_reason(out, VERDICT_REVOCATION_UNKNOWN, "revocation not checked (offline mode)");
		return;
	}
	out->revocation = REV_GOOD;
	/* Every issued certificate up to, not including, the anchor (offline:
	 * only CRLs from the trust files answer, revocation.h). */
	for (i = 0; i + 1 < n; i++) {
		X509 *x = sk_X509_value(chain, i);
		time_t rt = 0;
		enum rev_status st = revocation_check(o->rev, x, sk_X509_value(chain, i + 1), store,
						      at, &rt, why, sizeof(why));

		if (rt != 0 && (out->revoked_at == 0 || rt < out->revoked_at))
			out->revoked_at = rt;

		name_oneline(X509_get_subject_name(x), subj, sizeof(subj));
		if (st == REV_REVOKED) {
			out->revocation = REV_REVOKED;
			set_reason(out, VERDICT_REVOKED, "certificate %s revoked: %s", subj, why);
			return;
		}
		if (st == REV_NOT_CHECKED) {
			if (out->revocation == REV_GOOD)
				out->revocation = REV_NOT_CHECKED;
			set_reason(out, VERDICT_REVOCATION_UNKNOWN, "%s", why);
			continue;
		}
		if (st != REV_GOOD) {
			out->revocation = REV_UNKNOWN;
			if (mode == REV_REQUIRE)
				set_reason(out, VERDICT_UNTRUSTED,
					   "revocation status unknown and revocation checking is "
					   "required (%s: %s)", subj, why);
			else
				set_reason(out, VERDICT_REVOCATION_UNKNOWN,
					   "revocation status unknown (%s: %s)", subj, why);
		}
	}
}

static void judge_full(const struct verify_opts *o, const struct chain_req *rq,
		       struct chain_entry *out)
{
	X509_STORE *store = trust_x509_store(o->trust, rq->anchors);
	STACK_OF(X509) *inter = trust_intermediates(o->trust);
	STACK_OF(X509) *untrusted = rq->extra != NULL ? sk_X509_dup(rq->extra) : sk_X509_new_null();
	STACK_OF(X509) *chain = NULL;
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM *param;
	int i, ok, e;

	__atomic_add_fetch(&chain_builds, 1, __ATOMIC_RELAXED);
	for (i = 0; i < sk_X509_num(inter); i++)
		sk_X509_push(untrusted, sk_X509_value(inter, i));
	if (ctx == NULL || !X509_STORE_CTX_init(ctx, store, rq->leaf, untrusted)) {
		set_reason(out, VERDICT_UNTRUSTED, "cannot set up chain verification");
		goto done;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, rq->at);
	X509_VERIFY_PARAM_set_auth_level(param, 0);
	if (rq->purpose != 0)
		X509_STORE_CTX_set_purpose(ctx, rq->purpose);
	ok = X509_verify_cert(ctx);
	chain = X509_STORE_CTX_get1_chain(ctx);
	window(chain, rq->leaf, out);
	if (ok <= 0) {
		X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
		char subj[256], when[40];

		e = X509_STORE_CTX_get_error(ctx);
		name_oneline(bad != NULL ? X509_get_subject_name(bad) : NULL, subj, sizeof(subj));
		if (e == X509_V_ERR_CERT_HAS_EXPIRED) {
			fmt_time(asn1_time_to_time_t(X509_get0_notAfter(bad)), when, sizeof(when));
			set_reason(out, VERDICT_EXPIRED, "certificate %s expired on %s", subj, when);
		} else if (e == X509_V_ERR_CERT_NOT_YET_VALID) {
			fmt_time(asn1_time_to_time_t(X509_get0_notBefore(bad)), when, sizeof(when));
			set_reason(out, VERDICT_EXPIRED, "certificate %s not valid before %s", subj,
				   when);
		} else {
			set_reason(out, VERDICT_UNTRUSTED, "untrusted certificate chain: %s (at %s)",
				   X509_verify_cert_error_string(e), subj[0] ? subj : "?");
		}
		ERR_clear_error();
		goto done;
	}
	name_oneline(X509_get_subject_name(sk_X509_value(chain, sk_X509_num(chain) - 1)),
		     out->issuer_subject, sizeof(out->issuer_subject));
	if (rq->purpose == 0)
		check_leaf_usage(rq, out);
	for (i = 0; i < sk_X509_num(chain); i++)
		check_weak(sk_X509_value(chain, i), i == sk_X509_num(chain) - 1, out);
	if (out->verdict <= VERDICT_WEAK)
		check_revocation(o, store, chain, rq->at, out);
done:
	sk_X509_pop_free(chain, X509_free);
	X509_STORE_CTX_free(ctx);
	sk_X509_free(untrusted);
}

void chain_judge(const struct verify_opts *o, const struct chain_req *rq,
		 struct chain_entry *out)
{
	unsigned char key[CHAIN_CACHE_KEY_LEN];

	memset(out, 0, sizeof(*out));
	out->judged_at = rq->at;
	if (o->cache != NULL) {
		cache_key(o, rq, key);
		if (chain_cache_get(o->cache, key, rq->at, out))
			return;
	}
	judge_full(o, rq, out);
	if (o->cache != NULL)
		chain_cache_put(o->cache, key, out);
}

/* The DER of signed attribute nid: *der_r NULL when absent; -1 when it is
 * not a SEQUENCE. */
static int signed_attr_der(CMS_SignerInfo *si, int nid, const unsigned char **der_r,
			   long *len_r)
{
	int i = CMS_signed_get_attr_by_NID(si, nid, -1);
	ASN1_TYPE *t;

	*der_r = NULL;
	*len_r = 0;
	if (i < 0)
		return 0;
	t = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, i), 0);
	if (t == NULL || t->type != V_ASN1_SEQUENCE)
		return -1;
	*der_r = t->value.sequence->data;
	*len_r = t->value.sequence->length;
	return 0;
}

int ess_binding_ok(CMS_SignerInfo *si, X509 *signer, STACK_OF(X509) *certs)
{
	ESS_SIGNING_CERT *v1 = NULL;
	ESS_SIGNING_CERT_V2 *v2 = NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	const unsigned char *p;
	long len;
	int i, ok;

	/* OSSL_ESS_check_signing_certs wants the signer first. */
	sk_X509_push(chain, signer);
	for (i = 0; certs != NULL && i < sk_X509_num(certs); i++)
		if (X509_cmp(sk_X509_value(certs, i), signer) != 0)
			sk_X509_push(chain, sk_X509_value(certs, i));
	if (signed_attr_der(si, NID_id_smime_aa_signingCertificate, &p, &len) < 0 ||
	    (p != NULL && (v1 = d2i_ESS_SIGNING_CERT(NULL, &p, len)) == NULL))
		goto bad;
	if (signed_attr_der(si, NID_id_smime_aa_signingCertificateV2, &p, &len) < 0 ||
	    (p != NULL && (v2 = d2i_ESS_SIGNING_CERT_V2(NULL, &p, len)) == NULL))
		goto bad;
	ok = OSSL_ESS_check_signing_certs(v1, v2, chain, 0) > 0;
	goto out;
bad:
	ok = 0;
out:
	ESS_SIGNING_CERT_free(v1);
	ESS_SIGNING_CERT_V2_free(v2);
	sk_X509_free(chain);
	ERR_clear_error();
	return ok;
}
