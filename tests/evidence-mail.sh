#!/bin/sh
# A delil that arrives as an e-mail (kep-domain.md §4: X-REM-Msg-Type:
# Message, signed by the KEPHS, the evidence XML attached; issue 12 item 6):
# the carrying message is stored byte-exact in INBOX, its XML stored and
# judged as a PaketDelilIndir delil of the sent package its
# MessageIdentifierByREMMD names, and counted by the status lookup (and kept
# out of the import queue) only when both the XML and the carrying message
# are signed by the KEPHS. Forged:
# the XML signed by a person's e-imza, or the message signed by one. Also
# with the sent package and its delil mail in the same run (the mail stored
# first, judged again against the original later: the carrier's verdict stays).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 23 --received 1 --sent 0 --faults none
kenv_start sim --delay-ms 0
kenv_config
for f in none evidence-by-eimza envelope-by-eimza; do
	kenv_add_package OUTBOX
	sira=$KENV_SIRA
	echo "$f $sira $(kenv_json "$ACC/OUTBOX/$sira/meta.json" kepId)" >>"$T/cases"
done
expect_exit 0 "$KEPAGENT" refresh
while read -r f sira kep; do
	kenv_add_evidence evidence-mail "$sira" 10 "$f"
	set -- $(cat "$T/addev.log")
	[ "$1" = evidence-mail ] || fail "kepsim-gen add said: $(cat "$T/addev.log")"
	dir=$MB/accounts/$2 delil=$3
	kenv_date_now "$dir/meta.json"
	grep -q '^X-REM-Msg-Type: Message' "$dir/package.eml" || fail "$f: no X-REM-Msg-Type: Message"
	echo "$f $sira $kep $dir $delil $(kenv_json "$dir/meta.json" kepId)" >>"$T/mails"
done <"$T/cases"
expect_exit 0 "$KEPAGENT" -vv refresh --json
# Each delil mail's XML judged once (sync_evidence_mail_kind, its result
# passed on to the identifiers and the stored item, the digest checked
# again against the original only): three mails, three judgements, none
# under a delil's own id (the item stored from the mail is not judged again).
[ "$(grep -c 'evidence (mail): judging the delil' "$T/err")" = 3 ] || { grep 'judging' "$T/err"; fail "a delil mail's XML not judged exactly once"; }
while read -r f sira kep dir delil mkep; do
	expect_no_grep "evidence $delil: judging" "$T/err"
done <"$T/mails"
# The delil ids the refresh flags as evidence.
python3 -c 'import json, sys
def walk(j):
    if isinstance(j, dict):
        for k, v in j.items():
            if k == "flagged_items":
                for f in v:
                    if f.get("what") == "evidence" and f.get("delil_id"): print(f["delil_id"])
            else: walk(v)
    elif isinstance(j, list):
        for v in j: walk(v)
walk(json.load(open(sys.argv[1])))' "$T/out" >"$T/flagged"
# A second run stores nothing twice.
expect_exit 0 "$KEPAGENT" refresh

while read -r f sira kep dir delil mkep; do
	# The carrying message: stored in INBOX, byte-exact.
	pid=$(kenv_sql "SELECT id FROM packages WHERE kep_id = '$mkep' AND folder = 'INBOX'")
	[ -n "$pid" ] || fail "$f: the carrying message is not stored"
	python3 -c 'import hashlib, sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute("SELECT raw_sha256 FROM packages WHERE id = ?", (sys.argv[2],)).fetchone()
assert r[0] == hashlib.sha256(open(sys.argv[3], "rb").read()).digest()' "$STORE" "$pid" "$dir/package.eml" \
		|| fail "$f: the carrying message is not stored byte-exact"
	# Its own verdict is its envelope's: an honest evidence mail has no
	# original to miss, a forged envelope is not acceptable.
	pverdict=$(kenv_sql "SELECT verdict FROM packages WHERE id = $pid")
	case $f:$pverdict in
	envelope-by-eimza:valid|envelope-by-eimza:revocation-unknown) fail "$f: the carrying message is $pverdict" ;;
	envelope-by-eimza:*) ;;
	*:valid|*:revocation-unknown) ;;
	*) fail "$f: the carrying message is $pverdict ($(kenv_sql "SELECT verdict_reason FROM packages WHERE id = $pid"))" ;;
	esac
	# Evidence only when its KEPHS envelope and the delil it carries both
	# verify: then never offered to EBYS for import. Either one forged, it
	# stays an ordinary received package (the X-REM-Msg-Type header is
	# outside every signature: a genuine package relabelled must not vanish
	# from the queue).
	queued=$(kenv_sql "SELECT count(*) FROM import_queue WHERE package_id = $pid")
	case $f:$queued in
	envelope-by-eimza:1|none:0|evidence-by-eimza:1) ;;
	*) fail "$f: the carrying message is queued $queued time(s)" ;;
	esac
	# The carrier is linked to the delil it carried (its extraction done).
	[ "$(kenv_sql "SELECT e.delil_id FROM evidence_mails m JOIN evidence e ON e.id = m.evidence_id WHERE m.package_id = $pid")" = "$delil" ] ||
		fail "$f: the carrier is not linked to $delil"
	# The delil: one row, linked to the sent package, with its verdict.
	spid=$(kenv_sql "SELECT id FROM packages WHERE kep_id = '$kep'")
	row=$(kenv_sql "SELECT verdict, IFNULL(package_id, 'none'), delil_tur_id FROM evidence WHERE delil_id = '$delil'")
	[ "$(echo "$row" | wc -l)" = 1 ] || fail "$f: $(echo "$row" | wc -l) rows for $delil"
	verdict=$(echo "$row" | cut -f1)
	[ "$(echo "$row" | cut -f2)" = "$spid" ] || fail "$f: linked to $(echo "$row" | cut -f2), not $spid"
	[ "$(echo "$row" | cut -f3)" = 10 ] || fail "$f: code $(echo "$row" | cut -f3)"
	reason=$(kenv_sql "SELECT verdict_reason FROM evidence WHERE delil_id = '$delil'")
	case $f in
	none) case $verdict in valid|revocation-unknown) ;; *) fail "$f: $verdict ($reason)" ;; esac
	      wstage=10 ;;
	evidence-by-eimza) [ "$verdict" = untrusted ] || fail "$f: $verdict ($reason)"
	      case $reason in *"not by a KEPHS"*) ;; *) fail "$f: reason $reason" ;; esac
	      wstage=None ;;
	envelope-by-eimza) case $verdict in valid|revocation-unknown) fail "$f: counted as $verdict" ;; esac
	      case $reason in *"carrying message: envelope-signature"*) ;; *) fail "$f: reason $reason" ;; esac
	      wstage=None ;;
	esac
	# Flagged when it does not count (the refresh names it).
	if [ "$wstage" = None ]; then
		grep -qx "$delil" "$T/flagged" || fail "$f: the refresh does not flag $delil"
	else
		! grep -qx "$delil" "$T/flagged" || fail "$f: the refresh flags the honest $delil"
	fi
	expect_exit 0 "$KEPAGENT" status --json "$kep"
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1])); want = sys.argv[2]; verdict = sys.argv[3]
if "results" in j: j = j["results"][0]
assert str(j.get("stage")) == want, ("stage", j.get("stage"), want)
assert [e["verdict"] for e in j["evidence"]] == [verdict], j["evidence"]
assert [e["carrier_package_id"] for e in j["evidence"]] == [int(sys.argv[4])], j["evidence"]' "$T/out" "$wstage" "$verdict" "$pid" \
		|| fail "$f: the status lookup: $(cat "$T/out")"
done <"$T/mails"
# The sent package and its delil mail in one run (the mail may be stored
# first, its digest unchecked): judged again once the package is stored,
# the forged carrier still does not count.
for f in none envelope-by-eimza; do
	kenv_add_package OUTBOX
	sira=$KENV_SIRA
	kep=$(kenv_json "$ACC/OUTBOX/$sira/meta.json" kepId)
	kenv_add_evidence evidence-mail "$sira" 10 "$f"
	set -- $(cat "$T/addev.log")
	kenv_date_now "$MB/accounts/$2/meta.json"
	echo "$f $kep $3" >>"$T/same"
done
expect_exit 0 "$KEPAGENT" refresh
grep -i "judged again\|evidence mail" "$T/out" "$T/err" >&2 || true
while read -r f kep delil; do
	spid=$(kenv_sql "SELECT id FROM packages WHERE kep_id = '$kep'")
	row=$(kenv_sql "SELECT verdict, IFNULL(package_id, 'none') FROM evidence WHERE delil_id = '$delil'")
	[ "$(echo "$row" | cut -f2)" = "$spid" ] || fail "same run $f: linked to $(echo "$row" | cut -f2), not $spid"
	verdict=$(echo "$row" | cut -f1)
	case $f:$verdict in
	none:valid|none:revocation-unknown) wstage=10 ;;
	none:*) fail "same run $f: $verdict" ;;
	*:valid|*:revocation-unknown) fail "same run $f: counted as $verdict" ;;
	*) wstage=None
	   kenv_sql "SELECT verdict_reason FROM evidence WHERE delil_id = '$delil'" |
		grep -q "carrying message: envelope-signature" || fail "same run $f: the reason lost the carrier" ;;
	esac
	expect_exit 0 "$KEPAGENT" status --json "$kep"
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
if "results" in j: j = j["results"][0]
assert str(j.get("stage")) == sys.argv[2], j' "$T/out" "$wstage" || fail "same run $f: status $(cat "$T/out")"
done <"$T/same"
[ "$(kenv_sql "SELECT count(*) FROM evidence")" = 5 ] || fail "evidence rows: $(kenv_sql "SELECT delil_id FROM evidence")"
# Killed after the carrier committed, before its delil was stored: the rerun extracts it from the stored carrier, exactly once.
for point in evidence-mail-before-delil; do
	kenv_add_evidence evidence-mail "$(head -1 "$T/cases" | cut -d' ' -f2)" 40 none
	set -- $(cat "$T/addev.log")
	kenv_date_now "$MB/accounts/$2/meta.json"
	delil=$3
	expect_exit 137 env KEPAGENT_CRASHPOINT=$point:1 "$KEPAGENT" refresh
	[ "$(kenv_sql "SELECT count(*) FROM evidence_mails WHERE evidence_id IS NULL")" = 1 ] ||
		fail "$point: no pending extraction after the kill"
	expect_exit 0 "$KEPAGENT" refresh
	[ "$(kenv_sql "SELECT count(*) FROM evidence WHERE delil_id = '$delil'")" = 1 ] ||
		fail "$point: $delil stored $(kenv_sql "SELECT count(*) FROM evidence WHERE delil_id = '$delil'") times"
	[ "$(kenv_sql "SELECT count(*) FROM evidence_mails WHERE evidence_id IS NULL")" = 0 ] ||
		fail "$point: the extraction is still pending after the rerun"
done
exit 0
