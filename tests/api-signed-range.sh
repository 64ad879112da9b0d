#!/bin/sh
# What a signature covers is all EBYS is shown. kepsim-gen builds genuine
# packages and then attacks them outside the signed entities: a forged
# original wrapped beside the KEPHS-signed envelope (wrapped-envelope),
# another message's genuinely signed original beside it (swapped-original),
# an unsigned attachment beside the sender's signed entity before the KEPHS
# signs (unsigned-extra-attachment), a second signed entity with a broken
# signature (second-signed-entity). After `kepagent refresh` from kepsim,
# each package reads invalid with "content outside the signature" naming
# the part; the stored and served original is the one inside the envelope's
# signed entity, byte for byte; the attachments served are only the signed
# ones; the raw package is kept byte-exact. `kepagent verify` agrees.
# With SIGNED_RANGE_OPAQUE=1 (tests/api-signed-range-opaque.sh) the
# originals are opaque-signed (kepsim-gen --opaque-faults, and seed 17's
# INBOX/2): the same attacks, the same answers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
FAULTS=wrapped-envelope,swapped-original,unsigned-extra-attachment,second-signed-entity
if [ "${SIGNED_RANGE_OPAQUE:-0}" = 1 ]; then
	api_world --seed 17 --received 2 --sent 0 --faults $FAULTS --opaque-faults
else
	api_world --seed 17 --received 1 --sent 0 --faults $FAULTS
fi

# The items of the manifest, one line each: sira fault kepId.
python3 - "$MB/manifest.json" "${SIGNED_RANGE_OPAQUE:-0}" >"$T/items" <<'PY'
import json, sys
items = [it for it in json.load(open(sys.argv[1]))["items"] if it["kind"] == "package"]
if sys.argv[2] == "1" and sorted(it["fault"] or "none" for it in items if it["opaque"]) != \
        ["none", "second-signed-entity", "swapped-original", "unsigned-extra-attachment", "wrapped-envelope"]:
    sys.exit("kepsim-gen did not make the originals opaque: %s" % [(it["fault"], it["opaque"]) for it in items])
for it in items:
    print(it["kepSiraNo"], it["fault"] or "none", it["kepId"])
PY
[ "$(grep -vc ' none ' "$T/items")" = 4 ] || fail "kepsim-gen did not make the four attacks"

# Claim everything; check each item over the API.
expect_status 200 "$(api POST /v1/queue/claim '{"count": 10}')" claim
cp "$T/body" "$T/claimed"
while read -r sira fault kep; do
	id=$(jget "$T/claimed" "[i['id'] for i in j['items'] if i['kep_id'] == '$kep'][0]")
	lease=$(jget "$T/claimed" "[i['lease'] for i in j['items'] if i['kep_id'] == '$kep'][0]")
	pd=$ACC/INBOX/$sira
	expect_status 200 "$(api GET "/v1/queue/$id?lease=$lease")" "detail $fault"
	cp "$T/body" "$T/detail"
	python3 - "$T/detail" "$fault" "$pd" <<'PY' || fail "$fault: the API shows unsigned content or the wrong verdict"
import email, email.policy, json, os, sys
d, fault, pd = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
meta = json.load(open(os.path.join(pd, "meta.json")))
v = d["verification"]
checks = {c["check"]: c for c in v["checks"]}
names = sorted(a["safe_name"] for a in d["attachments"])
signed = sorted(f.split("-", 1)[1] for f in os.listdir(os.path.join(pd, "attachments")))
bad = []
if fault == "none":
    if v["overall"] not in ("valid", "revocation-unknown"): bad.append("overall %s" % v["overall"])
    if any(k.endswith("unsigned-content") for k in checks): bad.append("unsigned content listed")
else:
    if v["overall"] != "invalid": bad.append("overall %s" % v["overall"])
    if "outside the signature" not in (v.get("reason") or ""): bad.append("reason %r" % v.get("reason"))
    where = "envelope" if fault in ("wrapped-envelope", "swapped-original") else "original"
    c = checks.get(where + "-unsigned-content")
    if not c or c["verdict"] != "invalid": bad.append("no %s-unsigned-content check" % where)
    elif "part " not in c["reason"]: bad.append("the check does not locate the part: %r" % c["reason"])
    for k in ("envelope-signature", "original-signature"):
        if checks.get(k, {}).get("verdict") not in ("valid", "revocation-unknown"):
            bad.append("%s %s: the genuine signatures must still verify" % (k, checks.get(k)))
    if fault == "second-signed-entity" and checks.get("original-signature-2", {}).get("verdict") != "invalid":
        bad.append("the second signature was not verified")
if names != signed: bad.append("attachments %s, signed %s" % (names, signed))
if d.get("subject") != meta["konu"]: bad.append("subject %r, signed %r" % (d.get("subject"), meta["konu"]))
if d.get("message_id") != meta["OrgMesajId"].strip("<>"): bad.append("message_id %r" % d.get("message_id"))
if bad: sys.exit("%s: %s" % (fault, bad))
PY
	# The original served is the one the KEPHS signed, the raw package is as received.
	expect_status 200 "$(api GET "/v1/queue/$id/original?lease=$lease")" "original $fault"
	cmp -s "$T/body" "$pd/original.eml" || fail "$fault: the original served is not the signed one"
	expect_status 200 "$(api GET "/v1/queue/$id/package?lease=$lease")" "package $fault"
	cmp -s "$T/body" "$pd/package.eml" || fail "$fault: the raw package is not kept byte-exact"
	[ "$(kenv_sql "SELECT count(*) FROM parts p JOIN packages k ON k.id = p.package_id
		WHERE k.kep_id = '$kep' AND (p.file_name LIKE 'sahte%' OR p.file_name LIKE 'baska%'
		OR p.file_name LIKE 'ek-%')")" = 0 ] || fail "$fault: unsigned parts stored as the message's"

	# The same verdict from the file.
	set +e
	"$KEPAGENT" verify --json "$pd/package.eml" >"$T/v.json" 2>"$T/v.err"
	set -e
	python3 - "$T/v.json" "$fault" <<'PY' || { cat "$T/v.err"; fail "$fault: kepagent verify disagrees"; }
import json, sys
r, fault = json.load(open(sys.argv[1])), sys.argv[2]
if fault == "none":
    assert r["overall"] in ("valid", "revocation-unknown") and not r.get("unsigned_content"), r
else:
    assert r["overall"] == "invalid", r["overall"]
    u = r["unsigned_content"]
    assert u and all(x["path"] and x["content_type"] for x in u), u
PY
done <"$T/items"
