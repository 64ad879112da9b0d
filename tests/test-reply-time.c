/* Times and columns for people (agent/reply.h): Turkish local time across
 * Türkiye's transitions (against the tz database's Europe/Istanbul), and
 * padding that counts characters, not bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "reply.h"
#include "util.h"

static void test_turkish_local_time(void **state)
{
	static const struct { const char *utc, *tr; } cases[] = {
		{ "2010-10-31T00:59:59Z", "31.10.2010 03:59:59 (UTC+03:00)" },
		{ "2010-10-31T01:00:00Z", "31.10.2010 03:00:00 (UTC+02:00)" },
		{ "2011-03-27T01:30:00Z", "27.03.2011 03:30:00 (UTC+02:00)" }, /* start delayed */
		{ "2011-03-28T01:30:00Z", "28.03.2011 04:30:00 (UTC+03:00)" },
		{ "2014-03-30T01:30:00Z", "30.03.2014 03:30:00 (UTC+02:00)" }, /* start delayed */
		{ "2014-03-31T01:30:00Z", "31.03.2014 04:30:00 (UTC+03:00)" },
		{ "2015-10-25T01:30:00Z", "25.10.2015 04:30:00 (UTC+03:00)" }, /* end delayed */
		{ "2015-11-08T00:30:00Z", "08.11.2015 03:30:00 (UTC+03:00)" },
		{ "2015-11-08T01:30:00Z", "08.11.2015 03:30:00 (UTC+02:00)" },
		{ "2016-03-27T00:59:59Z", "27.03.2016 02:59:59 (UTC+02:00)" },
		{ "2016-03-27T01:00:00Z", "27.03.2016 04:00:00 (UTC+03:00)" },
		{ "2016-09-07T00:00:00Z", "07.09.2016 03:00:00 (UTC+03:00)" }, /* permanent +03 */
		{ "2016-10-30T02:00:00Z", "30.10.2016 05:00:00 (UTC+03:00)" },
		{ "2026-01-05T13:21:29Z", "05.01.2026 16:21:29 (UTC+03:00)" },
		{ "2026-12-31T22:00:00Z", "01.01.2027 01:00:00 (UTC+03:00)" },
	};
	struct kerr err;
	char buf[40];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t ms;

		assert_int_equal(reply_parse_time(cases[i].utc, &ms, &err), 0);
		assert_non_null(reply_time_tr(ms, buf));
		assert_string_equal(buf, cases[i].tr);
	}
	assert_null(reply_time_tr(0, buf));
}

static void test_columns_count_characters(void **state)
{
	struct kbuf b = { 0 };

	(void)state;
	reply_column(&b, "Doğrulama", 12);   /* 9 characters, 10 bytes */
	reply_column(&b, "Sonuç", 12);
	reply_column(&b, NULL, 3);
	kbuf_cstr(&b);
	assert_string_equal((const char *)b.data, "Doğrulama    Sonuç        -   ");
	assert_int_equal(reply_text_width("İçişleri Ğ"), 10);
	kbuf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turkish_local_time),
		cmocka_unit_test(test_columns_count_characters),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
