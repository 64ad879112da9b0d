#!/bin/sh
# kepsim-gen: a small mailbox with every fault, checked item by item with
# independent tools (openssl cms/ts, xmlsec1, unzip, sha256) against the
# verdicts manifest.json promises; determinism per seed; the add mode.
. "$top_srcdir/tests/lib.sh"
GEN=$top_builddir/contrib/kepsim/kepsim-gen
for tool in openssl xmlsec1 unzip python3; do
	command -v $tool >/dev/null || skip "$tool not installed"
done

expect_exit 0 sh "$top_srcdir/contrib/kepsim/mkpki.sh" "$T/pki"
A=birim@hs01.kep.tr
expect_exit 0 "$GEN" --pki "$T/pki" --out "$T/mb" --seed 7 --received 4 --sent 8 --faults all --account $A
[ -L "$T/mb/pki" ] || fail "MAILBOX/pki is not linked to the PKI"

# Every fault is planted once, next to valid items, and every evidence code appears.
python3 - "$T/mb" <<'PY' || fail "manifest does not hold what was asked"
import json, sys, collections
m = json.load(open(sys.argv[1] + "/manifest.json"))
faults = collections.Counter(i["fault"] for i in m["items"])
want = {"tampered-envelope", "tampered-original", "untrusted-signer", "expired-signer",
        "expired-signer-timestamped", "revoked-signer", "timestamp-imprint-mismatch", "wrong-tsa",
        "sha1-signature", "unsigned-original", "eyp-altered-part", "evidence-broken-signature",
        "evidence-digest-mismatch", "wrapped-envelope", "swapped-original",
        "unsigned-extra-attachment", "second-signed-entity", "envelope-by-eimza",
        "timestamp-not-by-tsa", "evidence-by-eimza", "evidence-by-tsa", "evidence-by-seal",
        "eyp-attached-other-ozet", "eyp-ozet-mismatch", "eyp-swapped-part",
        "evidence-code-mismatch", "eyp-nihai-changed", "evidence-mail-by-eimza",
        "evidence-mail-envelope-by-eimza", "opaque-envelope", "opaque-envelope-by-eimza",
        "envelope-signing-time-changed", "timestamp-time-changed", "evidence-partial-signature",
        "eyp-seal-other-nihai", "evidence-enveloping", "evidence-duplicate-id",
        "evidence-wrapped-id", "evidence-no-certificate", "evidence-sha1-signature",
        "evidence-md5-digest", "evidence-no-digest", "evidence-unknown-digest",
        "envelope-signer-cert-missing", "envelope-ess-mismatch",
        "envelope-not-signed-data", "envelope-attached-as-detached", "envelope-detached-as-opaque",
        "envelope-no-signer-info", "timestamp-malformed", "timestamp-without-tsa-cert",
        "timestamp-ess-mismatch", "timestamp-sha1-imprint", "timestamp-md5-imprint",
        "timestamp-over-content", "signer-not-yet-valid",
        "relabelled-as-evidence", "evidence-mail-relabelled-dispatch", "eyp-ozet-no-digest"}
assert set(faults) - {None} == want, set(faults)
assert all(faults[f] == 1 for f in want)
assert faults[None] >= 12 + 18  # the forged package has only its two forged delils
codes = {i["delilTurId"] for i in m["items"] if i["kind"] == "evidence"}
assert codes == {10, 11, 20, 21, 31, 40, 41, 60}, codes
assert any(i["kind"] == "evidence" and i["zipped"] for i in m["items"])
assert {i["chain"] for i in m["items"] if i["kind"] == "package"} == {"rsa", "ec"}
assert {i["iletiTip"] for i in m["items"] if i["kind"] == "package"} >= {"eYazisma", "standart"}
acc = json.load(open(sys.argv[1] + "/accounts/birim@hs01.kep.tr/account.json"))
assert acc["folders"] == ["INBOX", "OUTBOX"] and len(acc["tcno"]) == 11 and acc["parola"] and acc["sifre"]
PY

# Subject encodings and signature variants are all present.
cat "$T"/mb/accounts/$A/INBOX/*/original.eml >"$T/all.eml"
expect_grep '=\?UTF-8\?B\?' "$T/all.eml"
expect_grep '=\?UTF-8\?Q\?' "$T/all.eml"
expect_grep '=\?ISO-8859-9\?Q\?' "$T/all.eml"
expect_grep 'protocol="application/x-pkcs7-signature"' "$T/all.eml"
expect_grep 'application/pkcs7-mime; smime-type=signed-data' "$T/all.eml"
expect_grep 'micalg=sha1' "$T/all.eml"

# Item by item with openssl, xmlsec1, unzip and sha256.
python3 "$top_srcdir/tests/kepsim-gen-check.py" "$T/mb" >"$T/check.out" 2>&1 || {
	cat "$T/check.out"; fail "mailbox check failed"; }
expect_grep ' checks, 0 failed' "$T/check.out"

# --faults none: only valid content.
expect_exit 0 "$GEN" --pki "$T/pki" --out "$T/clean" --seed 7 --received 3 --sent 2 --faults none
python3 - "$T/clean" <<'PY' || fail "--faults none made non-valid items"
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
assert m["items"] and all(i["fault"] is None and i["expect"]["overall"] == "valid" for i in m["items"])
PY

# The checker is not blind: a wrong label makes it fail.
cp -R "$T/clean" "$T/mislabelled"
python3 - "$T/mislabelled" <<'PY'
import json, sys
p = sys.argv[1] + "/manifest.json"
m = json.load(open(p))
[i for i in m["items"] if i["kind"] == "package"][0]["expect"]["original"] = "revoked"
[i for i in m["items"] if i["kind"] == "evidence"][0]["expect"]["digest"] = "mismatch"
json.dump(m, open(p, "w"))
PY
if python3 "$top_srcdir/tests/kepsim-gen-check.py" "$T/mislabelled" >"$T/check.out" 2>&1; then
	fail "checker passed a mislabelled mailbox"
fi
expect_grep 'expected revoked' "$T/check.out"
expect_grep 'digest matches, expected mismatch' "$T/check.out"

# Determinism: the same seed gives the same ids and subjects, another seed others.
ids() {
	python3 - "$1" <<'PY'
import json, os, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
for i in m["items"]:
    print(i["kind"], i["account"], i["folder"], i["kepSiraNo"], i.get("kepId"), i.get("delilId"), i["fault"])
    if i["kind"] == "package":
        d = "%s/accounts/%s/%s/%s" % (sys.argv[1], i["account"], i["folder"], i["kepSiraNo"])
        meta = json.load(open(d + "/meta.json"))
        print(meta["konu"], meta["OrgMesajId"], meta["tarih"], sorted(os.listdir(d + "/attachments")))
PY
}
expect_exit 0 "$GEN" --pki "$T/pki" --out "$T/mb2" --seed 7 --received 4 --sent 8 --faults all --account $A
ids "$T/mb" >"$T/ids1"; ids "$T/mb2" >"$T/ids2"
cmp -s "$T/ids1" "$T/ids2" || { diff "$T/ids1" "$T/ids2" | head; fail "same seed, different content"; }
expect_exit 0 "$GEN" --pki "$T/pki" --out "$T/clean8" --seed 8 --received 3 --sent 2 --faults none
ids "$T/clean" >"$T/ids7"; ids "$T/clean8" >"$T/ids8"
if cmp -s "$T/ids7" "$T/ids8"; then fail "different seeds, same content"; fi
# RSA signatures are deterministic: an RSA-signed original is byte-identical.
python3 - "$T/mb" "$T/mb2" <<'PY' || fail "RSA-signed originals differ between runs of one seed"
import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
p = [i for i in m["items"] if i["kind"] == "package" and i["chain"] == "rsa" and i["fault"] is None][0]
rel = "/accounts/%s/%s/%s/package.eml" % (p["account"], p["folder"], p["kepSiraNo"])
sys.exit(0 if open(sys.argv[1] + rel, "rb").read() == open(sys.argv[2] + rel, "rb").read() else 1)
PY

# add mode: a new package, then a new evidence item, appear whole.
n=$(ls "$T/mb/accounts/$A/INBOX" | wc -l)
expect_exit 0 "$GEN" add --mailbox "$T/mb" --account $A --folder INBOX
expect_grep "^package $A/INBOX/$((n + 1))\$" "$T/out"
[ -s "$T/mb/accounts/$A/INBOX/$((n + 1))/package.eml" ] || fail "added package missing"
expect_exit 0 "$GEN" add --mailbox "$T/mb" --account $A --folder OUTBOX --kind evidence \
	--kep-sira-no 2 --delil-tur-id 60
expect_grep "^evidence $A/OUTBOX/2\$" "$T/out"
expect_exit 0 "$GEN" add --mailbox "$T/mb" --account $A --folder OUTBOX --kind evidence \
	--kep-sira-no 2 --delil-tur-id 60
expect_exit 2 "$GEN" add --mailbox "$T/mb" --account $A --folder INBOX --kep-sira-no 1
expect_grep 'exists already' "$T/err"
expect_exit 1 "$GEN" add --mailbox "$T/mb" --account nobody@hs01.kep.tr --folder INBOX
[ ! -e "$T/mb/accounts/nobody@hs01.kep.tr" ] || fail "add made an account"
if find "$T/mb/accounts" -name '.*' | grep -q .; then fail "dot-files left behind"; fi
expect_exit 2 "$GEN" add --mailbox "$T/mb" --account $A --folder OUTBOX --kind evidence --delil-tur-id 60
expect_exit 2 "$GEN" add --mailbox "$T/mb" --account ../x --folder INBOX
# The manifest grew by three valid items and they check out like the rest.
python3 "$top_srcdir/tests/kepsim-gen-check.py" "$T/mb" 3 >"$T/check.out" 2>&1 || {
	cat "$T/check.out"; fail "mailbox check after add failed"; }
expect_grep '^[1-9][0-9]* checks, 0 failed' "$T/check.out"
python3 - "$T/mb" <<'PY' || fail "added items not in the manifest"
import json, sys
it = json.load(open(sys.argv[1] + "/manifest.json"))["items"][-3:]
assert it[0]["kind"] == "package" and it[0]["folder"] == "INBOX" and it[0]["expect"]["overall"] == "valid"
assert it[1]["kind"] == "evidence" and it[1]["delilTurId"] == 60 and it[1]["kepSiraNo"] == 2
assert it[2]["kind"] == "evidence" and it[2]["delilId"] != it[1]["delilId"]
PY

# --big: a large package, still under KEP's 25 MB, still verifying.
expect_exit 0 "$GEN" --pki "$T/pki" --out "$T/big" --seed 3 --received 0 --sent 0 --big 1
f=$(echo "$T"/big/accounts/*/INBOX/1/package.eml)
sz=$(wc -c <"$f")
[ "$sz" -gt 4000000 ] && [ "$sz" -lt 25000000 ] || fail "big package is $sz bytes"
cat "$T/pki/trust/rsa-root.pem" "$T/pki/trust/ec-root.pem" "$T/pki/trust/intermediates.pem" >"$T/roots.pem"
expect_exit 0 openssl cms -verify -in "$f" -CAfile "$T/roots.pem" -purpose smimesign -out /dev/null

expect_exit 2 "$GEN" --pki "$T/pki" --out "$T/x" --seed 1 --faults no-such-fault
expect_exit 2 "$GEN" --out "$T/x" --seed 1
exit 0
