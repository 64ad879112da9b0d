/* Unit tests of kep/mime (header decoding, limits, malformed input) and
 * kep/safe_name. The signed-range tests with openssl are in formats-mime.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mime.h"
#include "safe_name.h"
#include "util.h"

static void check_decode(const char *raw, const char *want)
{
	char *s = mime_decode_header(raw);

	assert_string_equal(s, want);
	free(s);
}

static void test_rfc2047(void **state)
{
	(void)state;
	check_decode("=?UTF-8?B?xZ5pcmtldCDDlmRlbWVzaSDDp8SfxLE=?=", "Şirket Ödemesi çğı");
	check_decode("=?utf-8?Q?G=C3=BCn_=C3=B6zeti?=", "Gün özeti");
	check_decode("=?ISO-8859-9?Q?=DEirket_=F0=FD=DD?=", "Şirket ğıİ");
	check_decode("=?iso-8859-9?B?3mly?=", "Şir");
	check_decode("plain subject", "plain subject");
}

static void test_headers_and_unsigned(void **state)
{
	const char msg[] = "From: =?UTF-8?Q?Ay=C5=9Fe?= <a@hs01.kep.tr>\r\n"
			   "Subject: =?UTF-8?B?w5Zu?=\r\nMessage-ID: <m1@x>\r\n"
			   "X-TR-REM-iletiTip: standart\r\nX-REM-EventCode: Acceptance\r\n"
			   "\r\nbody\r\n";
	struct mime_message m;
	struct kerr err = { 0 };

	(void)state;
	assert_int_equal(mime_message_parse(msg, sizeof(msg) - 1, &m, &err), 0);
	assert_string_equal(m.subject, "Ön");
	assert_string_equal(m.from, "Ayşe <a@hs01.kep.tr>");
	assert_string_equal(m.message_id, "m1@x");
	assert_string_equal(m.ileti_tip, "standart");
	assert_int_equal(m.n_rem, 2);
	assert_string_equal(m.rem[1].name, "X-REM-EventCode");
	assert_string_equal(mime_signed_state(&m), "unsigned");
	assert_int_equal(m.lf_only, 0);
	mime_message_free(&m);
}

static void test_malformed(void **state)
{
	const char trunc[] = "From: a@b\r\nContent-Type: multipart/signed; protocol=\"application/"
			     "pkcs7-signature\"; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain"
			     "\r\n\r\nhello\r\n";
	struct mime_message m;
	struct kerr err = { 0 };

	(void)state;
	assert_int_equal(mime_message_parse(trunc, sizeof(trunc) - 1, &m, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	assert_non_null(strstr(err.msg, "multipart/signed"));
	assert_int_equal(mime_message_parse("", 0, &m, &err), -1);
	assert_int_equal(mime_message_parse("\0\0\0", 3, &m, &err), -1);
}

static void test_part_limit(void **state)
{
	struct kbuf b = { 0 };
	struct mime_message m;
	struct kerr err = { 0 };

	(void)state;
	kbuf_append_str(&b, "From: a@b\r\n");
	for (int i = 0; i < MIME_MAX_PARTS + 5; i++)
		kbuf_printf(&b, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i);
	assert_int_equal(mime_message_parse(b.data, b.len, &m, &err), -1);
	assert_int_equal(err.cls, KERR_LIMIT);
	assert_non_null(strstr(err.msg, "MIME nesting deeper than 16"));
	kbuf_free(&b);

	/* As many parts, each a multipart closed before the next: too many,
	 * not too deep. */
	kbuf_append_str(&b, "From: a@b\r\nContent-Type: multipart/mixed; boundary=\"o\"\r\n\r\n");
	for (int i = 0; i < MIME_MAX_PARTS + 5; i++)
		kbuf_printf(&b, "--o\r\nContent-Type: multipart/mixed;\r\n boundary=c%d\r\n\r\n"
			    "--c%d\r\nContent-Type: text/plain\r\n\r\nx\r\n--c%d--\r\n", i, i, i);
	kbuf_append_str(&b, "--o--\r\n");
	assert_int_equal(mime_message_parse(b.data, b.len, &m, &err), -1);
	assert_int_equal(err.cls, KERR_LIMIT);
	assert_string_equal(err.msg, "more than 500 MIME parts");
	kbuf_free(&b);
}

static void check_name(const char *in, const char *want)
{
	char *s = safe_name(in, NULL);

	assert_string_equal(s, want);
	free(s);
}

static void test_safe_name(void **state)
{
	(void)state;
	check_name("İhale Yazısı.pdf", "İhale Yazısı.pdf");
	check_name("../../etc/passwd", "passwd");
	check_name("C:\\Windows\\evil.exe", "evil.exe");
	check_name("a\001b\nc.txt", "abc.txt");
	check_name("..", "attachment");
	check_name("", "attachment");
	check_name(NULL, "attachment");
	check_name(".hidden", "hidden");
	check_name("CON.txt", "_CON.txt");
	check_name("com1", "_com1");
	check_name("a<b>c:d\"e|f?g*h", "abcdefgh");
	check_name("bad\xff\xfeutf8", "badutf8");
	check_name("trailing. . ", "trailing");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc2047),
		cmocka_unit_test(test_headers_and_unsigned),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_part_limit),
		cmocka_unit_test(test_safe_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
