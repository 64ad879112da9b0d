#!/bin/sh
# The sent folder is searched by the provider's clock (the HTTP Date of its
# listings, as the refresh windows are dated), so reconciliation finds the
# package when kepagent's own clock is days off. kepagent runs with its
# clock 3 days ahead, then 3 days behind (libfaketime; kepsim keeps the true
# time): each time a submission is taken and its answer lost
# (performed-no-answer), and the next refresh finds the package in the sent
# folder and adopts it: one submission in kepsim's request log, nothing
# parked. Searched by our clock with a day of margin, the window missed the
# package by two days and the item was parked.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"
. "$top_srcdir/tests/faketime-lib.sh"
[ -n "$FAKETIME_LIB" ] || skip "libfaketime is missing (contrib/install-deps.sh installs faketime)"

send_world
kenv_stop
head -c 10000 /dev/urandom >"$T/ek.pdf"
n=0
for off in +3d -3d; do
	n=$((n + 1))
	kenv_start "sim$n" --faults performed-no-answer --fault-ops Yukle --fault-rate 1 --fault-limit 1
	SEND_PARK_AFTER=0 send_config seal
	at "$off" "$KEPAGENT" send --json --to "$PEER" --subject "Saat $off" --body "Sınama" \
		--attach "$T/ek.pdf" --ileti-id "CL-$n" >"$T/item" 2>"$T/err" || { cat "$T/err"; fail "$off: send"; }
	id=$(item 'j["id"]') mid=$(item 'j["message_id"]')
	at "$off" "$KEPAGENT" refresh >"$T/out" 2>"$T/err" || true
	grep -q "the provider may have taken it" "$T/err" || { cat "$T/err"; fail "$off: the answer was not lost"; }
	at "$off" "$KEPAGENT" refresh >"$T/out" 2>"$T/err" || true
	item_json "$id"
	[ "$(item 'j["state"]')" = submitted ] || { cat "$T/err" "$T/item"; fail "clock $off: the item is $(item 'j["state"]'), not found in the sent folder"; }
	[ "$(submitted "$mid")" = 1 ] || fail "clock $off: kepsim performed $(submitted "$mid") submissions"
	[ "$(submissions)" = 1 ] || fail "clock $off: $(submissions) submission requests"
	[ "$(sent_copies "CL-$n")" = 1 ] || fail "clock $off: $(sent_copies "CL-$n") packages in the sent folder"
	[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'outbox.submitted' AND detail = 'found in the sent folder' AND object = 'outbox/$id'")" = 1 ] \
		|| fail "clock $off: not adopted from the sent folder"
	echo "clock $off: adopted from the sent folder, one submission"
	kenv_stop
done
