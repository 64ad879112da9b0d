#!/bin/sh
# Auditor evidence: search over the API and the CLI, an evidence bundle
# exported by `kepagent evidence export` and by GET /v1/packages/{id}/bundle,
# re-verified offline WITHOUT the store by `kepagent evidence verify` with the
# same verdicts, and a tampered bundle detected.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
command -v unzip >/dev/null || skip "unzip is missing"
api_world --seed 7 --received 2 --sent 4 --faults none

# Search: the API and the CLI agree; filters narrow.
expect_status 200 "$(api GET '/v1/evidence?stage=10&from=2020-01-01T00:00:00Z&limit=1000')" "evidence search"
n10=$(jget "$T/body" 'len(j["items"])')
[ "$n10" = "$(kenv_sql "SELECT count(*) FROM evidence WHERE delil_tur_id = 10")" ] || fail "stage filter"
jget "$T/body" 'all(i["label"] == "Kabul Edildi" for i in j["items"])' | grep -q True || fail "labels"
expect_exit 0 "$KEPAGENT" evidence search --json --stage 10 --from 2020-01-01
python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a == b' \
	"$T/out" "$T/body" || fail "CLI and API searches differ"
expect_status 200 "$(api GET '/v1/evidence?to=2000-01-01')" "search before 2000"
[ "$(jget "$T/body" 'len(j["items"])')" = 0 ] || fail "date range ignored"
expect_status 200 "$(api GET '/v1/evidence?verdict=invalid')" "search by verdict"
[ "$(jget "$T/body" 'len(j["items"])')" = 0 ] || fail "verdict filter ignored"
expect_status 200 "$(api GET '/v1/packages?folder=OUTBOX&account=acct')" "package search"
[ "$(jget "$T/body" 'len(j["items"])')" = 4 ] || fail "4 sent packages expected"
sender=$(kenv_sql "SELECT sender_kep FROM packages WHERE folder = 'INBOX' LIMIT 1")
expect_status 200 "$(api GET "/v1/packages?counterpart=$sender")" "search by counterpart"
jget "$T/body" 'all(i["sender"] and "'"$sender"'" in i["sender"] for i in j["items"]) and len(j["items"]) > 0' \
	| grep -q True || fail "counterpart filter"
ev1=$(kenv_sql "SELECT id FROM evidence ORDER BY id LIMIT 1")
expect_exit 0 "$KEPAGENT" evidence show "$ev1" --json
expect_grep '"checks"' "$T/out"
# Without --json: text lines, not JSON.
expect_exit 0 "$KEPAGENT" evidence show "$ev1"
expect_grep '^verdict +[a-z-]+$' "$T/out"
! grep -q '[{}]' "$T/out" || fail "evidence show prints JSON without --json"
expect_exit 2 "$KEPAGENT" evidence search --verdict bogus
expect_grep 'unknown verdict' "$T/err"
expect_exit 8 "$KEPAGENT" evidence show 999999

# Export the sent package with the most evidence, by the CLI and the API.
pkg=$(kenv_sql "SELECT package_id FROM evidence GROUP BY package_id ORDER BY count(*) DESC, package_id LIMIT 1")
nev=$(kenv_sql "SELECT count(*) FROM evidence WHERE package_id = $pkg")
expect_exit 0 "$KEPAGENT" evidence export "$pkg" -o "$T/b.zip"
unzip -Z1 "$T/b.zip" >"$T/list"
for f in package.eml original.eml report.json report.txt report.html; do
	grep -qx "$f" "$T/list" || fail "bundle lacks $f"
done
[ "$(grep -c '^evidence/' "$T/list")" = "$nev" ] || fail "bundle should hold $nev evidence files"
grep -q '^certs/.*\.pem$' "$T/list" || fail "bundle holds no certificates"
grep -q '^timestamps/.*\.tst$' "$T/list" || fail "bundle holds no time-stamp tokens"
grep -q '^signatures/envelope-0\.p7s$' "$T/list" || fail "bundle holds no envelope signature"
unzip -p "$T/b.zip" package.eml | cmp -s - "$(ls -d "$ACC"/OUTBOX/*/ | while read -r d; do
	grep -qF "$(kenv_sql "SELECT kep_id FROM packages WHERE id = $pkg")" "$d/meta.json" && echo "$d/package.eml"; done)" \
	|| fail "bundle's package.eml is not the bytes kepsim served"
unzip -p "$T/b.zip" report.txt >"$T/report.txt"
expect_grep 'Kabul Edildi' "$T/report.txt"
expect_grep 'Doğrulama zamanı +20[0-9-]+T' "$T/report.txt"
expect_status 200 "$(api GET "/v1/packages/$pkg/bundle")" "bundle over the API"
cp "$T/body" "$T/api.zip"
unzip -Z1 "$T/api.zip" | cmp -s - "$T/list" || fail "API and CLI bundles list different files"

# Offline re-verification: no store, no configuration; trust from --anchors,
# the KEPHS signers from --kephs.
KEPHS_OPTS="--kephs $MB/pki/rsa/kephs.pem --kephs $MB/pki/ec/kephs.pem"
mv "$STORE" "$STORE.away"
for b in b api; do
	expect_exit 0 env KEPAGENT_CONFIG=/nonexistent "$KEPAGENT" evidence verify --json \
		--anchors "$MB/pki/trust/rsa-root.pem" --anchors "$MB/pki/trust/ec-root.pem" $KEPHS_OPTS "$T/$b.zip"
	python3 - "$T/out" "$nev" <<'PY' || fail "re-verification of $b.zip"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["intact"] and r["same_verdicts"], r["differences"] + r["tampered"]
rv, rep = r["reverified"], r["report"]
assert len(rv["evidence"]) == int(sys.argv[2])
assert [e["verdict"] for e in rv["evidence"]] == [e["verdict"] for e in rep["reverified"]["evidence"]]
# Offline: the evidence signer's revocation is not checked, as for packages.
assert all(e["verdict"] in ("valid", "revocation-unknown") and e["digest"] == "match" for e in rv["evidence"]), rv["evidence"]
# The offline verdicts agree with those stored at sync time.
assert [e["verdict"] for e in rep["stored"]["evidence"]] == [e["verdict"] for e in rv["evidence"]]
assert rv["package"]["overall"] == rep["stored"]["overall"], (rv["package"]["overall"], rep["stored"]["overall"])
PY
done
expect_exit 0 "$KEPAGENT" evidence verify --anchors "$MB/pki/trust/rsa-root.pem" \
	--anchors "$MB/pki/trust/ec-root.pem" $KEPHS_OPTS "$T/b.zip"
expect_grep '^verdicts: the same' "$T/out"
# With the configuration's trust section instead of --anchors.
expect_exit 0 "$KEPAGENT" evidence verify "$T/b.zip"

# Tampering: one byte of an evidence file changed, and a file replaced.
mkdir "$T/x" && (cd "$T/x" && unzip -q "$T/b.zip")
f=$(grep '^evidence/' "$T/list" | head -n 1)
python3 - "$T/x/$f" <<'PY'
import sys
p = sys.argv[1]; d = bytearray(open(p, "rb").read())
i = d.find(b"PTT KEPHS")
d[i] ^= 0x01
open(p, "wb").write(bytes(d))
PY
(cd "$T/x" && zip -q -r "$T/t.zip" .)
expect_exit 1 "$KEPAGENT" evidence verify --json --anchors "$MB/pki/trust/rsa-root.pem" \
	--anchors "$MB/pki/trust/ec-root.pem" $KEPHS_OPTS "$T/t.zip"
python3 - "$T/out" "$f" <<'PY' || fail "tampering not detected"
import json, sys
r = json.load(open(sys.argv[1]))
assert not r["intact"] and any(sys.argv[2] in t for t in r["tampered"]), r["tampered"]
assert not r["same_verdicts"], r["differences"]
PY
expect_exit 1 "$KEPAGENT" evidence verify --anchors "$MB/pki/trust/rsa-root.pem" $KEPHS_OPTS "$T/t.zip"
expect_grep "TAMPERED $f" "$T/out"
mv "$STORE.away" "$STORE"
