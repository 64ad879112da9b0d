#!/bin/sh
# kep/evidence: ETSI evidence XML signed with the xmlsec1 CLI; verdicts, digest
# against the original, zipped variant, DTD refusal (billion laughs) in time.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/formats-pki.sh"
TOOL=$top_builddir/tests/formats-tool
command -v xmlsec1 >/dev/null || skip "xmlsec1 CLI not installed"

printf 'From: a@hs01.kep.tr\r\nSubject: x\r\n\r\nthe original\r\n' >"$T/orig.eml"
digest=$(openssl dgst -sha256 -binary "$T/orig.eml" | base64)
template() { # digest-value
cat <<EOX
<?xml version="1.0" encoding="UTF-8"?>
<rem:SubmissionAcceptanceRejection xmlns:rem="http://uri.etsi.org/02640/v2#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="ev-1">
  <rem:EventCode>http://uri.etsi.org/02640/Event#Acceptance</rem:EventCode>
  <rem:EvidenceIdentifier>DELIL-0001</rem:EvidenceIdentifier>
  <rem:EvidenceIssuerDetails><rem:Name>PTT KEP Hizmet Sağlayıcı</rem:Name><rem:ElectronicAddress>kephs@hs01.kep.tr</rem:ElectronicAddress></rem:EvidenceIssuerDetails>
  <rem:EventTime>2025-11-05T18:37:50Z</rem:EventTime>
  <rem:SubmissionTime>2025-11-05T18:37:48Z</rem:SubmissionTime>
  <rem:SenderDetails><rem:ElectronicAddress>birim@hs01.kep.tr</rem:ElectronicAddress></rem:SenderDetails>
  <rem:RecipientsDetails><rem:Recipient><rem:ElectronicAddress>a@hs02.kep.tr</rem:ElectronicAddress></rem:Recipient><rem:Recipient><rem:ElectronicAddress>b@hs03.kep.tr</rem:ElectronicAddress></rem:Recipient></rem:RecipientsDetails>
  <rem:SenderMessageDetails>
    <rem:MessageSubject>Şirket Ödemesi</rem:MessageSubject>
    <rem:UAMessageIdentifier>orig-1@hs01.kep.tr</rem:UAMessageIdentifier>
    <rem:MessageIdentifierByREMMD>kep-1@hs01.kep.tr</rem:MessageIdentifierByREMMD>
    <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
    <ds:DigestValue>$1</ds:DigestValue>
  </rem:SenderMessageDetails>
  <ds:Signature>
    <ds:SignedInfo>
      <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
      <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
      <ds:Reference URI="">
        <ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms>
        <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
        <ds:DigestValue/>
      </ds:Reference>
    </ds:SignedInfo>
    <ds:SignatureValue/>
    <ds:KeyInfo><ds:X509Data/></ds:KeyInfo>
  </ds:Signature>
</rem:SubmissionAcceptanceRejection>
EOX
}
template "$digest" >"$T/tmpl.xml"
xmlsec1 --sign --privkey-pem "$P/signer.key,$P/signer.pem,$P/inter.pem" --output "$T/ev.xml" "$T/tmpl.xml" \
	2>"$T/xmlsec.err" || { cat "$T/xmlsec.err"; fail "xmlsec1 --sign"; }
xmlsec1 --sign --privkey-pem "$P/stranger.key,$P/stranger.pem" --output "$T/stranger.xml" "$T/tmpl.xml" 2>/dev/null
template "AAAA$(echo "$digest" | cut -c5-)" >"$T/tmpl2.xml"
xmlsec1 --sign --privkey-pem "$P/signer.key,$P/signer.pem,$P/inter.pem" --output "$T/evbad.xml" "$T/tmpl2.xml" 2>/dev/null

# valid, with fields, digest match and the PTT code mapping
expect_exit 0 "$TOOL" evidence "$T/ev.xml" -a "$P/root.pem" -o "$T/orig.eml" -c 10
expect_grep '^verdict=valid$' "$T/out"
expect_grep '^digest=match$' "$T/out"
expect_grep '^type=SubmissionAcceptanceRejection$' "$T/out"
expect_grep '^delil=10$' "$T/out"
expect_grep '^provider_code=10$' "$T/out"
expect_grep '^issuer=PTT KEP Hizmet Sağlayıcı <kephs@hs01.kep.tr>$' "$T/out"
expect_grep '^recipients=a@hs02.kep.tr, b@hs03.kep.tr$' "$T/out"
expect_grep '^subject=Şirket Ödemesi$' "$T/out"
expect_grep '^ua_message_id=orig-1@hs01.kep.tr$' "$T/out"
expect_grep '^evidence_id=DELIL-0001$' "$T/out"
expect_grep '^signer_subject=.*CN=Test Signer' "$T/out"
expect_grep '^signer_issuer=.*CN=Test Inter' "$T/out"
expect_grep '^signer_serial=[0-9A-F]+$' "$T/out"

# another original: digest mismatch (signature still valid)
printf 'something else\r\n' >"$T/other.eml"
expect_exit 0 "$TOOL" evidence "$T/ev.xml" -a "$P/root.pem" -o "$T/other.eml"
expect_grep '^verdict=valid$' "$T/out"
expect_grep '^digest=mismatch$' "$T/out"
expect_exit 0 "$TOOL" evidence "$T/evbad.xml" -a "$P/root.pem" -o "$T/orig.eml"
expect_grep '^digest=mismatch$' "$T/out"

# one byte changed in the signed content -> invalid
sed 's/DELIL-0001/DELIL-0002/' "$T/ev.xml" >"$T/tampered.xml"
expect_exit 0 "$TOOL" evidence "$T/tampered.xml" -a "$P/root.pem"
expect_grep '^verdict=invalid$' "$T/out"

# signed under an unknown root -> untrusted; no anchors at all -> untrusted
expect_exit 0 "$TOOL" evidence "$T/stranger.xml" -a "$P/root.pem"
expect_grep '^verdict=untrusted$' "$T/out"
expect_exit 0 "$TOOL" evidence "$T/ev.xml"
expect_grep '^verdict=untrusted$' "$T/out"
# a certificate in the document is never an anchor, even when it is the root itself
expect_exit 0 "$TOOL" evidence "$T/stranger.xml" -a "$P/inter.pem"
expect_grep '^verdict=untrusted$' "$T/out"

# unsigned
template "$digest" | sed '/<ds:Signature>/,/<\/ds:Signature>/d' >"$T/unsigned.xml"
expect_exit 0 "$TOOL" evidence "$T/unsigned.xml" -a "$P/root.pem" -o "$T/orig.eml"
expect_grep '^verdict=unsigned$' "$T/out"
expect_grep '^digest=match$' "$T/out"

# zipped
(cd "$T" && zip -q ev.zip ev.xml)
expect_exit 0 "$TOOL" evidence "$T/ev.zip" -a "$P/root.pem" -o "$T/orig.eml"
expect_grep '^verdict=valid$' "$T/out"
expect_grep '^digest=match$' "$T/out"

# an unknown evidence type is kept, mapped to 0 (unknown), provider code kept
sed 's/SubmissionAcceptanceRejection/SomeFutureEvidence/g' "$T/unsigned.xml" >"$T/future.xml"
expect_exit 0 "$TOOL" evidence "$T/future.xml" -c 77
expect_grep '^type=SomeFutureEvidence$' "$T/out"
expect_grep '^delil=0$' "$T/out"
expect_grep '^provider_code=77$' "$T/out"

# billion laughs and any DOCTYPE: refused before parsing, quickly, in bounded memory
{
	echo '<?xml version="1.0"?>'
	echo '<!DOCTYPE lolz [<!ENTITY lol "lol">'
	prev=lol
	for i in 1 2 3 4 5 6 7 8 9; do
		echo "<!ENTITY lol$i \"&$prev;&$prev;&$prev;&$prev;&$prev;&$prev;&$prev;&$prev;&$prev;&$prev;\">"
		prev=lol$i
	done
	echo ']>'
	echo '<rem:SubmissionAcceptanceRejection xmlns:rem="http://uri.etsi.org/02640/v2#"><rem:EventCode>&lol9;</rem:EventCode></rem:SubmissionAcceptanceRejection>'
} >"$T/lol.xml"
# (ASan reserves terabytes of shadow memory: bound memory only in plain builds)
if ldd "$TOOL" 2>/dev/null | grep -q libasan; then lim=unlimited; else lim=1000000; fi
( ulimit -v $lim; exec "$TOOL" evidence "$T/lol.xml" -a "$P/root.pem" ) >"$T/out" 2>"$T/err" \
	|| { cat "$T/err"; fail "billion laughs: tool failed"; }
expect_grep '^verdict=malformed$' "$T/out"
expect_grep '^reason=.*DTD' "$T/out"
ms=$(sed -n 's/^ms=//p' "$T/out")
[ "$ms" -lt 1000 ] || fail "billion laughs took $ms ms"
sed '1a <!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">' "$T/ev.xml" >"$T/dtd.xml"
expect_exit 0 "$TOOL" evidence "$T/dtd.xml" -a "$P/root.pem"
expect_grep '^verdict=malformed$' "$T/out"
(cd "$T" && cp lol.xml bomb.xml && zip -q lol.zip bomb.xml)
expect_exit 0 "$TOOL" evidence "$T/lol.zip" -a "$P/root.pem"
expect_grep '^verdict=malformed$' "$T/out"
# garbage and truncation: malformed, no crash
head -c 300 "$T/ev.xml" >"$T/cut.xml"
expect_exit 0 "$TOOL" evidence "$T/cut.xml" -a "$P/root.pem"
expect_grep '^verdict=malformed$' "$T/out"
exit 0
