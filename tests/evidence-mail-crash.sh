#!/bin/sh
# A delil mail (kep-domain.md §4) killed (SIGKILL, lib/crashpoint.h) at
# every crash point on its way under ack_policy on-import: the carrier
# downloaded and stored, its delil extracted and stored, the carrier marked
# (evidence_mails), the provider acknowledgement sent and recorded. Each run
# brings a genuine delil mail (KEPHS-signed: evidence, never queued,
# acknowledged when stored) and a forged one (its envelope signed by an
# e-imza: queued with its verdict, not acknowledged); the kill hits the
# genuine one (:1) or, for the extraction points, the forged one (:2). The
# store at the kill is the one that point names; after a rerun nothing is
# lost, stored twice or queued twice, each delil is recorded once and linked
# to its carrier, and AlindiOnay reached kepsim exactly for the genuine ones
# (twice at most when killed between the provider's answer and its record).
# Then EBYS imports the forged ones and the next refresh acknowledges them.
# A kill before the mark of a final delil (60): the rerun still makes the
# sent package final, though nothing else follows it (out of the window, its
# poll not due). In every kepsim dialect (and inline base64), since
# the listing, download and acknowledgement forms are the provider's.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/evidence-mail-lib.sh"

all="package-downloaded:1 package-before-store:1 package-after-store:1
evidence-mail-before-delil:1 evidence-after-store:1 evidence-mail-before-mark:1
evidence-mail-before-delil:2 evidence-mail-before-mark:2
ack-before:1 ack-after-provider:1 ack-recorded:1"
# In the other forms, the points around what the provider's form carries:
# the download, the extraction from what was downloaded, the acknowledgement.
some="package-downloaded:1 evidence-mail-before-mark:1 ack-after-provider:1"

for d in public plain legacy inline; do
	case $d in
	public) opts="--dialect public" points=$all ;;
	inline) opts="--dialect public --inline-base64" points=$some ;;
	*) opts="--dialect $d" points=$some ;;
	esac
	rm -rf "$MB" "$T/store"
	evm_forget
	kenv_mailbox --seed 29 --received 1 --sent 1 --faults none
	sira=$(ls "$ACC/OUTBOX" | head -n 1)
	kenv_start "$d" $opts --delay-ms 0
	kenv_config
	expect_exit 0 "$KEPAGENT" refresh
	for point in $points; do
		evm_add none "$sira" 10
		g=$EVM_KEP gdelil=$EVM_DELIL
		evm_add envelope-by-eimza "$sira" 10
		f=$EVM_KEP fdelil=$EVM_DELIL
		expect_exit 137 env KEPAGENT_CRASHPOINT=$point "$KEPAGENT" refresh
		expect_grep "crash point ${point%:*}:${point#*:}" "$T/err"
		gdel=$(kenv_sql "SELECT count(*) FROM evidence WHERE delil_id = '$gdelil'")
		fdel=$(kenv_sql "SELECT count(*) FROM evidence WHERE delil_id = '$fdelil'")
		# The store at the kill: what that point is between.
		# evm_row: id, provider_ack, linked delil, times queued.
		set -- $(evm_row "$g") x x x x
		gid=$1 gack=$2
		glinked=$( [ -n "$(kenv_sql "SELECT evidence_id FROM evidence_mails m JOIN packages p ON p.id = m.package_id WHERE p.kep_id = '$g' AND evidence_id IS NOT NULL")" ] && echo 1 || echo 0)
		fstored=$(kenv_sql "SELECT count(*) FROM packages WHERE kep_id = '$f'")
		flinked=$( [ -n "$(kenv_sql "SELECT evidence_id FROM evidence_mails m JOIN packages p ON p.id = m.package_id WHERE p.kep_id = '$f' AND evidence_id IS NOT NULL")" ] && echo 1 || echo 0)
		gsent=$(evm_acks "$KEPSIM_REQ" "$g" | wc -l)
		state="g=$gid/$gack/delil$gdel/linked$glinked/sent$gsent f=$fstored/delil$fdel/linked$flinked"
		case $point in
		package-downloaded:1|package-before-store:1) want="g=x/x/delil0/linked0/sent0 f=0/delil0/linked0" ;;
		package-after-store:1|evidence-mail-before-delil:1) want="g=$gid/due/delil0/linked0/sent0 f=0/delil0/linked0" ;;
		evidence-after-store:1|evidence-mail-before-mark:1) want="g=$gid/due/delil1/linked0/sent0 f=0/delil0/linked0" ;;
		evidence-mail-before-delil:2) want="g=$gid/*/delil1/linked1/sent* f=1/delil0/linked0" ;;
		evidence-mail-before-mark:2) want="g=$gid/*/delil1/linked1/sent* f=1/delil1/linked0" ;;
		ack-before:1) want="g=$gid/due/delil1/linked1/sent0 f=*" ;;
		ack-after-provider:1) want="g=$gid/due/delil1/linked1/sent1 f=*"
			echo "$g" >>"$T/evm-resent" ;;
		ack-recorded:1) want="g=$gid/done/delil1/linked1/sent1 f=*" ;;
		esac
		# shellcheck disable=SC2254
		case $state in $want) ;; *) fail "$d $point: at the kill $state, expected $want" ;; esac
		expect_exit 0 "$KEPAGENT" refresh
		evm_check on-import "$KEPSIM_REQ"
		kenv_check_store >/dev/null
	done
	# EBYS imports the forged ones: acknowledged by the next refresh.
	kenv_import
	expect_exit 0 "$KEPAGENT" refresh
	evm_check on-import "$KEPSIM_REQ"
	[ "$(grep -c '"op":"AlindiOnay"' "$KEPSIM_REQ")" -ge "$(wc -l <"$T/evm")" ] ||
		fail "$d: fewer acknowledgements than delil mails"
	# A final delil (60) killed before its carrier's mark: the rerun
	# marks it, and the sent package it settles is final.
	kenv_add_package OUTBOX
	expect_exit 0 "$KEPAGENT" refresh
	kep=$(kenv_json "$ACC/OUTBOX/$KENV_SIRA/meta.json" kepId)
	spid=$(kenv_sql "SELECT id FROM packages WHERE folder = 'OUTBOX' AND kep_id = '$kep'")
	[ "$(kenv_sql "SELECT count(*) FROM evidence_final WHERE package_id = $spid")" = 0 ] ||
		fail "$d: the sent package is final before its 60"
	# Out of the next listing windows (dated three days back) and its next
	# poll a week away: nothing follows it in the rerun, only its delil
	# mail's retried extraction can settle it.
	python3 - "$ACC/OUTBOX/$KENV_SIRA/meta.json" <<'PY'
import json, os, sys, time
p = sys.argv[1]
m = json.load(open(p))
m["tarih"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - 3 * 86400))
open(p + ".tmp", "w").write(json.dumps(m))
os.rename(p + ".tmp", p)
PY
	evm_add none "$KENV_SIRA" 60
	expect_exit 137 env KEPAGENT_CRASHPOINT=evidence-mail-before-mark:1 "$KEPAGENT" refresh
	[ "$(kenv_sql "SELECT count(*) FROM evidence WHERE delil_id = '$EVM_DELIL'")" = 1 ] ||
		fail "$d: the 60 is not stored at the kill"
	python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE evidence_polls SET due_at = ? WHERE package_id = ?", (int(time.time() * 1000) + 7 * 86400000, int(sys.argv[2])))
assert c.total_changes == 1
c.commit()' "$STORE" "$spid" || fail "$d: the poll of the sent package"
	before=$(wc -l <"$KEPSIM_REQ")
	expect_exit 0 "$KEPAGENT" refresh
	[ "$(tail -n +$((before + 1)) "$KEPSIM_REQ" | grep '"op":"PaketDelilSorgula"' | grep -cF "\"kepId\":\"$kep\"" || true)" = 0 ] ||
		fail "$d: the rerun followed the sent package (the test needs it not followed)"
	evm_check on-import "$KEPSIM_REQ"
	[ "$(kenv_sql "SELECT count(*) FROM evidence_final WHERE package_id = $spid")" = 1 ] ||
		fail "$d: the sent package is not final after its 60 was marked"
	kenv_stop --clean
	echo "$d: $(wc -l <"$T/evm") delil mails, $(grep -c '"op":"AlindiOnay"' "$KEPSIM_REQ") AlindiOnay" >&2
done
exit 0
