#!/bin/sh
# `kepagent queue` on the command line, reading the store directly while
# `kepagent run` serves the same store: list, claim, show, fetch, ack,
# reject; the API sees what the CLI did and the reverse.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
api_world --seed 13 --received 4 --sent 1 --faults none

expect_exit 0 "$KEPAGENT" queue list
expect_grep '4 shown, 4 in all' "$T/out"
expect_exit 0 "$KEPAGENT" queue claim --count 2 --json
id=$(jget "$T/out" 'j["items"][0]["id"]')
lease=$(jget "$T/out" 'j["items"][0]["lease"]')
id2=$(jget "$T/out" 'j["items"][1]["id"]')
# The API sees the CLI's claim and honours its lease.
expect_status 200 "$(api GET "/v1/queue/$id?lease=$lease")" "API detail with a CLI lease"
expect_status 200 "$(api POST /v1/queue/claim '{"count": 4}')" "API claim"
[ "$(jget "$T/body" 'len(j["items"])')" = 2 ] || fail "the API claimed items the CLI holds"
api_lease=$(jget "$T/body" 'j["items"][0]["lease"]')
api_id=$(jget "$T/body" 'j["items"][0]["id"]')

expect_exit 0 "$KEPAGENT" queue show "$id" --lease "$lease"
expect_grep '^verification ' "$T/out"
expect_grep '^attachment ' "$T/out"
expect_exit 1 "$KEPAGENT" queue show "$id" --lease "$api_lease"
expect_grep 'not claimed with this lease' "$T/err"
expect_exit 2 "$KEPAGENT" queue ack "$id"
expect_exit 0 "$KEPAGENT" queue fetch "$id" --lease "$lease" --what package -o "$T/pkg.eml"
sira=$(kenv_sql "SELECT kep_sira_no FROM package_seq WHERE package_id = $id")
cmp -s "$T/pkg.eml" "$ACC/INBOX/$sira/package.eml" || fail "fetched package differs"
expect_exit 0 "$KEPAGENT" queue fetch "$id" --lease "$lease" >"$T/orig.eml"
cmp -s "$T/out" "$ACC/INBOX/$sira/original.eml" || fail "fetched original differs"

expect_exit 0 "$KEPAGENT" queue ack "$id" --lease "$lease" --json
[ "$(jget "$T/out" 'j["state"]')" = acked ] || fail "CLI ack"
expect_exit 0 "$KEPAGENT" queue ack "$id" --lease "$lease"
expect_grep '^state +acked$' "$T/out"
! grep -q '(null)' "$T/out" || fail "queue ack prints (null)"
expect_exit 0 "$KEPAGENT" queue reject "$id2" --lease "$lease" --reason "no room" --retry-after 3600
expect_grep '^state +rejected$' "$T/out"
! grep -q '(null)' "$T/out" || fail "queue reject prints (null)"
expect_exit 0 "$KEPAGENT" queue list --state rejected --json
[ "$(jget "$T/out" 'j["items"][0]["last_reason"]')" = "no room" ] || fail "reason not kept"
expect_exit 1 "$KEPAGENT" queue reject "$id" --lease "$lease" --reason late
# The CLI acks what the API claimed, with the API's lease.
expect_exit 0 "$KEPAGENT" queue ack "$api_id" --lease "$api_lease"
expect_status 200 "$(api GET '/v1/queue?state=acked')" "acked list"
[ "$(jget "$T/body" 'sorted(i["id"] for i in j["items"])')" = "$(python3 -c "print(sorted([$id, $api_id]))")" ] \
	|| fail "acked items differ"
expect_exit 2 "$KEPAGENT" queue reject "$id2" --lease x
expect_exit 2 "$KEPAGENT" queue frobnicate
