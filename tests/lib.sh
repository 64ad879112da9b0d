# tests/lib.sh: helpers for shell acceptance tests. Source it; it sets -eu,
# makes $T (a private temporary directory removed on exit) and defines
# fail/expect helpers. Tests run the real binaries from $top_builddir.
set -eu
: "${top_srcdir:?run through make check}"
: "${top_builddir:?run through make check}"
KEPAGENT=${KEPAGENT:-$top_builddir/kepagent}
T=$(mktemp -d "${TMPDIR:-/tmp}/kepagent-test.XXXXXX")
chmod 700 "$T"
_cleanup_hooks=""
on_exit() { _cleanup_hooks="$1; $_cleanup_hooks"; }
trap 'eval "$_cleanup_hooks"; rm -rf "$T"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*" >&2; exit 77; }
# expect_exit CODE CMD...: runs CMD, stdout to $T/out, stderr to $T/err.
expect_exit() {
	want=$1; shift
	set +e
	"$@" >"$T/out" 2>"$T/err"
	got=$?
	set -e
	if [ "$got" != "$want" ]; then
		echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"
		fail "'$*' exited $got, expected $want"
	fi
}
# expect_grep PATTERN FILE: FILE must match the extended regular expression.
expect_grep() {
	grep -Eq -- "$1" "$2" || { echo "--- $2:"; cat "$2"; fail "'$1' not found in $2"; }
}
expect_no_grep() {
	if grep -Eq -- "$1" "$2"; then echo "--- $2:"; cat "$2"; fail "'$1' unexpectedly found in $2"; fi
}
