#!/bin/sh
# One verdict per delil, wherever it is asked (kep/delil_verdict.h): for an
# honest delil and forged ones (broken XML signature, the digest of another
# message, signed by a person's e-imza instead of the KEPHS, an entity bomb
# that does not parse), each the only delil (code 10) of its own sent
# message, and a genuine delil of one message listed under another, the verdict the sync stored == `kepagent verify --original` ==
# the bundle's re-verification (`evidence export` + `evidence verify`) ==
# what the status lookup counts (API and CLI: stage 10 only when the verdict
# is acceptable, the delil listed with the same verdict). Without
# --original, `kepagent verify` says the digest was not checked and never
# calls the delil valid with its digest. `evidence verify` exits 0 for the
# honest bundle, 9 for the intact bundle of a forged delil; with no KEPHS
# configured it judges roles by the certificates the bundle marks KEPHS, and
# says so.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"

cases="none evidence-broken-signature evidence-digest-mismatch evidence-by-eimza evidence-unparseable"
api_before_refresh() {
	for f in $cases; do
		kenv_add_package OUTBOX
		sira=$KENV_SIRA
		kenv_add_evidence evidence "$sira" 10 "$f"
		echo "$f $sira $(kenv_json "$ACC/OUTBOX/$sira/meta.json" kepId)" >>"$T/cases"
	done
	# A genuine delil of message B listed under message A: kept for B and
	# judged against B's original (not A's: that would say "mismatch").
	kenv_add_package OUTBOX
	asira=$KENV_SIRA
	kenv_add_package OUTBOX
	sira=$KENV_SIRA
	kenv_add_evidence evidence "$sira" 10
	kenv_move_delils "$sira" "$asira"
	echo "other-message $sira $(kenv_json "$ACC/OUTBOX/$sira/meta.json" kepId)" >>"$T/cases"
}
api_world --seed 17 --received 1 --sent 0 --faults none
[ "$(wc -l <"$T/cases")" = 6 ] || fail "not every case was planted"

# no-kephs.yaml: the same configuration without trust.kephs.
python3 - "$KEPAGENT_CONFIG" "$T/no-kephs.yaml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s2 = re.sub(r"\n  kephs:\n(    .*\n)*", "\n", s)
assert "kephs" not in s2
open(sys.argv[2], "w").write(s2)
PY

n=0
while read -r fault sira kep; do
	n=$((n + 1))
	case $fault in
	none|other-message) want="valid revocation-unknown" word= ;;
	evidence-broken-signature) want=invalid word=signature ;;
	evidence-digest-mismatch) want=invalid word="does not match the stored original" ;;
	evidence-by-eimza) want=untrusted word="not by a KEPHS signing certificate" ;;
	evidence-unparseable) want=malformed word=DTD ;;
	esac
	# The store.
	row=$(kenv_sql "SELECT e.verdict, e.id, p.id FROM evidence e JOIN packages p ON p.id = e.package_id
		WHERE e.kep_id = '$kep'")
	[ "$(echo "$row" | wc -l)" = 1 ] || fail "$fault: $(echo "$row" | wc -l) stored delils"
	stored=$(echo "$row" | cut -f1) pkg=$(echo "$row" | cut -f3)
	case " $want " in *" $stored "*) ;; *) fail "$fault: stored $stored, expected $want" ;; esac
	reason=$(kenv_sql "SELECT verdict_reason FROM evidence WHERE kep_id = '$kep'")
	[ -z "$word" ] || case $reason in *"$word"*) ;; *) fail "$fault: stored reason '$reason' lacks '$word'" ;; esac

	# The bundle: exported, unpacked, re-verified.
	"$KEPAGENT" evidence export "$pkg" -o "$T/b$n.zip" >"$T/export.out" 2>"$T/export.err" \
		|| { cat "$T/export.err"; fail "$fault: evidence export"; }
	mkdir "$T/x$n" && (cd "$T/x$n" && unzip -q "$T/b$n.zip")
	delil=$(ls "$T/x$n"/evidence/*)
	[ -f "$T/x$n/original.eml" ] || fail "$fault: the bundle has no original.eml"
	code=0
	case $fault in none|other-message) ;; *) code=9 ;; esac
	expect_exit $code "$KEPAGENT" evidence verify --json "$T/b$n.zip"
	cp "$T/out" "$T/bv$n.json"

	# kepagent verify of the bundle's delil, with the bundle's original.
	case $fault in none|other-message) code=0 ;; *) code=1 ;; esac
	expect_exit $code "$KEPAGENT" verify --json --original "$T/x$n/original.eml" "$delil"
	cp "$T/out" "$T/v$n.json"
	expect_exit 0 "$KEPAGENT" status --json "$kep"
	cp "$T/out" "$T/cli$n.json"
	expect_status 200 "$(api GET "/v1/status/$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$kep")")" "status"
	cp "$T/body" "$T/api$n.json"
	python3 - "$fault" "$stored" "$reason" "$word" "$T/v$n.json" "$T/bv$n.json" "$T/cli$n.json" "$T/api$n.json" <<'PY' \
		|| fail "$fault: the verdicts differ"
import json, sys
fault, stored, reason, word = sys.argv[1:5]
v, bv, cli, api = (json.load(open(p)) for p in sys.argv[5:9])
ok = stored in ("valid", "revocation-unknown")
bad = []
# The reasons name what failed everywhere (the sync adds the account's
# provider to a wrong signer: "not by a KEPHS signing certificate of ptt").
if v["overall"] != stored: bad.append("kepagent verify: %s (%s)" % (v["overall"], v.get("notes")))
if word not in (v.get("notes") or ""): bad.append("kepagent verify reason %r" % v.get("notes"))
ev = bv["reverified"]["evidence"]
if len(ev) != 1 or ev[0]["verdict"] != stored or word not in ev[0]["reason"]:
    bad.append("bundle: %s" % ev)
if not (bv["intact"] and bv["same_verdicts"]) or bv["verdicts_valid"] != ok:
    bad.append("bundle: intact %s, same %s, valid %s" % (bv["intact"], bv["same_verdicts"], bv["verdicts_valid"]))
if bv["kephs_from"] != "configuration": bad.append("bundle kephs_from %s" % bv["kephs_from"])
for name, j in (("CLI", cli), ("API", api)):
    if "results" in j: j = j["results"][0]
    if j.get("stage") != (10 if ok else None) or j.get("final"):
        bad.append("%s status: stage %r final %r" % (name, j.get("stage"), j.get("final")))
    listed = [e["verdict"] for e in j.get("evidence", [])]
    if listed != [stored]: bad.append("%s status lists %s" % (name, listed))
if bad: sys.exit("%s: %s" % (fault, bad))
PY

	# Without --original the digest is not checked, and said so.
	case $fault in none|other-message|evidence-digest-mismatch) code=0 ;; *) code=1 ;; esac
	expect_exit $code "$KEPAGENT" verify --json "$delil"
	python3 - "$fault" "$T/out" <<'PY' || fail "$fault: verify without --original"
import json, sys
fault, v = sys.argv[1], json.load(open(sys.argv[2]))
checks = {c["check"]: c for c in v["checks"]}
if fault == "evidence-unparseable":
    assert v["overall"] == "malformed" and "evidence-digest" not in checks, v
else:
    d = checks["evidence-digest"]
    assert d["verdict"] == "unsigned" and "no --original" in d["reason"], d
    assert "digest not checked" in v["notes"] and "matches" not in v["notes"], v["notes"]
    assert v["overall"] == checks["evidence-signature"]["verdict"], v
PY

	# With no KEPHS configured: the bundle's marked certificates judge roles.
	[ "$fault" = none ] || [ "$fault" = evidence-by-eimza ] || continue
	code=0
	[ "$fault" = none ] || code=9
	expect_exit $code "$KEPAGENT" -c "$T/no-kephs.yaml" evidence verify --json "$T/b$n.zip"
	python3 - "$fault" "$T/out" <<'PY' || fail "$fault: evidence verify without trust.kephs"
import json, sys
fault, r = sys.argv[1], json.load(open(sys.argv[2]))
assert r["kephs_from"] == "bundle" and r["intact"] and r["same_verdicts"], r
assert r["reverified"]["package"]["overall"] in ("valid", "revocation-unknown"), r["reverified"]["package"]
assert r["verdicts_valid"] == (fault == "none"), r
PY
	expect_exit $code "$KEPAGENT" -c "$T/no-kephs.yaml" evidence verify "$T/b$n.zip"
	expect_grep "^note: no KEPHS signer configured: signer roles were judged against the KEPHS certificates the bundle names" "$T/out"
done <"$T/cases"
[ $n = 6 ] || fail "$n cases checked"
