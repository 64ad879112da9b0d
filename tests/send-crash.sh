#!/bin/sh
# Sending survives SIGKILL at every step of the outbox's state machine
# (lib/crashpoint.h; sync/send.c names each point between a durable write
# and the next provider call), on both paths (Yukle; MimeYap + SmimeGonder)
# in seal mode with the seal on SoftHSM2. After each kill and a rerun:
# kepsim got exactly one submission request for the item and performed it
# (its request log), holds exactly one package with its iletiID in the sent
# folder, the item is submitted with that package's kepId, and its
# Message-ID and iletiID are the ones stored before the kill.
# send-reconciled is reached by a second kill in the run that reconciles
# after a kill at send-answered. A kill at send-submitting (after
# 'submitting' was written, before the request) leaves a submission that
# may have reached the provider as far as kepagent can tell: the rerun
# finds nothing in the sent folder and parks the item, never submitting it
# by itself; a person's `kepagent outbox resubmit` then sends it, once. A
# provider that lists the package 15 s late makes the rerun after a kill at
# send-answered wait, with no second request, until it is listed. An
# answer OK without a kepId is recorded before send-answered: killed there,
# the item is parked with that reason, not as an unanswered submission.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"

send_world
n=0

# killed_run POINT: a refresh that must die of SIGKILL at POINT.
killed_run() {
	set +e
	KEPAGENT_CRASHPOINT=$1 "$KEPAGENT" refresh >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ $rc -eq 137 ] || { cat "$T/err"; fail "$path $1: refresh exited $rc, not by SIGKILL"; }
	grep -q "crash point.*$1" "$T/err" || { cat "$T/err"; fail "$path $1: crash point not reached"; }
	[ "$(kenv_sql 'PRAGMA integrity_check')" = ok ] || fail "$path $1: integrity_check"
}

# send_item: `kepagent send` of item CR-$n (its JSON in $T/out).
send_item() {
	"$KEPAGENT" send --json --to "$PEER" --subject "Kesinti $n" --body "Sınama $n" \
		--attach "$T/ek.pdf" --ileti-id "CR-$n" "$@"
}

# crash PATH POINT...: one item killed at each POINT in turn (send-accepted
# kills `kepagent send`, which EBYS then repeats; the others a refresh),
# then rerun to the end and checked.
crash() {
	path=$1; shift
	points=$*
	n=$((n + 1))
	ileti=CR-$n
	if [ "$1" = send-accepted ]; then
		set +e
		KEPAGENT_CRASHPOINT=send-accepted send_item >"$T/out" 2>"$T/err"
		rc=$?
		set -e
		[ $rc -eq 137 ] || { cat "$T/err"; fail "$path send-accepted: send exited $rc"; }
		shift
		# EBYS did not hear back: it repeats the submission, which is the same item.
		expect_exit 0 send_item
		[ "$(kenv_sql "SELECT count(*) FROM outbox WHERE ileti_id = '$ileti'")" = 1 ] \
			|| fail "$path send-accepted: the repeat made a second item"
	else
		expect_exit 0 send_item
	fi
	cp "$T/out" "$T/item"
	id=$(item 'j["id"]')
	mid=$(item 'j["message_id"]') mesaj=
	for point in "$@"; do
		killed_run "$point"
		item_json "$id"
		[ "$(item 'j["ileti_id"]')" = "$ileti" ] || fail "$path $point: iletiID changed"
		[ "$(item 'j["message_id"]')" = "$mid" ] || fail "$path $point: Message-ID changed"
		[ -n "$mesaj" ] || mesaj=$(item 'j["mesaj_id"]')
	done
	expect_exit 0 "$KEPAGENT" refresh
	item_json "$id"
	if [ "$points" = send-submitting ]; then
		[ "$(item 'j["state"]')" = parked ] || { cat "$T/item" "$T/err"; fail "$path $points: item is $(item 'j["state"]'), not parked"; }
		expect_grep "submission unanswered and not in the sent folder" "$T/item"
		sent=$mid
		[ "$path" = yukle ] || sent=$(item 'j["mesaj_id"]')
		[ "$(submitted "$sent" all)" = 0 ] || fail "$path $points: submitted by itself"
		expect_exit 0 "$KEPAGENT" outbox resubmit "$id"
		expect_exit 0 "$KEPAGENT" refresh
		item_json "$id"
	fi
	[ "$(item 'j["state"]')" = submitted ] || { cat "$T/item" "$T/err"; fail "$path $points: item is $(item 'j["state"]')"; }
	[ "$(item 'j["ileti_id"]')" = "$ileti" ] || fail "$path $points: iletiID changed after the rerun"
	# What was stored before a kill is what was sent: the Message-ID chosen
	# at acceptance, MimeYap's mesajid once stored.
	[ "$(item 'j["message_id"]')" = "$mid" ] \
		|| fail "$path $points: Message-ID $mid became $(item 'j["message_id"]')"
	[ -z "$mesaj" ] || [ "$(item 'j["mesaj_id"]')" = "$mesaj" ] \
		|| fail "$path $points: mesajid $mesaj became $(item 'j["mesaj_id"]')"
	sent=$mid
	[ "$path" = yukle ] || sent=$(item 'j["mesaj_id"]')
	[ "$(submitted "$sent")" = 1 ] || fail "$path $points: kepsim performed $(submitted "$sent") submissions of $sent"
	[ "$(submitted "$sent" all)" = 1 ] || fail "$path $points: kepsim got $(submitted "$sent" all) submission requests for $sent"
	[ "$(sent_copies "$ileti")" = 1 ] || fail "$path $points: $(sent_copies "$ileti") packages of $ileti in the sent folder"
	kep=$(item 'j["kep_id"]')
	python3 - "$ACC" "$ileti" "$kep" <<'PY' || fail "$path $points: the item's kepId is not its package's"
import glob, json, os, sys
acc, ileti, kep = sys.argv[1:]
for meta in glob.glob(os.path.join(acc, "*", "*", "meta.json")):
    m = json.load(open(meta))
    if m.get("iletiID") == ileti:
        sys.exit(0 if m["kepId"] == kep else 1)
sys.exit(1)
PY
	echo "$path: killed at $points; submitted once"
}

head -c 20000 /dev/urandom >"$T/ek.pdf"
send_config seal yukle
crash yukle send-accepted send-prepared
for p in send-signed send-submitting send-answered send-submitted; do
	crash yukle $p
done
crash yukle send-answered send-reconciled

send_config seal mimeyap
crash mimeyap send-accepted
for p in send-mimeyap-answered send-prepared send-signed send-submitting send-answered send-submitted; do
	crash mimeyap $p
done
crash mimeyap send-answered send-reconciled

# A provider that lists what it took 15 s late: killed once its answer came
# (send-answered), the item is not in the sent folder at the rerun; it waits
# in submitting (reconcile_park_after_seconds 600) with no second request,
# and is adopted once listed.
kenv_stop
kenv_start sim-late --sent-list-delay-ms 15000
SEND_PARK_AFTER=600
send_config seal yukle
SEND_PARK_AFTER=
path=yukle n=$((n + 1))
expect_exit 0 send_item
cp "$T/out" "$T/item"
id=$(item 'j["id"]') mid=$(item 'j["message_id"]')
t0=$(date +%s)
killed_run send-answered
expect_exit 0 "$KEPAGENT" refresh
item_json "$id"
[ "$(item 'j["state"]')" = submitting ] || { cat "$T/err"; fail "late: the item is $(item 'j["state"]'), not waiting in submitting"; }
expect_grep "does not list it yet" "$T/err"
[ "$(submitted "$mid" all)" = 1 ] || fail "late: $(submitted "$mid" all) submission requests before it was listed"
[ $(($(date +%s) - t0)) -lt 14 ] || fail "late: the rerun came after the package was listed"
sleep $((20 - ($(date +%s) - t0)))
expect_exit 0 "$KEPAGENT" refresh
item_json "$id"
[ "$(item 'j["state"]')" = submitted ] || { cat "$T/err"; fail "late: the item is $(item 'j["state"]') once listed"; }
[ "$(submitted "$mid")" = 1 ] && [ "$(submitted "$mid" all)" = 1 ] \
	|| fail "late: $(submitted "$mid" all) submission requests, $(submitted "$mid") performed"
[ "$(sent_copies "CR-$n")" = 1 ] || fail "late: $(sent_copies "CR-$n") packages in the sent folder"
echo "yukle: killed at send-answered, listed 15 s late: waited, adopted, one request"

# Taken OK without a package id (kepsim's performed-no-kepid) and listed
# 15 s late, killed once that answer came (send-answered): the rerun parks
# it (reconcile_park_after_seconds 2) with that reason, never as an
# unanswered submission; once listed, the person's resubmission adopts it
# without a second request.
kenv_stop
kenv_start sim-noid --faults performed-no-kepid --fault-ops Yukle --fault-rate 1 \
	--fault-limit 1 --sent-list-delay-ms 15000
SEND_PARK_AFTER=2
send_config seal yukle
SEND_PARK_AFTER=
path=yukle n=$((n + 1))
expect_exit 0 send_item
cp "$T/out" "$T/item"
id=$(item 'j["id"]') mid=$(item 'j["message_id"]')
t0=$(date +%s)
killed_run send-answered
item_json "$id"
[ "$(item 'j["provider_text"]')" = "provider answered OK without a package id" ] \
	|| fail "no kepId: at the kill, provider_text '$(item 'j["provider_text"]')'"
sleep 3
expect_exit 0 "$KEPAGENT" refresh
item_json "$id"
[ "$(item 'j["state"]')" = parked ] || { cat "$T/err"; fail "no kepId: the item is $(item 'j["state"]'), not parked"; }
expect_grep "provider answered OK without a package id, and it is not in the sent folder after [0-9]* s" "$T/item"
expect_no_grep "unanswered" "$T/item"
[ $(($(date +%s) - t0)) -lt 14 ] || fail "no kepId: the rerun came after the package was listed"
[ "$(submitted "$mid" all)" = 1 ] || fail "no kepId: $(submitted "$mid" all) submission requests"
sleep $((20 - ($(date +%s) - t0)))
expect_exit 0 "$KEPAGENT" outbox resubmit "$id"
expect_exit 0 "$KEPAGENT" refresh
item_json "$id"
[ "$(item 'j["state"]')" = submitted ] || { cat "$T/err"; fail "no kepId: the item is $(item 'j["state"]') once listed"; }
[ "$(submitted "$mid")" = 1 ] && [ "$(submitted "$mid" all)" = 1 ] \
	|| fail "no kepId: $(submitted "$mid" all) submission requests, $(submitted "$mid") performed"
[ "$(sent_copies "CR-$n")" = 1 ] || fail "no kepId: $(sent_copies "CR-$n") packages in the sent folder"
echo "yukle: OK without a kepId, killed at send-answered: parked with that reason; resubmitted, adopted, one request"

# A last run changes nothing: nothing is submitted twice.
expect_exit 0 "$KEPAGENT" refresh
[ "$(kenv_sql "SELECT count(*) FROM outbox WHERE state <> 'submitted'")" = 0 ] \
	|| fail "items not submitted: $(kenv_sql "SELECT id, state FROM outbox WHERE state <> 'submitted'")"
for i in $(seq 1 $n); do
	[ "$(sent_copies CR-$i)" = 1 ] || fail "CR-$i: sent $(sent_copies CR-$i) times in the end"
done
echo "$n items, each killed at its send crash points and sent exactly once"
