/* Unit test of the delil code table (kep/delil.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "delil.h"

static void test_known_codes(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(delil_label(10, buf, sizeof(buf)), "Kabul Edildi");
	assert_string_equal(delil_label(60, buf, sizeof(buf)), "Okundu");
	assert_int_equal(delil_by_code(41)->kind, DELIL_FAILURE);
	assert_true(delil_by_code(10)->rank < delil_by_code(20)->rank);
	assert_true(delil_by_code(20)->rank < delil_by_code(40)->rank);
	assert_true(delil_by_code(40)->rank < delil_by_code(60)->rank);
}

static void test_unknown_code(void **state)
{
	char buf[64];

	(void)state;
	assert_null(delil_by_code(99));
	assert_string_equal(delil_label(99, buf, sizeof(buf)), "Bilinmeyen delil (kod 99)");
}

static void test_etsi_mapping(void **state)
{
	(void)state;
	assert_int_equal(delil_code_from_etsi("SubmissionAcceptanceRejection",
					      "http://uri.etsi.org/02640/Event#Acceptance"), 10);
	assert_int_equal(delil_code_from_etsi("SubmissionAcceptanceRejection", "Rejection"), 11);
	assert_int_equal(delil_code_from_etsi("RelayREMMDFailure", NULL), 31);
	assert_int_equal(delil_code_from_etsi("RetrievalNonRetrievalByRecipient",
					      "http://uri.etsi.org/02640/Event#Retrieval"), 60);
	assert_int_equal(delil_code_from_etsi("NoSuchEvidence", "Acceptance"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_codes),
		cmocka_unit_test(test_unknown_code),
		cmocka_unit_test(test_etsi_mapping),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
