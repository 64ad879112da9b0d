#!/bin/sh
# The S/MIME message kepagent submits with Yukle, built and signed on a
# PKCS#11 token (SoftHSM2) with RSA and EC P-384 keys: openssl verifies it
# as S/MIME against the issuing CA; every line ends in CRLF; the headers
# carry the Message-ID printed, X-TR-REM-iletiTip/iletiID and the RFC 2047
# Turkish subject; the signature is CAdES-BES (signing-certificate-v2,
# SHA-256, detached); the attachment comes back byte for byte; a subject
# with a line break is refused before anything is signed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/softhsm-lib.sh"

PROBE=$top_builddir/tests/ptt-probe
hsm_init seal 1234
cd "$T"
cat >ext.cnf <<'X'
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
subjectAltName=email:birim@hs01.kep.tr
X
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 \
	-subj /CN=test-ca -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out ec.key 2>/dev/null
id=1
for k in rsa ec; do
	openssl req -new -key $k.key -subj "/O=Örnek Belediyesi/CN=mühür-$k" -utf8 -out $k.csr
	openssl x509 -req -in $k.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
		-extfile ext.cnf -extensions leaf -out $k.crt 2>/dev/null
	hsm_import seal 1234 $k.key $k.crt 0$id seal-$k
	id=$((id + 1))
done
hsm_pin_file pin 1234
printf 'Sayın ilgili,\ntoplantı yarın.\n' >body.txt
head -c 70000 /dev/urandom >ek.pdf
printf 'PK\003\004 not a real eyp' >'Yazı 1.eyp'

p11() { echo --pkcs11-module "$MODULE" --token seal --key-label "seal-$1" --pin-file pin; }
for k in rsa ec; do
	expect_exit 0 "$PROBE" $(p11 $k) smime birim@hs01.kep.tr alici@hs02.kep.tr \
		'Toplantı çağrısı: İzmir şubesi' body.txt $k.eml ek.pdf 'Yazı 1.eyp'
	mid=$(cat "$T/out")
	case $mid in "<kepagent."*"@hs01.kep.tr>") ;; *) fail "Message-ID '$mid'" ;; esac
	# CRLF everywhere: no LF without its CR.
	python3 - $k.eml <<'PY' || fail "$k: a bare LF in the message"
import sys
d = open(sys.argv[1], "rb").read()
sys.exit(1 if d.replace(b"\r\n", b"").count(b"\n") or d.count(b"\r") != d.count(b"\r\n") else 0)
PY
	openssl smime -verify -in $k.eml -CAfile ca.crt -purpose smimesign -out $k.entity \
		2>$k.verify || { cat $k.verify; fail "$k: the S/MIME signature does not verify"; }
	expect_grep "^Message-ID: $mid" $k.eml
	expect_grep '^X-TR-REM-iletiTip: standart' $k.eml
	expect_grep '^X-TR-REM-iletiID: PROBE-1' $k.eml
	expect_grep '^To: alici@hs02.kep.tr' $k.eml
	expect_grep '^Subject: =\?UTF-8\?B\?' $k.eml
	expect_grep 'micalg=sha-256' $k.eml
	python3 - $k.eml <<'PY' || fail "$k: headers or parts do not read back"
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
assert m["Subject"] == "Toplantı çağrısı: İzmir şubesi", m["Subject"]
assert m.get_content_type() == "multipart/signed"
ent, sig = m.get_payload()
parts = ent.get_payload()
assert parts[0].get_content() == "Sayın ilgili,\ntoplantı yarın.\n"
assert parts[1].get_filename() == "ek.pdf"
assert parts[1].get_payload(decode=True) == open("ek.pdf", "rb").read()
assert parts[2].get_filename() == "Yazı 1.eyp", parts[2].get_filename()
assert parts[2].get_content_type() == "application/eyazisma"
assert sig.get_filename() == "smime.p7s"
open(sys.argv[1] + ".p7s", "wb").write(sig.get_payload(decode=True))
PY
	openssl cms -cmsout -print -inform DER -in $k.eml.p7s >$k.txt
	expect_grep 'signingCertificateV2|id-smime-aa-signingCertificateV2' $k.txt
	expect_grep 'sha256' $k.txt
	expect_no_grep 'sha1' $k.txt
	expect_grep 'eContent: <ABSENT>' $k.txt
done
openssl cms -cmsout -print -inform DER -in ec.eml.p7s | grep -q 'ecdsa-with-SHA256' \
	|| fail "the EC key did not make an ECDSA signature"

# A changed byte in the signed entity breaks the signature.
python3 - rsa.eml <<'PY'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"Content-Type: text/plain")
d[i + 13] ^= 0x20
open("tampered.eml", "wb").write(d)
PY
if openssl smime -verify -in tampered.eml -CAfile ca.crt -purpose smimesign -out /dev/null 2>/dev/null; then
	fail "a tampered message verified"
fi

# A line break in a header value is refused before the token is asked.
expect_exit 2 "$PROBE" $(p11 rsa) smime birim@hs01.kep.tr alici@hs02.kep.tr \
	"$(printf 'Konu\r\nBcc: x@y')" body.txt bad.eml
expect_grep 'line break' "$T/err"
[ ! -e bad.eml ] || fail "a message with an injected header was written"
expect_exit 2 "$PROBE" $(p11 rsa) smime birim@hs01.kep.tr 'a@b, c@d' Konu body.txt bad.eml
[ ! -e bad.eml ] || fail "a message with a bad recipient was written"
