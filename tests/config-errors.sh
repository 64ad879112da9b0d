#!/bin/sh
# check-config reports each kind of error as FILE:LINE:COLUMN: message and
# exits 3. Each tests/data/config/bad-*.yaml names its expected line in a
# first-line comment "# expect: LINE:COL: message".
. "$top_srcdir/tests/lib.sh"
D=$top_srcdir/tests/data/config

n=0
for f in "$D"/bad-*.yaml; do
	expect=$(sed -n '1s/^# expect: //p' "$f")
	[ -n "$expect" ] || continue
	expect_exit 3 "$KEPAGENT" -c "$f" check-config
	grep -qF -- "$f:$expect" "$T/err" || { cat "$T/err"; fail "$f: no '$f:$expect' on stderr"; }
	# The expected error is the first one reported.
	head -n 1 "$T/err" | grep -qF -- "$f:$expect" || { cat "$T/err"; fail "$f: not first"; }
	expect_no_grep 'configuration OK' "$T/out"
	n=$((n + 1))
done
[ "$n" -ge 12 ] || fail "only $n error cases ran"

# Every error of a file is reported, in file order.
f=$D/bad-many.yaml
expect_exit 3 "$KEPAGENT" -c "$f" check-config
grep -E "^$f:[0-9]+:[0-9]+: " "$T/err" | cut -d: -f2,3 >"$T/pos"
printf '4:15\n6:18\n8:3\n' >"$T/want"
cmp -s "$T/pos" "$T/want" || { cat "$T/err"; fail "bad-many.yaml: positions $(tr '\n' ' ' <"$T/pos")"; }
expect_grep "bad value 'maybe' for 'revocation'" "$T/err"
expect_grep "value -5 for 'lease_seconds'|bad value '-5' for 'lease_seconds'" "$T/err"

# --json lists the same errors.
expect_exit 3 "$KEPAGENT" -c "$f" check-config --json
python3 - "$T/out" "$f" <<'PY' || fail "check-config --json error report"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is False, d
assert len(d["errors"]) == 3, d["errors"]
assert d["errors"][0].startswith(sys.argv[2] + ":4:15: "), d["errors"][0]
PY

# A missing file and an empty file are configuration errors too.
expect_exit 3 "$KEPAGENT" -c "$T/none.yaml" check-config
expect_grep "cannot open $T/none.yaml" "$T/err"
: >"$T/empty.yaml"
expect_exit 3 "$KEPAGENT" -c "$T/empty.yaml" check-config
expect_grep "$T/empty.yaml:1:1: the file is empty" "$T/err"
printf 'trust: {anchors: [a]}\n---\ntrust: {anchors: [b]}\n' >"$T/two.yaml"
expect_exit 3 "$KEPAGENT" -c "$T/two.yaml" check-config
expect_grep "$T/two.yaml:3:1: a second YAML document" "$T/err"

# 'kephs' and 'accounts' must be lists (lib/config_yaml.c cy_sequence).
printf 'store: {path: /x.db}\ntrust:\n  anchors: [a]\n  kephs: 5\naccounts: 7\n' >"$T/seq.yaml"
expect_exit 3 "$KEPAGENT" -c "$T/seq.yaml" check-config
expect_grep "$T/seq.yaml:4:10: wrong type for 'kephs' .expected a list of '- provider: ptt'" "$T/err"
expect_grep "$T/seq.yaml:5:11: wrong type for 'accounts' .expected a list of accounts," "$T/err"

# Usage: --help, unknown option, stray argument.
expect_exit 0 "$KEPAGENT" check-config --help
expect_grep '^Usage: kepagent check-config' "$T/out"
expect_exit 2 "$KEPAGENT" -c "$D/valid.yaml" check-config --frobnicate
expect_exit 2 "$KEPAGENT" -c "$D/valid.yaml" check-config extra-arg
