#!/bin/sh
# Provider faults while sending (kepsim --faults on the sending operations
# only, one fault per scenario), seal mode, both paths. A submission whose
# answer is unknown (connection closed, an HTML 500, cut off mid-answer,
# slower than the account's timeout) is never submitted again by kepagent
# itself: it is looked for in the sent folder at each run and adopted when
# found, parked for a person when not (after reconcile_park_after_seconds).
# A submission the provider provably refused (HTTP 503, a SOAP Fault,
# "Sistem meşgul") is submitted again. An answer OK without a kepId is
# looked for the same way and, when parked, says so. kepsim's request log shows, for every
# item, exactly one Yukle/SmimeGonder performed, and no second request
# unless the first was refused or a person resubmitted the item. A provider
# that lists the package late (--sent-list-delay-ms) gets it once too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"
. "$top_srcdir/tests/send-fault-lib.sh"

fault_world
on_exit 'grep -q "^PASS" "$T/done" 2>/dev/null || grep -E "outbox|reconcil|upload|mime_|sent|refused|error|warn" "$T/runs.log" 2>/dev/null | tail -40'

# resubmit_once_listed WHAT BEFORE WAKE: the runs so far took less than
# BEFORE s since $t0 (so they ran before kepsim listed the package); at
# WAKE s after $t0, once it is listed, a person resubmits the parked item
# and the next run finds it in the sent folder: submitted after one
# attempt, one request.
resubmit_once_listed() {
	[ $(($(date +%s) - t0)) -lt "$2" ] || fail "$1: the runs took $2 s, the package is listed already"
	sleep $(($3 - ($(date +%s) - t0)))
	expect_exit 0 "$KEPAGENT" outbox resubmit "$id"
	refresh "$1: resubmitted"
	item_json "$id"
	once "$1, resubmitted" 1 1
}

# Performed, then the answer lost: adopted, never submitted again.
fault yukle Yukle performed-no-answer adopted
fault yukle Yukle performed-http500 adopted
fault yukle Yukle drop adopted
fault yukle Yukle slow adopted --slow-ms 4000
fault mimeyap SmimeGonder performed-no-answer adopted
fault mimeyap SmimeGonder performed-http500 adopted
# MimeYap performed but unanswered: only a draft is lost; MimeYap again.
fault mimeyap MimeYap performed-no-answer adopted
# Taken, the answer durum 0 without a kepId: found in the sent folder by the
# same run, never submitted again.
fault yukle Yukle performed-no-kepid adopted
fault mimeyap SmimeGonder performed-no-kepid adopted
# Refused by the provider (it says so): submitted again.
fault yukle Yukle http503 retried
fault yukle Yukle soap-fault retried
fault yukle Yukle durum1-transient retried
fault mimeyap SmimeGonder durum1-transient retried

# An HTML 500 proves nothing (performed-http500 looks the same): parked; a
# person resubmits, and the next run submits it once more, once.
fault yukle Yukle http500 parked
expect_exit 0 "$KEPAGENT" outbox resubmit "$id"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'outbox.resubmit' AND actor = 'cli' AND object = 'outbox/$id'")" = 1 ] \
	|| fail "resubmit: no audit line"
expect_exit 2 "$KEPAGENT" outbox resubmit "$id"
expect_grep "only a parked item is resubmitted" "$T/err"
refresh "http500: resubmitted"
item_json "$id"
once "Yukle http500 resubmitted" 2 2
refresh "http500: after"
[ "$(submissions)" = 2 ] || fail "http500: submitted again after the resubmission was taken"
echo "Yukle http500: resubmitted by a person, submitted once more, performed once"
kenv_stop
# ... or abandons it: failed, never submitted.
fault mimeyap SmimeGonder http500 parked
expect_exit 0 "$KEPAGENT" outbox abandon --reason "sent by hand" "$id"
item_json "$id"
[ "$(item 'j["state"]')" = failed ] || fail "abandon: the item is $(item 'j["state"]')"
expect_grep "abandoned by a person: sent by hand" "$T/item"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'outbox.abandon' AND object = 'outbox/$id'")" = 1 ] \
	|| fail "abandon: no audit line"
refresh "abandoned"
[ "$(submissions)" = 1 ] || fail "abandon: submitted again"
expect_exit 2 "$KEPAGENT" outbox resubmit "$id"
echo "SmimeGonder http500: abandoned by a person, never submitted again"
kenv_stop

# A provider that lists what it took only 20 s later, with the default
# window (600 s, under the old key name, which is still read): the item
# waits in submitting, is looked for at each run and adopted once listed.
SEND_PARK_AFTER=600 SEND_PARK_KEY=resubmit_after_seconds
new_item yukle --faults performed-no-answer --fault-ops Yukle --fault-rate 1 --fault-limit 1 \
	--sent-list-delay-ms 20000
SEND_PARK_AFTER= SEND_PARK_KEY=
t0=$(date +%s)
refresh "late: submit"
expect_grep "resubmit_after_seconds is deprecated" "$T/err"
for r in 1 2; do
	refresh "late: run $r"
	item_json "$id"
	[ "$(item 'j["state"]')" = submitting ] || fail "late: run $r: the item is $(item 'j["state"]'), not waiting in submitting"
	[ "$(submissions)" = 1 ] || fail "late: run $r: $(submissions) submission requests"
	expect_grep "does not list it yet; looked for again at each run, parked after 600 s" "$T/err"
done
[ $(($(date +%s) - t0)) -lt 19 ] || fail "late: the runs took 19 s, the check came too late"
sleep $((25 - ($(date +%s) - t0)))
refresh "late: listed"
item_json "$id"
once "late listing" 1 1
echo "late listing (20 s): waited in submitting, adopted once listed, one request"
kenv_stop

# Listed (15 s) later than the window (2 s): parked; once the package is listed,
# the person's resubmission finds it in the sent folder and adopts it
# instead of submitting it a second time.
SEND_PARK_AFTER=2
new_item yukle --faults performed-no-answer --fault-ops Yukle --fault-rate 1 --fault-limit 1 \
	--sent-list-delay-ms 15000
SEND_PARK_AFTER=
t0=$(date +%s)
refresh "later: submit"
sleep 3
refresh "later: parks"
item_json "$id"
[ "$(item 'j["state"]')" = parked ] || fail "later: the item is $(item 'j["state"]'), not parked"
expect_grep "submission unanswered and not in the sent folder after [0-9]* s; check the provider's web mailbox, then run \`kepagent outbox resubmit $id\` or \`kepagent outbox abandon $id\`" "$T/item"
resubmit_once_listed later 14 20
echo "later listing (15 s, window 2 s): parked; the resubmission found it listed: one request"
kenv_stop

# OK without a package id (durum 0, no kepId), and listed only 10 s later:
# the item waits in submitting and is parked with that reason, not as an
# unanswered submission; the person's resubmission then finds it listed.
new_item yukle --faults performed-no-kepid --fault-ops Yukle --fault-rate 1 --fault-limit 1 \
	--sent-list-delay-ms 10000
t0=$(date +%s)
refresh "no kepId: submit"
expect_grep "answered without a kepId" "$T/err"
item_json "$id"
[ "$(item 'j["state"]')" = submitting ] || fail "no kepId: the item is $(item 'j["state"]'), not waiting in submitting"
[ "$(item 'j["provider_text"]')" = "provider answered OK without a package id" ] \
	|| fail "no kepId: provider_text '$(item 'j["provider_text"]')'"
refresh "no kepId: parks"
item_json "$id"
[ "$(item 'j["state"]')" = parked ] || fail "no kepId: the item is $(item 'j["state"]'), not parked"
expect_grep "provider answered OK without a package id, and it is not in the sent folder after [0-9]* s; check the provider's web mailbox, then run \`kepagent outbox resubmit $id\` or \`kepagent outbox abandon $id\` .POST /v1/outbox/$id/resubmit or /abandon." "$T/item"
expect_no_grep "unanswered" "$T/item"
[ "$(submissions)" = 1 ] || fail "no kepId: $(submissions) submission requests"
resubmit_once_listed "no kepId" 9 13
echo "OK without a kepId, listed 10 s late: parked with its own reason; the resubmission found it: one request"
kenv_stop
echo PASS >"$T/done"
