#!/bin/sh
# Provider faults while sending (kepsim --faults on the sending operations
# only, one fault per scenario), seal mode, both paths. A fault after the
# provider performed the submission (the answer lost: connection closed, an
# HTML 500, cut off mid-answer, or slower than the account's timeout) is
# reconciled from the sent folder: the item is adopted as submitted with
# one attempt and never submitted a second time. A fault before anything
# was performed (HTTP 500/503, a SOAP Fault, "Sistem meşgul") is retried
# after the sent folder shows nothing: submitted on the second attempt.
# Each time kepsim performed exactly one submission and holds one package.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"

send_world
kenv_stop
head -c 20000 /dev/urandom >"$T/ek.pdf"
n=0
on_exit 'grep -q "^PASS" "$T/done" 2>/dev/null || grep -E "outbox|reconcil|upload|mime_|sent|refused|error|warn" "$T/runs.log" 2>/dev/null | tail -40'

# fault PATH OP FAULT ATTEMPTS [kepsim options]: kepsim injects FAULT into
# the first OP; after at most three refreshes the item is submitted after
# ATTEMPTS submissions, performed once.
fault() {
	path=$1 op=$2 f=$3 tries=$4; shift 4
	n=$((n + 1))
	kenv_start "sim$n" --faults "$f" --fault-ops "$op" --fault-rate 1 --fault-limit 1 "$@"
	send_config seal "$path"
	# A short timeout, so that a slow answer is one the agent gave up on.
	echo "    timeout: 2" >>"$KEPAGENT_CONFIG"
	expect_exit 0 "$KEPAGENT" send --json --to "$PEER" --subject "Arıza $f" --body "Sınama" \
		--attach "$T/ek.pdf" --ileti-id "FT-$n"
	cp "$T/out" "$T/item"
	id=$(item 'j["id"]')
	runs=0
	while :; do
		runs=$((runs + 1))
		set +e
		"$KEPAGENT" refresh >"$T/out" 2>"$T/err"
		set -e
		{ echo "--- $op $f: run $runs"; cat "$T/err"; } >>"$T/runs.log"
		item_json "$id"
		st=$(item 'j["state"]')
		[ "$st" != submitted ] || break
		case $st in failed|parked) cat "$T/err" "$T/item"; fail "$op $f: the item is $st" ;; esac
		[ $runs -lt 3 ] || { cat "$T/err" "$T/item"; fail "$op $f: still $st after $runs runs"; }
	done
	# kepsim logs a slow answer when it is done; the agent gave up before.
	if [ "$f" = slow ]; then
		sleep 3
		grep -q 'Yukle: .*timed out' "$T/runs.log" || fail "$op $f: the agent did not time out"
	fi
	grep -q "\"fault\": *\"$f\"" "$KEPSIM_REQ" || fail "$op $f: kepsim injected no fault"
	sent=$(item 'j["message_id"]')
	[ "$path" = yukle ] || sent=$(item 'j["mesaj_id"]')
	[ "$(submitted "$sent")" = 1 ] || fail "$op $f: kepsim performed $(submitted "$sent") submissions"
	[ "$(sent_copies "FT-$n")" = 1 ] || fail "$op $f: $(sent_copies "FT-$n") packages in the sent folder"
	[ "$(item 'j["attempts"]')" = "$tries" ] \
		|| fail "$op $f: $(item 'j["attempts"]') attempts, expected $tries"
	echo "$op $f: submitted after $tries attempt(s) in $runs run(s), performed once"
	kenv_stop
}

# Performed, then the answer lost: reconciled, never resubmitted.
fault yukle Yukle performed-no-answer 1
fault yukle Yukle performed-http500 1
fault yukle Yukle drop 1
fault yukle Yukle slow 1 --slow-ms 4000
fault mimeyap SmimeGonder performed-no-answer 1
fault mimeyap SmimeGonder performed-http500 1
# MimeYap performed but unanswered: only a draft is lost; MimeYap again.
fault mimeyap MimeYap performed-no-answer 1
# Not performed: the sent folder shows nothing, so it is submitted again.
fault yukle Yukle http500 2
fault yukle Yukle http503 2
fault yukle Yukle soap-fault 2
fault yukle Yukle durum1-transient 2
fault mimeyap SmimeGonder http500 2

# With the default grace (resubmit_after_seconds 600) the item whose answer
# was lost is not submitted again while the provider might still list it.
n=$((n + 1))
kenv_start "sim$n" --faults http500 --fault-ops Yukle --fault-rate 1 --fault-limit 1
SEND_RESUBMIT=600
send_config seal yukle
SEND_RESUBMIT=
expect_exit 0 "$KEPAGENT" send --json --to "$PEER" --subject "Bekle" --body "Sınama" --ileti-id "FT-$n"
cp "$T/out" "$T/item"
id=$(item 'j["id"]')
for r in 1 2; do
	set +e; "$KEPAGENT" refresh >"$T/out" 2>"$T/err"; set -e
done
item_json "$id"
[ "$(item 'j["state"]')" = submitting ] || fail "grace: the item is $(item 'j["state"]'), not waiting in submitting"
[ "$(item 'j["attempts"]')" = 1 ] || fail "grace: $(item 'j["attempts"]') submissions within the grace"
expect_grep "sent again once 600 s have passed" "$T/err"
# Once the grace has passed, it is submitted again (and performed once).
kenv_sql_write() { python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$STORE" "$1"; }
kenv_sql_write "UPDATE outbox SET updated_at = updated_at - 601000 WHERE id = $id"
expect_exit 0 "$KEPAGENT" refresh
item_json "$id"
[ "$(item 'j["state"]')" = submitted ] || fail "grace over: the item is $(item 'j["state"]')"
[ "$(submitted "$(item 'j["message_id"]')")" = 1 ] || fail "grace: kepsim performed $(submitted "$(item 'j["message_id"]')") submissions"
echo "grace: not submitted again within 600 s, then submitted once"
kenv_stop
echo PASS >"$T/done"
