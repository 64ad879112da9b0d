#!/bin/sh
# A delil stored before its package (listed under another message while its
# own package is not in the store yet) gets a verdict whose digest was not
# checked ("digest not checked"). Once its package is stored, the sync
# judges it again against that original: here the delil carries another
# message's digest, so it then reads invalid, no longer raises the stage,
# and the stored verdict is the one the bundle's re-verification gives.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 19 --received 1 --sent 0 --faults none
kenv_start sim --delay-ms 0
kenv_config
kenv_add_package OUTBOX
asira=$KENV_SIRA
kenv_add_package OUTBOX
bsira=$KENV_SIRA
bkep=$(kenv_json "$ACC/OUTBOX/$bsira/meta.json" kepId)
kenv_add_evidence evidence "$bsira" 10 evidence-digest-mismatch
# B's delil listed under A; B's package away for the first refresh.
kenv_move_delils "$bsira" "$asira"
mv "$ACC/OUTBOX/$bsira" "$T/away"
expect_exit 0 "$KEPAGENT" refresh
row() { kenv_sql "SELECT verdict, IFNULL(package_id, 'none') FROM evidence WHERE kep_id = '$bkep'"; }
case $(row) in
"valid	none"|"revocation-unknown	none") ;;
*) fail "before its package: $(row)" ;;
esac
[ "$(kenv_sql "SELECT count(*) FROM evidence WHERE kep_id = '$bkep' AND verdict_reason LIKE '%digest not checked%'")" = 1 ] \
	|| fail "the reason does not say the digest was not checked: $(kenv_sql "SELECT verdict_reason FROM evidence")"

# B's package arrives: the delil is linked and judged against B's original.
mv "$T/away" "$ACC/OUTBOX/$bsira"
expect_exit 0 "$KEPAGENT" refresh
pkg=$(kenv_sql "SELECT id FROM packages WHERE kep_id = '$bkep'")
[ -n "$pkg" ] || fail "B's package is not stored"
[ "$(row)" = "invalid	$pkg" ] || fail "after its package: $(row)"
kenv_sql "SELECT verdict_reason FROM evidence WHERE kep_id = '$bkep'" | grep -q "does not match the stored original" \
	|| fail "the reason does not name the digest"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'evidence.rejudged'")" = 1 ] \
	|| fail "the new verdict is not audited"
expect_exit 0 "$KEPAGENT" status --json "$bkep"
python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
if "results" in j: j = j["results"][0]
assert j.get("stage") is None and [e["verdict"] for e in j["evidence"]] == ["invalid"], j' "$T/out" \
	|| fail "the status counts the delil"
"$KEPAGENT" evidence export "$pkg" -o "$T/b.zip" >"$T/export.out" 2>&1 || { cat "$T/export.out"; fail "export"; }
expect_exit 9 "$KEPAGENT" evidence verify --json "$T/b.zip"
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert [e["verdict"] for e in r["reverified"]["evidence"]] == ["invalid"], r["reverified"]["evidence"]' "$T/out" \
	|| fail "the bundle disagrees"
# Judged once: a later refresh changes nothing.
expect_exit 0 "$KEPAGENT" refresh
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'evidence.rejudged'")" = 1 ] \
	|| fail "judged again"
