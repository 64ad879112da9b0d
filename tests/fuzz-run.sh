#!/bin/sh
# Runs every libFuzzer target built by `make fuzz` for a bounded time each
# (FUZZ_TIME seconds, default 20) from its seed corpus in tests/fuzz/corpus.
# Fails on any crash, leak or timeout, and on a route of the local API
# without a seed; the crashing input is kept in
# $FUZZ_ARTIFACTS (default <build>/fuzz-artifacts). Ends with one line per
# target: name, executions, crashes.
# Usage: tests/fuzz-run.sh BUILD_DIR
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: fuzz-run.sh BUILD_DIR}
time=${FUZZ_TIME:-20}
art=${FUZZ_ARTIFACTS:-$build/fuzz-artifacts}
mkdir -p "$art" || exit 1
status=0
report=""
# Every route of the local API (agent/api_routes.c) has a seed in
# tests/fuzz/corpus/api: a route without one is reached only if the
# mutations happen to build its path.
python3 - "$src" <<'PY' || status=1
import glob, os, re, sys
src = sys.argv[1]
routes = re.findall(r'\{ "([A-Z]+)", "(/[^"]*)"', open(os.path.join(src, "agent/api_routes.c")).read())
seen = set()
for f in glob.glob(os.path.join(src, "tests/fuzz/corpus/api/*")):
    text = open(f, "rb").read().decode("latin-1")
    for m in re.finditer(r"(?:^|\n)([A-Z]+) (/[^ ?]*)\S* HTTP/1\.[01]", text):
        seen.add(("GET" if m.group(1) == "HEAD" else m.group(1), m.group(2)))
bare = [m + " " + p for m, p in routes
        if not any(sm == m and re.fullmatch(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(p)), sp)
                   for sm, sp in seen)]
for r in bare:
    print("fuzz-run: no seed in tests/fuzz/corpus/api for %s" % r)
sys.exit(1 if bare or not routes else 0)
PY
for name in mime soap mtom evidence eyp config kamusm cms api; do
	bin=$build/tests/fuzz/fuzz-$name
	if [ ! -x "$bin" ]; then
		echo "fuzz-run: $bin missing (configure with CC=clang, make fuzz)" >&2
		exit 1
	fi
	work=$build/tests/fuzz/work-$name
	rm -rf "$work" && mkdir -p "$work" && cp "$src/tests/fuzz/corpus/$name"/* "$work"/
	[ -d "$src/tests/fuzz/regress/$name" ] && cp "$src/tests/fuzz/regress/$name"/* "$work"/
	dict=""
	case $name in
	config) dict=-dict=$src/tests/fuzz/config.dict ;;
	api) dict=-dict=$src/tests/fuzz/api.dict ;;
	soap|mtom|evidence|eyp|kamusm) dict=-dict=$src/tests/fuzz/xml.dict ;;
	esac
	log=$build/tests/fuzz/fuzz-$name.log
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$bin" -max_total_time="$time" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$art/$name-" $dict "$work" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	crashes=0
	if [ $rc -ne 0 ]; then
		crashes=1
		status=1
		echo "=== fuzz-$name failed (exit $rc), input kept in $art:"
		tail -n 40 "$log"
		# The input in the log too, so a CI run that keeps no files still has it
		# (base64 -d it into tests/fuzz/regress/$name/ once fixed).
		for f in "$art/$name"-*; do
			[ -f "$f" ] || continue
			echo "--- $f (base64, first 64 KiB):"
			head -c 65536 "$f" | base64
		done
	fi
	report="$report$(printf '%-10s %12s execs %3d crashes' "$name" "${execs:-0}" "$crashes")
"
done
printf '%s' "$report"
exit $status
