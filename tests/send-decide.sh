#!/bin/sh
# A person's decision on a parked item over the local API, as EBYS makes it,
# against a running `kepagent run` and kepsim (seal mode, Yukle): two
# submissions get an HTML 500 (which proves nothing: kepsim did not perform
# them) and are parked by the next run. POST /v1/outbox/{id}/resubmit sends
# the first once more, once: kepsim's request log shows one performed
# submission of its Message-ID and three requests in all (the two 500s and
# the resubmission), and a repeat of the request changes nothing (idempotent);
# POST /v1/outbox/{id}/abandon makes the second failed with EBYS's reason,
# and it is never sent again. Another decision on an item that is not parked
# (abandon the submitted one, resubmit the abandoned one) is 409 not_parked
# naming its state; an
# unknown item 404. A repeat of the decision taken since the item was last
# parked is 200 with the item as it is, even once it was submitted. A
# decision taken with an Idempotency-Key (the first resubmission, which the
# provider fails once more, so the item is parked again) is answered as a
# repeat when replayed with that key, never taken a second time; the key
# for the other decision is 409 idempotency_conflict. Each decision is one
# audit line with actor api. Bodies are checked against doc/openapi.yaml.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"
. "$top_srcdir/tests/api-lib.sh"
. "$top_srcdir/tests/daemon-lib.sh"

send_world --faults http500 --fault-ops Yukle --fault-rate 1 --fault-limit 3
SEND_PARK_AFTER=0 send_config seal
echo "    poll_interval: 3600" >>"$KEPAGENT_CONFIG"
python3 - "$KEPAGENT_CONFIG" "$API_PORT" <<'PY'
import sys
p, port = sys.argv[1:3]
s = open(p).read().replace("api:\n", "api:\n  port: %s\n" % port, 1)
open(p, "w").write(s)
PY
dmn_token
API=http://127.0.0.1:$API_PORT
head -c 20000 /dev/urandom >"$T/ek.pdf"
for i in 1 2; do
	expect_exit 0 "$KEPAGENT" send --json --to "$PEER" --subject "Karar $i" --body "Sınama" \
		--attach "$T/ek.pdf" --ileti-id "DC-$i"
	cp "$T/out" "$T/item"
	eval "id$i=\$(item 'j[\"id\"]') mid$i=\$(item 'j[\"message_id\"]')"
done
decide() { curl -s -o "$T/body" -w '%{http_code}' -X POST -H "Authorization: Bearer $TOKEN" "$@"; }
get() { curl -s -o "$T/item" -H "Authorization: Bearer $TOKEN" "$API/v1/outbox/$1"; }
state_is() { get "$1" && [ "$(jget "$T/item" 'j["state"]')" = "$2" ]; }
refresh_done() {
	curl -s -o "$T/acct" -H "Authorization: Bearer $TOKEN" "$API/v1/accounts/acct/refresh" &&
		[ "$(jget "$T/acct" 'j["refreshing"] is False and j["last_refresh"] is not None')" = True ]
}
# refresh: one more run of the account, to its end.
refresh() {
	expect_status 202 "$(decide "$API/v1/accounts/acct/refresh")" "refresh"
	dmn_wait 60 refresh_done || { cat "$T/acct" "$T/run.log"; fail "the refresh did not end"; }
}

# The daemon's first run submits both (HTML 500); the next one parks them.
dmn_start
dmn_wait 60 refresh_done || { cat "$T/run.log"; fail "the first refresh did not end"; }
[ "$(submissions)" = 2 ] || fail "$(submissions) submission requests, expected 2"
refresh
for id in "$id1" "$id2"; do
	state_is "$id" parked || { cat "$T/item" "$T/run.log"; fail "item $id is not parked"; }
done
expect_grep "submission unanswered and not in the sent folder" "$T/item"
[ "$(submitted "$mid1")" = 0 ] && [ "$(submitted "$mid2")" = 0 ] || fail "kepsim performed an HTML 500"

# Resubmitted by EBYS with an Idempotency-Key: signed again, the daemon
# submits it at once, the provider answers HTML 500 again (its third), and
# the next run parks it again.
audit() { qsql "SELECT count(*) FROM audit_log WHERE action = 'outbox.$1' AND actor = 'api' AND object = 'outbox/$2'"; }
expect_status 200 "$(decide -H 'Idempotency-Key: dc-1-first' "$API/v1/outbox/$id1/resubmit")" "resubmit with a key"
api_conforms post /v1/outbox/{id}/resubmit 200
[ "$(jget "$T/body" 'j["state"]')" = signed ] || fail "resubmit: the item is $(jget "$T/body" 'j["state"]')"
dmn_wait 60 state_is "$id1" submitting || { cat "$T/item" "$T/run.log"; fail "the resubmitted item was not submitted"; }
dmn_wait 60 refresh_done || fail "the resubmission's run did not end"
[ "$(submissions)" = 3 ] || fail "$(submissions) submission requests, expected 3 (three 500s)"
refresh
state_is "$id1" parked || { cat "$T/item" "$T/run.log"; fail "item $id1 is not parked again"; }
# EBYS replays that request (it did not hear the answer): answered as a
# repeat, the item as it is, not a second resubmission.
expect_status 200 "$(decide -H 'Idempotency-Key: dc-1-first' "$API/v1/outbox/$id1/resubmit")" "the replay"
api_conforms post /v1/outbox/{id}/resubmit 200
[ "$(jget "$T/body" 'j["state"]')" = parked ] || fail "the replay resubmitted: the item is $(jget "$T/body" 'j["state"]')"
[ "$(audit resubmit "$id1")" = 1 ] || fail "the replay: $(audit resubmit "$id1") outbox.resubmit audit lines"
# That key for the other decision: 409 idempotency_conflict, nothing done.
expect_status 409 "$(decide -H 'Idempotency-Key: dc-1-first' "$API/v1/outbox/$id1/abandon")" "abandon with the resubmission's key"
api_conforms post /v1/outbox/{id}/abandon 409
[ "$(jget "$T/body" 'j["error"]')" = idempotency_conflict ] || fail "the other decision's key: $(cat "$T/body")"
state_is "$id1" parked || fail "the refused key moved the item"
# A key that is not one: 400.
expect_status 400 "$(decide -H "Idempotency-Key: $(printf 'x%.0s' $(seq 1 201))" "$API/v1/outbox/$id1/resubmit")" "a key of 201 characters"
api_conforms post /v1/outbox/{id}/resubmit 400
# A new decision (a new key): signed again, and this time submitted.
expect_status 200 "$(decide -H 'Idempotency-Key: dc-1-second' "$API/v1/outbox/$id1/resubmit")" "resubmit"
api_conforms post /v1/outbox/{id}/resubmit 200
[ "$(jget "$T/body" 'j["state"]')" = signed ] || fail "resubmit: the item is $(jget "$T/body" 'j["state"]')"
# A repeat (EBYS did not hear the answer): the same item, nothing done again.
expect_status 200 "$(decide -H 'Content-Type: application/json' --data-binary '{}' "$API/v1/outbox/$id1/resubmit")" "resubmit again"
api_conforms post /v1/outbox/{id}/resubmit 200
dmn_wait 60 state_is "$id1" submitted || { cat "$T/item" "$T/run.log"; fail "the resubmitted item was not submitted"; }
dmn_wait 60 refresh_done || fail "the resubmission's run did not end"
[ "$(submitted "$mid1")" = 1 ] || fail "kepsim performed $(submitted "$mid1") submissions of the resubmitted item"
# The three 500s and the resubmission (kepsim logs no Message-ID for a
# request it did not run).
[ "$(submissions)" = 4 ] || fail "$(submissions) submission requests, expected 4 (three 500s, one resubmission)"
[ "$(sent_copies DC-1)" = 1 ] || fail "$(sent_copies DC-1) packages of the resubmitted item in the sent folder"
# A late repeat: still the same decision, answered with the item as it is;
# nothing is sent again.
expect_status 200 "$(decide "$API/v1/outbox/$id1/resubmit")" "resubmit repeated after the submission"
[ "$(jget "$T/body" 'j["state"]')" = submitted ] || fail "the late repeat: the item is $(jget "$T/body" 'j["state"]')"
# Another decision on the submitted item is refused.
expect_status 409 "$(decide "$API/v1/outbox/$id1/abandon")" "abandon a submitted item"
api_conforms post /v1/outbox/{id}/abandon 409
[ "$(jget "$T/body" 'j["error"]')" = not_parked ] || fail "abandon of a submitted item: not not_parked"
expect_grep "outbox item $id1 is submitted: only a parked item is abandoned" "$T/body"
state_is "$id1" submitted || fail "a refused abandon moved the submitted item"

# Abandoned by EBYS: failed with its reason, never sent.
expect_status 200 "$(decide -H 'Content-Type: application/json' \
	--data-binary '{"reason": "EBYS: elden teslim edildi"}' "$API/v1/outbox/$id2/abandon")" "abandon"
api_conforms post /v1/outbox/{id}/abandon 200
[ "$(jget "$T/body" 'j["state"]')" = failed ] || fail "abandon: the item is $(jget "$T/body" 'j["state"]')"
expect_grep "abandoned by a person: EBYS: elden teslim edildi .parked: submission unanswered" "$T/body"
expect_status 200 "$(decide "$API/v1/outbox/$id2/abandon")" "abandon again"
[ "$(jget "$T/body" 'j["state"]')" = failed ] || fail "abandon again: the item is $(jget "$T/body" 'j["state"]')"
expect_status 409 "$(decide "$API/v1/outbox/$id2/resubmit")" "resubmit an abandoned item"
api_conforms post /v1/outbox/{id}/resubmit 409
expect_grep "outbox item $id2 is failed: only a parked item is resubmitted" "$T/body"
refresh
refresh
[ "$(submitted "$mid2" all)" = 0 ] || fail "the abandoned item was sent again ($(submitted "$mid2" all) requests)"
[ "$(sent_copies DC-2)" = 0 ] || fail "the abandoned item is in the sent folder"
state_is "$id2" failed || fail "the abandoned item is $(jget "$T/item" 'j["state"]')"
[ "$(submissions)" = 4 ] || fail "$(submissions) submission requests in all after the abandon, expected 4"

# Unknown item; each decision audited once, by the API.
expect_status 404 "$(decide "$API/v1/outbox/999999/resubmit")" "an unknown item"
[ "$(audit resubmit "$id1")" = 2 ] || fail "$(audit resubmit "$id1") outbox.resubmit audit lines"
[ "$(audit abandon "$id2")" = 1 ] || fail "$(audit abandon "$id2") outbox.abandon audit lines"
echo "resubmitted, its keyed replay after a second parking answered as a repeat, resubmitted again (4 requests in all, 1 performed), abandoned never sent, not-parked refused with 409"
