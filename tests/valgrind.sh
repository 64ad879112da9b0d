#!/bin/sh
# valgrind memcheck over every unit test (tests/test-*) and one `kepagent
# refresh` against kepsim (tests/valgrind-refresh.sh), in a build WITHOUT
# sanitizers (valgrind and ASan do not mix; tests/run-all.sh makes one in
# ./build-valgrind). Fails on any memcheck error (invalid read or write,
# uninitialised value used, bad free) or definitely lost block; possibly
# lost and still reachable blocks are not errors. tests/valgrind.supp holds
# the suppressions, only for the libraries' own noise, each justified there.
# Prints one line per program and "valgrind: N programs, N failed".
# Usage: tests/valgrind.sh BUILD_DIR   (the unit tests built: make check TESTS=)
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: valgrind.sh BUILD_DIR}" && pwd) || exit 1
command -v valgrind >/dev/null || { echo "valgrind: missing (contrib/install-deps.sh installs it)"; exit 1; }
if grep -q '^SAN_CFLAGS = -fsanitize' "$build/Makefile"; then
	echo "valgrind: $build is a sanitizer build; configure one without --enable-sanitizers"
	exit 1
fi
logs=$build/valgrind-logs
rm -rf "$logs" && mkdir -p "$logs" || exit 1
VALGRIND="valgrind --tool=memcheck --error-exitcode=99 --leak-check=full \
--show-leak-kinds=definite --errors-for-leak-kinds=definite --num-callers=30 \
--suppressions=$src/tests/valgrind.supp --gen-suppressions=all"
export VALGRIND
export top_srcdir="$src" top_builddir="$build"
ran=0
failed=0
for t in "$build"/tests/test-*; do
	case $t in *.o|*.log|*.trs|*.c|*.h) continue ;; esac
	[ -f "$t" ] && [ -x "$t" ] || continue
	name=${t##*/}
	start=$(date +%s)
	case $name in
	test-cms-verify)
		# Needs the PKI, CRL and OCSP servers tests/verify-cms.sh starts.
		(cd "$build" && sh -c '. "$top_srcdir/tests/lib.sh"
			. "$top_srcdir/tests/verify-pki-servers.sh"
			$VALGRIND --log-file="$1" "$2"' sh "$logs/$name.vg" "$t" >"$logs/$name.out" 2>&1) ;;
	*)
		(cd "$build" && $VALGRIND --log-file="$logs/$name.vg" "$t" >"$logs/$name.out" 2>&1) ;;
	esac
	rc=$?
	ran=$((ran + 1))
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$logs/$name.vg" | tail -n 1)
	if [ $rc -ne 0 ]; then
		failed=$((failed + 1))
		echo "valgrind $name: FAILED (exit $rc, ${errs:-?} errors, $(( $(date +%s) - start )) s)"
		tail -n 20 "$logs/$name.out"
		sed -n '/== [A-Z].*\(Invalid\|uninitialised\|definitely\|Mismatched\|free\)/,/^==[0-9]*== $/p' "$logs/$name.vg" | head -n 80
	else
		echo "valgrind $name: ok ($(( $(date +%s) - start )) s)"
	fi
done
# One refresh against kepsim, the agent under memcheck.
start=$(date +%s)
sh "$src/tests/valgrind-refresh.sh" >"$logs/refresh.out" 2>&1
rc=$?
ran=$((ran + 1))
if [ $rc -ne 0 ]; then
	failed=$((failed + 1))
	echo "valgrind kepagent refresh: FAILED (exit $rc, $(( $(date +%s) - start )) s)"
	tail -n 100 "$logs/refresh.out"
else
	echo "valgrind kepagent refresh: ok ($(( $(date +%s) - start )) s)"
fi
echo "valgrind: $ran programs, $failed failed"
[ $failed -eq 0 ]
