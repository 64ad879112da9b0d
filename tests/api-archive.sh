#!/bin/sh
# Archived content is content: after a real `kepagent archive`, the API
# (package, original, attachment), `kepagent queue fetch` and evidence
# bundles serve the bytes from the archive ZIP byte for byte, with the
# recorded SHA-256 (the ETag); with the archive gone every reader fails
# loudly (503 content_unavailable naming the archive, a non-zero exit, no
# file written) instead of answering 200 with 0 bytes; and `kepagent evidence
# verify` never calls a bundle with an empty or substituted package.eml
# intact.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
command -v unzip >/dev/null || skip "unzip is missing"
command -v zip >/dev/null || skip "zip is missing"
api_world --seed 21 --received 4 --sent 2 --faults none

# Received packages become old; the daemon keeps running while they move.
qsql "UPDATE packages SET stored_at = 1262304000000 WHERE folder = 'INBOX'" >/dev/null
printf 'retention:\n  archive_after_years: 10\n  archive_dir: %s/archive\n' "$T" >>"$KEPAGENT_CONFIG"
expect_exit 0 "$KEPAGENT" archive
n_arch=$(kenv_sql "SELECT count(*) FROM packages WHERE archived_to IS NOT NULL")
[ "$n_arch" -eq 4 ] || fail "4 packages should be archived, $n_arch are"
[ "$(kenv_sql "SELECT max(length(raw)) FROM packages WHERE archived_to IS NOT NULL")" = 0 ] \
	|| fail "archived packages still hold their bytes in the store"
zipf=$(ls "$T"/archive/kepagent-archive-*.zip)

# The API serves archived bytes exactly, with the recorded digest as ETag.
expect_status 200 "$(api POST /v1/queue/claim '{"count": 4}')" claim
id=$(jget "$T/body" 'j["items"][0]["id"]')
lease=$(jget "$T/body" 'j["items"][0]["lease"]')
[ -n "$(kenv_sql "SELECT archived_to FROM packages WHERE id = $id")" ] || fail "claimed item not archived"
sira=$(kenv_sql "SELECT kep_sira_no FROM package_seq WHERE package_id = $id")
pd=$ACC/INBOX/$sira
dl() { curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H "Kep-Lease: $lease" "$@"; }
expect_status 200 "$(dl "$API/v1/queue/$id/package")" "archived package"
cmp -s "$T/body" "$pd/package.eml" || fail "archived package bytes differ from the mailbox's"
sha=$(sha256sum "$T/body" | cut -d' ' -f1)
[ "$sha" = "$(kenv_sql "SELECT lower(hex(raw_sha256)) FROM packages WHERE id = $id")" ] \
	|| fail "served package is not the recorded SHA-256"
grep -qi "^etag: \"$sha\"" "$T/hdr" || { cat "$T/hdr"; fail "ETag is not the SHA-256"; }
expect_status 200 "$(dl "$API/v1/queue/$id/original")" "archived original"
cmp -s "$T/body" "$pd/original.eml" || fail "archived original bytes differ"
expect_status 200 "$(api GET "/v1/queue/$id?lease=$lease")" detail
n=$(jget "$T/body" 'j["attachments"][0]["index"]')
name=$(jget "$T/body" 'j["attachments"][0]["safe_name"]')
asha=$(jget "$T/body" 'j["attachments"][0]["sha256"]')
expect_status 200 "$(dl "$API/v1/queue/$id/attachments/$n")" "archived attachment"
cmp -s "$T/body" "$(ls "$pd"/attachments/*-"$name" | head -n 1)" || fail "archived attachment differs"
[ "$(sha256sum "$T/body" | cut -d' ' -f1)" = "$asha" ] || fail "attachment digest"
# A range of archived bytes.
expect_status 206 "$(dl -H 'Range: bytes=0-9' "$API/v1/queue/$id/package")" "range of an archived package"
[ "$(wc -c <"$T/body")" -eq 10 ] && head -c 10 "$pd/package.eml" | cmp -s - "$T/body" \
	|| fail "range of archived bytes"

# The CLI reads through the same layer.
expect_exit 0 "$KEPAGENT" queue fetch "$id" --lease "$lease" --what package -o "$T/cli.eml"
cmp -s "$T/cli.eml" "$pd/package.eml" || fail "queue fetch wrote other bytes for an archived package"

# A bundle of an archived package holds its real bytes and verifies intact.
expect_exit 0 "$KEPAGENT" evidence export "$id" -o "$T/b.zip"
unzip -p "$T/b.zip" package.eml | cmp -s - "$pd/package.eml" || fail "bundle package.eml differs"
expect_exit 0 "$KEPAGENT" evidence verify --json "$T/b.zip"
jget "$T/out" 'j["intact"]' | grep -qx True || fail "a bundle of archived content is not intact"

# A bundle whose package.eml is empty (what readers once exported for
# archived content), its report's file list made to agree: never intact.
mkdir "$T/x" && (cd "$T/x" && unzip -q "$T/b.zip")
: >"$T/x/package.eml"
python3 - "$T/x/report.json" <<'PY'
import hashlib, json, sys
p = sys.argv[1]; r = json.load(open(p))
for f in r["files"]:
    if f["name"] == "package.eml":
        f["sha256"] = hashlib.sha256(b"").hexdigest(); f["size"] = 0
json.dump(r, open(p, "w"))
PY
(cd "$T/x" && zip -q -r "$T/empty.zip" .)
expect_exit 1 "$KEPAGENT" evidence verify --json "$T/empty.zip"
python3 - "$T/out" <<'PY' || fail "an empty package.eml was called intact"
import json, sys
r = json.load(open(sys.argv[1]))
assert not r["intact"], r
assert any(t.startswith("package.eml: empty") for t in r["tampered"]), r["tampered"]
assert any("not the package the store recorded" in t for t in r["tampered"]), r["tampered"]
PY
expect_exit 1 "$KEPAGENT" evidence verify "$T/empty.zip"
expect_grep 'package.eml' "$T/out"

# The archive goes missing: loud failures, never an empty 200.
mv "$zipf" "$zipf.away"
expect_status 503 "$(dl "$API/v1/queue/$id/package")" "package with the archive gone"
[ "$(jget "$T/body" 'j["error"]')" = content_unavailable ] || fail "content_unavailable expected"
jget "$T/body" 'j["message"]' | grep -qF "$zipf" || fail "the error does not name the archive"
expect_status 503 "$(dl "$API/v1/queue/$id/original")" "original with the archive gone"
expect_status 503 "$(dl "$API/v1/queue/$id/attachments/$n")" "attachment with the archive gone"
st=$(api GET "/v1/packages/$id/bundle")
case $st in 5??) ;; *) fail "bundle with the archive gone: HTTP $st, expected 5xx" ;; esac
set +e
"$KEPAGENT" queue fetch "$id" --lease "$lease" --what package -o "$T/gone.eml" >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "queue fetch succeeded with the archive gone"
[ ! -e "$T/gone.eml" ] || fail "queue fetch wrote a file with the archive gone"
expect_grep 'archive' "$T/err"
set +e
"$KEPAGENT" evidence export "$id" -o "$T/gone.zip" >"$T/out" 2>"$T/err"
rc=$?
set -e
[ "$rc" -ne 0 ] && [ ! -e "$T/gone.zip" ] || fail "evidence export succeeded with the archive gone"

# Damaged, not gone: one byte of the archived entry changed in place is
# caught by the digest check (the ZIP's own CRC is recomputed to match).
mv "$zipf.away" "$zipf"
entry=$(kenv_sql "SELECT archive_entry FROM packages WHERE id = $id")
python3 - "$zipf" "$entry" <<'PY'
import sys, zipfile
path, entry = sys.argv[1:3]
z = zipfile.ZipFile(path); items = [(i, z.read(i.filename)) for i in z.infolist()]; z.close()
with zipfile.ZipFile(path, "w") as out:
    for i, data in items:
        if i.filename == entry:
            data = bytearray(data); data[len(data) // 2] ^= 1; data = bytes(data)
        out.writestr(i, data)
PY
expect_status 503 "$(dl "$API/v1/queue/$id/package")" "package with damaged archived bytes"
jget "$T/body" 'j["message"]' | grep -q 'digest' || fail "the error does not say the digest differs"
