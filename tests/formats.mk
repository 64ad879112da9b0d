# formats (owned by its module; see HACKING.md): MIME, evidence, e-Yazisma tests.
check_PROGRAMS += tests/formats-tool
tests_formats_tool_SOURCES = tests/formats-tool.c
tests_formats_tool_CPPFLAGS = $(TEST_CPPFLAGS)
tests_formats_tool_LDADD = $(TEST_LDADD)

TESTS += tests/formats-mime.sh tests/formats-evidence.sh tests/formats-eyp.sh
dist_noinst_SCRIPTS += tests/formats-mime.sh tests/formats-evidence.sh tests/formats-eyp.sh tests/formats-pki.sh
