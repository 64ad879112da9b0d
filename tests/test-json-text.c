/* Unit test of the JSON text writer (lib/json_text.c): for every string,
 * valid UTF-8 or not, its text is what jansson dumps for the same string made
 * valid as reply_text() does (bad bytes as U+FFFD), and jansson parses it
 * back; integers, booleans, null and nesting give jansson's compact text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "json_text.h"
#include "reply.h"
#include "util.h"

/* jt_str(s) against jansson's dump of reply_text(s). */
static void check_string(const char *s)
{
	struct kbuf b = { 0 };
	json_t *ref = reply_text(s), *back;
	char *want = json_dumps(ref, JSON_COMPACT | JSON_ENCODE_ANY);

	jt_str(&b, s);
	assert_non_null(want);
	assert_string_equal(kbuf_cstr(&b), want);
	back = json_loadb((const char *)b.data, b.len, JSON_DECODE_ANY, NULL);
	assert_non_null(back);
	assert_true(json_equal(back, ref));
	json_decref(back);
	json_decref(ref);
	free(want);
	kbuf_free(&b);
}

static void test_escapes(void **state)
{
	static const char *const cases[] = {
		"", "plain", "a \"quoted\" reason", "back\\slash", "C:\\dir\\\"x\"",
		"line\nbreak\r\ttab\b\f", "\x01\x02\x1f\x7f end", "slash / stays",
		"İmza doğrulanamadı: şüpheli ğ ü ö ç ı Ş Ğ Ü Ö Ç", "€ 𝄞 \xe2\x80\xa8",
		"cut \xc4", "bad \xff\xfe byte", "overlong \xc0\xaf \xe0\x80\xaf",
		"surrogate \xed\xa0\x80", "beyond \xf4\x90\x80\x80", "lone \x80 cont",
		"\"\\\n\x01ş\xff",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_string(cases[i]);
}

/* Seeded random bytes (no NUL: C strings), biased to the edges. */
static void test_random_bytes(void **state)
{
	static const unsigned char edge[] = { '"', '\\', '\n', 0x01, 0x1f, 0x7f, 0x80, 0xbf,
					      0xc0, 0xc2, 0xc4, 0xdf, 0xe0, 0xed, 0xef, 0xf0,
					      0xf4, 0xf5, 0xff, 'a', 0x9f, 0xa0 };
	char s[33];
	unsigned int seed = 15, i, k;

	(void)state;
	for (i = 0; i < 20000; i++) {
		unsigned int n = (unsigned int)rand_r(&seed) % 32;

		for (k = 0; k < n; k++) {
			int r = rand_r(&seed);

			s[k] = (char)(r % 2 ? edge[(r >> 1) % sizeof(edge)] : 1 + (r >> 1) % 255);
		}
		s[n] = '\0';
		check_string(s);
	}
}

static void test_values_and_commas(void **state)
{
	struct kbuf b = { 0 };
	json_t *ref;
	char *want;

	(void)state;
	jt_begin(&b, '{');
	jt_key(&b, "id");
	jt_int(&b, 42);
	jt_key(&b, "min");
	jt_int(&b, INT64_MIN);
	jt_key(&b, "max");
	jt_int(&b, INT64_MAX);
	jt_key(&b, "zero");
	jt_int(&b, 0);
	jt_key(&b, "t");
	jt_bool(&b, 1);
	jt_key(&b, "f");
	jt_bool(&b, 0);
	jt_key(&b, "n");
	jt_null(&b);
	jt_key(&b, "s");
	jt_str(&b, NULL);
	jt_key(&b, "a");
	jt_begin(&b, '[');
	jt_begin(&b, '{');
	jt_end(&b, '}');
	jt_int(&b, -7);
	jt_raw(&b, "{\"x\":[]}", 8);
	jt_begin(&b, '[');
	jt_end(&b, ']');
	jt_end(&b, ']');
	jt_key(&b, "q\"k");
	jt_str(&b, "v");
	jt_kstr(&b, "ks", "w");
	jt_kint(&b, "ki", -1);
	jt_kid(&b, "id0", 0);
	jt_kid(&b, "id5", 5);
	jt_kbool(&b, "kb", 1);
	jt_end(&b, '}');
	ref = json_pack("{s:I, s:I, s:I, s:I, s:b, s:b, s:n, s:n, s:[{}, I, {s:[]}, []], s:s,"
			" s:s, s:I, s:n, s:I, s:b}",
			"id", (json_int_t)42, "min", (json_int_t)INT64_MIN, "max",
			(json_int_t)INT64_MAX, "zero", (json_int_t)0, "t", 1, "f", 0, "n", "s",
			"a", (json_int_t)-7, "x", "q\"k", "v", "ks", "w", "ki", (json_int_t)-1, "id0",
			"id5", (json_int_t)5, "kb", 1);
	want = json_dumps(ref, JSON_COMPACT);
	assert_string_equal(kbuf_cstr(&b), want);
	free(want);
	json_decref(ref);
	kbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_random_bytes),
		cmocka_unit_test(test_values_and_commas),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
