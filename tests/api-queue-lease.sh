#!/bin/sh
# Queue semantics an integrator relies on: a lease extended with POST
# /v1/queue/{id}/lease (the token in the Kep-Lease header or the body; the
# default, minimum and maximum lease_seconds; a wrong or expired lease
# refused), an expired claim listed as pending with its attempts before
# anyone claims it, the deprecated ?lease= answered with Deprecation: true,
# lease tokens never written to the log (even at debug level), limit bounds
# and total on every list (the count of all matches, not of the page).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
api_world --seed 17 --received 6 --sent 2 --faults none
# Debug logging, so a token that reached the log would be seen.
grep -q '^log:' "$KEPAGENT_CONFIG" && fail "the test configuration has a log section already"
printf 'log:\n  level: debug\n' >>"$KEPAGENT_CONFIG"
kill -HUP "$DAEMON_PID"
_i=0
until grep -q 'configuration reloaded' "$T/run.log"; do
	_i=$((_i + 1)); [ $_i -lt 100 ] || { cat "$T/run.log"; fail "no reload"; }
	sleep 0.05
done
now() { date +%s; }
until_s() { python3 -c 'import datetime, sys
print(int(datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()))' "$1"; }
hdr_get() { # hdr_get LEASE PATH: GET with the lease header; headers in $T/hdr
	curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H "Kep-Lease: $1" "$API$2"
}
lease_post() { # lease_post LEASE-HEADER ID JSON
	curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" \
		-H "Kep-Lease: $1" -H 'Content-Type: application/json' --data-binary "$3" "$API/v1/queue/$2/lease"
}

# Two claims: A (60 s: long enough for a loaded machine to reach the extension) and B (the default, queue.lease_seconds 300).
expect_status 200 "$(api POST /v1/queue/claim '{"count": 2, "lease_seconds": 60}')" "claim A"
[ "$(jget "$T/body" 'j["total"] == len(j["items"]) == 2')" = True ] || fail "claim: total is not the items claimed"
a1=$(jget "$T/body" 'j["items"][0]["id"]') a2=$(jget "$T/body" 'j["items"][1]["id"]')
la=$(jget "$T/body" 'j["items"][0]["lease"]')
u=$(until_s "$(jget "$T/body" 'j["items"][0]["lease_until"]')")
[ $((u - $(now))) -le 61 ] && [ $((u - $(now))) -ge 50 ] || fail "a 60 s lease runs until $u"
expect_status 200 "$(api POST /v1/queue/claim '{"count": 1}')" "claim B"
b=$(jget "$T/body" 'j["items"][0]["id"]') lb=$(jget "$T/body" 'j["items"][0]["lease"]')
u=$(until_s "$(jget "$T/body" 'j["items"][0]["lease_until"]')")
[ $((u - $(now))) -ge 290 ] && [ $((u - $(now))) -le 301 ] || fail "the default lease is not 300 s"

# Extension: by the header, by the body; the item stays held past its first expiry.
expect_status 200 "$(lease_post "$la" "$a1" '{"lease_seconds": 600}')" "extend A by header"
[ "$(jget "$T/body" 'j["state"]')" = claimed ] || fail "extended item not claimed"
u=$(until_s "$(jget "$T/body" 'j["lease_until"]')")
[ $((u - $(now))) -ge 590 ] || fail "extension to 600 s gave $((u - $(now))) s"
[ "$(kenv_sql "SELECT lease_expires / 1000 >= strftime('%s', 'now') + 590 FROM import_queue WHERE package_id = $a1")" = 1 ] \
	|| fail "the store does not hold the extended lease"
expect_status 200 "$(api POST "/v1/queue/$a2/lease" "{\"lease\": \"$la\"}")" "extend A2 by body, default"
u=$(until_s "$(jget "$T/body" 'j["lease_until"]')")
[ $((u - $(now))) -ge 290 ] && [ $((u - $(now))) -le 301 ] || fail "lease_seconds absent: not the default 300 s"
for s in 9 86401; do
	expect_status 400 "$(lease_post "$la" "$a1" "{\"lease_seconds\": $s}")" "extend by $s s"
	[ "$(jget "$T/body" 'j["error"]')" = bad_parameter ] || fail "lease_seconds $s: bad_parameter expected"
done
expect_status 400 "$(lease_post "$la" "$a1" '{"lease_seconds": 60, "ttl": 1}')" "unknown field"
[ "$(jget "$T/body" 'j["error"]')" = unknown_field ] || fail "unknown_field expected"
expect_status 409 "$(lease_post "$lb" "$a1" '{}')" "extend A with B's lease"
[ "$(jget "$T/body" 'j["error"]')" = lease_mismatch ] || fail "lease_mismatch expected"
expect_status 404 "$(lease_post "$la" 999999 '{}')" "extend an unknown item"

# B's lease expires: extension refused, the item lists as pending with its
# attempts (one reject before), claimable again.
expect_status 200 "$(api POST "/v1/queue/$b/reject" "{\"lease\": \"$lb\", \"reason\": \"sonra\", \"retry_after\": 0}")" "reject B"
expect_status 200 "$(api POST /v1/queue/claim '{"count": 1}')" "claim B again"
[ "$(jget "$T/body" 'j["items"][0]["id"]')" = "$b" ] || fail "B did not come back"
lb=$(jget "$T/body" 'j["items"][0]["lease"]')
qsql "UPDATE import_queue SET lease_expires = 1 WHERE package_id = $b" >/dev/null
expect_status 409 "$(lease_post "$lb" "$b" '{}')" "extend an expired lease"
[ "$(jget "$T/body" 'j["error"]')" = lease_expired ] || fail "lease_expired expected"
expect_status 200 "$(api GET '/v1/queue?state=pending&limit=1000')" "list"
python3 - "$T/body" "$b" "$a1" "$a2" <<'PY' || fail "the expired claim is not listed as a pending item with its attempts"
import json, sys
j, b, a1, a2 = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
it = {i["id"]: i for i in j["items"]}
assert b in it and it[b]["state"] == "pending" and it[b]["attempts"] == 1, it.get(b)
assert it[b]["lease_until"] is None and it[b]["lease"] is None and it[b]["last_reason"] == "sonra", it[b]
assert a1 not in it and a2 not in it, "held items listed as pending"
assert j["total"] == len(j["items"]), j["total"]
PY
expect_status 200 "$(api GET '/v1/queue?state=claimed')" "list claimed"
[ "$(jget "$T/body" "sorted(i['id'] for i in j['items']) == sorted([$a1, $a2])")" = True ] \
	|| fail "claimed list is not A1, A2"
expect_status 200 "$(api POST /v1/queue/claim '{"count": 100}')" "claim the rest"
[ "$(jget "$T/body" "$b in [i['id'] for i in j['items']] and $a1 not in [i['id'] for i in j['items']]")" = True ] \
	|| fail "the expired item is not claimable, or the extended one was claimed"

# The lease in the header; the query form deprecated and still served.
expect_status 200 "$(hdr_get "$la" "/v1/queue/$a1")" "detail by header"
grep -qi '^deprecation:' "$T/hdr" && fail "the header form is marked deprecated"
expect_status 200 "$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	"$API/v1/queue/$a1/package?lease=$la")" "package by query"
grep -qi '^deprecation: true' "$T/hdr" || fail "?lease= without Deprecation: true"
expect_status 400 "$(api GET "/v1/queue/$a1")" "no lease at all"
[ "$(jget "$T/body" 'j["error"]')" = bad_parameter ] || fail "no lease: bad_parameter expected"

# Limits and totals on every list.
for p in /v1/queue /v1/evidence /v1/packages; do
	for l in 0 1001 -1 x; do
		expect_status 400 "$(api GET "$p?limit=$l")" "$p limit=$l"
		[ "$(jget "$T/body" 'j["error"]')" = bad_parameter ] || fail "$p limit=$l: bad_parameter expected"
	done
	expect_status 200 "$(api GET "$p?state=all&limit=1000")" "$p limit=1000"
	all=$(jget "$T/body" 'len(j["items"])')
	[ "$all" -ge 2 ] && [ "$(jget "$T/body" 'j["total"]')" = "$all" ] || fail "$p: total is not the count"
	expect_status 200 "$(api GET "$p?state=all&limit=1&offset=1")" "$p limit=1"
	[ "$(jget "$T/body" 'len(j["items"])')" = 1 ] && [ "$(jget "$T/body" 'j["total"]')" = "$all" ] \
		|| fail "$p?limit=1: total is not the count of all matches"
done

# No lease token in the log, though every request was logged.
grep -q 'api: GET /v1/queue' "$T/run.log" || { tail "$T/run.log"; fail "requests are not logged at debug level"; }
for l in "$la" "$lb"; do
	grep -qF "$l" "$T/run.log" && fail "a lease token is in the log"
done
exit 0
