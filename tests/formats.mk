# formats (owned by its module; see HACKING.md): MIME, evidence, e-Yazisma tests.
check_PROGRAMS += tests/formats-tool
tests_formats_tool_SOURCES = tests/formats-tool.c
tests_formats_tool_CPPFLAGS = $(TEST_CPPFLAGS)
tests_formats_tool_LDADD = $(TEST_LDADD)

TESTS += tests/formats-mime.sh tests/formats-evidence.sh tests/formats-eyp.sh
dist_noinst_SCRIPTS += tests/formats-mime.sh tests/formats-evidence.sh tests/formats-eyp.sh tests/formats-pki.sh

check_PROGRAMS += tests/test-mime tests/test-evidence
tests_test_mime_SOURCES = tests/test-mime.c
tests_test_mime_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_mime_LDADD = $(TEST_LDADD)
tests_test_evidence_SOURCES = tests/test-evidence.c
tests_test_evidence_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_evidence_LDADD = $(TEST_LDADD)
TESTS += tests/test-mime tests/test-evidence
