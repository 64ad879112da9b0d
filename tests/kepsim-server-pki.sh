#!/bin/sh
# kepsim: OTP and EIMZA logins (openssl cms signs the challenge with the
# account's e-imza key; another person's signature is refused), an account
# that requires e-imza for Indir, and the plain-HTTP CRL/OCSP listener.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-server-lib.sh"

make_mailbox 13 --received 2 --sent 1 --faults none
S1=$(ls "$ACC/INBOX" | sort -n | head -n 1)
kenv_start --http pki --otp-file "$T/otp"

# BASE: a session id at once.
soap Giris girisTur=BASE
expect_durum 0
[ -n "$(field eGuvenlikId)" ] || fail "BASE login without eGuvenlikId"

# OTP: the code kepsim "sent" is in its log and in --otp-file.
soap Giris girisTur=OTP
expect_durum 0
pid=$(field eGuvenlikId)
code=$(cat "$T/otp")
expect_grep "OTP for $HESAP: $code" "$T/pki.log"
bad=$(printf '%06d' $(( (1${code} - 1000000 + 1) % 1000000 )))
soap GuvenliGiris girisTur=OTP eGuvenlikId="$pid" smsKey="$bad"
expect_durum 1 'SMS'
soap GuvenliGiris girisTur=OTP eGuvenlikId="$pid" smsKey="$code"
expect_durum 0
[ -n "$(field eGuvenlikId)" ] && [ "$(field eGuvenlikId)" != "$pid" ] || fail "OTP login gave no new session"
soap GuvenliGiris girisTur=OTP eGuvenlikId=nosuchsession smsKey="$code"
expect_durum 1 'eGuvenlikId'

# EIMZA: sign eMetin (attached, and detached) with the account's e-imza.
cert=$T/mb/$(kenv_json "$ACC/account.json" eimza_cert)
h=$(basename "$cert" -cert.pem)
other=rsa; [ "$h" = rsa ] && other=ec
eimza_login() { # eimza_login SIGNER-DIR [cms -sign options]: sets SESSION or fails
	dir=$1; shift
	soap Giris girisTur=EIMZA
	expect_durum 0
	pid=$(field eGuvenlikId)
	field eMetin | tr -d '\n' >"$T/emetin"
	[ -s "$T/emetin" ] && [ -n "$(field eHash)" ] || fail "EIMZA challenge empty"
	openssl cms -sign -binary -md sha256 -in "$T/emetin" -signer "$T/mb/pki/$dir/eimza.pem" \
		-inkey "$T/mb/pki/$dir/eimza.key" -outform DER "$@" -out "$T/sig.der"
	soap GuvenliGiris girisTur=EIMZA eGuvenlikId="$pid" eCadesBes="$(base64 -w0 "$T/sig.der")"
}
eimza_login $h -nodetach
expect_durum 0
SESSION=$(field eGuvenlikId)
eimza_login $h
expect_durum 0
eimza_login $other -nodetach
expect_durum 1 'e-İmza'
# A signature over other bytes is refused too.
soap Giris girisTur=EIMZA; expect_durum 0; pid=$(field eGuvenlikId)
printf 'baska metin' | openssl cms -sign -nodetach -binary -md sha256 -signer "$T/mb/pki/$h/eimza.pem" \
	-inkey "$T/mb/pki/$h/eimza.key" -outform DER -out "$T/sig.der"
soap GuvenliGiris girisTur=EIMZA eGuvenlikId="$pid" eCadesBes="$(base64 -w0 "$T/sig.der")"
expect_durum 1 'e-İmza'

# require_eimza: Indir needs an EIMZA session (read per request).
python3 - "$ACC/account.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); a["require_eimza"] = True
json.dump(a, open(sys.argv[1], "w"))
PY
soap Indir kepSiraNo=$S1
expect_durum 1 'e-imza'
soap Giris girisTur=BASE; expect_durum 0; base=$(field eGuvenlikId)
soap Indir kepSiraNo=$S1 eGuvenlikId="$base"
expect_durum 1 'eGuvenlikId'
soap Indir kepSiraNo=$S1 eGuvenlikId="$SESSION"
expect_durum 0
cmp "$T/bin.1" "$ACC/INBOX/$S1/package.eml" || fail "EIMZA Indir differs"

# CRLs over plain HTTP, at any base path, byte-identical.
for c in rsa-inter ec-root; do
	curl -sS -o "$T/got.crl" "http://127.0.0.1:$KEPSIM_HPORT/crl/$c.crl" || fail "GET $c.crl"
	cmp "$T/got.crl" "$T/mb/pki/crl/$c.crl" || fail "$c.crl differs"
	openssl crl -inform DER -in "$T/got.crl" -noout || fail "$c.crl is not a CRL"
done
curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$KEPSIM_HPORT/crl/none.crl" >"$T/code"
[ "$(cat "$T/code")" = 404 ] || fail "missing CRL: HTTP $(cat "$T/code")"

# OCSP: good for a valid sender, revoked for the revoked one, per hierarchy.
for hh in rsa ec; do
	for who in mali:good revoked:revoked; do
		openssl ocsp -issuer "$T/mb/pki/$hh/inter.pem" -cert "$T/mb/pki/$hh/${who%:*}.pem" \
			-url "http://127.0.0.1:$KEPSIM_HPORT/ocsp" -CAfile "$T/mb/pki/$hh/root.pem" \
			-verify_other "$T/mb/pki/$hh/inter.pem" >"$T/ocsp.out" 2>&1 \
			|| { cat "$T/ocsp.out"; fail "openssl ocsp $hh ${who%:*}"; }
		expect_grep "Response verify OK" "$T/ocsp.out"
		expect_grep "${who%:*}.pem: ${who#*:}" "$T/ocsp.out"
	done
done
expect_grep 'Reason: keyCompromise' "$T/ocsp.out"
# The root answers for the intermediate itself.
openssl ocsp -issuer "$T/mb/pki/rsa/root.pem" -cert "$T/mb/pki/rsa/inter.pem" \
	-url "http://127.0.0.1:$KEPSIM_HPORT/ocsp" -CAfile "$T/mb/pki/rsa/root.pem" >"$T/ocsp.out" 2>&1 \
	|| { cat "$T/ocsp.out"; fail "openssl ocsp inter"; }
expect_grep 'inter.pem: good' "$T/ocsp.out"
# A CA kepsim does not answer for: unauthorized.
openssl ocsp -issuer "$T/mb/pki/https/ca.pem" -cert "$T/mb/pki/https/server.crt" \
	-url "http://127.0.0.1:$KEPSIM_HPORT/ocsp" -CAfile "$CA" >"$T/ocsp.out" 2>&1 || true
expect_grep 'unauthorized' "$T/ocsp.out"
kenv_stop --clean
