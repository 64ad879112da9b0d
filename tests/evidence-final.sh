#!/bin/sh
# A sent message's evidence is followed until its *verified* evidence is
# final: a forged 60 (broken XML signature) is stored as invalid and the
# follow-up goes on (PaketDelilSorgula asked again, status not final); the
# genuine 60 then ends it (the package marked final in the store, status
# final at stage 60) and later refreshes ask nothing more for it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 11 --received 1 --sent 0 --faults none
kenv_start sim --delay-ms 0
kenv_config
count() { grep -c "\"op\":\"$1\"" "$KEPSIM_REQ" || true; }
final_rows() { kenv_sql "SELECT count(*) FROM evidence_final f JOIN packages p ON p.id = f.package_id WHERE p.kep_id = '$kep'"; }
status() {
	"$KEPAGENT" status --json "$kep" >"$T/st.json" 2>"$T/st.err" || true
	python3 -c 'import json,sys
j = json.load(open(sys.argv[1]))
if "results" in j: j = j["results"][0]
print("%s %s" % (j.get("stage"), "final" if j.get("final") else "open"))' "$T/st.json"
}

kenv_add_package OUTBOX
sira=$KENV_SIRA
kep=$(kenv_json "$ACC/OUTBOX/$sira/meta.json" kepId)
kenv_add_evidence evidence "$sira" 10
expect_exit 0 "$KEPAGENT" refresh
[ "$(status)" = "10 open" ] || fail "after 10: status $(status)"

# A forged "Okundu": stored, flagged, not counted, not final.
kenv_add_evidence evidence "$sira" 60 evidence-broken-signature
expect_exit 0 "$KEPAGENT" refresh
[ "$(kenv_sql "SELECT verdict FROM evidence WHERE kep_id = '$kep' AND delil_tur_id = 60")" = invalid ] \
	|| fail "the forged 60 is not stored as invalid"
[ "$(final_rows)" = 0 ] || fail "a forged 60 made the evidence final"
[ "$(status)" = "10 open" ] || fail "after the forged 60: status $(status)"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
[ "$(count PaketDelilSorgula)" -ge 1 ] || fail "the follow-up stopped at a forged 60"

# The genuine 60 ends the follow-up.
kenv_add_evidence evidence "$sira" 60
expect_exit 0 "$KEPAGENT" refresh
[ "$(final_rows)" = 1 ] || fail "the genuine 60 did not make the evidence final"
[ "$(status)" = "60 final" ] || fail "after the genuine 60: status $(status)"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
[ "$(count PaketDelilSorgula)" -eq 0 ] || fail "evidence still polled after it was final"
