# Retention: archiving old content (store/archive.c, agent/retention.c,
# `kepagent archive`).
check_PROGRAMS += tests/test-store-archive
tests_test_store_archive_SOURCES = tests/test-store-archive.c
tests_test_store_archive_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_store_archive_LDADD = $(TEST_LDADD)
TESTS += tests/test-store-archive

# Acceptance: the real binary on a store synced from kepsim.
TESTS += tests/archive-cli.sh
dist_noinst_SCRIPTS += tests/archive-cli.sh
