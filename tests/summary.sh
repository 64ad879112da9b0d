#!/bin/sh
# Prints "N passed, N failed, N skipped" from the automake harness's .trs
# files under a build directory, and exits 1 when anything failed.
# Usage: tests/summary.sh BUILDDIR
dir=${1:-.}
find "$dir" -name '*.trs' -exec cat {} + 2>/dev/null | awk '
	/^:test-result: (PASS|XFAIL)/ { p++ }
	/^:test-result: (FAIL|XPASS|ERROR)/ { f++ }
	/^:test-result: SKIP/ { s++ }
	END { printf "%d passed, %d failed, %d skipped\n", p, f, s; exit (f > 0 || p == 0) }'
