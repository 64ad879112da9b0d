#!/bin/sh
# kep/eyp: Ustveri fields, PaketOzeti digests, CAdES signature hand-over,
# zip bomb and path traversal refusal; e-Yazisma 2.x (attached CAdES,
# NihaiUstveri) and 1.x packages and forgeries made by kepsim-gen.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/formats-pki.sh"
TOOL=$top_builddir/tests/formats-tool

D=$T/eyp
mkdir -p "$D/Ustveri" "$D/UstYazi" "$D/Ekler" "$D/PaketOzeti" "$D/NihaiOzet" "$D/Imzalar"
cat >"$D/Ustveri/Ustveri.xml" <<'EOX'
<?xml version="1.0" encoding="UTF-8"?>
<Ustveri xmlns="urn:dpt:eyazisma:schema:xsd:Ustveri-2" xmlns:tip="urn:dpt:eyazisma:schema:xsd:Tipler-2">
  <BelgeId>5f3c1a2e-0000-4000-8000-000000000001</BelgeId>
  <Konu>Şırnak İli Ödeme Güncellemesi çğüö</Konu>
  <Tarih>2025-11-05T10:00:00</Tarih>
  <BelgeNo>E-12345678-010.01-999</BelgeNo>
  <Olusturan><tip:Tuzel><tip:Adi>Türkiye Büyük Kurumu</tip:Adi></tip:Tuzel></Olusturan>
  <Ekler><Ek><Id>1</Id><DosyaAdi>ek1.pdf</DosyaAdi><MimeTuru>application/pdf</MimeTuru><Ad>İmza Listesi</Ad></Ek></Ekler>
  <DosyaAdi>ustyazi.pdf</DosyaAdi>
</Ustveri>
EOX
printf '%%PDF-1.4 main document\n' >"$D/UstYazi/ustyazi.pdf"
printf '%%PDF-1.4 attachment\n' >"$D/Ekler/ek1.pdf"
echo '<NihaiOzet xmlns="urn:dpt:eyazisma:schema:xsd:NihaiOzet-2"/>' >"$D/NihaiOzet/NihaiOzet.xml"
d64() { openssl dgst -"$1" -binary "$2" | base64 -w0; }
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<PaketOzeti xmlns="urn:dpt:eyazisma:schema:xsd:PaketOzeti-2" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="po">'
	for p in Ustveri/Ustveri.xml UstYazi/ustyazi.pdf Ekler/ek1.pdf; do
		echo "<Reference URI=\"/$p\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>$(d64 sha256 "$D/$p")</ds:DigestValue></Reference>"
	done
	echo "<Reference URI=\"/NihaiOzet/NihaiOzet.xml\"><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha512\"/><ds:DigestValue>$(d64 sha512 "$D/NihaiOzet/NihaiOzet.xml")</ds:DigestValue></Reference>"
	echo '</PaketOzeti>'
} >"$D/PaketOzeti/PaketOzeti.xml"
openssl cms -sign -binary -in "$D/PaketOzeti/PaketOzeti.xml" -signer "$P/signer.pem" -inkey "$P/signer.key" \
	-certfile "$P/inter.pem" -md sha256 -outform DER -out "$D/Imzalar/ImzaCades.imz"
(cd "$D" && zip -q -r -X "$T/ok.eyp" Ustveri UstYazi Ekler PaketOzeti NihaiOzet Imzalar)

expect_exit 0 "$TOOL" eyp "$T/ok.eyp" -a "$P/root.pem"
expect_grep '^konu=Şırnak İli Ödeme Güncellemesi çğüö$' "$T/out"
expect_grep '^belge_no=E-12345678-010.01-999$' "$T/out"
expect_grep '^belge_id=5f3c1a2e-0000-4000-8000-000000000001$' "$T/out"
expect_grep '^tarih=2025-11-05T10:00:00$' "$T/out"
expect_grep '^olusturan=Türkiye Büyük Kurumu$' "$T/out"
expect_grep '^ek0=ek1.pdf\|İmza Listesi\|application/pdf$' "$T/out"
expect_grep '^file0=UstYazi/ustyazi.pdf main=1 size=23 safe=ustyazi.pdf$' "$T/out"
expect_grep '^file1=Ekler/ek1.pdf main=0 ' "$T/out"
expect_grep '^digests=valid$' "$T/out"
expect_grep '^digests_reason=all 4 part digests match$' "$T/out"
expect_grep '^signature=(valid|revocation-unknown)$' "$T/out"
expect_grep '^seal=unsigned$' "$T/out"
# no Core properties: the layout (Tarih in Ustveri) says 1.x
expect_grep '^major=1$' "$T/out"
expect_grep '^version_source=layout$' "$T/out"

# a tampered part: mismatch named in the reason; the signature over PaketOzeti still holds
printf '%%PDF-1.4 forged attachment\n' >"$D/Ekler/ek1.pdf"
(cd "$D" && zip -q -r -X "$T/tampered.eyp" Ustveri UstYazi Ekler PaketOzeti NihaiOzet Imzalar)
expect_exit 0 "$TOOL" eyp "$T/tampered.eyp" -a "$P/root.pem"
expect_grep '^digests=invalid$' "$T/out"
expect_grep '^digests_reason=.*/Ekler/ek1.pdf \(digest mismatch\)' "$T/out"
expect_no_grep 'ustyazi.pdf \(digest' "$T/out"
# a tampered PaketOzeti: the CAdES signature fails
sed -i 's/Id="po"/Id="pO"/' "$D/PaketOzeti/PaketOzeti.xml"
(cd "$D" && zip -q -r -X "$T/badsig.eyp" Ustveri UstYazi Ekler PaketOzeti NihaiOzet Imzalar)
expect_exit 0 "$TOOL" eyp "$T/badsig.eyp" -a "$P/root.pem"
expect_grep '^signature=invalid$' "$T/out"
# signed under an unknown root
expect_exit 0 "$TOOL" eyp "$T/ok.eyp" -a "$P/other.pem"
expect_grep '^signature=untrusted$' "$T/out"

# Packages made by kepsim-gen (the test PKI's e-imza signs, its mali muhur seals).
. "$top_srcdir/tests/kepsim-env.sh"
kenv_pki
K=$KENV_PKI
gen_eyp() { # gen_eyp OUT [kepsim-gen eyp options]
	_o=$1; shift
	"$KEPSIM_GEN" eyp --pki "$K" --out "$_o" "$@" >"$T/gen.log" 2>&1 || { cat "$T/gen.log"; fail "kepsim-gen eyp $*"; }
}
# 2.x, the official library's form: Core version 2.0, Tarih/BelgeNo only in
# NihaiUstveri, ImzaCades and MuhurCades attached (embedding PaketOzeti and
# NihaiOzet), two DigestItems per reference and one #harici reference.
for chain in rsa ec; do
	gen_eyp "$T/v2-$chain.eyp" --version 2 --chain $chain
	expect_exit 0 "$TOOL" eyp "$T/v2-$chain.eyp" -a "$K/$chain/root.pem"
	expect_grep '^version=2.0$' "$T/out"
	expect_grep '^major=2$' "$T/out"
	expect_grep '^version_source=core$' "$T/out"
	expect_grep '^belge_no=E-12345678-010.01-4242$' "$T/out"
	expect_grep '^tarih=2025-11-05T10:00:00$' "$T/out"
	expect_grep '^digests=valid$' "$T/out"
	expect_grep '^digests_reason=all 3 part digests match; warnings: K.23: attachment /Ekler/ek2.pdf ' "$T/out"
	expect_grep '^file1=Ekler/ek1.pdf main=0 ' "$T/out"
	expect_grep '^nihai_ozet=valid$' "$T/out"
	expect_grep '^nihai_ozet_reason=NihaiOzet: all 5 digests match$' "$T/out"
	# its relationships spell PaketOzeti with a capital P: types compare
	# without case (the one warning is the withheld attachment ek2.pdf)
	expect_grep '^warnings=K.23: attachment /Ekler/ek2.pdf is not in the package \(not included for this recipient: KonulmamisEkListesi\)$' "$T/out"
	expect_grep '^signature=(valid|revocation-unknown)$' "$T/out"
	expect_grep '^seal=(valid|revocation-unknown)$' "$T/out"
done
# the test is about the 2.x layout: Ustveri holds neither, the CMS embeds PaketOzeti
(cd "$T" && unzip -q -o -d v2x v2-rsa.eyp)
expect_no_grep 'Tarih|BelgeNo' "$T/v2x/Ustveri/Ustveri.xml"
openssl cms -cmsout -print -inform DER -in "$T/v2x/Imzalar/ImzaCades.imz" >"$T/cms.txt" 2>&1
grep -q 'eContent: <ABSENT>' "$T/cms.txt" && fail "ImzaCades.imz is detached"
openssl cms -verify -noverify -inform DER -in "$T/v2x/Imzalar/ImzaCades.imz" -out "$T/embedded" 2>/dev/null \
	|| fail "ImzaCades.imz embeds no content"
cmp -s "$T/embedded" "$T/v2x/PaketOzeti/PaketOzeti.xml" || fail "ImzaCades.imz does not embed PaketOzeti"
# without Core properties the layout still says 2.x (NihaiUstveri, no Tarih in Ustveri)
cp "$T/v2-rsa.eyp" "$T/v2-nocore.eyp"
zip -q -d "$T/v2-nocore.eyp" 'package/*'
expect_exit 0 "$TOOL" eyp "$T/v2-nocore.eyp"
expect_grep '^major=2$' "$T/out"
expect_grep '^version_source=layout$' "$T/out"
expect_grep '^belge_no=E-12345678-010.01-4242$' "$T/out"
# 2.x with detached signatures is accepted too
gen_eyp "$T/v2-det.eyp" --version 2 --detached
expect_exit 0 "$TOOL" eyp "$T/v2-det.eyp" -a "$K/rsa/root.pem"
expect_grep '^signature=(valid|revocation-unknown)$' "$T/out"
expect_grep '^seal=(valid|revocation-unknown)$' "$T/out"
# 1.x: Core 1.3, Tarih/BelgeNo in Ustveri, detached CAdES, the seal in /Muhurler/
gen_eyp "$T/v1.eyp" --version 1
expect_exit 0 "$TOOL" eyp "$T/v1.eyp" -a "$K/rsa/root.pem"
expect_grep '^version=1.3$' "$T/out"
expect_grep '^major=1$' "$T/out"
expect_grep '^belge_no=E-12345678-010.01-4242$' "$T/out"
expect_grep '^tarih=2025-11-05T10:00:00$' "$T/out"
expect_grep '^digests=valid$' "$T/out"
expect_grep '^signature=(valid|revocation-unknown)$' "$T/out"
expect_grep '^seal=(valid|revocation-unknown)$' "$T/out"
unzip -l "$T/v1.eyp" | grep -q 'Muhurler/MuhurCades.imz' || fail "1.x seal not under /Muhurler/"
# Forgeries, each caught by its own check and by nothing else.
# forged FORGERY [!]PATTERN...: a package with that forgery, read by the tool:
# each PATTERN must match its answer (with !, must not).
forged() {
	gen_eyp "$T/$1.eyp" --forgery "$1"
	expect_exit 0 "$TOOL" eyp "$T/$1.eyp" -a "$K/rsa/root.pem"
	shift
	for _p in "$@"; do
		case $_p in
		!*) expect_no_grep "${_p#!}" "$T/out" ;;
		*) expect_grep "$_p" "$T/out" ;;
		esac
	done
}
#   attached-other-ozet: a genuine attached signature whose content is another PaketOzeti
forged attached-other-ozet '^digests=valid$' '^signature=invalid$' \
	'^signature_reason=the content signed in /Imzalar/ImzaCades.imz .* is not /PaketOzeti/PaketOzeti.xml'
#   ozet-mismatch: PaketOzeti digests another UstYazi, the signature over it is genuine
forged ozet-mismatch '^digests=invalid$' '^digests_reason=.*/UstYazi/ustyazi.pdf \(digest mismatch\)' \
	'^signature=(valid|revocation-unknown)$'
#   swapped-part: Ustveri replaced after signing
forged swapped-part '^digests=invalid$' '^digests_reason=.*/Ustveri/Ustveri.xml \(digest mismatch\)' \
	'!ustyazi.pdf \(digest' '^nihai_ozet=valid$'
#   nihai-changed: NihaiUstveri's BelgeNo changed after the seal; PaketOzeti,
#   the signature and the seal (over NihaiOzet) all hold: only NihaiOzet tells
forged nihai-changed '^digests=valid$' '^signature=(valid|revocation-unknown)$' \
	'^seal=(valid|revocation-unknown)$' '^nihai_ozet=invalid$' \
	'^nihai_ozet_reason=NihaiOzet: 5 digest\(s\) checked; failed: /NihaiUstveri/NihaiUstveri.xml \(digest mismatch\)$'
#   ozet-no-digest: PaketOzeti names UstYazi in a Reference without a digest
#   (genuinely signed), and UstYazi is changed after signing: the signature
#   and the seal hold, the digests name the reference that covers nothing
forged ozet-no-digest '^digests=invalid$' '^digests_reason=.*/UstYazi/ustyazi.pdf \(no digest\)' \
	'^signature=(valid|revocation-unknown)$' '^seal=(valid|revocation-unknown)$' '^nihai_ozet=valid$'
# repack NAME CMD...: v2-rsa.eyp unpacked into $T/NAME.d, CMD run there (its
# stdin is the caller's), packed again as $T/NAME.eyp.
repack() {
	_n=$1; shift
	rm -rf "$T/$_n.d" "$T/$_n.eyp"
	mkdir "$T/$_n.d"
	(cd "$T/$_n.d" && unzip -q "$T/v2-rsa.eyp" && "$@" && zip -q -r -X "$T/$_n.eyp" .) || fail "repack $_n"
}
#   a NihaiOzet that leaves ImzaCades out (the honest digests of the rest) is invalid
repack f6 python3 - <<'EOPY'
import re
p = "NihaiOzet/NihaiOzet.xml"
s = open(p).read()
s = re.sub(r'\s*<Reference URI="/Imzalar/ImzaCades.imz".*?</Reference>', '', s, flags=re.S)
open(p, "w").write(s)
EOPY
expect_exit 0 "$TOOL" eyp "$T/f6.eyp"
expect_grep '^nihai_ozet=invalid$' "$T/out"
expect_grep '^nihai_ozet_reason=NihaiOzet: 4 digest\(s\) checked; not covered: /Imzalar/ImzaCades.imz$' "$T/out"
expect_grep 'iliskiler/PaketOzeti"' "$T/v2x/_rels/.rels"
# a relationship missing is a warning naming its Rehber rule, not a failure
repack r1 sed -i 's|iliskiler/PaketOzeti"|iliskiler/PaketOzetiX"|' _rels/.rels
expect_exit 0 "$TOOL" eyp "$T/r1.eyp"
expect_grep '^digests=valid$' "$T/out"
expect_grep '^warnings=K.26: no package relationship of type http://eyazisma.dpt/iliskiler/paketozeti .*\(PaketOzeti\); K.23: ' "$T/out"
expect_grep '^digests_reason=all 3 part digests match; warnings: K.26: ' "$T/out"
# Optional parts missing: a ParafImza digested in PaketOzeti (K.33) and an
# attachment withheld from this recipient (KonulmamisEkListesi, K.23) are
# warnings; any other digested part missing is a failure.
python3 - "$T" <<'EOPY'
import base64, hashlib, sys, zipfile
T = sys.argv[1]
ust = ('<?xml version="1.0" encoding="UTF-8"?><UstVeri xmlns="urn:dpt:eyazisma:schema:xsd:Ustveri-2">'
       '<BelgeId>5f3c1a2e-0000-4000-8000-000000000002</BelgeId><Konu>k</Konu>'
       '<DagitimListesi><Dagitim><KepAdresi>a@hs01.kep.tr</KepAdresi><KonulmamisEkListesi>'
       '<KonulmamisEk><EkId>AA-1</EkId></KonulmamisEk></KonulmamisEkListesi></Dagitim></DagitimListesi>'
       '<Ekler><Ek><Id>aa-1</Id><DosyaAdi>gizli.pdf</DosyaAdi><MimeTuru>application/pdf</MimeTuru></Ek>'
       '<Ek><Id>BB-2</Id><DosyaAdi>acik.pdf</DosyaAdi><MimeTuru>application/pdf</MimeTuru></Ek></Ekler>'
       '</UstVeri>').encode()
def ref(uri, data):
    items = "".join('<DigestItem><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#%s"/>'
                    '<DigestValue>%s</DigestValue></DigestItem>' % (a, base64.b64encode(hashlib.new(a, data).digest()).decode())
                    for a in ("sha256", "sha512"))
    return '<Reference URI="%s">%s</Reference>' % (uri, items)
for name, extra in (("opt", []), ("req", ["/Ekler/acik.pdf"])):
    refs = ref("/Ustveri/Ustveri.xml", ust) + ref("/Paraflar/ParafImzaCades.imz", b"x") + ref("/Ekler/gizli.pdf", b"y")
    refs += "".join(ref(u, b"z") for u in extra)
    with zipfile.ZipFile("%s/%s.eyp" % (T, name), "w") as z:
        z.writestr("Ustveri/Ustveri.xml", ust)
        z.writestr("PaketOzeti/PaketOzeti.xml", '<PaketOzeti xmlns="urn:dpt:eyazisma:schema:xsd:PaketOzeti-2">%s</PaketOzeti>' % refs)
EOPY
expect_exit 0 "$TOOL" eyp "$T/opt.eyp"
expect_grep '^digests=valid$' "$T/out"
expect_grep '^warnings=(.*; )?K.33: /Paraflar/ParafImzaCades.imz digested in PaketOzeti is not in the package ' "$T/out"
expect_grep '^warnings=(.*; )?K.23: attachment /Ekler/gizli.pdf is not in the package \(not included for this recipient' "$T/out"
expect_exit 0 "$TOOL" eyp "$T/req.eyp"
expect_grep '^digests=invalid$' "$T/out"
expect_grep '^digests_reason=.*failed: /Ekler/acik.pdf \(missing\); warnings: .*K.33: ' "$T/out"
expect_grep '^digests_reason=.*failed: /Ekler/acik.pdf \(missing\); warnings: .*K.23: ' "$T/out"
#   a 2.x signature with a second DigestItem altered: both digests are checked
repack f4 python3 - <<'EOPY'
import re
p = "PaketOzeti/PaketOzeti.xml"
s = open(p).read()
i = s.index("xmlenc#sha512")
j = s.index("<DigestValue>", i) + len("<DigestValue>")
s = s[:j] + ("B" if s[j] != "B" else "C") + s[j + 1:]
open(p, "w").write(s)
EOPY
expect_exit 0 "$TOOL" eyp "$T/f4.eyp"
expect_grep '^digests=invalid$' "$T/out"
expect_grep '^digests_reason=.*/Ustveri/Ustveri.xml \(digest mismatch\)' "$T/out"
# Through a refresh: the BelgeNo stored for every e-Yazisma package (what the
# status lookup by BelgeNo finds) is the one in the package's NihaiUstveri
# (2.x) or Ustveri (1.x), and both layouts verify valid (seed 9 holds 2.x
# packages and a 1.x one, kepSiraNo 6).
kenv_mailbox --seed 9 --received 8 --sent 0 --faults none
kenv_start eyp
kenv_config
expect_exit 0 "$KEPAGENT" refresh
python3 - "$STORE" "$MB" <<'EOPY' || fail "stored BelgeNo or verdicts of e-Yazisma packages"
import glob, io, json, os, sqlite3, sys, zipfile
import xml.etree.ElementTree as ET
db = sqlite3.connect(sys.argv[1])
bad, seen = [], set()
for d in glob.glob(os.path.join(sys.argv[2], "accounts", "*", "INBOX", "*")):
    eyp = [f for f in glob.glob(os.path.join(d, "attachments", "*")) if f.endswith(".eyp")]
    if not eyp:
        continue
    orig = open(os.path.join(d, "original.eml"), "rb").read()
    if b"pkcs7-mime" in orig.split(b"\r\n\r\n", 1)[0].lower():
        seen.add("opaque")  # its .eyp is inside the CMS: checked all the same
    z = zipfile.ZipFile(eyp[0])
    core = [n for n in z.namelist() if n.endswith(".psmdcp")][0]
    v = ET.fromstring(z.read(core)).findtext("{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}version")
    part = "NihaiUstveri/NihaiUstveri.xml" if v == "2.0" else "Ustveri/Ustveri.xml"
    want = next(e.text for e in ET.fromstring(z.read(part)).iter() if e.tag.endswith("}BelgeNo"))
    kep_id = json.load(open(os.path.join(d, "meta.json")))["kepId"]
    row = db.execute("SELECT belge_no, verdict FROM packages WHERE kep_id=?", (kep_id,)).fetchone()
    seen.add(v)
    if row is None or row[0] != want:
        bad.append("%s (%s): stored %s, want %s" % (kep_id, v, row and row[0], want))
    elif row[1] not in ("valid", "revocation-unknown"):
        bad.append("%s (%s): verdict %s" % (kep_id, v, row[1]))
    # the documents EBYS is shown: the main document first, with its size
    # and PaketOzeti digest state
    pid = db.execute("SELECT id FROM packages WHERE kep_id=?", (kep_id,)).fetchone()[0]
    docs = json.loads(db.execute("SELECT attachments_json FROM eyp_metadata WHERE package_id=?", (pid,)).fetchone()[0])
    ust = [n for n in z.namelist() if n.startswith("UstYazi/")]
    want_docs = [{"main": True, "name": ust[0][8:], "description": None, "type": "application/pdf",
                  "size": z.getinfo(ust[0]).file_size, "digest": "valid"}]
    if v == "2.0":  # Ustveri lists ek1.pdf (signed, in the package) and ek2.pdf (withheld)
        want_docs += [{"main": False, "name": "ek1.pdf", "description": "Ek-1", "type": "application/pdf",
                       "size": z.getinfo("Ekler/ek1.pdf").file_size, "digest": "valid"},
                      {"main": False, "name": "ek2.pdf", "description": "Ek-2", "type": "application/pdf",
                       "size": None, "digest": "withheld"}]
    if docs != want_docs:
        bad.append("%s (%s): documents %s, want %s" % (kep_id, v, docs, want_docs))
    checks = {n: vv for n, vv in db.execute(
        "SELECT r.check_name, r.verdict FROM verification_results r JOIN packages p ON p.id = r.package_id "
        "WHERE p.kep_id=? AND r.check_name LIKE 'eyp-%'", (kep_id,))}
    if set(checks) < {"eyp-digests", "eyp-signature", "eyp-seal"} or \
       (v == "2.0" and "eyp-nihai-ozet" not in checks) or \
       any(x not in ("valid", "revocation-unknown") for x in checks.values()):
        bad.append("%s (%s): eyp checks %s" % (kep_id, v, checks))
if seen != {"1.3", "2.0", "opaque"}:
    bad.append("versions seen: %s (want both layouts and an opaque-signed original)" % sorted(seen))
if bad:
    bad += ["stored: %s" % (r,) for r in db.execute("SELECT kep_id, folder, verdict, belge_no, ileti_tip FROM packages")]
print("\n".join(bad)); sys.exit(1 if bad else 0)
EOPY
kenv_stop

# zip bomb: 1 GiB of zeros in about 1 MB, refused from the headers at once
python3 - "$T/bomb.eyp" <<'EOPY'
import sys, zipfile, zlib
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("Ustveri/Ustveri.xml", "<Ustveri/>")
    with z.open("UstYazi/zeros.pdf", "w", force_zip64=True) as f:
        block = bytes(1 << 20)
        for _ in range(1024):
            f.write(block)
EOPY
expect_exit 1 "$TOOL" eyp "$T/bomb.eyp"
expect_grep '^error=limit: .*UstYazi/zeros.pdf.*1073741824 bytes' "$T/out"
ms=$(sed -n 's/^ms=//p' "$T/out")
[ "$ms" -lt 1000 ] || fail "zip bomb took $ms ms to refuse"
# a smaller bomb under the size limit is caught by the ratio
python3 - "$T/ratio.eyp" <<'EOPY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("UstYazi/zeros.pdf", bytes(20 << 20))
EOPY
expect_exit 1 "$TOOL" eyp "$T/ratio.eyp"
expect_grep '^error=limit: .*compression ratio' "$T/out"

# path traversal and absolute names refuse the package
for bad in ../../etc/passwd /etc/passwd 'Ekler/../../x' 'C:/x'; do
	python3 - "$T/trav.eyp" "$bad" <<'EOPY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("Ustveri/Ustveri.xml", "<Ustveri/>")
    zi = zipfile.ZipInfo("x"); zi.filename = sys.argv[2]
    z.writestr(zi, "evil")
EOPY
	expect_exit 1 "$TOOL" eyp "$T/trav.eyp"
	expect_grep "^error=malformed: .*refused \(absolute or path traversal\)" "$T/out"
done

# Ustveri with a DTD is refused; a package without Ustveri is malformed
python3 - "$T/dtd.eyp" <<'EOPY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("Ustveri/Ustveri.xml", '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><Ustveri>&x;</Ustveri>')
EOPY
expect_exit 1 "$TOOL" eyp "$T/dtd.eyp"
expect_grep '^error=malformed: .*DTD' "$T/out"
printf 'not a zip' >"$T/junk.eyp"
expect_exit 1 "$TOOL" eyp "$T/junk.eyp"
expect_grep '^error=malformed: ' "$T/out"
exit 0
