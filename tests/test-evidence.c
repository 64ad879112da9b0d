/* Unit tests of kep/xml_safe (DTD refusal, shape limits) and kep/evidence field extraction
 * on in-memory documents. Signature verdicts: formats-evidence.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "delil_verdict.h"
#include "evidence.h"
#include "util.h"
#include "xml_safe.h"

static int prolog_ok(const char *s)
{
	struct kerr err = { 0 };

	return xml_safe_check_prolog(s, strlen(s), &err);
}

static void test_prolog(void **state)
{
	(void)state;
	assert_int_equal(prolog_ok("<a/>"), 0);
	assert_int_equal(prolog_ok("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><?pi x?><a/>"), 0);
	assert_int_equal(prolog_ok("<!DOCTYPE a><a/>"), -1);
	assert_int_equal(prolog_ok("<?xml version=\"1.0\"?><!-- <a/> --><!DOCTYPE a [<!ENTITY x \"y\">]><a/>"), -1);
	assert_int_equal(prolog_ok("<!ENTITY x \"y\"><a/>"), -1);
	assert_int_equal(prolog_ok("\xFE\xFF\0<\0a\0/\0>"), -1);
	assert_int_equal(prolog_ok("<!-- unterminated"), -1);
	assert_int_equal(prolog_ok(""), -1);
	assert_int_equal(prolog_ok("text<a/>"), -1);
}

static int head_ok(const char *s)
{
	struct kerr err = { 0 };

	return xml_safe_check_prolog_head(s, strlen(s), &err);
}

/* The window a streaming parser scans first: a declaration or UTF-16 is
 * refused, a prolog the window cuts off (or malformed) is the parser's. */
static void test_prolog_head(void **state)
{
	(void)state;
	assert_int_equal(head_ok("<?xml version=\"1.0\"?><!-- c --><Envelope/>"), 0);
	assert_int_equal(head_ok("<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE a [<!ENTITY x \"y\">]>"), -1);
	assert_int_equal(head_ok("<!ENTITY x \"y\">"), -1);
	assert_int_equal(head_ok("\xFE\xFF\0<"), -1);
	assert_int_equal(head_ok("<?xml version=\"1.0\"?><!-- a comment longer than the win"), 0);
	assert_int_equal(head_ok("<?xml version=\"1.0"), 0);
	assert_int_equal(head_ok(""), 0);
	assert_int_equal(head_ok("HTTP error page<a/>"), 0);
}

static void test_parse(void **state)
{
	struct kerr err = { 0 };
	xmlDocPtr d;

	(void)state;
	d = xml_safe_parse("<a><b> x </b></a>", 17, "t", &err);
	assert_non_null(d);
	assert_string_equal((const char *)xmlDocGetRootElement(d)->name, "a");
	xmlFreeDoc(d);
	assert_null(xml_safe_parse("<a><b></a>", 10, "t", &err));
	assert_int_equal(err.cls, KERR_MALFORMED);
	assert_non_null(strstr(err.msg, "t: not well-formed"));
}

/* Builds "<a" + n attributes + "/>" or n nested elements; malloc'd. */
static char *many_attrs(unsigned n, size_t *len)
{
	char *s = malloc(16 + (size_t)n * 16), *p = s;

	p += sprintf(p, "<a");
	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, " x%u=\"1\"", i);
	p += sprintf(p, "/>");
	*len = (size_t)(p - s);
	return s;
}

static char *deep(unsigned n, size_t *len)
{
	char *s = malloc(8 * (size_t)n + 1), *p = s;

	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, "<b>");
	for (unsigned i = 0; i < n; i++)
		p += sprintf(p, "</b>");
	*len = (size_t)(p - s);
	return s;
}

static void test_shape_limits(void **state)
{
	struct kerr err = { 0 };
	xmlDocPtr d;
	size_t len;
	char *s;
	clock_t t0;

	(void)state;
	/* 200,000 attributes on one element: refused by the scan, fast
	 * (libxml2 itself would take minutes on it). */
	s = many_attrs(200000, &len);
	t0 = clock();
	assert_null(xml_safe_parse(s, len, "t", &err));
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 1.0);
	assert_int_equal(err.cls, KERR_MALFORMED);
	assert_non_null(strstr(err.msg, "attributes"));
	free(s);
	/* At the limit it parses; quoted '=' and '>' are not counted. */
	s = many_attrs(XML_SAFE_MAX_ATTRS, &len);
	assert_non_null(d = xml_safe_parse(s, len, "t", &err));
	xmlFreeDoc(d);
	free(s);
	assert_int_equal(xml_safe_check_shape("<a x=\"a=b>c\" y='='/>", 20, &err), 0);
	/* Depth. */
	s = deep(XML_SAFE_MAX_DEPTH + 1, &len);
	assert_null(xml_safe_parse(s, len, "t", &err));
	assert_non_null(strstr(err.msg, "deeper"));
	free(s);
	s = deep(XML_SAFE_MAX_DEPTH, &len);
	assert_non_null(d = xml_safe_parse(s, len, "t", &err));
	xmlFreeDoc(d);
	free(s);
	/* Siblings do not add depth; comments and CDATA are not elements. */
	assert_int_equal(xml_safe_check_shape("<a><b/><b></b><!-- <c> --><![CDATA[<d>]]></a>", 45, &err), 0);
	/* Element count. */
	len = 3 + 4 * (size_t)(XML_SAFE_MAX_ELEMENTS + 1) + 4;
	s = malloc(len + 1);
	memcpy(s, "<a>", 3);
	for (unsigned i = 0; i < XML_SAFE_MAX_ELEMENTS; i++)
		memcpy(s + 3 + 4 * (size_t)i, "<b/>", 4);
	memcpy(s + 3 + 4 * (size_t)XML_SAFE_MAX_ELEMENTS, "</a>", 4);
	assert_int_equal(xml_safe_check_shape(s, 3 + 4 * (size_t)XML_SAFE_MAX_ELEMENTS + 4, &err), -1);
	assert_non_null(strstr(err.msg, "elements"));
	free(s);
	/* Empty and truncated input does not read past the end. */
	assert_int_equal(xml_safe_check_shape("", 0, &err), 0);
	assert_int_equal(xml_safe_check_shape("<a x=\"", 6, &err), 0);
	assert_int_equal(xml_safe_check_shape("<a></", 5, &err), 0);
	assert_null(xml_safe_parse("", 0, "t", &err));
}

static void test_fields_unsigned(void **state)
{
	const char doc[] =
		"<?xml version=\"1.0\"?>\n"
		"<DeliveryNonDeliveryToRecipient xmlns=\"http://uri.etsi.org/02640/v2#\">"
		"<EventCode>http://uri.etsi.org/02640/Event#Delivery</EventCode>"
		"<EventReasons><EventReason><Code>x</Code>\n  <Details>ok</Details></EventReason></EventReasons>"
		"<EvidenceIdentifier>E-1</EvidenceIdentifier>"
		"<SenderDetails><Name>Birim</Name><ElectronicAddress>b@hs01.kep.tr</ElectronicAddress></SenderDetails>"
		"</DeliveryNonDeliveryToRecipient>";
	struct evidence_opts o = { .provider_code = 40 };
	struct evidence ev;
	struct kerr err = { 0 };

	(void)state;
	assert_int_equal(evidence_verify(doc, sizeof(doc) - 1, &o, &ev, &err), 0);
	assert_int_equal(ev.verdict, VERDICT_UNSIGNED);
	assert_string_equal(ev.type, "DeliveryNonDeliveryToRecipient");
	assert_int_equal(ev.delil_code, 40);
	assert_int_equal(ev.provider_code, 40);
	assert_string_equal(ev.sender, "Birim <b@hs01.kep.tr>");
	assert_string_equal(ev.event_reasons, "x ok");
	assert_string_equal(ev.evidence_id, "E-1");
	assert_int_equal(ev.digest, EVIDENCE_DIGEST_ABSENT); /* binds no message */
	evidence_free(&ev);
}

#define SMD(alg) \
	"<SenderMessageDetails xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">" \
	"<ds:DigestMethod Algorithm=\"" alg "\"/>" \
	"<ds:DigestValue>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ds:DigestValue>" \
	"</SenderMessageDetails>"
#define SMD_SHA256 SMD("http://www.w3.org/2001/04/xmlenc#sha256")

/* A delil that binds no message (no digest of the original, or one in an
 * algorithm not accepted as proof) is invalid with or without an original,
 * and its reason says why; a digest that is there but has nothing to be
 * compared with is only not checked. */
static void test_digest_binding(void **state)
{
	static const char head[] =
		"<?xml version=\"1.0\"?>\n"
		"<SubmissionAcceptanceRejection xmlns=\"http://uri.etsi.org/02640/v2#\">"
		"<EventCode>http://uri.etsi.org/02640/Event#Acceptance</EventCode>";
	static const struct {
		const char *smd, *word;
		enum evidence_digest digest;
		enum verdict verdict;
	} cases[] = {
		{ "", "carries no message digest", EVIDENCE_DIGEST_ABSENT, VERDICT_INVALID },
		{ "<SenderMessageDetails><MessageSubject>x</MessageSubject></SenderMessageDetails>",
		  "carries no message digest", EVIDENCE_DIGEST_ABSENT, VERDICT_INVALID },
		{ SMD("urn:kepsim:digest#crc32"), "urn:kepsim:digest#crc32 is not supported",
		  EVIDENCE_DIGEST_UNSUPPORTED, VERDICT_INVALID },
		{ SMD("http://www.w3.org/2000/09/xmldsig#sha1"), "xmldsig#sha1 is not supported",
		  EVIDENCE_DIGEST_UNSUPPORTED, VERDICT_INVALID },
		{ SMD_SHA256, DELIL_DIGEST_UNCHECKED, EVIDENCE_DIGEST_UNCHECKED, VERDICT_UNSIGNED },
	};
	const char original[] = "";

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int with_original = 0; with_original < 2; with_original++) {
			struct evidence_opts o = { .provider_code = 10 };
			struct delil_verdict dv;
			struct kerr err = { 0 };
			char *doc = xasprintf("%s%s</SubmissionAcceptanceRejection>", head, cases[i].smd);

			if (with_original) {
				o.original = original;
				o.original_len = 0;
			}
			assert_int_equal(delil_judge(doc, strlen(doc), &o, &dv, &err), 0);
			if (with_original && cases[i].digest == EVIDENCE_DIGEST_UNCHECKED) {
				/* SHA-256 of no bytes: the digest matches the empty original */
				assert_int_equal(dv.ev.digest, EVIDENCE_DIGEST_MATCH);
				assert_int_equal(dv.digest_verdict, VERDICT_VALID);
			} else {
				assert_int_equal(dv.ev.digest, cases[i].digest);
				assert_int_equal(dv.verdict, cases[i].verdict);
				assert_non_null(strstr(dv.reason, cases[i].word));
				assert_int_equal(dv.digest_verdict, cases[i].verdict == VERDICT_INVALID
						 ? VERDICT_INVALID : VERDICT_UNSIGNED);
			}
			delil_verdict_free(&dv);
			free(doc);
		}
}

/* The listing's code is a claim: a delil whose signed type and event prove
 * another code is invalid, the reason naming both; the same code is not. */
static void test_code_mismatch(void **state)
{
	const char doc[] =
		"<?xml version=\"1.0\"?>\n"
		"<SubmissionAcceptanceRejection xmlns=\"http://uri.etsi.org/02640/v2#\">"
		"<EventCode>http://uri.etsi.org/02640/Event#Acceptance</EventCode>"
		"<EvidenceIdentifier>E-2</EvidenceIdentifier>" SMD_SHA256
		"</SubmissionAcceptanceRejection>";
	struct evidence_opts o = { .provider_code = 60 };
	struct delil_verdict dv;
	struct kerr err = { 0 };

	(void)state;
	assert_int_equal(delil_judge(doc, sizeof(doc) - 1, &o, &dv, &err), 0);
	assert_int_equal(dv.ev.delil_code, 10);
	assert_int_equal(dv.verdict, VERDICT_INVALID);
	assert_non_null(strstr(dv.reason, "code mismatch: the listing names delil 60 (Okundu), "
				      "the signed evidence is 10 (Kabul Edildi)"));
	delil_verdict_free(&dv);
	o.provider_code = 10;
	assert_int_equal(delil_judge(doc, sizeof(doc) - 1, &o, &dv, &err), 0);
	assert_int_equal(dv.verdict, VERDICT_UNSIGNED);
	assert_null(strstr(dv.reason, "code mismatch"));
	delil_verdict_free(&dv);
}

/* A delil judged once and checked again against another original
 * (delil_verdict_digest: its digest only, nothing parsed again) has the
 * verdict, reason and digest check that judging it with that original
 * gives: from none, the matching original and another one, to each. */
static void test_digest_again(void **state)
{
	const char doc[] =
		"<?xml version=\"1.0\"?>\n"
		"<DeliveryNonDeliveryToRecipient xmlns=\"http://uri.etsi.org/02640/v2#\">"
		"<EventCode>http://uri.etsi.org/02640/Event#Delivery</EventCode>"
		"<EvidenceIdentifier>E-3</EvidenceIdentifier>"
		"<SenderMessageDetails><MessageSubject>s</MessageSubject>"
		"<DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"
		"<DigestValue>ZYkr4QmDNwRiutzk0Pqcne4M9vUXPgf16lPXY8gYuCY=</DigestValue>"
		"</SenderMessageDetails></DeliveryNonDeliveryToRecipient>";
	static const char *const origs[] = { NULL, "the original", "another one" };
	struct kerr err = { 0 };
	size_t from, to;

	(void)state;
	for (from = 0; from < 3; from++)
		for (to = 0; to < 3; to++) {
			struct evidence_opts o = { 0 };
			struct delil_verdict once, fresh;

			o.original = origs[from];
			o.original_len = origs[from] ? strlen(origs[from]) : 0;
			assert_int_equal(delil_judge(doc, sizeof(doc) - 1, &o, &once, &err), 0);
			delil_verdict_digest(&once, origs[to], origs[to] ? strlen(origs[to]) : 0);
			o.original = origs[to];
			o.original_len = origs[to] ? strlen(origs[to]) : 0;
			assert_int_equal(delil_judge(doc, sizeof(doc) - 1, &o, &fresh, &err), 0);
			assert_int_equal(once.verdict, fresh.verdict);
			assert_string_equal(once.reason, fresh.reason);
			assert_int_equal(once.digest_verdict, fresh.digest_verdict);
			assert_int_equal(once.ev.digest, fresh.ev.digest);
			assert_string_equal(once.ev.digest_reason, fresh.ev.digest_reason);
			assert_int_equal(fresh.digest_verdict, to == 0 ? VERDICT_UNSIGNED
						     : to == 1 ? VERDICT_VALID : VERDICT_INVALID);
			delil_verdict_free(&once);
			delil_verdict_free(&fresh);
		}
}

static void test_malformed(void **state)
{
	struct evidence_opts o = { 0 };
	struct evidence ev;
	struct kerr err = { 0 };

	(void)state;
	assert_int_equal(evidence_verify("PK\003\004junk", 8, &o, &ev, &err), 0);
	assert_int_equal(ev.verdict, VERDICT_MALFORMED);
	evidence_free(&ev);
	assert_int_equal(evidence_verify("<!DOCTYPE a><a/>", 16, &o, &ev, &err), 0);
	assert_int_equal(ev.verdict, VERDICT_MALFORMED);
	assert_non_null(strstr(ev.reason, "DTD"));
	evidence_free(&ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prolog),
		cmocka_unit_test(test_prolog_head),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_shape_limits),
		cmocka_unit_test(test_fields_unsigned),
		cmocka_unit_test(test_code_mismatch),
		cmocka_unit_test(test_digest_binding),
		cmocka_unit_test(test_digest_again),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
