#!/bin/sh
# The import queue, by the API (GET /v1/queue, claim, ack) and by the CLI
# (`kepagent queue list/claim/ack`), on a store that holds a genuine delil
# mail (its KEPHS signature verifies: evidence) and a forged one (its
# envelope signed by an e-imza) beside two ordinary received packages: the
# genuine one is never an item, in no state, and cannot be acked (not
# found); the forged one is an item with its verdict, claimed and acked like
# any other, through either door (killed around the CLI ack's commit:
# nothing moved, or acked with its provider acknowledgement due), and stays
# acked. Its delil is listed on the sent package with its verdict and its
# carrier.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
. "$top_srcdir/tests/evidence-mail-lib.sh"

api_before_refresh() {
	sira=$(ls "$ACC/OUTBOX" | head -n 1)
	evm_add none "$sira" 10
	g=$EVM_KEP
	evm_add envelope-by-eimza "$sira" 10
	f=$EVM_KEP fdelil=$EVM_DELIL
}
api_world --seed 37 --received 2 --sent 1 --faults none
evm_check on-import "$KEPSIM_REQ"
gid=$(kenv_sql "SELECT id FROM packages WHERE folder = 'INBOX' AND kep_id = '$g'")
fid=$(kenv_sql "SELECT id FROM packages WHERE folder = 'INBOX' AND kep_id = '$f'")
fverdict=$(kenv_sql "SELECT verdict FROM packages WHERE id = $fid")
case $fverdict in valid|revocation-unknown|'') fail "the forged carrier is '$fverdict'" ;; esac

# queue_ids FILE: the item ids of a QueueList, sorted.
queue_ids() { jget "$1" 'sorted(i["id"] for i in j["items"])'; }
# not_listed FILE WHAT: the genuine carrier is no item of FILE.
not_listed() {
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
assert all(i["id"] != int(sys.argv[2]) and i["kep_id"] != sys.argv[3] for i in j["items"]), j' \
		"$1" "$gid" "$g" || fail "$2 lists the genuine delil mail"
}

# The API's list: the forged one with its verdict, in every state.
expect_status 200 "$(api GET /v1/queue)" "GET /v1/queue"
api_conforms GET /v1/queue 200
not_listed "$T/body" "GET /v1/queue"
[ "$(jget "$T/body" 'j["total"]')" = 3 ] || fail "GET /v1/queue: total $(jget "$T/body" 'j["total"]'), expected 3"
[ "$(jget "$T/body" '[i["verdict"] for i in j["items"] if i["id"] == '"$fid"']')" = "[\"$fverdict\"]" ] ||
	fail "GET /v1/queue: the forged mail is not listed with its verdict $fverdict"
expect_status 200 "$(api GET "/v1/queue?state=all&limit=1000")" "GET /v1/queue?state=all"
not_listed "$T/body" "GET /v1/queue?state=all"
[ "$(jget "$T/body" 'j["total"]')" = 3 ] || fail "state=all: total $(jget "$T/body" 'j["total"]')"
# The CLI's list: the same.
expect_exit 0 "$KEPAGENT" queue list --json
not_listed "$T/out" "queue list"
[ "$(queue_ids "$T/out")" = "$(queue_ids "$T/body")" ] || fail "the CLI and the API list different items"
expect_exit 0 "$KEPAGENT" queue list
expect_grep '3 shown, 3 in all' "$T/out"
# The genuine carrier is no queue item: not found, by either door.
expect_status 404 "$(api GET "/v1/queue/$gid?lease=x")" "GET /v1/queue/$gid"
expect_status 404 "$(api POST "/v1/queue/$gid/ack" '{"lease": "x"}')" "ack of the genuine mail"
expect_exit 8 "$KEPAGENT" queue ack "$gid" --lease x

# Claimed by the API: the forged one among the items, the genuine never.
expect_status 200 "$(api POST /v1/queue/claim '{"count": 2}')" "API claim"
api_conforms POST /v1/queue/claim 200
not_listed "$T/body" "API claim"
lease=$(jget "$T/body" 'j["items"][0]["lease"]')
claimed=$(jget "$T/body" '" ".join(str(i["id"]) for i in j["items"])')
# And the rest by the CLI.
expect_exit 0 "$KEPAGENT" queue claim --count 10 --json
not_listed "$T/out" "queue claim"
clease=$(jget "$T/out" 'j["items"][0]["lease"]')
cclaimed=$(jget "$T/out" '" ".join(str(i["id"]) for i in j["items"])')
[ "$(echo $claimed $cclaimed | wc -w)" = 3 ] || fail "claimed $claimed and $cclaimed, expected 3 items"
case " $claimed $cclaimed " in *" $fid "*) ;; *) fail "the forged mail $fid was not claimed" ;; esac
# The forged one acked by whichever door claimed it (the CLI: it is the
# third item in queue order), the others by the other.
killed=0
for id in $claimed; do
	if [ "$id" = "$fid" ]; then
		flease=$lease
		expect_status 200 "$(api POST "/v1/queue/$id/ack" "{\"lease\": \"$lease\"}")" "API ack $id"
		api_conforms POST "/v1/queue/$id/ack" 200
		[ "$(jget "$T/body" 'j["state"]')" = acked ] || fail "API ack $id: $(cat "$T/body")"
		[ "$(jget "$T/body" 'j["verdict"]')" = "$fverdict" ] || fail "API ack $id: the verdict changed"
	else
		expect_exit 0 "$KEPAGENT" queue ack "$id" --lease "$lease" --json
		[ "$(jget "$T/out" 'j["state"]')" = acked ] || fail "CLI ack $id"
	fi
done
for id in $cclaimed; do
	if [ "$id" = "$fid" ]; then
		flease=$clease
		# Killed around the ack's commit: before it nothing moved; after
		# it the item is acked and its provider acknowledgement due, both.
		expect_exit 137 env KEPAGENT_CRASHPOINT=queue-ack-before-commit \
			"$KEPAGENT" queue ack "$id" --lease "$clease"
		[ "$(kenv_sql "SELECT q.state || ' ' || p.provider_ack FROM import_queue q JOIN packages p ON p.id = q.package_id WHERE p.id = $id")" = "claimed none" ] ||
			fail "killed before the ack's commit: $(kenv_sql "SELECT state FROM import_queue WHERE package_id = $id")"
		expect_exit 137 env KEPAGENT_CRASHPOINT=queue-ack-committed \
			"$KEPAGENT" queue ack "$id" --lease "$clease"
		[ "$(kenv_sql "SELECT q.state || ' ' || p.provider_ack FROM import_queue q JOIN packages p ON p.id = q.package_id WHERE p.id = $id")" = "acked due" ] ||
			fail "killed after the ack's commit: $(kenv_sql "SELECT state FROM import_queue WHERE package_id = $id")"
		killed=1
		expect_exit 0 "$KEPAGENT" queue ack "$id" --lease "$clease" --json
		[ "$(jget "$T/out" 'j["state"]')" = acked ] || fail "CLI ack $id"
		[ "$(jget "$T/out" 'j["verdict"]')" = "$fverdict" ] || fail "CLI ack $id: the verdict changed"
	else
		expect_status 200 "$(api POST "/v1/queue/$id/ack" "{\"lease\": \"$clease\"}")" "API ack $id"
	fi
done
[ "$killed" = 1 ] || fail "the forged mail was not claimed by the CLI (queue order)"
# Acked stays acked, and idempotent; nothing pending; the genuine one still no item.
expect_status 200 "$(api GET /v1/queue)" "GET /v1/queue after the acks"
[ "$(jget "$T/body" 'j["total"]')" = 0 ] || fail "pending after the acks: $(cat "$T/body")"
expect_status 200 "$(api GET '/v1/queue?state=acked')" "acked list"
not_listed "$T/body" "the acked list"
[ "$(jget "$T/body" '[i["state"] for i in j["items"] if i["id"] == '"$fid"']')" = '["acked"]' ] ||
	fail "the forged mail is not listed acked: $(cat "$T/body")"
[ "$(jget "$T/body" 'j["total"]')" = 3 ] || fail "acked: total $(jget "$T/body" 'j["total"]')"
expect_exit 0 "$KEPAGENT" queue ack "$fid" --lease "$flease" --json
[ "$(jget "$T/out" 'j["state"]')" = acked ] || fail "the second ack of the forged mail"
[ "$(kenv_sql "SELECT state FROM import_queue WHERE package_id = $fid")" = acked ] ||
	fail "the forged mail's item is not acked in the store"
[ "$(kenv_sql "SELECT count(*) FROM import_queue WHERE package_id = $gid")" = 0 ] ||
	fail "the genuine mail got a queue item"
# Under on-import the provider acknowledgement of the forged one is now due
# (the genuine one was acknowledged when stored).
[ "$(kenv_sql "SELECT provider_ack FROM packages WHERE id = $fid")" = due ] ||
	fail "the forged mail's provider acknowledgement: $(kenv_sql "SELECT provider_ack FROM packages WHERE id = $fid")"
[ "$(kenv_sql "SELECT provider_ack FROM packages WHERE id = $gid")" = done ] ||
	fail "the genuine mail's provider acknowledgement: $(kenv_sql "SELECT provider_ack FROM packages WHERE id = $gid")"
# The delil of each is the sent package's evidence, with its verdict and carrier.
skep=$(kenv_sql "SELECT kep_id FROM packages WHERE folder = 'OUTBOX'")
expect_exit 0 "$KEPAGENT" status --json "$skep"
python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
if "results" in j: j = j["results"][0]
by = {e["carrier_package_id"]: e["verdict"] for e in j["evidence"] if e.get("carrier_package_id")}
assert by.get(int(sys.argv[2])) in ("valid", "revocation-unknown"), by
assert by.get(int(sys.argv[3])) not in (None, "valid", "revocation-unknown"), by' \
	"$T/out" "$gid" "$fid" || fail "status of the sent package: $(cat "$T/out")"
exit 0
