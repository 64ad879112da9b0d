/* Unit test of MTOM/XOP response parsing (kep/provider/mtom.c) with canned bodies:
 * CRLF and LF-only framing, quoted and unquoted boundaries, a missing start
 * parameter, several binary parts, base64 parts, truncation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "http.h"
#include "mtom.h"
#include "soap.h"
#include "util.h"

#define ENVELOPE(parts) \
	"<?xml version='1.0' encoding='UTF-8'?>" \
	"<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body>" \
	"<ns:IndirResponse xmlns:ns=\"http://ws.apache.org/axis2\"><ns:return xmlns:ax=\"http://ws.apache.org/axis2/xsd\">" \
	"<ax:durum>0</ax:durum>" parts "<ax:hataaciklama/></ns:return></ns:IndirResponse></soapenv:Body></soapenv:Envelope>"
#define XOP(cid) "<ax:ePaket><xop:Include xmlns:xop=\"http://www.w3.org/2004/08/xop/include\" href=\"cid:" cid "\"/></ax:ePaket>"

/* Binary content with line breaks, a fake delimiter prefix and a NUL. */
static const char bin1[] = "Received: x\r\n\r\n--MIMEBoundary_no\r\nbody\n\0tail\r\n";
static const char bin2[] = "second part\n";

static int mkfd(const void *data, size_t len)
{
	struct kerr err;
	int fd = http_tmpfile(NULL, &err);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* The part's decoded bytes, through a file descriptor. */
static void expect_part(const struct mtom_part *p, const void *want, size_t wlen)
{
	struct kerr err;
	char buf[512];
	int fd = mkfd("", 0);
	ssize_t n;

	assert_non_null(p);
	assert_int_equal(mtom_write_part(p, fd, &err), 0);
	n = pread(fd, buf, sizeof(buf), 0);
	assert_int_equal(n, (ssize_t)wlen);
	assert_memory_equal(buf, want, wlen);
	close(fd);
}

static void build(struct kbuf *b, const char *nl, const char *boundary, int close_it)
{
	kbuf_printf(b, "preamble to ignore%s", nl);
	kbuf_printf(b, "--%s%sContent-Type: application/xop+xml; charset=UTF-8; type=\"text/xml\"%s"
		    "Content-Transfer-Encoding: binary%sContent-ID: <0.root@apache.org>%s%s", boundary,
		    nl, nl, nl, nl, nl);
	kbuf_append_str(b, ENVELOPE(XOP("1.bin%40apache.org") XOP("2.bin@apache.org")));
	kbuf_printf(b, "%s--%s%sContent-Type: application/octet-stream%sContent-Transfer-Encoding: binary%s"
		    "Content-ID: <1.bin@apache.org>%s%s", nl, boundary, nl, nl, nl, nl, nl);
	kbuf_append(b, bin1, sizeof(bin1) - 1);
	kbuf_printf(b, "%s--%s%sContent-ID:%s <2.bin@apache.org>%s%s", nl, boundary, nl, nl, nl, nl);
	kbuf_append(b, bin2, sizeof(bin2) - 1);
	if (close_it)
		kbuf_printf(b, "%s--%s--%s", nl, boundary, nl);
}

static void check_full(const char *nl, const char *ct, const char *boundary)
{
	struct kbuf b = { 0 };
	struct mtom_msg m;
	struct soap_resp r;
	struct kerr err;
	const struct mtom_part *root;
	const char *href;
	int fd;

	build(&b, nl, boundary, 1);
	fd = mkfd(b.data, b.len);
	assert_int_equal(mtom_parse(fd, ct, &m, &err), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.root, 0);
	root = &m.parts[m.root];
	assert_string_equal(root->content_id, "0.root@apache.org");
	/* The root part parses as the envelope and names both binary parts. */
	assert_int_equal(soap_parse_mem(root->body, root->len, &r, &err), 0);
	assert_int_equal(r.nret, 1);
	assert_int_equal(soap_count(r.rets[0], "ePaket"), 2);
	href = soap_xop_href(soap_nth(r.rets[0], "ePaket", 0));
	assert_string_equal(href, "cid:1.bin%40apache.org");
	expect_part(mtom_find(&m, href), bin1, sizeof(bin1) - 1);
	expect_part(mtom_find(&m, soap_xop_href(soap_nth(r.rets[0], "ePaket", 1))), bin2,
		    sizeof(bin2) - 1);
	assert_null(mtom_find(&m, "cid:nope@x"));
	soap_resp_free(&r);
	mtom_free(&m);
	close(fd);
	kbuf_free(&b);
}

static void test_crlf_quoted_start(void **state)
{
	(void)state;
	check_full("\r\n", "multipart/related; boundary=\"MIMEBoundary_abc\"; type=\"application/xop+xml\"; "
		   "start=\"<0.root@apache.org>\"; start-info=\"text/xml\"", "MIMEBoundary_abc");
}

static void test_lf_unquoted_no_start(void **state)
{
	(void)state;
	check_full("\n", "Multipart/Related;type=\"application/xop+xml\";BOUNDARY=MIMEBoundary_abc",
		   "MIMEBoundary_abc");
}

static void test_start_not_first(void **state)
{
	static const char body[] =
		"--b\r\nContent-ID: <bin>\r\n\r\nBIN\r\n--bx not a delimiter\r\n"
		"--b\r\nContent-ID: <root>\r\n\r\n<x/>\r\n--b--\r\n";
	struct mtom_msg m;
	struct kerr err;
	int fd = mkfd(body, sizeof(body) - 1);

	(void)state;
	assert_int_equal(mtom_parse(fd, "multipart/related; start=\"<root>\"; boundary=b", &m, &err), 0);
	assert_int_equal(m.root, 1);
	expect_part(&m.parts[1], "<x/>", 4);
	expect_part(mtom_find(&m, "cid:bin"), "BIN\r\n--bx not a delimiter", 25);
	mtom_free(&m);
	/* A start naming no part is malformed. */
	assert_int_equal(mtom_parse(fd, "multipart/related; start=\"<zz>\"; boundary=b", &m, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	close(fd);
}

static void test_truncated(void **state)
{
	struct kbuf b = { 0 };
	struct mtom_msg m;
	struct kerr err;
	int fd;

	(void)state;
	build(&b, "\r\n", "B", 0);
	/* Cut in the middle of the last part as a dropped connection would. */
	b.len -= 3;
	fd = mkfd(b.data, b.len);
	assert_int_equal(mtom_parse(fd, "multipart/related; boundary=B", &m, &err), -1);
	assert_int_equal(err.cls, KERR_TRANSIENT);
	assert_non_null(strstr(err.msg, "truncated"));
	assert_null(m.parts);
	close(fd);
	kbuf_free(&b);
	/* Cut right after a delimiter line's dashes. */
	fd = mkfd("--B\r\nContent-ID: <a>\r\n\r\nx\r\n--B", strlen("--B\r\nContent-ID: <a>\r\n\r\nx\r\n--B"));
	assert_int_equal(mtom_parse(fd, "multipart/related; boundary=B", &m, &err), -1);
	assert_int_equal(err.cls, KERR_TRANSIENT);
	close(fd);
}

static void test_base64_part(void **state)
{
	static const char body[] =
		"--b\nContent-ID: <r>\n\n<x/>\n"
		"--b\nContent-ID: <p>\nContent-Transfer-Encoding: base64\n\naGVsbG8g\nd29y\r\nbGQ=\n--b--";
	struct mtom_msg m;
	struct kerr err;
	int fd = mkfd(body, sizeof(body) - 1);

	(void)state;
	assert_int_equal(mtom_parse(fd, "multipart/related; boundary=b", &m, &err), 0);
	expect_part(mtom_find(&m, "cid:p"), "hello world", 11);
	mtom_free(&m);
	close(fd);
}

/* A part's headers end at its first blank line, CRLF or LF, whichever
 * comes first: a CRLF part whose binary body holds "\n\n", an LF part whose
 * body holds "\n\r\n", and a part with an LF blank line before a CRLF one. */
static void test_header_end(void **state)
{
	static const struct { const char *msg, *want; } cases[] = {
		{ "--b\r\nContent-ID: <c>\r\n\r\nA\n\nB\r\n--b--\r\n", "A\n\nB" },
		{ "--b\nContent-ID: <l>\n\nC\n\r\nD\n--b--\n", "C\n\r\nD" },
		{ "--b\r\nContent-ID: <m>\n\nE\r\n\r\nF\r\n--b--\r\n", "E\r\n\r\nF" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mtom_msg m;
		struct kerr err;
		int fd = mkfd(cases[i].msg, strlen(cases[i].msg));

		assert_int_equal(mtom_parse(fd, "multipart/related; boundary=b", &m, &err), 0);
		assert_int_equal(m.n, 1);
		expect_part(&m.parts[0], cases[i].want, strlen(cases[i].want));
		mtom_free(&m);
		close(fd);
	}
}

static void test_bad_headers(void **state)
{
	struct mtom_msg m;
	struct kerr err;
	static const char body[] = "--b\r\n\r\nx\r\n--b--\r\n";
	int fd = mkfd(body, sizeof(body) - 1);

	(void)state;
	assert_false(mtom_is_multipart("text/xml; charset=UTF-8"));
	assert_true(mtom_is_multipart(" multipart/related; boundary=b"));
	assert_int_equal(mtom_parse(fd, "multipart/related; type=x", &m, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	assert_int_equal(mtom_parse(fd, "multipart/related; boundary=other", &m, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	/* An empty header block is fine: a part without headers. */
	assert_int_equal(mtom_parse(fd, "multipart/related; boundary=b", &m, &err), 0);
	assert_int_equal(m.n, 1);
	expect_part(&m.parts[0], "x", 1);
	mtom_free(&m);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crlf_quoted_start),
		cmocka_unit_test(test_lf_unquoted_no_start),
		cmocka_unit_test(test_start_not_first),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_base64_part),
		cmocka_unit_test(test_header_end),
		cmocka_unit_test(test_bad_headers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
