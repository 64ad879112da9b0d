/* Unit tests of the verification core (kep/cms_verify.c, tstamp.c, trust.c,
 * revocation.c, chain_cache.c). Run by tests/verify-cms.sh, which makes the
 * PKI ($VPKI) and serves its CRLs over HTTP and an OCSP responder on
 * 127.0.0.1. Every case signs in process and checks the verdict. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "chain_cache.h"
#include "cms_der.h"
#include "cms_verify.h"
#include "package_view.h"
#include "revocation.h"
#include "trust.h"
#include "util.h"
#include "verify-testlib.h"
#include "verify_package.h"

static const char msg[] = "Content-Type: text/plain\r\n\r\nKEP test body\r\n";

static struct trust_store *ts;
static struct revocation *online;

static void load(struct trust_store *t, enum trust_kind k, const char *name)
{
	struct kerr err;
	char *p = tl_path(name);

	if (trust_load(t, k, p, &err) < 0)
		fail_msg("%s", err.msg);
	free(p);
}

static int setup(void **state)
{
	(void)state;
	ts = trust_new();
	load(ts, TRUST_ANCHOR, "rsa-root.crt");
	load(ts, TRUST_ANCHOR, "ec-root.crt");
	load(ts, TRUST_TSA_ANCHOR, "tsa-root.crt");
	online = revocation_new(REV_ONLINE, NULL);
	revocation_set_timeout(online, 5);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	trust_free(&ts);
	revocation_free(&online);
	return 0;
}

/* Signs msg as described and verifies it detached with the given options. */
static void run(const struct tl_sign_opts *so, const struct verify_opts *vo,
		const char *content, struct cms_result *res)
{
	struct tl_sig sig;
	struct kerr err;

	tl_sign(so, msg, sizeof(msg) - 1, &sig);
	if (cms_verify_detached(vo, sig.der, sig.len, content != NULL ? content : msg,
				strlen(content != NULL ? content : msg), res, &err) < 0)
		fail_msg("%s", err.msg);
	tl_sig_free(&sig);
	assert_int_equal(res->nsigners, 1);
}

#define EXPECT(res, v) do { \
	if ((res)->verdict != (v)) \
		fail_msg("verdict %s, expected %s: %s", verdict_name((res)->verdict), \
			 verdict_name(v), (res)->reason); \
} while (0)

static void test_rsa_valid(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" } };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	assert_non_null(strstr(res.signers[0].subject, "CN=RSA Signer"));
	assert_non_null(strstr(res.signers[0].issuer, "CN=RSA Test Inter"));
	assert_true(res.signers[0].serial[0] != '\0');
	assert_true(res.signers[0].signing_time > 0);
	assert_int_equal(res.signers[0].revocation, REV_GOOD);
	assert_false(res.signers[0].ts.present);
	cms_result_free(&res);
}

static void test_ec_valid(void **state)
{
	struct tl_sign_opts so = { .signer = "ec-leaf", .chain = { "ec-inter" } };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	assert_non_null(strstr(res.reason, "EC Test Root"));
	cms_result_free(&res);
}

static void test_tampered(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" }, .tsa = "tsa" };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, "Content-Type: text/plain\r\n\r\nKEP test bodY\r\n", &res);
	EXPECT(&res, VERDICT_INVALID);
	assert_non_null(strstr(res.reason, "altered"));
	/* The time stamp is over the intact signature value: still judged valid. */
	assert_true(res.signers[0].ts.present);
	assert_int_equal(res.signers[0].ts.verdict, VERDICT_VALID);
	cms_result_free(&res);
}

static void test_lf_only_is_invalid(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" } };
	struct verify_opts vo = { .trust = ts };
	struct cms_result res;

	(void)state;
	run(&so, &vo, "Content-Type: text/plain\n\nKEP test body\n", &res);
	EXPECT(&res, VERDICT_INVALID);
	cms_result_free(&res);
}

static void test_wrong_root(void **state)
{
	struct tl_sign_opts so = { .signer = "wrong-leaf" };
	struct verify_opts vo = { .trust = ts };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_UNTRUSTED);
	cms_result_free(&res);
}

static void test_root_in_cms_not_trusted(void **state)
{
	struct tl_sign_opts so = { .signer = "wrong-leaf", .chain = { "wrong-root" } };
	struct verify_opts vo = { .trust = ts };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_UNTRUSTED);
	cms_result_free(&res);
}

static void test_missing_intermediate(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf" };
	struct trust_store *t2 = trust_new();
	struct verify_opts vo = { .trust = ts };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_UNTRUSTED);
	cms_result_free(&res);
	/* The same with the intermediate from configuration. */
	load(t2, TRUST_ANCHOR, "rsa-root.crt");
	load(t2, TRUST_INTERMEDIATE, "rsa-inter.crt");
	vo.trust = t2;
	vo.rev = online;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
	trust_free(&t2);
}

static void test_expired_after_timestamp(void **state)
{
	time_t now = time(NULL);
	struct tl_sign_opts so = { .signer = "rsa-short", .chain = { "rsa-inter" },
				   .tsa = "tsa", .ts_time = now + 3600 };
	/* Judge ten days later: the one-day signer certificate has expired. */
	struct verify_opts vo = { .trust = ts, .rev = online, .validation_time = now + 10 * 86400 };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	assert_true(res.signers[0].ts.present);
	assert_int_equal(res.signers[0].ts.verdict, VERDICT_VALID);
	assert_int_equal(res.signers[0].ts.gen_time, now + 3600);
	assert_int_equal(res.signers[0].validation_time, now + 3600);
	assert_non_null(strstr(res.signers[0].reason, "certificate expired on"));
	assert_non_null(strstr(res.signers[0].reason, "valid at time-stamped time"));
	cms_result_free(&res);

	so.tsa = NULL;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_EXPIRED);
	assert_int_equal(res.signers[0].validation_time, now + 10 * 86400);
	cms_result_free(&res);
}

static void test_timestamp_imprint_mismatch(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" },
				   .tsa = "tsa", .ts_bad_imprint = 1 };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	assert_int_equal(res.signers[0].ts.verdict, VERDICT_INVALID);
	assert_non_null(strstr(res.signers[0].ts.reason, "imprint mismatch"));
	assert_int_equal(res.signers[0].verdict, VERDICT_VALID);
	EXPECT(&res, VERDICT_INVALID);
	cms_result_free(&res);
}

static void test_wrong_tsa(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" },
				   .tsa = "wrong-tsa" };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	assert_int_equal(res.signers[0].ts.verdict, VERDICT_UNTRUSTED);
	EXPECT(&res, VERDICT_UNTRUSTED);
	cms_result_free(&res);
}

static void test_sha1_weak(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" }, .md = "sha1" };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_WEAK);
	assert_non_null(strstr(res.reason, "SHA-1"));
	cms_result_free(&res);
}

static void test_short_key_weak(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-weak", .chain = { "rsa-inter" } };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_WEAK);
	assert_non_null(strstr(res.reason, "1024"));
	cms_result_free(&res);
}

static void test_key_usage(void **state)
{
	struct tl_sign_opts so = { .signer = "server", .chain = { "rsa-inter" } };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_UNTRUSTED);
	cms_result_free(&res);
}

static void test_crl_revoked(void **state)
{
	struct tl_sign_opts so = { .signer = "crl-leaf", .chain = { "rsa-inter" } };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct revocation *rv = revocation_new(REV_ONLINE, NULL);
	struct cms_result res;
	unsigned long fetched;

	(void)state;
	vo.rev = rv;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_REVOKED);
	assert_non_null(strstr(res.reason, "CRL http://127.0.0.1:"));
	assert_int_equal(res.signers[0].revocation, REV_REVOKED);
	cms_result_free(&res);
	/* The CRLs are cached until nextUpdate: no new download. */
	fetched = revocation_fetch_count(rv);
	assert_true(fetched >= 1);
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_REVOKED);
	assert_int_equal(revocation_fetch_count(rv), fetched);
	cms_result_free(&res);
	revocation_free(&rv);
}

static void test_ocsp(void **state)
{
	struct tl_sign_opts so = { .signer = "ocsp-leaf", .chain = { "rsa-inter" } };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_REVOKED);
	assert_non_null(strstr(res.reason, "OCSP"));
	cms_result_free(&res);
	so.signer = "ocsp-good";
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
}

/* OCSP answers are cached until their nextUpdate (the responder gives 5
 * minutes): the same signers judged again ask nothing, with the same
 * verdicts, a revoked one still revoked. */
static void test_ocsp_cached(void **state)
{
	struct tl_sign_opts so = { .signer = "ocsp-good", .chain = { "rsa-inter" } };
	struct revocation *rv = revocation_new(REV_ONLINE, NULL);
	struct verify_opts vo = { .trust = ts, .rev = rv };
	struct cms_result res;
	unsigned long fetched;
	int i;

	(void)state;
	for (i = 0; i < 3; i++) {
		so.signer = "ocsp-good";
		run(&so, &vo, NULL, &res);
		EXPECT(&res, VERDICT_VALID);
		assert_int_equal(res.signers[0].revocation, REV_GOOD);
		cms_result_free(&res);
		so.signer = "ocsp-leaf";
		run(&so, &vo, NULL, &res);
		EXPECT(&res, VERDICT_REVOKED);
		assert_non_null(strstr(res.reason, "OCSP"));
		cms_result_free(&res);
		if (i == 0)
			fetched = revocation_fetch_count(rv);
	}
	assert_true(fetched >= 2);
	assert_int_equal(revocation_fetch_count(rv), fetched);
	revocation_free(&rv);
}

static void test_offline(void **state)
{
	struct tl_sign_opts so = { .signer = "crl-leaf", .chain = { "rsa-inter" } };
	struct revocation *rv = revocation_new(REV_OFFLINE, NULL);
	struct verify_opts vo = { .trust = ts, .rev = rv };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_REVOCATION_UNKNOWN);
	assert_non_null(strstr(res.reason, "revocation not checked"));
	assert_int_equal(res.signers[0].revocation, REV_NOT_CHECKED);
	assert_int_equal(revocation_fetch_count(rv), 0);
	cms_result_free(&res);
	/* No revocation object at all is offline too. */
	vo.rev = NULL;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_REVOCATION_UNKNOWN);
	cms_result_free(&res);
	revocation_free(&rv);
}

static void test_responder_down(void **state)
{
	struct tl_sign_opts so = { .signer = "dead-leaf", .chain = { "rsa-inter" } };
	struct revocation *req = revocation_new(REV_REQUIRE, NULL);
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_REVOCATION_UNKNOWN);
	assert_int_equal(res.signers[0].revocation, REV_UNKNOWN);
	cms_result_free(&res);
	vo.rev = req;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_UNTRUSTED);
	assert_non_null(strstr(res.reason, "revocation status unknown"));
	cms_result_free(&res);
	revocation_free(&req);
}

static void test_kamusm_store(void **state)
{
	static const char dtd[] = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]>"
				  "<koksertifikadeposu/>";
	struct tl_sign_opts so = { .signer = "ec-leaf", .chain = { "ec-inter" } };
	struct trust_store *t2 = trust_new();
	struct verify_opts vo = { .trust = t2, .rev = online };
	struct cms_result res;
	struct kerr err;

	(void)state;
	load(t2, TRUST_ANCHOR, "kamusm.xml");
	assert_int_equal(trust_count(t2, TRUST_ANCHOR), 2);
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
	so.signer = "rsa-leaf";
	so.chain[0] = "rsa-inter";
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
	assert_int_equal(trust_load_kamusm_xml(t2, TRUST_ANCHOR, dtd, sizeof(dtd) - 1, &err), -1);
	assert_non_null(strstr(err.msg, "DTD"));
	trust_free(&t2);
}

static void test_chain_cache(void **state)
{
	struct tl_sign_opts so = { .signer = "ec-leaf", .chain = { "ec-inter" } };
	struct chain_cache *cc = chain_cache_new(16);
	struct verify_opts vo = { .trust = ts, .rev = online, .cache = cc };
	struct cms_result res;
	unsigned long builds;

	(void)state;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
	builds = cms_verify_chain_builds();
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
	assert_int_equal(cms_verify_chain_builds(), builds);
	assert_int_equal(chain_cache_hits(cc), 1);
	/* A tampered message still fails: the cache only skips the chain. */
	run(&so, &vo, "tampered", &res);
	EXPECT(&res, VERDICT_INVALID);
	cms_result_free(&res);
	/* Other validation times inside the chain's validity (time-stamped
	 * signers are judged at their own, one per package): no new build;
	 * an hour bucket of the time rebuilt it for each (issue 15). */
	builds = cms_verify_chain_builds();
	vo.validation_time = time(NULL) + 2 * 3600;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
	vo.validation_time = time(NULL) + 30 * 3600;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
	assert_int_equal(cms_verify_chain_builds(), builds);
	/* A time outside it is judged in full, expired, and not kept: the
	 * next time inside is still valid, and the next outside built again. */
	vo.validation_time = time(NULL) - 20L * 365 * 86400;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_EXPIRED);
	cms_result_free(&res);
	assert_int_equal(cms_verify_chain_builds(), builds + 1);
	vo.validation_time = time(NULL) + 3600;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_VALID);
	cms_result_free(&res);
	vo.validation_time = time(NULL) - 20L * 365 * 86400;
	run(&so, &vo, NULL, &res);
	EXPECT(&res, VERDICT_EXPIRED);
	cms_result_free(&res);
	assert_int_equal(cms_verify_chain_builds(), builds + 2);
	chain_cache_free(&cc);
}

/* The cache's rule for time (chain_cache.h): an entry holds inside its
 * validity window, on the side of a named revocation time it was judged
 * on, and for its wall-clock life; time-dependent failures are not kept. */
static void test_chain_cache_rule(void **state)
{
	struct chain_cache *cc = chain_cache_new(4);
	unsigned char key[CHAIN_CACHE_KEY_LEN] = { 1 }, other[CHAIN_CACHE_KEY_LEN] = { 2 };
	struct chain_entry e = { .verdict = VERDICT_VALID, .revocation = REV_GOOD,
				 .not_before = 1000, .not_after = 9000, .judged_at = 2000,
				 .revoked_at = 5000 }, out;

	(void)state;
	chain_cache_put(cc, key, &e);
	assert_int_equal(chain_cache_get(cc, key, 1000, &out), 1);
	assert_int_equal(out.verdict, VERDICT_VALID);
	assert_int_equal(chain_cache_get(cc, key, 4999, &out), 1);
	/* Revoked from 5000 on: not the entry judged before it. */
	assert_int_equal(chain_cache_get(cc, key, 5000, &out), 0);
	assert_int_equal(chain_cache_get(cc, key, 8000, &out), 0);
	assert_int_equal(chain_cache_get(cc, key, 999, &out), 0);
	assert_int_equal(chain_cache_get(cc, key, 9001, &out), 0);
	/* The same, judged after the revocation: holds only after it. */
	e.verdict = VERDICT_REVOKED;
	e.revocation = REV_REVOKED;
	e.judged_at = 6000;
	chain_cache_put(cc, key, &e);
	assert_int_equal(chain_cache_get(cc, key, 7000, &out), 1);
	assert_int_equal(out.verdict, VERDICT_REVOKED);
	assert_int_equal(chain_cache_get(cc, key, 3000, &out), 0);
	/* No revocation named: the whole window. */
	e.verdict = VERDICT_VALID;
	e.revocation = REV_GOOD;
	e.revoked_at = 0;
	chain_cache_put(cc, key, &e);
	assert_int_equal(chain_cache_get(cc, key, 1500, &out), 1);
	assert_int_equal(chain_cache_get(cc, key, 8500, &out), 1);
	/* Not kept: judged outside the window, or expired. */
	e.judged_at = 9500;
	chain_cache_put(cc, other, &e);
	assert_int_equal(chain_cache_get(cc, other, 9500, &out), 0);
	assert_int_equal(chain_cache_get(cc, other, 5000, &out), 0);
	e.judged_at = 5000;
	e.verdict = VERDICT_EXPIRED;
	chain_cache_put(cc, other, &e);
	assert_int_equal(chain_cache_get(cc, other, 5000, &out), 0);
	/* Its life: an unknown revocation state lives CHAIN_CACHE_TTL_UNKNOWN
	 * seconds, a known one CHAIN_CACHE_TTL, from the put. */
	e.verdict = VERDICT_REVOCATION_UNKNOWN;
	e.revocation = REV_UNKNOWN;
	chain_cache_put(cc, other, &e);
	assert_int_equal(chain_cache_get(cc, other, 5000, &out), 1);
	assert_true(out.expires <= time(NULL) + CHAIN_CACHE_TTL_UNKNOWN);
	assert_true(out.expires > time(NULL) + CHAIN_CACHE_TTL_UNKNOWN - 5);
	assert_int_equal(chain_cache_get(cc, key, 5000, &out), 1);
	assert_true(out.expires > time(NULL) + CHAIN_CACHE_TTL - 5);
	chain_cache_free(&cc);
}

static void test_attached_and_malformed(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" }, .attached = 1 };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;
	struct tl_sig sig;
	struct kerr err;

	(void)state;
	tl_sign(&so, msg, sizeof(msg) - 1, &sig);
	assert_int_equal(cms_verify_attached(&vo, sig.der, sig.len, &res, &err), 0);
	EXPECT(&res, VERDICT_VALID);
	assert_int_equal(res.content_len, sizeof(msg) - 1);
	assert_memory_equal(res.content, msg, sizeof(msg) - 1);
	cms_result_free(&res);
	sig.der[sig.len / 2] ^= 1;
	assert_int_equal(cms_verify_attached(&vo, sig.der, sig.len / 3, &res, &err), 0);
	EXPECT(&res, VERDICT_MALFORMED);
	cms_result_free(&res);
	tl_sig_free(&sig);
}

/* A genuine detached signature with `tok` (type: V_ASN1_SEQUENCE or not)
 * put in its unsigned signatureTimeStampToken attribute, as a forger can
 * (unsigned attributes are outside the signature), verified; the token's
 * verdict and reason are checked. */
static void malformed_token(int type, const unsigned char *tok, int len, enum verdict want,
			    const char *why)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" } };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct cms_result res;
	struct tl_sig sig;
	struct kerr err;
	const unsigned char *p;
	unsigned char *out = NULL;
	CMS_ContentInfo *cms;
	int n;

	tl_sign(&so, msg, sizeof(msg) - 1, &sig);
	p = sig.der;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)sig.len);
	assert_non_null(cms);
	assert_true(CMS_unsigned_add1_attr_by_NID(sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms), 0),
						  NID_id_smime_aa_timeStampToken, type, tok, len));
	n = i2d_CMS_ContentInfo(cms, &out);
	assert_true(n > 0);
	assert_int_equal(cms_verify_detached(&vo, out, (size_t)n, msg, sizeof(msg) - 1, &res, &err), 0);
	assert_int_equal(res.nsigners, 1);
	assert_int_equal(res.signers[0].ts.present, 1);
	if (res.signers[0].ts.verdict != want || strstr(res.signers[0].ts.reason, why) == NULL)
		fail_msg("token verdict %s (%s), expected %s (%s)",
			 verdict_name(res.signers[0].ts.verdict), res.signers[0].ts.reason,
			 verdict_name(want), why);
	/* The signature holds; judged at the validation time, not the token's. */
	assert_int_equal(res.signers[0].verdict, VERDICT_VALID);
	EXPECT(&res, want);
	cms_result_free(&res);
	OPENSSL_free(out);
	CMS_ContentInfo_free(cms);
	tl_sig_free(&sig);
}

/* The token shapes kepsim-gen does not forge (it garbles a real token's
 * type, timestamp-malformed): not a SEQUENCE, a SEQUENCE that is no
 * ContentInfo, and a genuine SignedData of an ordinary signer's message
 * where a TSTInfo belongs. */
static void test_timestamp_malformed_tokens(void **state)
{
	static const unsigned char octets[] = { 0x04, 0x03, 'T', 'S', 'T' };
	static const unsigned char not_ci[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" }, .attached = 1 };
	struct tl_sig other;

	(void)state;
	malformed_token(V_ASN1_OCTET_STRING, octets, sizeof(octets), VERDICT_MALFORMED,
			"attribute is not a token");
	malformed_token(V_ASN1_SEQUENCE, not_ci, sizeof(not_ci), VERDICT_MALFORMED,
			"token does not parse");
	tl_sign(&so, msg, sizeof(msg) - 1, &other);
	malformed_token(V_ASN1_SEQUENCE, other.der, (int)other.len, VERDICT_MALFORMED,
			"does not hold a TSTInfo");
	tl_sig_free(&other);
}

static const struct pkg_check *find_check(const struct pkg_report *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].name, name) == 0)
			return &r->checks[i];
	fail_msg("no %s check", name);
	return NULL;
}

/* verify_package: what mime.c opened of an opaque signature (and shows as
 * the message: its original, its attachments) must be the very content the
 * CMS verification proved. The view of an opaque-signed envelope, signed by
 * a configured KEPHS, is valid as parsed; once its parsed content is not
 * what the SignedData holds (one byte of the original changed, or cut
 * short), the envelope signature is invalid and says why. */
static void test_opaque_content_bound(void **state)
{
	static const char content[] =
		"Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
		"Content-Type: message/rfc822\r\n\r\n"
		"From: a@hs01.kep.tr\r\nSubject: asil\r\nMIME-Version: 1.0\r\n\r\nasil ileti\r\n"
		"\r\n--b--\r\n";
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" }, .attached = 1 };
	struct verify_opts vo = { .trust = ts, .rev = online };
	struct trust_store *kts = trust_new();
	struct kbuf pkg = { 0 };
	struct pkg_report r;
	struct pkg_view v;
	struct tl_sig sig;
	struct kerr err;
	const struct pkg_check *c;
	unsigned char *b64, *hit;
	char *leaf = tl_path("rsa-leaf.crt");

	(void)state;
	load(kts, TRUST_ANCHOR, "rsa-root.crt");
	if (trust_load_kephs(kts, NULL, leaf, &err) < 0)
		fail_msg("%s", err.msg);
	free(leaf);
	vo.trust = kts;
	tl_sign(&so, content, sizeof(content) - 1, &sig);
	b64 = xmalloc(4 * (sig.len / 3 + 1) + 1);
	EVP_EncodeBlock(b64, sig.der, (int)sig.len);
	kbuf_printf(&pkg, "From: kephs@hs01.kep.tr\r\nSubject: zarf\r\nMIME-Version: 1.0\r\n"
		    "Content-Type: application/pkcs7-mime; smime-type=signed-data\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n", b64);
	free(b64);
	tl_sig_free(&sig);

	for (int round = 0; round < 3; round++) {
		pkg_view_open(pkg.data, pkg.len, NULL, &v);
		assert_true(v.parsed);
		assert_int_equal(v.mp.envelope.n_sigs, 1);
		assert_true(v.mp.has_original);
		if (round == 1) {
			/* The walk's content, not the signed one: "asil" -> "Asil". */
			hit = memmem(v.mp.envelope.sigs[0].content, v.mp.envelope.sigs[0].content_len,
				     "asil ileti", 10);
			assert_non_null(hit);
			hit[0] = 'A';
		} else if (round == 2) {
			v.mp.envelope.sigs[0].content_len -= 4;
		}
		assert_int_equal(verify_package_view(&vo, &v, &r, &err), 0);
		c = find_check(&r, "envelope-signature");
		if (round == 0) {
			if (c->verdict != VERDICT_VALID && c->verdict != VERDICT_REVOCATION_UNKNOWN)
				fail_msg("honest opaque envelope: %s: %s", verdict_name(c->verdict),
					 c->reason);
		} else {
			if (c->verdict != VERDICT_INVALID)
				fail_msg("round %d: %s: %s", round, verdict_name(c->verdict), c->reason);
			assert_non_null(strstr(c->reason, "the encapsulated content parsed is not "
					       "the content verified"));
			assert_int_equal(r.overall, VERDICT_INVALID);
		}
		pkg_report_free(&r);
		pkg_view_free(&v);
	}
	kbuf_free(&pkg);
	trust_free(&kts);
}

static void test_cert_verify(void **state)
{
	struct verify_opts vo = { .trust = ts, .rev = online, .signer_eku = "" };
	X509 *leaf = tl_cert("ec-leaf"), *inter = tl_cert("ec-inter");
	STACK_OF(X509) *extra = sk_X509_new_null();
	struct sig_report rep;
	struct kerr err;

	(void)state;
	sk_X509_push(extra, inter);
	assert_int_equal(cert_verify(&vo, leaf, extra, 0, &rep, &err), 0);
	assert_int_equal(rep.verdict, VERDICT_VALID);
	assert_int_equal(cert_verify(&vo, leaf, NULL, 0, &rep, &err), 0);
	assert_int_equal(rep.verdict, VERDICT_UNTRUSTED);
	sk_X509_pop_free(extra, X509_free);
	X509_free(leaf);
}

/* cms_der_decode gives what d2i_CMS_ContentInfo gives: the same structure
 * (the same re-encoding, the same certificates in the same order), its
 * certificates taken from the cache the second time; what it does not take
 * (BER, a duplicate certificate, a certificate that does not decode) is
 * decoded the whole way, with the whole way's answer. */
static unsigned char *i2d_of(CMS_ContentInfo *cms, int *n)
{
	unsigned char *out = NULL;

	*n = i2d_CMS_ContentInfo(cms, &out);
	assert_true(*n > 0);
	return out;
}

static void same_as_d2i(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *whole = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	CMS_ContentInfo *fast = cms_der_decode(der, len);
	STACK_OF(X509) *a, *b;
	unsigned char *ea, *eb;
	int na, nb;

	ERR_clear_error();
	if (whole == NULL) {
		assert_null(fast);
		return;
	}
	assert_non_null(fast);
	ea = i2d_of(whole, &na);
	eb = i2d_of(fast, &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(ea, eb, (size_t)na);
	a = CMS_get1_certs(whole);
	b = CMS_get1_certs(fast);
	assert_int_equal(sk_X509_num(a), sk_X509_num(b));
	for (int i = 0; i < sk_X509_num(a); i++)
		assert_int_equal(X509_cmp(sk_X509_value(a, i), sk_X509_value(b, i)), 0);
	sk_X509_pop_free(a, X509_free);
	sk_X509_pop_free(b, X509_free);
	OPENSSL_free(ea);
	OPENSSL_free(eb);
	CMS_ContentInfo_free(whole);
	CMS_ContentInfo_free(fast);
}

/* The content of the TLV at p, its length in *l. */
static const unsigned char *tlv_content(const unsigned char *p, const unsigned char *end, long *l)
{
	int tag, cls;

	assert_int_equal(ASN1_get_object(&p, l, &tag, &cls, (long)(end - p)) & 0x80, 0);
	return p;
}

/* der with its first certificate twice (every enclosing length made longer). */
static unsigned char *dup_first_cert(const unsigned char *der, size_t len, size_t *out_len)
{
	static const int tags[4] = { V_ASN1_SEQUENCE, 0, V_ASN1_SEQUENCE, 0 };
	static const int classes[4] = { V_ASN1_UNIVERSAL, V_ASN1_CONTEXT_SPECIFIC,
					V_ASN1_UNIVERSAL, V_ASN1_CONTEXT_SPECIFIC };
	const unsigned char *end = der + len, *at[4], *body[4], *cert, *p;
	long lens[4], grow[4], l;
	unsigned char *out, *w;
	size_t cert_len;

	/* ContentInfo (past its OID), [0], SignedData (past version, digest
	 * algorithms, content), certificates */
	at[0] = der;
	for (int k = 0; k < 4; k++) {
		p = body[k] = tlv_content(at[k], end, &lens[k]);
		for (int skip = 0; skip < (k == 0 ? 1 : k == 2 ? 3 : 0); skip++)
			p = tlv_content(p, end, &l) + l;
		if (k < 3)
			at[k + 1] = p;
	}
	cert = body[3];
	cert_len = (size_t)(tlv_content(cert, end, &l) + l - cert);
	/* inside out: each grows by its child's growth, header included */
	grow[3] = lens[3] + (long)cert_len;
	for (int k = 2; k >= 0; k--)
		grow[k] = lens[k] + ASN1_object_size(1, grow[k + 1], tags[k + 1]) -
			  ASN1_object_size(1, lens[k + 1], tags[k + 1]);
	w = out = malloc(len + cert_len + 16);
	for (int k = 0; k < 4; k++) {
		ASN1_put_object(&w, 1, grow[k], tags[k], classes[k]);
		p = k < 3 ? at[k + 1] : body[3];
		memcpy(w, body[k], (size_t)(p - body[k]));
		w += p - body[k];
	}
	memcpy(w, cert, cert_len);
	w += cert_len;
	memcpy(w, cert, (size_t)(end - cert));
	w += end - cert;
	*out_len = (size_t)(w - out);
	return out;
}

static void test_cms_der_decode(void **state)
{
	struct tl_sign_opts so = { .signer = "rsa-leaf", .chain = { "rsa-inter" },
				   .tsa = "tsa" };
	struct cms_der_stats s0, s1, s2;
	struct tl_sig sig;
	unsigned char *dup;
	size_t dup_len;
	BIO *in, *ber;
	CMS_ContentInfo *streamed;
	X509 *leaf;
	EVP_PKEY *key;
	char *ber_data;
	long ber_len;

	(void)state;
	tl_sign(&so, msg, sizeof(msg) - 1, &sig);
	cms_der_stats(&s0);
	same_as_d2i(sig.der, sig.len);
	cms_der_stats(&s1);
	assert_int_equal(s1.fast, s0.fast + 1);
	assert_int_equal(s1.fallback, s0.fallback);
	/* again: the certificates come from the cache, none decoded */
	same_as_d2i(sig.der, sig.len);
	cms_der_stats(&s2);
	assert_int_equal(s2.fast, s1.fast + 1);
	assert_int_equal(s2.cert_decodes, s1.cert_decodes);

	/* corrupted copies (seeded: a bit flipped, a byte replaced, cut short)
	 * decode to what the whole decode gives, or to nothing with it */
	{
		unsigned char *bad = malloc(sig.len);
		unsigned seed = 7;

		for (int it = 0; it < 1500; it++) {
			size_t n = sig.len;

			memcpy(bad, sig.der, sig.len);
			for (int j = 0; j <= it % 3; j++) {
				size_t pos;

				seed = seed * 1103515245u + 12345u;
				pos = (seed >> 8) % sig.len;
				seed = seed * 1103515245u + 12345u;
				if (it % 3 == 0)
					bad[pos] ^= (unsigned char)(1u << ((seed >> 16) % 8));
				else if (it % 3 == 1)
					bad[pos] = (unsigned char)(seed >> 16);
				else
					n = pos + 1;
			}
			same_as_d2i(bad, n);
		}
		free(bad);
	}
	cms_der_stats(&s2);

	/* a duplicate certificate: kept by the whole decode, so decoded that way */
	dup = dup_first_cert(sig.der, sig.len, &dup_len);
	same_as_d2i(dup, dup_len);
	{
		const unsigned char *p = dup;
		CMS_ContentInfo *w = d2i_CMS_ContentInfo(NULL, &p, (long)dup_len);
		STACK_OF(X509) *c = CMS_get1_certs(w);

		assert_int_equal(sk_X509_num(c), 3);  /* the leaf twice, the intermediate */
		sk_X509_pop_free(c, X509_free);
		CMS_ContentInfo_free(w);
	}
	cms_der_stats(&s1);
	assert_int_equal(s1.fallback, s2.fallback + 1);
	/* the first certificate's TBSCertificate no longer a SEQUENCE: nothing decodes */
	{
		const unsigned char *end = dup + dup_len, *p;
		long l;

		p = tlv_content(tlv_content(dup, end, &l), end, &l) + l;     /* [0] */
		p = tlv_content(tlv_content(p, end, &l), end, &l);           /* SignedData's */
		for (int skip = 0; skip < 3; skip++)
			p = tlv_content(p, end, &l) + l;
		p = tlv_content(tlv_content(p, end, &l), end, &l);           /* the first TBS */
		assert_int_equal(*p, 0x30);
		*(unsigned char *)p = 0x31;
		same_as_d2i(dup, dup_len);
	}
	free(dup);

	/* BER with indefinite lengths (a streamed signature) */
	in = BIO_new_mem_buf(msg, sizeof(msg) - 1);
	leaf = tl_cert("rsa-leaf");
	key = tl_key("rsa-leaf");
	streamed = CMS_sign(leaf, key, NULL, in, CMS_BINARY | CMS_DETACHED | CMS_STREAM);
	assert_non_null(streamed);
	ber = BIO_new(BIO_s_mem());
	assert_int_equal(i2d_CMS_bio_stream(ber, streamed, in, CMS_BINARY | CMS_DETACHED | CMS_STREAM), 1);
	ber_len = BIO_get_mem_data(ber, &ber_data);
	assert_int_equal((unsigned char)ber_data[1], 0x80);  /* indefinite */
	cms_der_stats(&s0);
	same_as_d2i((const unsigned char *)ber_data, (size_t)ber_len);
	cms_der_stats(&s1);
	assert_int_equal(s1.fallback, s0.fallback + 1);
	BIO_free(ber);
	BIO_free(in);
	CMS_ContentInfo_free(streamed);
	X509_free(leaf);
	EVP_PKEY_free(key);
	tl_sig_free(&sig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsa_valid),
		cmocka_unit_test(test_ec_valid),
		cmocka_unit_test(test_tampered),
		cmocka_unit_test(test_lf_only_is_invalid),
		cmocka_unit_test(test_wrong_root),
		cmocka_unit_test(test_root_in_cms_not_trusted),
		cmocka_unit_test(test_missing_intermediate),
		cmocka_unit_test(test_expired_after_timestamp),
		cmocka_unit_test(test_timestamp_imprint_mismatch),
		cmocka_unit_test(test_wrong_tsa),
		cmocka_unit_test(test_sha1_weak),
		cmocka_unit_test(test_short_key_weak),
		cmocka_unit_test(test_key_usage),
		cmocka_unit_test(test_crl_revoked),
		cmocka_unit_test(test_ocsp),
		cmocka_unit_test(test_ocsp_cached),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_responder_down),
		cmocka_unit_test(test_kamusm_store),
		cmocka_unit_test(test_chain_cache),
		cmocka_unit_test(test_chain_cache_rule),
		cmocka_unit_test(test_attached_and_malformed),
		cmocka_unit_test(test_timestamp_malformed_tokens),
		cmocka_unit_test(test_cert_verify),
		cmocka_unit_test(test_cms_der_decode),
		cmocka_unit_test(test_opaque_content_bound),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
