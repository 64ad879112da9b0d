# store: unit tests of the SQLite store (real database files in a temp dir).
STORE_TESTS = tests/test-store-open tests/test-store-package tests/test-store-queue \
	tests/test-store-misc tests/test-store-outbox
check_PROGRAMS += $(STORE_TESTS)
TESTS += $(STORE_TESTS)
EXTRA_DIST += tests/test-store-util.h
tests_test_store_open_SOURCES = tests/test-store-open.c
tests_test_store_open_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_store_open_LDADD = $(TEST_LDADD)
tests_test_store_package_SOURCES = tests/test-store-package.c
tests_test_store_package_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_store_package_LDADD = $(TEST_LDADD)
tests_test_store_queue_SOURCES = tests/test-store-queue.c
tests_test_store_queue_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_store_queue_LDADD = $(TEST_LDADD)
tests_test_store_misc_SOURCES = tests/test-store-misc.c
tests_test_store_misc_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_store_misc_LDADD = $(TEST_LDADD)
tests_test_store_outbox_SOURCES = tests/test-store-outbox.c
tests_test_store_outbox_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_store_outbox_LDADD = $(TEST_LDADD)
