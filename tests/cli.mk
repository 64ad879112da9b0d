# Command-line frame: help, usage errors, exit codes (runs the real binary).
TESTS += tests/cli-frame.sh
dist_noinst_SCRIPTS += tests/cli-frame.sh

# Exit codes of every command as kepagent(8) documents them (a table test).
TESTS += tests/exit-codes.sh
dist_noinst_SCRIPTS += tests/exit-codes.sh

check_PROGRAMS += tests/test-delil
tests_test_delil_SOURCES = tests/test-delil.c
tests_test_delil_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_delil_LDADD = $(TEST_LDADD)
TESTS += tests/test-delil

check_PROGRAMS += tests/test-api-server
tests_test_api_server_SOURCES = tests/test-api-server.c
tests_test_api_server_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_api_server_LDADD = $(TEST_LDADD)
TESTS += tests/test-api-server

# Man pages: groff -wall -ww clean, mandoc lint where installed, Turkish letters.
TESTS += tests/man-pages.sh
dist_noinst_SCRIPTS += tests/man-pages.sh
TESTS += tests/identifiers.sh
dist_noinst_SCRIPTS += tests/identifiers.sh
