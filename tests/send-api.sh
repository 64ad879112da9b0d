#!/bin/sh
# POST /v1/outbox against a running `kepagent run` (seal mode, kepsim):
# multipart/form-data with a JSON part and a file part, and a bare JSON
# message; a repeat with the same Idempotency-Key is the same item (200), the
# key reused for another message is 409, a refusal is 400 naming the field,
# another media type is 415. The daemon seals and submits the item at once,
# exactly once (kepsim's request log); GET /v1/outbox/{id} and the status
# lookup by iletiID then show "Kabul Edildi" or beyond; /metrics counts the
# outbox by state. Bodies are checked against doc/openapi.yaml.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"
. "$top_srcdir/tests/api-lib.sh"
. "$top_srcdir/tests/daemon-lib.sh"

send_world
send_config seal
python3 - "$KEPAGENT_CONFIG" "$API_PORT" <<'PY'
import sys
p, port = sys.argv[1:3]
s = open(p).read().replace("api:\n", "api:\n  port: %s\n" % port, 1)
open(p, "w").write(s)
PY
dmn_token
dmn_start
API=http://127.0.0.1:$API_PORT
post() { curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$@" "$API/v1/outbox"; }
head -c 30000 /dev/urandom >"$T/ek.pdf"
printf '{"to": ["%s"], "subject": "API ile gönderim", "body": "Merhaba", "ileti_id": "API-1"}' \
	"$PEER" >"$T/msg.json"

st=$(post -D "$T/headers" -H 'Idempotency-Key: k-1' -F "message=<$T/msg.json;type=application/json" \
	-F "attachment=@$T/ek.pdf;type=application/pdf")
expect_status 201 "$st" "multipart submission"
id=$(jget "$T/body" 'j["id"]')
expect_grep "^Location: /v1/outbox/$id" "$T/headers"
mid=$(jget "$T/body" 'j["message_id"]')
[ "$(jget "$T/body" '[f["sha256"] for f in j["files"] if f["role"] == "attachment"][0]')" = \
	"$(sha256sum "$T/ek.pdf" | cut -d' ' -f1)" ] || fail "the attachment was not stored as sent"
# A repeat is the same item.
st=$(post -H 'Idempotency-Key: k-1' -F "message=<$T/msg.json;type=application/json" \
	-F "attachment=@$T/ek.pdf;type=application/pdf")
expect_status 200 "$st" "repeat"
api_conforms post /v1/outbox 200
[ "$(jget "$T/body" 'j["id"]')" = "$id" ] || fail "a repeat made another item"
# The key reused for another message.
st=$(post -H 'Idempotency-Key: k-1' -F "message=<$T/msg.json;type=application/json")
expect_status 409 "$st" "key reused"
api_conforms post /v1/outbox 409
# Refusals name the field.
printf 'MZ' >"$T/a.exe"
st=$(post -F "message=<$T/msg.json;type=application/json" -F "attachment=@$T/a.exe")
expect_status 400 "$st" "an executable"
api_conforms post /v1/outbox 400
[ "$(jget "$T/body" 'j["field"]')" = 'attachments[0]' ] || fail "the refusal does not name attachments[0]"
st=$(post -F "message=<$T/msg.json;type=application/json" -F "ekler=@$T/ek.pdf")
expect_status 400 "$st" "an unknown part"
expect_grep 'ekler' "$T/body"
st=$(post -F "attachment=@$T/ek.pdf")
expect_status 400 "$st" "no message part"
st=$(post -H 'Content-Type: application/json' --data-binary '{"to": ["birim"], "subject": "s", "ileti_id": "X"}')
expect_status 400 "$st" "a bad address"
[ "$(jget "$T/body" 'j["field"]')" = 'to[0]' ] || fail "the refusal does not name to[0]"
st=$(post -H 'Content-Type: text/plain' --data-binary 'merhaba')
expect_status 415 "$st" "text/plain"
api_conforms post /v1/outbox 415
# A bare JSON message without files.
st=$(post -H 'Content-Type: application/json' --data-binary \
	"{\"to\": [\"$PEER\"], \"subject\": \"JSON\", \"ileti_id\": \"API-2\"}")
expect_status 201 "$st" "a JSON message"
id2=$(jget "$T/body" 'j["id"]')
[ "$(qsql 'SELECT count(*) FROM outbox')" = 2 ] || fail "refused or repeated requests were stored"

# The daemon seals and submits at once; the sent package is followed.
done_() {
	curl -s -o "$T/item" -H "Authorization: Bearer $TOKEN" "$API/v1/outbox/$1" &&
		[ "$(jget "$T/item" 'j["state"] == "submitted" and j["delivery"] is not None and (j["delivery"]["stage"] or 0) >= 10')" = True ]
}
dmn_wait 30 done_ "$id" || { cat "$T/item" "$T/run.log"; fail "item $id was not submitted and accepted"; }
cp "$T/item" "$T/body"
api_conforms get /v1/outbox/{id} 200
dmn_wait 30 done_ "$id2" || { cat "$T/item"; fail "item $id2 was not submitted"; }
[ "$(submitted "$mid")" = 1 ] || fail "kepsim took $(submitted "$mid") submissions of $mid"
st=$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$API/v1/status/API-1")
expect_status 200 "$st" "status by iletiID"
[ "$(jget "$T/body" 'j["found"] and j["stage"] >= 10')" = True ] || fail "the status by iletiID"
[ "$(dmn_metric 'kepagent_outbox_items{state="submitted"}')" = 2 ] || fail "/metrics outbox counts"
