#!/bin/sh
# kep/eyp: Ustveri fields, PaketOzeti digests, CAdES signature hand-over,
# zip bomb and path traversal refusal.
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
