#!/bin/sh
# Only verified evidence counts: a sent message whose only delils are forged
# by kepsim-gen (10 with a broken XML signature, 20 whose digest is not the
# original's) shows no stage, no failure and not final over the API and
# `kepagent status`, with both delils listed with their non-valid verdicts.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
api_world --seed 7 --received 1 --sent 2 --faults evidence-broken-signature,evidence-digest-mismatch

kep=$(python3 - "$ACC" <<'PY'
import json, os, sys
acc = sys.argv[1]
for sira in sorted(os.listdir(os.path.join(acc, "OUTBOX")), key=int):
    pd = os.path.join(acc, "OUTBOX", sira)
    codes = sorted(json.load(open(os.path.join(pd, "delil", f)))["delilTurId"]
                   for f in os.listdir(os.path.join(pd, "delil")) if f.endswith(".json"))
    if codes == [10, 20]:
        print(json.load(open(os.path.join(pd, "meta.json")))["kepId"])
PY
)
[ -n "$kep" ] || fail "kepsim-gen made no package with only forged delils"
[ "$(kenv_sql "SELECT count(*) FROM evidence WHERE kep_id = '$kep' AND verdict = 'invalid'")" = 2 ] ||
	fail "the forged delils are not stored as invalid"

check() {
	python3 - "$1" "$2" <<'PY' || fail "$2: forged evidence counted"
import json, sys
j = json.load(open(sys.argv[1]))
if isinstance(j, dict) and "results" in j: j = j["results"][0]
bad = []
if not j.get("found"): bad.append("not found")
for k in ("stage", "label", "failure", "failure_label"):
    if j.get(k) is not None: bad.append("%s %r" % (k, j.get(k)))
if j.get("final"): bad.append("final")
ev = sorted((e["delil_tur_id"], e["verdict"]) for e in j.get("evidence", []))
if ev != [(10, "invalid"), (20, "invalid")]: bad.append("evidence %s" % ev)
if bad: sys.exit("%s: %s" % (sys.argv[2], bad))
PY
}
expect_status 200 "$(api GET "/v1/status/$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$kep")")" "status"
check "$T/body" API
"$KEPAGENT" status --json "$kep" >"$T/cli.json" 2>"$T/cli.err" || true
check "$T/cli.json" CLI
