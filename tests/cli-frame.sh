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
