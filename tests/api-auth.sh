#!/bin/sh
# The local API's guard rails on a running `kepagent run`: no token, a wrong
# token and an oversized request are refused with JSON errors; only /healthz
# is public; unknown paths and methods give stable error codes.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
api_world --seed 3 --received 2 --sent 1 --faults none

err_is() { [ "$(jget "$T/body" 'j["error"]')" = "$1" ] || { cat "$T/body"; fail "error code $1 expected"; }; }

expect_status 200 "$(api_raw "$API/healthz")" "healthz without a token"
expect_status 401 "$(api_raw "$API/v1/queue")" "no token"
err_is unauthorized
expect_status 401 "$(api_raw -H "Authorization: Bearer $(echo "$TOKEN" | tr 0-9a-f a-f0-9)" "$API/v1/queue")" "wrong token of the same length"
err_is unauthorized
expect_status 401 "$(api_raw -H "Authorization: Bearer ${TOKEN}x" "$API/v1/status/x")" "token with a suffix"
expect_status 401 "$(api_raw -H "Authorization: Basic $TOKEN" "$API/metrics")" "not a bearer token"
expect_status 401 "$(api_raw -X POST -H 'Content-Type: application/json' --data '{"count":1}' "$API/v1/queue/claim")" "claim without a token"
[ "$(kenv_sql "SELECT count(*) FROM import_queue WHERE state != 'pending'")" = 0 ] \
	|| fail "an unauthenticated claim changed the queue"

# api.max_request_size is 65536 in api_world's configuration.
python3 -c 'import json; print(json.dumps({"keys": ["k%06d" % i for i in range(9000)]}))' >"$T/big.json"
[ "$(wc -c <"$T/big.json")" -gt 65536 ] || fail "test body is not oversized"
expect_status 413 "$(api_raw -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	--data-binary @"$T/big.json" "$API/v1/status")" "oversized request"
err_is request_too_large
# ... also when the client does not say how big it is (chunked).
expect_status 413 "$(api_raw -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
	-H 'Transfer-Encoding: chunked' --data-binary @"$T/big.json" "$API/v1/status")" "oversized chunked request"

expect_status 404 "$(api GET /v1/nothing-here)" "unknown path"
err_is not_found
expect_status 405 "$(api DELETE /v1/queue)" "wrong method"
err_is method_not_allowed
expect_status 400 "$(api POST /v1/queue/claim '{not json')" "bad JSON"
err_is bad_json
expect_status 400 "$(api GET '/v1/queue?limit=5000')" "limit above the maximum"
expect_status 400 "$(api GET '/v1/queue?state=eaten')" "unknown state"
expect_status 400 "$(api GET '/v1/evidence?from=yesterday')" "bad time"
expect_status 400 "$(api GET '/v1/queue/abc?lease=x')" "non-numeric id"
expect_status 404 "$(api GET '/v1/queue/999999?lease=x')" "unknown item"
expect_status 404 "$(api GET '/v1/packages/999999/bundle')" "unknown package"
grep -q "$TOKEN" "$T/run.log" && fail "the token appears in the daemon's log"
exit 0
