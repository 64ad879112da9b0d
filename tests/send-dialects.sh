#!/bin/sh
# Sending against every kepsim dialect (contrib/kepsim/README "Dialects":
# public, plain, legacy; and public with inline base64 instead of MTOM):
# the answers of Yukle, MimeYap and SmimeGonder and the sent folder's
# listing are read in each form. Per dialect, a representative scenario of
# tests/send-faults.sh and tests/send-crash.sh each, with kepsim's request
# log showing one performed submission per item:
#   - Yukle refused with HTTP 503, submitted again: the success answer read;
#   - SmimeGonder performed and its answer lost: the MimeYap answer (eHash,
#     mesajid) read, the package found in the sent folder by its mesajid;
#   - Yukle performed and answered OK without a kepId (the element absent in
#     the dialect's form): found in the sent folder by its Message-ID;
#   - a refresh killed at send-answered (the provider took it, nothing
#     stored), then a rerun: reconciled, adopted, never submitted twice.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"
. "$top_srcdir/tests/send-fault-lib.sh"

fault_world
for SEND_KEPSIM_OPTS in "--dialect public" "--dialect public --inline-base64" \
	"--dialect plain --inline-base64" "--dialect legacy"; do
	echo "=== $SEND_KEPSIM_OPTS"
	fault yukle Yukle http503 retried
	# kepsim spoke that dialect (its start-up log names the settings).
	case $SEND_KEPSIM_OPTS in
	*legacy*) want="creds=wrapped" ;;
	*plain*) want="namespaces=default" ;;
	*) want="creds=bare.*namespaces=prefixed" ;;
	esac
	expect_grep "dialect: .*$want" "$T/sim$n.log"
	case $SEND_KEPSIM_OPTS in
	*inline*) expect_grep "\(inline base64\)" "$T/sim$n.log" ;;
	*) expect_grep "\(MTOM\)" "$T/sim$n.log" ;;
	esac
	fault mimeyap SmimeGonder performed-no-answer adopted
	fault yukle Yukle performed-no-kepid adopted
	# A kill after the provider answered, before anything was stored.
	new_item mimeyap
	set +e
	KEPAGENT_CRASHPOINT=send-answered "$KEPAGENT" refresh >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ $rc -eq 137 ] || { cat "$T/err"; fail "$SEND_KEPSIM_OPTS: the killed refresh exited $rc"; }
	refresh "$SEND_KEPSIM_OPTS: after the kill"
	item_json "$id"
	once "$SEND_KEPSIM_OPTS: killed at send-answered" 1 1
	echo "killed at send-answered: adopted on the rerun, one request"
	kenv_stop
done
