#!/bin/sh
# EIMZA signing with a PKCS#11 token (SoftHSM2): ptt-probe sign produces a
# CAdES-BES (attached content, SHA-256, signing-certificate-v2) that openssl
# verifies against the issuing CA, for RSA and EC P-256 keys; a wrong PIN is
# an auth error (exit 4) and is not retried.
. "$top_srcdir/tests/lib.sh"

PROBE=$top_builddir/tests/ptt-probe
. "$top_srcdir/tests/softhsm-lib.sh"
hsm_init kep-test 1234

# A CA and two signers made with the openssl CLI.
cd "$T"
cat >ext.cnf <<'X'
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
subjectAltName=email:officer@example.invalid
X
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 \
	-subj /CN=test-ca -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
id=1
for k in rsa ec; do
	openssl req -new -key $k.key -subj "/CN=officer-$k" -out $k.csr
	openssl x509 -req -in $k.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
		-extfile ext.cnf -extensions leaf -out $k.crt 2>/dev/null
	openssl pkcs8 -topk8 -nocrypt -in $k.key -outform DER -out $k.key.der
	openssl x509 -in $k.crt -outform DER -out $k.crt.der
	hsm_import kep-test 1234 $k.key.der $k.crt.der 0$id signer-$k
	id=$((id + 1))
done

printf '1234\n' >pin
printf '0000\n' >badpin
chmod 600 pin badpin
printf 'EYWS challenge %s\n' "$(date +%s)" >challenge

for k in rsa ec; do
	expect_exit 0 "$PROBE" --pkcs11-module "$MODULE" --token kep-test --key-label signer-$k \
		--pin-file pin sign challenge $k.p7
	openssl cms -verify -inform DER -in $k.p7 -CAfile ca.crt -purpose any -out $k.content \
		2>$k.verify || { cat $k.verify; fail "$k signature does not verify"; }
	cmp challenge $k.content || fail "$k: the attached content is not the challenge"
	openssl cms -cmsout -print -inform DER -in $k.p7 >$k.txt
	expect_grep 'signingCertificateV2|id-smime-aa-signingCertificateV2' $k.txt
	expect_grep 'sha256' $k.txt
done
# Selecting the key by CKA_ID works too.
expect_exit 0 "$PROBE" --pkcs11-module "$MODULE" --token kep-test --key-id 02 --pin-file pin \
	sign challenge byid.p7
openssl cms -cmsout -print -inform DER -in byid.p7 | grep -q 'CN=officer-ec' \
	|| fail "--key-id 02 did not select the EC key"
# Two keys and no selection: a configuration error, not a guess.
expect_exit 3 "$PROBE" --pkcs11-module "$MODULE" --token kep-test --pin-file pin sign challenge x.p7
expect_grep 'configure the key label or id' "$T/err"

# Wrong PIN: exit 4, a clear message, and one attempt only. The PIN comes
# through a FIFO written once: a second attempt would block on it.
expect_exit 4 "$PROBE" --pkcs11-module "$MODULE" --token kep-test --key-label signer-rsa \
	--pin-file badpin sign challenge bad.p7
expect_grep 'rejected the PIN.*not retried' "$T/err"
expect_no_grep '0000' "$T/err"
[ ! -e bad.p7 ] || fail "a signature was written with a wrong PIN"
mkfifo pinfifo
chmod 600 pinfifo
(printf '0000\n' >pinfifo) &
expect_exit 4 timeout 20 "$PROBE" --pkcs11-module "$MODULE" --token kep-test \
	--key-label signer-rsa --pin-file pinfifo sign challenge bad.p7

# A missing token is an auth-class error telling the officer what to do.
expect_exit 4 "$PROBE" --pkcs11-module "$MODULE" --token no-such-card --key-label signer-rsa \
	--pin-file pin sign challenge bad.p7
expect_grep "token 'no-such-card' not found" "$T/err"
