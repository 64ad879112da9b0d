#!/bin/sh
# Builds kepagent with -Werror and ASan/UBSan in ./build and runs every test.
# Ends with the line "N passed, N failed, N skipped"; exits non-zero on any
# failure. Usage: tests/run-all.sh [--no-distcheck]
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
extra_fail=0
if [ "$distcheck" = yes ]; then
	echo "=== make distcheck"
	if make -j"$jobs" distcheck >"$build/distcheck.log" 2>&1; then
		echo "make distcheck: ok"
	else
		tail -n 80 "$build/distcheck.log"
		echo "make distcheck: FAILED"
		extra_fail=1
	fi
fi
summary=$("$src/tests/summary.sh" "$build")
sum_status=$?
if [ "$extra_fail" = 1 ]; then
	# distcheck counts as one more test in the closing line.
	summary=$(echo "$summary" | awk -F'[ ,]+' '{printf "%d passed, %d failed, %d skipped\n", $1, $3 + 1, $5}')
fi
echo "$summary"
[ $check_status -eq 0 ] && [ $sum_status -eq 0 ] && [ $extra_fail -eq 0 ]
