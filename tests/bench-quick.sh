#!/bin/sh
# `make bench-quick` as a test: every benchmark of tests/bench.sh at tiny
# sizes, one run each. It fails when a benchmark breaks (a command fails, a
# count is wrong, the table is not printed), never on a time.
: "${top_srcdir:?run through make check}"
BENCH_QUICK=1 sh "$top_srcdir/tests/bench.sh" >"${TMPDIR:-/tmp}/bench-quick.$$" 2>&1
rc=$?
cat "${TMPDIR:-/tmp}/bench-quick.$$"
out=$(cat "${TMPDIR:-/tmp}/bench-quick.$$")
rm -f "${TMPDIR:-/tmp}/bench-quick.$$"
[ $rc -eq 0 ] || exit $rc
for row in "P1 refresh" "P2 verify" "P3 status" "P4 peak RSS" "P5 idle refresh" "store writes per package"; do
	echo "$out" | grep -q "^| $row" || { echo "FAIL: no '$row' row in the table" >&2; exit 1; }
done
