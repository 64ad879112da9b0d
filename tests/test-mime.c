/* Unit tests of kep/mime (header decoding, limits, malformed input) and
 * kep/safe_name. The signed-range tests with openssl are in formats-mime.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libetpan/libetpan.h>

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
	assert_int_equal(mime_message_parse(msg, sizeof(msg) - 1, NULL, &m, &err), 0);
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
	assert_int_equal(mime_message_parse(trunc, sizeof(trunc) - 1, NULL, &m, &err), -1);
	assert_int_equal(err.cls, KERR_MALFORMED);
	assert_non_null(strstr(err.msg, "multipart/signed"));
	assert_int_equal(mime_message_parse("", 0, NULL, &m, &err), -1);
	assert_int_equal(mime_message_parse("\0\0\0", 3, NULL, &m, &err), -1);
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
	assert_int_equal(mime_message_parse(b.data, b.len, NULL, &m, &err), -1);
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
	assert_int_equal(mime_message_parse(b.data, b.len, NULL, &m, &err), -1);
	assert_int_equal(err.cls, KERR_LIMIT);
	assert_string_equal(err.msg, "more than 500 MIME parts");
	kbuf_free(&b);
}

/* A message of one attachment with transfer encoding cte and body body,
 * in a buffer of exactly its size (no NUL after it: the parser must stay
 * inside; ASan sees a step outside). */
static char *one_part(const char *cte, const char *body, size_t blen, size_t *len)
{
	struct kbuf b = { 0 };
	char *out;

	kbuf_printf(&b, "From: a@b\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n"
		    "--q\r\nContent-Type: application/pdf; name=\"x.pdf\"\r\n"
		    "Content-Transfer-Encoding: %s\r\n\r\n", cte);
	kbuf_append(&b, body, blen);
	kbuf_append_str(&b, "\r\n--q--\r\n");
	*len = b.len;
	out = xmalloc(b.len);
	memcpy(out, b.data, b.len);
	kbuf_free(&b);
	return out;
}

/* The base64 decoder gives what libetpan's gives (the answers stored and
 * judged before it replaced libetpan's must not change): junk and '=' in the
 * middle skipped, last groups of 1 to 3 symbols, block boundaries. */
static void check_b64(const char *body, size_t blen)
{
	size_t len, idx = 0, rlen = 0;
	char *msg = one_part("base64", body, blen, &len), *want = NULL;
	struct mime_message m;
	struct kerr err = { 0 };

	assert_int_equal(mailmime_base64_body_parse(body, blen, &idx, &want, &rlen), MAILIMF_NO_ERROR);
	assert_int_equal(mime_message_parse(msg, len, NULL, &m, &err), 0);
	assert_int_equal(m.n_att, 1);
	assert_int_equal(m.att[0].len, rlen);
	assert_memory_equal(m.att[0].data, want, rlen);
	assert_non_null(m.att[0].own);
	mime_message_free(&m);
	mailmime_decoded_part_free(want);
	free(msg);
}

static void test_base64_like_libetpan(void **state)
{
	static const char *const cases[] = {
		"", "QQ", "QUI", "QUJD", "Q", "QUJDRA==", "QUJDRA=", "QU=JD RA\r\n==",
		"!!QU*JD\tRA\r\nRUY=\r\n", "====", "QUJD====QUJD", "\x80\xffQUJD\x01",
	};
	struct kbuf big = { 0 };
	unsigned seed = 7;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_b64(cases[i], strlen(cases[i]));
	/* long lines across the decoder's blocks, odd symbol counts, junk */
	for (int len = 4090; len < 4110; len++) {
		big.len = 0;
		for (int i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			kbuf_append(&big, &"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\n="[(seed >> 16) % 66], 1);
		}
		check_b64((const char *)big.data, big.len);
	}
	/* every byte value, symbols in lines of 76 and in runs broken anywhere
	 * (the decoder takes whole groups at once and single symbols between
	 * skipped bytes), across its 3072-byte output blocks */
	for (int len = 0; len < 9000; len += len < 300 ? 1 : 997) {
		big.len = 0;
		for (int i = 0; i < len; i++) {
			unsigned char c;

			seed = seed * 1103515245u + 12345u;
			if (i % 78 == 76)
				c = '\r';
			else if (i % 78 == 77)
				c = '\n';
			else if ((seed >> 16) % 50 == 0)
				c = (unsigned char)(seed >> 24);  /* any byte, alphabet or not */
			else
				c = (unsigned char)"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[(seed >> 16) % 64];
			kbuf_append(&big, &c, 1);
		}
		check_b64((const char *)big.data, big.len);
	}
	for (int c = 0; c < 256; c++) {
		char one[6] = { 'Q', 'U', (char)c, 'J', 'D', 'R' };

		check_b64(one, sizeof(one));
	}
	kbuf_free(&big);
}

/* A part without transfer encoding is not copied: its data is the message's
 * own bytes. */
static void test_identity_is_slice(void **state)
{
	static const char body[] = "%PDF-1.4 \x00\x01 bytes";
	size_t len, n = sizeof(body) - 1;
	char *msg = one_part("binary", body, n, &len);
	struct mime_message m;
	struct kerr err = { 0 };

	(void)state;
	assert_int_equal(mime_message_parse(msg, len, NULL, &m, &err), 0);
	assert_int_equal(m.n_att, 1);
	assert_int_equal(m.att[0].len, n);
	assert_null(m.att[0].own);
	assert_ptr_equal(m.att[0].data, (const unsigned char *)msg + m.att[0].src_off);
	assert_int_equal(m.att[0].verbatim, 1);
	assert_memory_equal(m.att[0].data, body, n);
	mime_message_free(&m);
	free(msg);
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
		cmocka_unit_test(test_base64_like_libetpan),
		cmocka_unit_test(test_identity_is_slice),
		cmocka_unit_test(test_safe_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
