#!/bin/sh
# Opaque-signed originals (application/pkcs7-mime; smime-type=signed-data:
# the content is inside the CMS) are judged as clear-signed ones: after
# `kepagent refresh` from kepsim, the honest one (seed 7, INBOX/2, with a PDF
# and an .eyp inside the CMS) is valid and its stored parts are exactly the
# attachments of the encapsulated content (extracted here with openssl), its
# .eyp checked and its Ustveri stored; with --opaque-faults kepsim-gen makes
# the package faults' originals opaque: a changed encapsulated byte
# (tampered-original) and a signer outside the anchors (untrusted-signer) are
# not valid and say why, an unsigned PDF beside the opaque entity
# (unsigned-extra-attachment) and a second, broken signed entity are listed
# as content outside the signature and never stored as the message's, an
# .eyp part changed inside the CMS (eyp-altered-part) fails eyp-digests.
# `kepagent verify --json` on each package agrees with the refresh.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
FAULTS=tampered-original,untrusted-signer,unsigned-extra-attachment,second-signed-entity,eyp-altered-part
kenv_mailbox --seed 7 --received 4 --sent 0 --faults $FAULTS --opaque-faults
kenv_start opaque
kenv_config
expect_exit 0 "$KEPAGENT" refresh

# The opaque items of the manifest: sira fault kepId (one honest, five faults).
python3 - "$MB/manifest.json" >"$T/items" <<'PY'
import json, sys
for it in json.load(open(sys.argv[1]))["items"]:
    if it["kind"] == "package" and it["opaque"]:
        print(it["kepSiraNo"], it["fault"] or "none", it["kepId"])
PY
[ "$(wc -l <"$T/items")" = 6 ] || { cat "$T/items"; fail "kepsim-gen did not make one honest and five opaque faults"; }
grep -q '^2 none ' "$T/items" || fail "seed 7's INBOX/2 is not the honest opaque original"

while read -r sira fault kep; do
	pd=$ACC/INBOX/$sira
	grep -qi '^Content-Type: application/pkcs7-mime; smime-type=signed-data' "$pd/original.eml" \
		|| fail "$fault: the original is not opaque-signed"
	# What the sender signed: the CMS's encapsulated content, from openssl
	# (the signature itself not judged here: the tampered one must open too).
	python3 - "$pd/original.eml" "$T/smime.der" <<'PY' || fail "$fault: no SignedData in the original"
import email, email.policy, sys
m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.compat32)
p7 = [p for p in m.walk() if p.get_content_type() in ("application/pkcs7-mime", "application/x-pkcs7-mime")]
open(sys.argv[2], "wb").write(p7[0].get_payload(decode=True))
PY
	openssl cms -verify -noverify -nosigs -inform DER -in "$T/smime.der" -out "$T/content.mime" \
		2>"$T/openssl.err" || { cat "$T/openssl.err"; fail "$fault: openssl cannot open the encapsulated content"; }
	"$KEPAGENT" verify --json "$pd/package.eml" >"$T/v.json" 2>"$T/v.err" || true
	python3 - "$STORE" "$kep" "$fault" "$T/content.mime" "$T/v.json" "$pd" <<'PY' || fail "$fault: wrong verdict or parts"
import email, email.policy, hashlib, json, os, sqlite3, sys
store, kep, fault, content, vjson, pd = sys.argv[1:7]
db = sqlite3.connect(store)
pid, verdict, reason = db.execute(
    "SELECT id, verdict, verdict_reason FROM packages WHERE kep_id=?", (kep,)).fetchone()
checks = dict(db.execute("SELECT check_name, verdict FROM verification_results WHERE package_id=?", (pid,)))
reasons = dict(db.execute("SELECT check_name, reason FROM verification_results WHERE package_id=?", (pid,)))
parts = db.execute("SELECT role, file_name, sha256 FROM parts WHERE package_id=? AND role != 'original'",
                   (pid,)).fetchall()
ent = email.message_from_bytes(open(content, "rb").read(), policy=email.policy.compat32)
signed = sorted((p.get_filename(), hashlib.sha256(p.get_payload(decode=True)).digest())
                for p in ent.walk() if p.get_filename())
stored = sorted((n, bytes(h)) for _, n, h in parts)
ok = ("valid", "revocation-unknown")
bad = []
v = json.load(open(vjson))
if v["overall"] != verdict: bad.append("kepagent verify says %s, the refresh %s" % (v["overall"], verdict))
if not signed: bad.append("no attachment inside the encapsulated content")
# Every part stored is one inside the encapsulated content, byte for byte;
# nothing else (the tampered one's bytes are what its CMS holds).
if stored != signed:
    bad.append("stored %s, signed %s" % ([n for n, _ in stored], [n for n, _ in signed]))
if fault == "none":
    if verdict not in ok: bad.append("honest: %s (%s)" % (verdict, reason))
    if sorted(r for r, _, _ in parts) != ["attachment", "eyp"]: bad.append("roles %s" % parts)
    if not {"eyp-digests", "eyp-signature", "eyp-seal"} <= set(checks) or \
       any(checks[c] not in ok for c in checks):
        bad.append("honest: checks %s" % checks)
    row = db.execute("SELECT belge_no, attachments_json FROM eyp_metadata WHERE package_id=?", (pid,)).fetchone()
    if row is None or not row[0] or not json.loads(row[1]): bad.append("honest: no Ustveri stored: %s" % (row,))
    if v["unsigned_content"]: bad.append("honest: unsigned content %s" % v["unsigned_content"])
elif fault == "tampered-original":
    if verdict != "invalid" or checks.get("original-signature") != "invalid" or \
       "altered" not in (reason or ""):
        bad.append("tampered: %s (%s), %s" % (verdict, reason, checks))
elif fault == "untrusted-signer":
    if verdict != "untrusted" or checks.get("original-signature") != "untrusted" or \
       "untrusted certificate chain" not in (reason or ""):
        bad.append("untrusted: %s (%s)" % (verdict, reason))
elif fault in ("unsigned-extra-attachment", "second-signed-entity"):
    name = "ek-imzasiz.pdf" if fault == "unsigned-extra-attachment" else "ek-ikinci.pdf"
    c = reasons.get("original-unsigned-content") or ""
    if verdict != "invalid" or "outside the signature" not in (reason or "") or name not in c:
        bad.append("%s: %s (%s), %r" % (fault, verdict, reason, c))
    if checks.get("original-signature") not in ok: bad.append("the genuine opaque signature must hold: %s" % checks)
    if any(n == name for n, _ in stored): bad.append("%s stored as the message's" % name)
    if not any(x["file_name"] == name or x["signed"] for x in v["unsigned_content"]):
        bad.append("kepagent verify does not list %s: %s" % (name, v["unsigned_content"]))
    if fault == "second-signed-entity" and checks.get("original-signature-2") != "invalid":
        bad.append("the second signature was not verified: %s" % checks)
elif fault == "eyp-altered-part":
    if verdict != "invalid" or checks.get("eyp-digests") != "invalid" or \
       "ustyazi" not in (reasons.get("eyp-digests") or "").lower():
        bad.append("eyp: %s (%s), %s" % (verdict, reason, checks))
if bad: sys.exit("%s: %s" % (fault, bad))
PY
done <"$T/items"

# The clear-signed items of the same mailbox are judged as before.
python3 - "$MB/manifest.json" "$STORE" <<'PY' || fail "the clear-signed packages are not judged as before"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
items = [it for it in json.load(open(sys.argv[1]))["items"] if it["kind"] == "package" and not it["opaque"]]
got = [db.execute("SELECT verdict FROM packages WHERE kep_id=?", (it["kepId"],)).fetchone() for it in items]
if len(items) != 3 or any(g is None or g[0] not in ("valid", "revocation-unknown") for g in got):
    sys.exit("clear-signed packages: %s" % got)
PY
kenv_stop
