# Tests: C unit tests (cmocka) and shell acceptance tests that run the real
# binaries against real servers. automake's parallel harness: exit 0 pass,
# 77 skip, 99 hard error. Each area keeps its tests in its own tests/*.mk.
TEST_EXTENSIONS = .sh
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	KEPAGENT='$(abs_top_builddir)/kepagent'; export KEPAGENT; \
	ASAN_OPTIONS='detect_leaks=1:abort_on_error=0'; export ASAN_OPTIONS; \
	UBSAN_OPTIONS='print_stacktrace=1:halt_on_error=1'; export UBSAN_OPTIONS;

TEST_CPPFLAGS = $(AM_CPPFLAGS) $(AGENT_INCLUDES) $(ALL_DEP_CFLAGS) $(CMOCKA_CFLAGS)
TEST_LDADD = agent/libagent.a $(SYNC_LIB) $(CONF_LIB) $(KEP_LIB) $(STORE_LIB) lib/libkcommon.a $(ALL_DEP_LIBS) $(CMOCKA_LIBS)

dist_noinst_SCRIPTS += tests/lib.sh tests/summary.sh tests/run-all.sh

include tests/cli.mk
include tests/config.mk
include tests/store.mk
include tests/kepsim.mk
include tests/driver.mk
include tests/verify.mk
include tests/formats.mk
include tests/daemon.mk
include tests/sync.mk
include tests/archive.mk
include tests/api.mk
include tests/bench.mk
include tests/package.mk
include tests/send.mk

# The test PKI that tests/kepsim-env.sh caches once per build tree.
clean-local:
	-rm -rf tests/kepsim-pki.cache tests/kepsim-pki.lock
include tests/fuzz.mk
