#!/bin/sh
# The import queue over the local API of a running `kepagent run`, on a store
# filled from kepsim by `kepagent refresh`: claim with a lease, fetch, ack
# (final, idempotent, provider acknowledgement due), reject (retried, then
# parked), lease expiry, wrong and expired leases, two concurrent claimers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
api_world --seed 11 --received 12 --sent 1 --faults none

expect_status 200 "$(api GET /v1/queue)" "queue list"
[ "$(jget "$T/body" 'j["total"]')" = 12 ] || fail "12 pending items expected"

# Claim one; fetch its detail and contents with the lease.
expect_status 200 "$(api POST /v1/queue/claim '{"count": 1}')" claim
id=$(jget "$T/body" 'j["items"][0]["id"]')
lease=$(jget "$T/body" 'j["items"][0]["lease"]')
[ ${#lease} -ge 32 ] || fail "lease token too short: $lease"
expect_status 200 "$(api GET "/v1/queue/$id?lease=$lease")" detail
jget "$T/body" 'j["verification"]["overall"]' | grep -q . || fail "no verification summary"
sira=$(kenv_sql "SELECT kep_sira_no FROM package_seq WHERE package_id = $id")
pd=$ACC/INBOX/$sira
expect_status 200 "$(api GET "/v1/queue/$id/package?lease=$lease")" package
cmp -s "$T/body" "$pd/package.eml" || fail "package bytes differ from the mailbox's"
expect_status 200 "$(api GET "/v1/queue/$id/original?lease=$lease")" original
cmp -s "$T/body" "$pd/original.eml" || fail "original bytes differ from the mailbox's"
api GET "/v1/queue/$id?lease=$lease" >/dev/null
n=$(jget "$T/body" 'j["attachments"][0]["index"]')
name=$(jget "$T/body" 'j["attachments"][0]["safe_name"]')
expect_status 200 "$(api GET "/v1/queue/$id/attachments/$n?lease=$lease")" attachment
cmp -s "$T/body" "$(ls "$pd"/attachments/*-"$name" | head -n 1)" || fail "attachment $name differs"
code=$(curl -s -D "$T/hdr" -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	"$API/v1/queue/$id/attachments/$n?lease=$lease")
grep -qi "content-disposition: .*$name" "$T/hdr" || fail "no Content-Disposition with $name"

# Wrong lease, missing lease.
expect_status 409 "$(api GET "/v1/queue/$id?lease=00000000000000000000000000000000")" "wrong lease"
[ "$(jget "$T/body" 'j["error"]')" = lease_mismatch ] || fail "lease_mismatch expected"
expect_status 409 "$(api POST "/v1/queue/$id/ack" '{"lease": "nope"}')" "ack, wrong lease"
expect_status 400 "$(api POST "/v1/queue/$id/ack" '{}')" "ack without lease"

# Ack: final, idempotent, the provider acknowledgement becomes due (on-import).
[ "$(kenv_sql "SELECT provider_ack FROM packages WHERE id = $id")" = none ] \
	|| fail "provider ack already set before the import"
expect_status 200 "$(api POST "/v1/queue/$id/ack" "{\"lease\": \"$lease\"}")" ack
[ "$(jget "$T/body" 'j["state"]')" = acked ] || fail "not acked"
# Due, or already done by the daemon's acknowledger: then kepsim has it.
pa=$(kenv_sql "SELECT provider_ack FROM packages WHERE id = $id")
kid=$(kenv_sql "SELECT kep_id FROM packages WHERE id = $id")
case $pa in
due) ;;
done) grep -qF "$kid" "$MB/state/acks.jsonl" || fail "acknowledged in the store, not at kepsim" ;;
*) fail "ack_policy on-import: the provider acknowledgement is $pa, not due" ;;
esac
expect_status 200 "$(api POST "/v1/queue/$id/ack" "{\"lease\": \"$lease\"}")" "ack again"
expect_status 200 "$(api POST /v1/queue/claim '{"count": 100}')" "claim all"
jget "$T/body" '[i["id"] for i in j["items"]]' | grep -Eq "(\[|, )$id(,|\])" \
	&& fail "an acknowledged item came back"
[ "$(jget "$T/body" 'len(j["items"])')" = 11 ] || fail "11 claimable items expected"
all_lease=$(jget "$T/body" 'j["items"][0]["lease"]')
ids=$(jget "$T/body" '" ".join(str(i["id"]) for i in j["items"])')
expect_status 200 "$(api POST /v1/queue/claim '{"count": 5}')" "claim while leased"
[ "$(jget "$T/body" 'len(j["items"])')" = 0 ] || fail "leased items were claimed again"

# Reject: retried later, then parked after queue.max_attempts (3).
r=$(echo "$ids" | cut -d' ' -f1)
expect_status 200 "$(api POST "/v1/queue/$r/reject" "{\"lease\": \"$all_lease\", \"reason\": \"EBYS down\", \"retry_after\": 0}")" reject
[ "$(jget "$T/body" 'j["state"]')" = rejected ] || fail "not rejected"
[ "$(jget "$T/body" 'j["last_reason"]')" = "EBYS down" ] || fail "reason lost"
for attempt in 2 3; do
	expect_status 200 "$(api POST /v1/queue/claim '{"count": 1}')" "claim the rejected item"
	[ "$(jget "$T/body" 'j["items"][0]["id"]')" = "$r" ] || fail "rejected item did not come back"
	l=$(jget "$T/body" 'j["items"][0]["lease"]')
	expect_status 200 "$(api POST "/v1/queue/$r/reject" "{\"lease\": \"$l\", \"reason\": \"again $attempt\", \"retry_after\": 0}")" "reject $attempt"
done
[ "$(jget "$T/body" 'j["state"]')" = parked ] || fail "not parked after 3 attempts"
[ "$(jget "$T/body" 'j["attempts"]')" = 3 ] || fail "3 attempts expected"
expect_status 200 "$(api POST /v1/queue/claim '{"count": 1}')" "claim after parking"
[ "$(jget "$T/body" 'len(j["items"])')" = 0 ] || fail "a parked item was claimed"
expect_status 200 "$(api GET '/v1/queue?state=parked')" "list parked"
[ "$(jget "$T/body" 'j["items"][0]["id"]')" = "$r" ] || fail "parked item not listed"

# Lease expiry: an expired lease gives the item back (listed as pending,
# attempts kept, before anyone claims it); the old lease is refused.
e=$(echo "$ids" | cut -d' ' -f2)
qsql "UPDATE import_queue SET lease_expires = 1 WHERE package_id = $e" >/dev/null
expect_status 200 "$(api GET /v1/queue)" "list after expiry"
jget "$T/body" '[i["id"] for i in j["items"]]' | grep -Eq "(\[|, )$e(,|\])" \
	|| fail "an item whose lease expired is not listed as pending"
[ "$(jget "$T/body" "[i for i in j['items'] if i['id'] == $e][0]['lease_until']")" = None ] \
	|| fail "an expired claim still shows its lease"
expect_status 409 "$(api GET "/v1/queue/$e?lease=$all_lease")" "expired lease"
[ "$(jget "$T/body" 'j["error"]')" = lease_expired ] || fail "lease_expired expected"
expect_status 400 "$(api POST /v1/queue/claim '{"count": 1, "lease_seconds": 1}')" "lease below the minimum"
expect_status 200 "$(api POST /v1/queue/claim '{"count": 1, "lease_seconds": 10}')" "claim expired"
[ "$(jget "$T/body" 'j["items"][0]["id"]')" = "$e" ] || fail "the expired item did not come back"
short=$(jget "$T/body" 'j["items"][0]["lease"]')
expect_status 409 "$(api POST "/v1/queue/$e/ack" "{\"lease\": \"$all_lease\"}")" "ack with the old lease"
[ "$(jget "$T/body" 'j["error"]')" = lease_mismatch ] || fail "old lease: lease_mismatch expected"
qsql "UPDATE import_queue SET lease_expires = 1 WHERE package_id = $e" >/dev/null
expect_status 409 "$(api POST "/v1/queue/$e/ack" "{\"lease\": \"$short\"}")" "ack after expiry"
[ "$(jget "$T/body" 'j["error"]')" = lease_expired ] || fail "lease_expired expected after expiry"

# Two concurrent claimers never get the same item: release everything, then
# two curl loops claim one at a time until the queue is empty.
qsql "UPDATE import_queue SET lease_expires = 1 WHERE state = 'claimed'" >/dev/null
want=$(kenv_sql "SELECT count(*) FROM import_queue WHERE state = 'claimed'")
claimer() {
	while :; do
		curl -s -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
			--data '{"count": 1}' "$API/v1/queue/claim" >"$T/c$1.json"
		n=$(jget "$T/c$1.json" 'len(j["items"])')
		[ "$n" = 1 ] || break
		jget "$T/c$1.json" 'j["items"][0]["id"]' >>"$T/claimed$1"
	done
}
: >"$T/claimed1"; : >"$T/claimed2"
claimer 1 & p1=$!
claimer 2 & p2=$!
wait $p1; wait $p2
got=$(cat "$T/claimed1" "$T/claimed2" | wc -l)
uniq=$(cat "$T/claimed1" "$T/claimed2" | sort -u | wc -l)
[ "$got" = "$want" ] || fail "claimers got $got items, $want were claimable"
[ "$uniq" = "$got" ] || fail "an item was claimed twice: $(sort "$T/claimed1" "$T/claimed2" | uniq -d)"
[ -s "$T/claimed1" ] && [ -s "$T/claimed2" ] || echo "note: one claimer got everything" >&2
echo "claimers: $(wc -l <"$T/claimed1") + $(wc -l <"$T/claimed2") of $want, no duplicates"
