# libFuzzer targets for the parsers that see outside bytes (tests/fuzz/*.c).
# Configure with CC=clang CFLAGS="-g -O1 -fsanitize=fuzzer-no-link" (and
# --enable-sanitizers), then `make fuzz`: without fuzzer-no-link the
# libraries carry no coverage and libFuzzer mutates blind (cov: 2);
# tests/fuzz-run.sh runs each for a bounded time. Not built by `make all`.
FUZZ_NAMES = mime soap mtom evidence eyp config kamusm cms api
FUZZ_TARGETS = tests/fuzz/fuzz-mime tests/fuzz/fuzz-soap tests/fuzz/fuzz-mtom \
	tests/fuzz/fuzz-evidence tests/fuzz/fuzz-eyp tests/fuzz/fuzz-config \
	tests/fuzz/fuzz-kamusm tests/fuzz/fuzz-cms tests/fuzz/fuzz-api
FUZZ_LIBS = agent/libagent.a $(SYNC_LIB) $(CONF_LIB) $(KEP_LIB) $(STORE_LIB) lib/libkcommon.a
FUZZ_LINK = @$(MKDIR_P) tests/fuzz && echo "  FUZZ     $@" && \
	$(CC) $(TEST_CPPFLAGS) $(AM_CFLAGS) $(CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
	-o $@ $(srcdir)/tests/fuzz/$(@F:fuzz-%=%).c $(FUZZ_LIBS) $(ALL_DEP_LIBS)
fuzz: $(FUZZ_TARGETS)
tests/fuzz/fuzz-mime: $(srcdir)/tests/fuzz/mime.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
tests/fuzz/fuzz-soap: $(srcdir)/tests/fuzz/soap.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
tests/fuzz/fuzz-mtom: $(srcdir)/tests/fuzz/mtom.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
tests/fuzz/fuzz-evidence: $(srcdir)/tests/fuzz/evidence.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
tests/fuzz/fuzz-eyp: $(srcdir)/tests/fuzz/eyp.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
tests/fuzz/fuzz-config: $(srcdir)/tests/fuzz/config.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
tests/fuzz/fuzz-kamusm: $(srcdir)/tests/fuzz/kamusm.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
tests/fuzz/fuzz-cms: $(srcdir)/tests/fuzz/cms.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
tests/fuzz/fuzz-api: $(srcdir)/tests/fuzz/api.c $(FUZZ_LIBS)
	$(FUZZ_LINK)
.PHONY: fuzz
CLEANFILES += $(FUZZ_TARGETS)
dist_noinst_SCRIPTS += tests/fuzz-run.sh
EXTRA_DIST += tests/fuzz/mime.c tests/fuzz/soap.c tests/fuzz/mtom.c tests/fuzz/evidence.c \
	tests/fuzz/eyp.c tests/fuzz/config.c tests/fuzz/kamusm.c tests/fuzz/cms.c tests/fuzz/api.c tests/fuzz/xml.dict tests/fuzz/config.dict tests/fuzz/api.dict \
	tests/fuzz/corpus
# `make torture`: the reliability figures in one table (tests/reliability.sh):
# the crash, hostile-peer and machine-fault tests here, the fuzz targets for
# FUZZ_TIME s each in TORTURE_FUZZ_BUILD (a clang build, made when missing).
TORTURE_FUZZ_BUILD = $(abs_top_srcdir)/build-fuzz
torture: all
	$(SHELL) $(srcdir)/tests/reliability.sh $(abs_top_builddir) $(TORTURE_FUZZ_BUILD)
.PHONY: torture
dist_noinst_SCRIPTS += tests/reliability.sh tests/valgrind.sh tests/valgrind-refresh.sh
EXTRA_DIST += tests/valgrind.supp
