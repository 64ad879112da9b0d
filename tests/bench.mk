# Benchmarks: `make bench` runs every benchmark and prints one table of
# ratios against references measured in the same run (tests/bench.sh);
# `make bench-quick` (also the test tests/bench-quick.sh, so CI runs it) is
# the same at tiny sizes and fails only when a benchmark breaks, never on a time.
BENCH_PROGS = kepagent$(EXEEXT) contrib/kepsim/kepsim$(EXEEXT) contrib/kepsim/kepsim-gen$(EXEEXT) \
	tests/ptt-probe$(EXEEXT) tests/bench-verify$(EXEEXT) tests/bench-status$(EXEEXT)
BENCH_ENV = top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	KEPAGENT='$(abs_top_builddir)/kepagent'
bench: $(BENCH_PROGS)
	$(BENCH_ENV) $(SHELL) $(srcdir)/tests/bench.sh
bench-quick: $(BENCH_PROGS)
	$(BENCH_ENV) BENCH_QUICK=1 $(SHELL) $(srcdir)/tests/bench.sh
.PHONY: bench bench-quick
TESTS += tests/bench-quick.sh
dist_noinst_SCRIPTS += tests/bench.sh tests/bench-quick.sh
EXTRA_DIST += tests/bench.py
