/* Unit tests of kep/xml_safe (DTD refusal) and kep/evidence field extraction
 * on in-memory documents. Signature verdicts: formats-evidence.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "evidence.h"
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
	assert_int_equal(ev.digest, EVIDENCE_DIGEST_UNCHECKED);
	evidence_free(&ev);
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
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_fields_unsigned),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
