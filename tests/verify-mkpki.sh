#!/bin/sh
# verify-mkpki.sh DIR CRLPORT OCSPPORT: a throw-away test PKI for the
# verification tests (not a test itself). RSA root 3072 -> intermediate ->
# 2048 leaves; EC P-384 root -> P-384 intermediate -> P-256 leaf; a TSA; a
# second ("wrong") hierarchy; leaves with a CRL distribution point or an OCSP
# URL on 127.0.0.1; a short-lived leaf; a 1024-bit leaf.
set -eu
D=$1; CRLPORT=$2; OCSPPORT=$3
mkdir -p "$D"; cd "$D"
export CRLPORT OCSPPORT
# ISSUER names the issuing CA; every issued certificate points at its CRL.
cat > ext.cnf <<'EOC'
[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
[inter]
basicConstraints=critical,CA:TRUE,pathlen:0
keyUsage=critical,keyCertSign,cRLSign
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
crlDistributionPoints=URI:http://127.0.0.1:${ENV::CRLPORT}/${ENV::ISSUER}.crl
[smime]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
subjectAltName=email:signer@example.test
crlDistributionPoints=URI:http://127.0.0.1:${ENV::CRLPORT}/${ENV::ISSUER}.crl
[smime_ocsp]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
authorityInfoAccess=OCSP;URI:http://127.0.0.1:${ENV::OCSPPORT}/
[smime_dead]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
authorityInfoAccess=OCSP;URI:http://127.0.0.1:1/
[server]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
crlDistributionPoints=URI:http://127.0.0.1:${ENV::CRLPORT}/${ENV::ISSUER}.crl
[ocsp]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=OCSPSigning
[tsa]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=critical,timeStamping
crlDistributionPoints=URI:http://127.0.0.1:${ENV::CRLPORT}/${ENV::ISSUER}.crl
EOC
cat > ca.cnf <<'EOC'
[ca]
default_ca=any_ca
[any_ca]
dir=.
database=./${ENV::ISSUER}.index
new_certs_dir=./newcerts
certificate=./${ENV::ISSUER}.crt
private_key=./${ENV::ISSUER}.key
serial=./${ENV::ISSUER}.serial
crlnumber=./${ENV::ISSUER}.crlnumber
default_md=sha256
default_days=3650
default_crl_days=30
policy=any
unique_subject=no
copy_extensions=none
[any]
commonName=supplied
organizationName=optional
EOC
mkdir -p newcerts
q() { "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; "$@"; exit 1; }; }
key_rsa() { q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:$2 -out $1.key; }
key_ec() { q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:$2 -out $1.key; }
# root NAME CN: a self-signed CA with its own (empty) database
root() {
	q openssl req -x509 -new -key $1.key -subj "/CN=$2/O=Test" -days 3650 -sha256 \
		-extensions ca -config ext.cnf -out $1.crt
	: > $1.index; echo 01 > $1.crlnumber; openssl rand -hex 8 > $1.serial
}
# issue NAME CN ISSUER SECTION [DAYS]
issue() {
	q openssl req -new -key $1.key -subj "/CN=$2/O=Test" -out $1.csr
	ISSUER=$3; export ISSUER
	q openssl ca -batch -config ca.cnf -extfile ext.cnf -extensions $4 -days ${5:-3650} \
		-in $1.csr -out $1.crt -notext
	if [ "$4" = inter ]; then : > $1.index; echo 01 > $1.crlnumber; openssl rand -hex 8 > $1.serial; fi
}
revoke() { ISSUER=$2; export ISSUER; q openssl ca -batch -config ca.cnf -revoke $1.crt; }
crl() {
	ISSUER=$1; export ISSUER
	q openssl ca -batch -config ca.cnf -gencrl -out $1.crl.pem
	q openssl crl -in $1.crl.pem -outform DER -out $1.crl
}
ISSUER=none; export ISSUER
key_rsa rsa-root 3072; root rsa-root "RSA Test Root"
key_rsa rsa-inter 2048; issue rsa-inter "RSA Test Inter" rsa-root inter
key_rsa rsa-leaf 2048; issue rsa-leaf "RSA Signer" rsa-inter smime
key_rsa rsa-short 2048; issue rsa-short "Short Lived Signer" rsa-inter smime 1
key_rsa rsa-weak 1024; issue rsa-weak "Weak Key Signer" rsa-inter smime
key_rsa crl-leaf 2048; issue crl-leaf "CRL Revoked Signer" rsa-inter smime
key_rsa ocsp-leaf 2048; issue ocsp-leaf "OCSP Revoked Signer" rsa-inter smime_ocsp
key_rsa ocsp-good 2048; issue ocsp-good "OCSP Good Signer" rsa-inter smime_ocsp
key_rsa dead-leaf 2048; issue dead-leaf "Unreachable OCSP Signer" rsa-inter smime_dead
key_rsa ocsp-resp 2048; issue ocsp-resp "OCSP Responder" rsa-inter ocsp
key_rsa server 2048; issue server "Not For Signing" rsa-inter server
revoke crl-leaf rsa-inter
revoke ocsp-leaf rsa-inter
key_ec ec-root P-384; root ec-root "EC Test Root"
key_ec ec-inter P-384; issue ec-inter "EC Test Inter" ec-root inter
key_ec ec-leaf P-256; issue ec-leaf "EC Signer" ec-inter smime
key_rsa tsa-root 2048; root tsa-root "TSA Test Root"
key_rsa tsa 2048; issue tsa "Test TSA" tsa-root tsa
key_rsa wrong-root 2048; root wrong-root "Wrong Root"
key_rsa wrong-leaf 2048; issue wrong-leaf "Wrong Signer" wrong-root smime
key_rsa wrong-tsa 2048; issue wrong-tsa "Wrong TSA" wrong-root tsa
for c in rsa-root rsa-inter ec-root ec-inter tsa-root wrong-root; do crl $c; done
# A Kamu SM style certificate store holding both roots.
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	echo '<koksertifikadeposu>'
	for r in rsa-root ec-root; do
		echo "<koksertifika><mSubjectName>$r</mSubjectName><mValue>"
		openssl x509 -in $r.crt -outform DER | base64
		echo "</mValue></koksertifika>"
	done
	echo '</koksertifikadeposu>'
} > kamusm.xml
