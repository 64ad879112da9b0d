#!/bin/sh
# Builds kepagent with -Werror and ASan/UBSan in ./build and runs every test.
# Ends with the line "N passed, N failed, N skipped"; exits non-zero on any
# failure. Also runs the README's demo (contrib/demo.sh) on ./build, counted
# as one test; builds the libFuzzer targets with clang in ./build-fuzz and
# runs each for FUZZ_TIME seconds (default 15; tests/fuzz-run.sh), one more;
# runs valgrind over the unit tests and one refresh in
# ./build-valgrind (tests/valgrind.sh), one more; prints the reliability
# table (tests/reliability.sh --report); checks the peak RSS bounds there
# (tests/refresh-big-rss.sh), one more. Usage: tests/run-all.sh [--no-distcheck]
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build
jobs=$(nproc 2>/dev/null || echo 2)
distcheck=yes
[ "${1:-}" = "--no-distcheck" ] && distcheck=no

cd "$src" && ./bootstrap || exit 1
mkdir -p "$build" && cd "$build" || exit 1
"$src/configure" --enable-werror --enable-sanitizers || exit 1
make -j"$jobs" || exit 1
find "$build" -name '*.trs' -delete
make -j"$jobs" check
check_status=$?
for log in $(grep -l -E '^:test-result: (FAIL|ERROR|XPASS)' $(find "$build" -name '*.trs') 2>/dev/null); do
	echo "=== ${log%.trs}.log"
	tail -n 60 "${log%.trs}.log"
done
extra_pass=0
extra_fail=0
extra_skip=0
# The README's demo command on this build (contrib/demo.sh uses ./build):
# it must end with unit A's letter at "Okundu (60); final", every refresh
# of it succeeding; one more test.
echo "=== demo (contrib/demo.sh on ./build)"
if sh "$src/contrib/demo.sh" >"$build/demo.log" 2>&1 &&
	grep -q '^DEMO-2026-1: Okundu (60); final' "$build/demo.log" &&
	! grep -Eq 'refresh reported failures|AddressSanitizer|LeakSanitizer|runtime error' "$build/demo.log"; then
	grep '^DEMO-2026-1:' "$build/demo.log"
	echo "demo: ok"
	extra_pass=$((extra_pass + 1))
else
	tail -n 40 "$build/demo.log"
	echo "demo: FAILED"
	extra_fail=$((extra_fail + 1))
fi
# Fuzzing: every target for a bounded time from its seed corpus; a crash,
# leak or timeout fails (the input is printed and kept in build-fuzz/fuzz-artifacts).
echo "=== fuzz (clang, libFuzzer + ASan/UBSan, ${FUZZ_TIME:-15} s per target)"
if printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' \
	| clang -x c -fsanitize=fuzzer,address,undefined -o /dev/null - >/dev/null 2>&1; then
	fuzz_build=$src/build-fuzz
	if mkdir -p "$fuzz_build" && (cd "$fuzz_build" &&
		"$src/configure" CC=clang CFLAGS="-g -O1 -fsanitize=fuzzer-no-link" --enable-werror --enable-sanitizers >configure.log 2>&1 &&
		make -j"$jobs" fuzz >make.log 2>&1) &&
		FUZZ_TIME=${FUZZ_TIME:-15} "$src/tests/fuzz-run.sh" "$fuzz_build"; then
		echo "fuzz: ok"
		extra_pass=$((extra_pass + 1))
	else
		tail -n 40 "$fuzz_build/make.log" 2>/dev/null
		echo "fuzz: FAILED"
		extra_fail=$((extra_fail + 1))
	fi
elif [ "${CI:-}" = true ]; then
	echo "fuzz: FAILED: clang with libFuzzer is missing (contrib/install-deps.sh installs it)"
	extra_fail=$((extra_fail + 1))
else
	echo "fuzz: skipped: clang with libFuzzer is missing"
	extra_skip=$((extra_skip + 1))
fi
# valgrind memcheck over the unit tests and one refresh, in a build without
# sanitizers (tests/valgrind.sh); counted as one test.
echo "=== valgrind (memcheck, unit tests and one refresh, build-valgrind)"
if command -v valgrind >/dev/null; then
	vg_build=$src/build-valgrind
	if mkdir -p "$vg_build" && (cd "$vg_build" &&
		"$src/configure" --enable-werror >configure.log 2>&1 &&
		make -j"$jobs" >make.log 2>&1 && make -j"$jobs" check TESTS= >>make.log 2>&1) &&
		"$src/tests/valgrind.sh" "$vg_build"; then
		echo "valgrind: ok"
		extra_pass=$((extra_pass + 1))
	else
		tail -n 40 "$vg_build/make.log" 2>/dev/null
		echo "valgrind: FAILED"
		extra_fail=$((extra_fail + 1))
	fi
elif [ "${CI:-}" = true ]; then
	echo "valgrind: FAILED: valgrind is missing (contrib/install-deps.sh installs it)"
	extra_fail=$((extra_fail + 1))
else
	echo "valgrind: skipped: valgrind is missing"
	extra_skip=$((extra_skip + 1))
fi
# Peak RSS bounds, in the build without sanitizers (ASan's shadow memory
# makes RSS meaningless, so the test skips in ./build); one more test.
echo "=== peak RSS (tests/refresh-big-rss.sh, build-valgrind)"
if [ ! -x "$src/build-valgrind/kepagent" ]; then
	echo "peak RSS: skipped: no build without sanitizers (valgrind is missing)"
	extra_skip=$((extra_skip + 1))
elif (cd "$src/build-valgrind" && make check TESTS=tests/refresh-big-rss.sh >rss.log 2>&1); then
	grep -h 'peak RSS' "$src/build-valgrind/tests/refresh-big-rss.log" 2>/dev/null
	echo "peak RSS: ok"
	extra_pass=$((extra_pass + 1))
else
	tail -n 20 "$src/build-valgrind/tests/refresh-big-rss.log" 2>/dev/null
	echo "peak RSS: FAILED"
	extra_fail=$((extra_fail + 1))
fi
# The reliability figures of this run (make torture's table, from the logs
# above: nothing runs again; its failures are already counted).
"$src/tests/reliability.sh" --report "$build" "$src/build-fuzz" || true
if [ "$distcheck" = yes ]; then
	echo "=== make distcheck"
	if make -j"$jobs" distcheck >"$build/distcheck.log" 2>&1; then
		echo "make distcheck: ok"
	else
		tail -n 80 "$build/distcheck.log"
		echo "make distcheck: FAILED"
		extra_fail=$((extra_fail + 1))
	fi
fi
summary=$("$src/tests/summary.sh" "$build")
sum_status=$?
# The fuzz and valgrind runs count as tests in the closing line, distcheck when it fails.
summary=$(echo "$summary" | awk -F'[ ,]+' -v p="$extra_pass" -v f="$extra_fail" -v s="$extra_skip" \
	'{printf "%d passed, %d failed, %d skipped\n", $1 + p, $3 + f, $5 + s}')
echo "$summary"
[ $check_status -eq 0 ] && [ $sum_status -eq 0 ] && [ "$extra_fail" -eq 0 ]
