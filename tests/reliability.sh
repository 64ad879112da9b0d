#!/bin/sh
# The reliability figures in one table (issue 16; `make torture` runs it):
# the libFuzzer targets and their executions and crashes, the crash points
# killed and the random kills with what was lost or duplicated, the hostile
# provider and hostile API client cases, and the machine faults survived.
#
#   tests/reliability.sh [BUILD [FUZZ_BUILD]]
#       runs the tests behind the figures in BUILD (default ./build, a
#       sanitizer build) and the fuzz targets in FUZZ_BUILD (default
#       ./build-fuzz, configured with CC=clang; built when missing) for
#       FUZZ_TIME seconds each (default 60), then prints the table.
#   tests/reliability.sh --report BUILD [FUZZ_BUILD]
#       runs nothing: the table from the logs those runs left (tests/run-all.sh
#       prints it after its own make check and fuzz step).
# Exits non-zero when a figure shows a failure or a run left no log.
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
run=yes
[ "${1:-}" = --report ] && { run=no; shift; }
build=$(cd "${1:-$src/build}" 2>/dev/null && pwd) || { echo "reliability: no build directory ${1:-$src/build}"; exit 1; }
fuzz_build=${2:-$src/build-fuzz}
TESTS_CRASH="tests/crash-refresh.sh tests/crash-more.sh"
TESTS_HOSTILE="tests/hostile-provider.sh tests/api-listener.sh"
TESTS_FAULTS="tests/machine-faults.sh"

if [ $run = yes ]; then
	jobs=$(nproc 2>/dev/null || echo 2)
	[ "$jobs" -gt 2 ] && jobs=2
	echo "=== the crash, hostile-peer and machine-fault tests in $build"
	make -C "$build" -j"$jobs" check TESTS="$TESTS_CRASH $TESTS_HOSTILE $TESTS_FAULTS" >"$build/reliability-check.log" 2>&1
	grep -E '^(PASS|FAIL|ERROR|SKIP):' "$build/reliability-check.log"
	echo "=== fuzzing in $fuzz_build, ${FUZZ_TIME:-60} s per target"
	if [ ! -f "$fuzz_build/Makefile" ]; then
		mkdir -p "$fuzz_build" && (cd "$fuzz_build" &&
			"$src/configure" CC=clang CFLAGS="-g -O1 -fsanitize=fuzzer-no-link" --enable-werror --enable-sanitizers >configure.log 2>&1) ||
			{ echo "reliability: cannot configure $fuzz_build with clang"; exit 1; }
	fi
	make -C "$fuzz_build" -j"$jobs" fuzz >"$fuzz_build/make.log" 2>&1 ||
		{ tail -n 30 "$fuzz_build/make.log"; echo "reliability: make fuzz failed"; exit 1; }
	FUZZ_TIME=${FUZZ_TIME:-60} "$src/tests/fuzz-run.sh" "$fuzz_build"
fi

bad=0
# result TEST: PASS, FAIL, SKIP or "not run", from its .trs.
result() {
	r=$(sed -n 's/^:test-result: //p' "$build/${1%.sh}.trs" 2>/dev/null | head -n 1)
	echo "${r:-not run}"
}
row() { printf '%-17s %-76s %s\n' "$1" "$2" "$3"; }
# figure RESULT AREA WHAT OUTCOME FAILED-WHAT FAILED-OUTCOME: the row of a
# test's figure, or its failed form (and a failing exit) unless it passed.
figure() {
	if [ "$1" = PASS ]; then
		row "$2" "$3" "$4"
	else
		row "$2" "$5" "$6"
		bad=1
	fi
}
echo
echo "=== reliability figures"
row "area" "what" "result"

# Fuzzing: every target's log from tests/fuzz-run.sh.
targets=0 execs=0 crashes=0 names=""
for log in "$fuzz_build"/tests/fuzz/fuzz-*.log; do
	[ -f "$log" ] || continue
	n=${log##*/fuzz-}; n=${n%.log}
	targets=$((targets + 1))
	names="$names $n"
	e=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	execs=$((execs + ${e:-0}))
	if grep -Eq 'Test unit written to|==[0-9]+==ERROR|^SUMMARY: |libFuzzer: (timeout|out-of-memory|deadly signal)' "$log"; then
		crashes=$((crashes + 1))
	fi
done
if [ $targets -eq 0 ]; then
	row "fuzzing" "no fuzz logs in $fuzz_build" "NOT RUN"
	bad=1
else
	[ $crashes -eq 0 ] || bad=1
	row "fuzzing" "$targets targets ($names ), $execs executions" "$crashes crashes"
fi

# Crash points: tests/crash-refresh.sh and tests/crash-more.sh.
r1=$(result tests/crash-refresh.sh)
r2=$(result tests/crash-more.sh)
p1=$(sed -n 's/^killed at \([0-9]*\) distinct crash points.*/\1/p' "$build/tests/crash-refresh.log" 2>/dev/null | tail -n 1)
p2=$(sed -n 's/^crash-more: \([0-9]*\) crash points killed.*/\1/p' "$build/tests/crash-more.log" 2>/dev/null | tail -n 1)
k2=$(sed -n 's/^crash-more: .*, \([0-9]*\) random kills.*/\1/p' "$build/tests/crash-more.log" 2>/dev/null | tail -n 1)
if [ "$r1" = PASS ] && [ "$r2" = PASS ]; then
	row "crash points" "refresh ${p1:-?}, migrations/queue/daemon/archive ${p2:-?} (SIGKILL each)" "0 lost, 0 duplicated"
	row "random kills" "${k2:-?} SIGKILLs of the daemon while a client acks" "0 lost, 0 duplicated"
else
	row "crash points" "crash-refresh.sh: $r1, crash-more.sh: $r2" "FAILED (see their logs)"
	bad=1
fi

# Hostile peers: one line per provider case; the listener's attacks.
r=$(result tests/hostile-provider.sh)
n=$(grep -Ec '^[a-z0-9-]+ +exit [0-9]+ in +[0-9]+s:' "$build/tests/hostile-provider.log" 2>/dev/null)
figure "$r" "hostile provider" "${n:-0} cases, each failed closed, nothing stored" "0 failed" \
	"${n:-0} cases passed before it stopped ($r)" "FAILED"
r=$(result tests/api-listener.sh)
# tests/api-listener.sh: unauthenticated 1 MiB bodies, idle and half-closed sockets, ids of
# 2^63 and more, plain HTTP off loopback, a planted output link.
figure "$r" "hostile client" "6 attacks (bodies, idle sockets, half-closed sockets, ids, plain HTTP, links)" "0 failed" \
	"tests/api-listener.sh: $r" "FAILED"

# Machine faults: one "survived" line per case.
r=$(result tests/machine-faults.sh)
n=$(grep -c '^machine fault .*: survived' "$build/tests/machine-faults.log" 2>/dev/null)
figure "$r" "machine faults" "disk full (refresh, ack), read-only, locked, clock jumps (leases, schedule)" \
	"${n:-0} survived" "${n:-0} survived before it stopped ($r)" "FAILED"
exit $bad
