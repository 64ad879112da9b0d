#!/bin/sh
# Provider errors graded by meaning (issue 12 item 2): a "temporarily out of
# service" text at Giris is an outage, retried, not wrong credentials; HTTP
# 503/429 Retry-After (seconds or an HTTP-date) is waited for within the
# back-off bound, and a longer one is not retried by this run.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 5 --received 2 --sent 1 --faults none

# req_field OP FIELD: FIELD of each request-log line of OP, one a line.
req_field() {
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    j = json.loads(l)
    if j.get("op") == sys.argv[2]: print(j.get(sys.argv[3], ""))' "$KEPSIM_REQ" "$1" "$2"
}
# gap_after_fault OP: ms between the faulted OP request and the next OP request.
gap_after_fault() {
	python3 -c 'import json,sys
rs = [json.loads(l) for l in open(sys.argv[1])]
rs = [r for r in rs if r.get("op") == sys.argv[2]]
i = next(i for i, r in enumerate(rs) if r.get("fault"))
print(rs[i + 1]["ms"] - rs[i]["ms"])' "$KEPSIM_REQ" "$1"
}

# 1. Giris answers "Sistem geçici olarak hizmet verememektedir" twice, then
# logs in: the refresh retries and succeeds.
kenv_start giris --faults durum1-unavailable --fault-ops Giris --fault-rate 1 --fault-limit 2
kenv_config
expect_exit 0 "$KEPAGENT" refresh
[ "$(req_field Giris durum | tr '\n' ' ')" = "1 1 0 " ] \
	|| { cat "$KEPSIM_REQ"; fail "Giris: expected two refusals, then a login"; }
expect_grep "geçici olarak hizmet verememektedir.*retrying" "$T/err"
expect_no_grep "credentials|parola|officer" "$T/err"
kenv_check_store
kenv_stop

# 2. The same text on every Giris: provider trouble (exit 5), never an
# authentication failure (exit 4, "ask the officer").
rm -rf "$T/store"
kenv_start giris-down --faults durum1-unavailable --fault-ops Giris --fault-rate 1
kenv_config
expect_exit 5 "$KEPAGENT" refresh
expect_grep "after 4 tries.*geçici olarak hizmet verememektedir" "$T/err"
kenv_stop

# 3. 503 with Retry-After: 2 on the first listing: the retry comes no sooner
# than 2 s later (the back-off alone would wait about 5 ms here).
rm -rf "$T/store"
kenv_start r503 --faults http503 --fault-ops PaketSorgula --fault-rate 1 --fault-limit 1 \
	--retry-after 2
kenv_config
expect_exit 0 "$KEPAGENT" refresh
gap=$(gap_after_fault PaketSorgula)
echo "503 Retry-After 2: retried after $gap ms"
[ "$gap" -ge 2000 ] || fail "503 Retry-After 2: retried after $gap ms"
[ "$gap" -lt 5000 ] || fail "503 Retry-After 2: waited $gap ms"
expect_grep "Retry-After" "$T/err"
kenv_check_store
kenv_stop

# 4. 429 with Retry-After as an HTTP-date 3 s ahead (second resolution: at
# least 2 s remain when it arrives).
rm -rf "$T/store"
kenv_start r429 --faults http429 --fault-ops PaketSorgula --fault-rate 1 --fault-limit 1 \
	--retry-after date:3
kenv_config
expect_exit 0 "$KEPAGENT" refresh
gap=$(gap_after_fault PaketSorgula)
echo "429 Retry-After date+3s: retried after $gap ms"
[ "$gap" -ge 1900 ] || fail "429 Retry-After (HTTP-date): retried after $gap ms"
kenv_check_store
kenv_stop

# 5. Retry-After beyond the back-off bound (5 s): this run does not hammer
# the provider; the listing fails as provider trouble and nothing is lost.
rm -rf "$T/store"
kenv_start rlong --faults http503 --fault-ops PaketSorgula --fault-rate 1 --fault-limit 1 \
	--retry-after 3600
kenv_config
expect_exit 5 "$KEPAGENT" refresh
expect_grep "not retried now: the provider asks for 3600 s" "$T/err"
[ "$(req_field PaketSorgula http | head -n 1)" = 503 ] || fail "the 503 was not the first listing"
expect_exit 0 "$KEPAGENT" refresh
kenv_check_store
