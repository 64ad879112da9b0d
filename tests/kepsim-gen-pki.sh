#!/bin/sh
# kepsim's test PKI (contrib/kepsim/mkpki.sh): both hierarchies chain to their
# roots, the extensions are those KEP signers carry, the revoked sender is in
# the CRL, the expired one is expired, and the exports for SoftHSM2 and the
# Kamu SM store hold what they claim.
. "$top_srcdir/tests/lib.sh"

P=$T/pki
expect_exit 0 sh "$top_srcdir/contrib/kepsim/mkpki.sh" "$P" --revocation-base http://127.0.0.1:19999
expect_grep 'test PKI in' "$T/out"

# Every file pki/README lists exists.
for f in README revocation-base trust/rsa-root.pem trust/ec-root.pem trust/tsa-root.pem \
	trust/intermediates.pem trust/kamusm-store.xml https/ca.pem https/server.crt https/server.key \
	untrusted/root.pem untrusted/sender.pem wrongtsa/tsa.pem wrongtsa/tsa.key ocsp/responders.tsv \
	eimza/rsa-key.der eimza/rsa-cert.der eimza/ec-key.der eimza/ec-cert.der \
	mali/rsa-key.der mali/rsa-cert.der mali/ec-key.der mali/ec-cert.der mali/rsa-cert.pem mali/ec-cert.pem; do
	[ -s "$P/$f" ] || fail "missing $f"
done
for ca in rsa-root rsa-inter ec-root ec-inter untrusted-root; do
	openssl crl -inform DER -in "$P/crl/$ca.crl" -noout || fail "crl/$ca.crl is not a DER CRL"
	[ -s "$P/ca/$ca/index.txt" ] || fail "no index for $ca"
done

for h in rsa ec; do
	for leaf in kephs eimza mali tsa revoked ocsp; do
		expect_exit 0 openssl verify -CAfile "$P/trust/$h-root.pem" -untrusted "$P/$h/inter.pem" "$P/$h/$leaf.pem"
	done
	# The expired sender: expired now, valid in mid-2024.
	expect_exit 2 openssl verify -CAfile "$P/trust/$h-root.pem" -untrusted "$P/$h/inter.pem" "$P/$h/expired.pem"
	expect_grep 'certificate has expired' "$T/err"
	expect_exit 0 openssl verify -attime 1717408800 -CAfile "$P/trust/$h-root.pem" -untrusted "$P/$h/inter.pem" "$P/$h/expired.pem"
	# Revoked in the intermediate's CRL.
	cat "$P/trust/$h-root.pem" "$P/$h/inter.pem" "$P/crl/$h-root.crl.pem" "$P/crl/$h-inter.crl.pem" >"$T/ca.pem"
	expect_exit 2 openssl verify -crl_check_all -CAfile "$T/ca.pem" "$P/$h/revoked.pem"
	expect_grep 'certificate revoked' "$T/err"
	expect_exit 0 openssl verify -crl_check_all -CAfile "$T/ca.pem" "$P/$h/eimza.pem"
	# Not trusted across hierarchies.
	other=$([ $h = rsa ] && echo ec || echo rsa)
	expect_exit 2 openssl verify -CAfile "$P/trust/$other-root.pem" -untrusted "$P/$h/inter.pem" "$P/$h/eimza.pem"

	openssl x509 -in "$P/$h/eimza.pem" -noout -text >"$T/eimza.txt"
	expect_grep 'E-mail Protection' "$T/eimza.txt"
	expect_grep 'Digital Signature, Non Repudiation' "$T/eimza.txt"
	expect_grep 'email:' "$T/eimza.txt"
	expect_grep 'URI:http://127.0.0.1:19999/crl/'$h'-inter.crl' "$T/eimza.txt"
	expect_grep 'OCSP - URI:http://127.0.0.1:19999/ocsp' "$T/eimza.txt"
	openssl x509 -in "$P/$h/tsa.pem" -noout -text >"$T/tsa.txt"
	grep -A1 'Extended Key Usage: critical' "$T/tsa.txt" | grep -q 'Time Stamping' || fail "$h TSA EKU not critical timeStamping"
	openssl x509 -in "$P/$h/ocsp.pem" -noout -text | grep -q 'OCSP Signing' || fail "$h OCSP EKU"
	# SoftHSM2 exports: a PKCS#8 DER key matching the DER certificate.
	k=$(openssl pkey -inform DER -in "$P/eimza/$h-key.der" -pubout | openssl sha256)
	c=$(openssl x509 -inform DER -in "$P/eimza/$h-cert.der" -pubkey -noout | openssl sha256)
	[ "$k" = "$c" ] || fail "$h e-imza key and certificate do not match"
	k=$(openssl pkey -inform DER -in "$P/mali/$h-key.der" -pubout | openssl sha256)
	c=$(openssl x509 -inform DER -in "$P/mali/$h-cert.der" -pubkey -noout | openssl sha256)
	[ "$k" = "$c" ] || fail "$h seal key and certificate do not match"
	cmp "$P/mali/$h-cert.pem" "$P/$h/mali.pem" || fail "mali/$h-cert.pem is not $h/mali.pem"
done
openssl x509 -in "$P/rsa/root.pem" -noout -text | grep -q 'Public-Key: (3072 bit)' || fail "RSA root not 3072"
openssl x509 -in "$P/ec/root.pem" -noout -text | grep -q 'NIST CURVE: P-384' || fail "EC root not P-384"
openssl x509 -in "$P/ec/inter.pem" -noout -text | grep -q 'NIST CURVE: P-384' || fail "EC sub-root not P-384"
openssl x509 -in "$P/ec/eimza.pem" -noout -text | grep -q 'NIST CURVE: P-256' || fail "EC leaf not P-256"
openssl x509 -in "$P/ec/mali.pem" -noout -text | grep -q 'NIST CURVE: P-384' || fail "EC seal not P-384"

# Untrusted: a full chain under a root nobody configures.
expect_exit 2 openssl verify -CAfile "$P/trust/rsa-root.pem" "$P/untrusted/sender.pem"
expect_exit 0 openssl verify -CAfile "$P/untrusted/root.pem" "$P/untrusted/sender.pem" "$P/wrongtsa/tsa.pem"

# HTTPS: server certificate for 127.0.0.1 and localhost under its own CA.
expect_exit 0 openssl verify -CAfile "$P/https/ca.pem" -verify_ip 127.0.0.1 "$P/https/server.crt"
expect_exit 0 openssl verify -CAfile "$P/https/ca.pem" -verify_hostname localhost "$P/https/server.crt"
expect_exit 2 openssl verify -CAfile "$P/trust/rsa-root.pem" "$P/https/server.crt"

# The Kamu SM store holds exactly the two roots.
python3 - "$P" <<'PY' || fail "kamusm-store.xml does not hold the roots"
import base64, subprocess, sys, xml.etree.ElementTree as ET
P = sys.argv[1]
root = ET.parse(P + "/trust/kamusm-store.xml").getroot()
got = sorted(base64.b64decode(k.findtext("mValue")) for k in root.iter("koksertifika"))
want = sorted(subprocess.run(["openssl", "x509", "-in", P + "/trust/%s-root.pem" % h, "-outform", "DER"],
              stdout=subprocess.PIPE, check=True).stdout for h in ("rsa", "ec"))
sys.exit(0 if got == want else 1)
PY
exit 0
