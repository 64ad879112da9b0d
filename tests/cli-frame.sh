#!/bin/sh
# The command-line frame: help, version, usage errors and their exit codes.
. "$top_srcdir/tests/lib.sh"

expect_exit 0 "$KEPAGENT" --help
expect_grep '^Usage: kepagent' "$T/out"
expect_grep '^  version ' "$T/out"

expect_exit 2 "$KEPAGENT"
expect_grep 'Usage: kepagent' "$T/err"

expect_exit 2 "$KEPAGENT" no-such-command
expect_grep "unknown command 'no-such-command'" "$T/err"

expect_exit 2 "$KEPAGENT" --no-such-option
expect_exit 0 "$KEPAGENT" --version
expect_grep '^kepagent [0-9]+\.[0-9]+' "$T/out"

# Every listed subcommand answers --help with its usage and exit 0.
for cmd in $("$KEPAGENT" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
	expect_exit 0 "$KEPAGENT" "$cmd" --help
	expect_grep "Usage: kepagent $cmd" "$T/out"
	expect_exit 2 "$KEPAGENT" "$cmd" --definitely-not-an-option
done

expect_exit 0 "$KEPAGENT" version --json
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["kepagent"]' "$T/out" \
	|| fail "version --json is not JSON with a kepagent key"
# Every library the binary links directly is named, in the text and the JSON.
command -v readelf >/dev/null || skip "readelf is missing"
readelf -d "$KEPAGENT" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >"$T/needed"
"$KEPAGENT" version >"$T/version.txt"
python3 - "$T/needed" "$T/out" "$T/version.txt" <<'PY' || fail "kepagent version leaves out a linked library"
import json, sys
# soname prefix -> the name kepagent version gives it
names = {"libcurl": "libcurl", "libetpan": "libetpan", "libssl": "openssl",
         "libcrypto": "openssl", "libp11.": "libp11", "libsqlite3": "sqlite",
         "libyaml": "libyaml", "libxml2": "libxml2", "libxmlsec1": "xmlsec1",
         "libzip": "libzip", "libmicrohttpd": "libmicrohttpd", "libjansson": "jansson",
         "libsystemd": "libsystemd"}
libs = json.load(open(sys.argv[2]))["libraries"]
text = open(sys.argv[3]).read().split()
for so in open(sys.argv[1]).read().split():
    for w in [v for k, v in names.items() if so.startswith(k)]:
        assert w in libs and libs[w], (so, w, libs)
        assert w in text, (so, w)
assert len(libs) >= 11, libs
PY
