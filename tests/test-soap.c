/* Unit test of SOAP request building and response parsing (kep/provider/soap.c):
 * user data cannot change a request's structure, parallel arrays, nil,
 * Faults, DTD refusal, inline base64 streamed to a descriptor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "http.h"
#include "soap.h"
#include "util.h"

#define ENV_OPEN "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>"
#define ENV_CLOSE "</soapenv:Body></soapenv:Envelope>"
#define RET(op, body) ENV_OPEN "<ns:" op "Response xmlns:ns=\"http://ws.apache.org/axis2\">" \
	"<ns:return xmlns:ax=\"http://ws.apache.org/axis2/xsd\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" \
	body "</ns:return></ns:" op "Response>" ENV_CLOSE

static void test_request_escapes_user_data(void **state)
{
	static const char evil[] = "x</ax:parola><ax:tcno>1</ax:tcno>&amp;<![CDATA[";
	struct kbuf b = { 0 };
	struct kerr err;
	xmlNodePtr p, cred;
	xmlDocPtr doc;
	char *v;

	(void)state;
	doc = soap_request_new("Giris", &p);
	cred = soap_add(p, "kepHesap", NULL);
	soap_add(cred, "parola", evil);
	soap_add(p, "girisTur", "BASE");
	assert_int_equal(soap_serialize(doc, &b, &err), 0);
	soap_request_free(doc);
	assert_non_null(strstr(kbuf_cstr(&b), "\"http://ws.apache.org/axis2\""));
	assert_non_null(strstr(kbuf_cstr(&b), ":param0>"));
	/* Parsed back, the value is intact text and no element was injected. */
	xmlDocPtr back = xmlReadMemory((const char *)b.data, (int)b.len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(back);
	xmlNodePtr body = xmlDocGetRootElement(back)->children->next;
	xmlNodePtr op = body->children;
	assert_string_equal((const char *)op->name, "Giris");
	assert_string_equal((const char *)op->ns->href, SOAP_NS_OP);
	xmlNodePtr param0 = op->children;
	assert_string_equal((const char *)param0->name, "param0");
	assert_int_equal(soap_count(param0, "kepHesap"), 1);
	xmlNodePtr c = soap_nth(param0, "kepHesap", 0);
	assert_string_equal((const char *)c->ns->href, SOAP_NS_XSD);
	assert_int_equal(soap_count(c, "tcno"), 0);
	v = soap_field(c, "parola");
	assert_string_equal(v, evil);
	free(v);
	xmlFreeDoc(back);
	kbuf_free(&b);
}

static void test_parallel_arrays(void **state)
{
	static const char xml[] = RET("PaketSorgula",
		"<ax:durum>0</ax:durum><ax:durum>0</ax:durum>"
		"<ax:kepId>&lt;a@x&gt;</ax:kepId><ax:kepId>&lt;b@x&gt;</ax:kepId>"
		"<ax:kepSiraNo> 7 </ax:kepSiraNo><ax:kepSiraNo>9</ax:kepSiraNo>"
		"<ax:konu>Ça&#287;r&#305;</ax:konu><ax:konu xsi:nil=\"true\"/>");
	struct soap_resp r;
	struct kerr err;
	char *v;

	(void)state;
	assert_int_equal(soap_parse_mem(xml, sizeof(xml) - 1, &r, &err), 0);
	assert_null(r.fault);
	assert_int_equal(r.nret, 1);
	assert_int_equal(soap_count(r.rets[0], "kepId"), 2);
	v = soap_text(soap_nth(r.rets[0], "kepId", 1));
	assert_string_equal(v, "<b@x>");
	free(v);
	v = soap_text(soap_nth(r.rets[0], "kepSiraNo", 0));
	assert_string_equal(v, "7");
	free(v);
	v = soap_text(soap_nth(r.rets[0], "konu", 0));
	assert_string_equal(v, "Çağrı");
	free(v);
	assert_null(soap_text(soap_nth(r.rets[0], "konu", 1)));
	assert_null(soap_text(soap_nth(r.rets[0], "konu", 2)));
	assert_null(soap_field(r.rets[0], "missing"));
	soap_resp_free(&r);
}

static void test_fault(void **state)
{
	static const char xml[] = ENV_OPEN "<soapenv:Fault><faultcode>soapenv:Server</faultcode>"
		"<faultstring>Kullanıcı bulunamadı</faultstring></soapenv:Fault>" ENV_CLOSE;
	struct soap_resp r;
	struct kerr err;

	(void)state;
	assert_int_equal(soap_parse_mem(xml, sizeof(xml) - 1, &r, &err), 0);
	assert_string_equal(r.fault, "Kullanıcı bulunamadı");
	assert_int_equal(r.nret, 0);
	soap_resp_free(&r);
}

static void test_refuses_dtd_and_garbage(void **state)
{
	static const char bomb[] = "<?xml version=\"1.0\"?>\n<!-- c -->\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
		ENV_OPEN "<x>&lol2;</x>" ENV_CLOSE;
	static const char notsoap[] = "<html><body>proxy error</body></html>";
	struct soap_resp r;
	struct kerr err;

	(void)state;
	assert_int_equal(soap_parse_mem(bomb, sizeof(bomb) - 1, &r, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	assert_non_null(strstr(err.msg, "DTD"));
	assert_int_equal(soap_parse_mem(notsoap, sizeof(notsoap) - 1, &r, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	assert_int_equal(soap_parse_mem("<a><b></a>", 10, &r, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
}

/* A DOCTYPE beyond the prolog scan's window is still refused (SAX hook). */
static void test_refuses_late_dtd(void **state)
{
	struct kbuf b = { 0 };
	struct soap_resp r;
	struct kerr err;
	int fd;
	size_t i;

	(void)state;
	kbuf_append_str(&b, "<?xml version=\"1.0\"?><!--");
	for (i = 0; i < 1000; i++)
		kbuf_append_str(&b, "padding ");
	kbuf_append_str(&b, "--><!DOCTYPE x [<!ENTITY a \"b\">]>" ENV_OPEN ENV_CLOSE);
	fd = http_tmpfile(NULL, &err);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.data, b.len), (ssize_t)b.len);
	assert_int_equal(soap_parse_fd(fd, &r, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	assert_non_null(strstr(err.msg, "DTD"));
	close(fd);
	kbuf_free(&b);
}

static void test_inline_base64_from_fd(void **state)
{
	/* "hello world\r\n\0!" in base64 with line breaks, as Axis2 may wrap it. */
	static const char xml[] = "<?xml version=\"1.0\"?>\n" RET("Indir",
		"<ax:durum>0</ax:durum><ax:ePaket>aGVsbG8g\nd29ybGQN\r\nCgAh</ax:ePaket>"
		"<ax:ePaket><xop:Include xmlns:xop=\"" SOAP_NS_XOP "\" href=\"cid:p2\"/></ax:ePaket>");
	struct soap_resp r;
	struct kerr err;
	char buf[64];
	int in, out;

	(void)state;
	in = http_tmpfile(NULL, &err);
	out = http_tmpfile(NULL, &err);
	assert_true(in >= 0 && out >= 0);
	assert_int_equal(write(in, xml, sizeof(xml) - 1), (ssize_t)(sizeof(xml) - 1));
	assert_int_equal(soap_parse_fd(in, &r, &err), 0);
	assert_null(soap_xop_href(soap_nth(r.rets[0], "ePaket", 0)));
	assert_string_equal(soap_xop_href(soap_nth(r.rets[0], "ePaket", 1)), "cid:p2");
	assert_int_equal(soap_write_base64(soap_nth(r.rets[0], "ePaket", 0), out, &err), 0);
	assert_int_equal(pread(out, buf, sizeof(buf), 0), 15);
	assert_memory_equal(buf, "hello world\r\n\0!", 15);
	soap_resp_free(&r);
	close(in);
	close(out);
}

static void test_bad_base64(void **state)
{
	static const char xml[] = RET("Indir", "<ax:ePaket>aGVs*bG8=</ax:ePaket>");
	struct soap_resp r;
	struct kerr err;
	int out = http_tmpfile(NULL, &err);

	(void)state;
	assert_int_equal(soap_parse_mem(xml, sizeof(xml) - 1, &r, &err), 0);
	assert_int_equal(soap_write_base64(soap_nth(r.rets[0], "ePaket", 0), out, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	soap_resp_free(&r);
	close(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_escapes_user_data),
		cmocka_unit_test(test_parallel_arrays),
		cmocka_unit_test(test_fault),
		cmocka_unit_test(test_refuses_dtd_and_garbage),
		cmocka_unit_test(test_refuses_late_dtd),
		cmocka_unit_test(test_inline_base64_from_fd),
		cmocka_unit_test(test_bad_base64),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
