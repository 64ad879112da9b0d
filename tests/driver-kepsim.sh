#!/bin/sh
# The PTT EYWS driver (through ptt-probe) against kepsim on loopback HTTPS:
# BASE login and listings, downloads in MTOM and inline-base64 mode
# byte-identical to the mailbox files, evidence, acknowledgement, refused
# credentials (KERR_AUTH with the provider's text), OTP and EIMZA logins
# (SoftHSM2 holding the account's e-imza key), and TLS verification.
. "$top_srcdir/tests/lib.sh"

PROBE=$top_builddir/tests/ptt-probe
. "$top_srcdir/tests/kepsim-env.sh"
kenv_mailbox --seed 11 --received 3 --sent 2 --faults none
TCNO=$(kenv_json "$ACC/account.json" tcno)
# write_secrets FILE PAROLA SIFRE: a private secrets file, as an account has.
write_secrets() {
	printf "parola: '%s'\nsifre: '%s'\n" "$(printf %s "$2" | sed "s/'/''/g")" \
		"$(printf %s "$3" | sed "s/'/''/g")" >"$1"
	chmod 600 "$1"
}
PTT_SIFRE=$(kenv_json "$ACC/account.json" sifre)
SECRETS=$T/account.secrets
write_secrets "$SECRETS" "$(kenv_json "$ACC/account.json" parola)" "$PTT_SIFRE"
CA=$T/mb/pki/https/ca.pem

probe() { "$PROBE" --endpoint "$URL" --ca-file "$CA" --hesap "$HESAP" --tcno "$TCNO" \
	--secrets-file "$SECRETS" "$@"; }
WIN="2000-01-01T00:00:00 2099-12-31T23:59:59"

# check_downloads TAG FOLDER...: every package of the folders, all three ePart kinds.
check_downloads() {
	tag=$1; shift
	for folder in "$@"; do
		dir=$ACC/$folder/
		for pkg in "$dir"*/; do
			[ -f "$pkg/meta.json" ] || continue
			sira=$(basename "$pkg")
			expect_exit 0 probe get "$folder" "$sira" ALL "$T/$tag.eml"
			cmp "$T/$tag.eml" "$pkg/package.eml" || fail "$tag: $folder/$sira ALL differs"
			# By kepId too.
			expect_exit 0 probe get "$folder" "$(kenv_json "$pkg/meta.json" kepId)" ORGM "$T/$tag.orgm"
			cmp "$T/$tag.orgm" "$pkg/original.eml" || fail "$tag: $folder/$sira ORGM differs"
			if [ -d "$pkg/attachments" ] && [ -n "$(ls "$pkg/attachments")" ]; then
				rm -f "$T/$tag.att"*
				expect_exit 0 probe get "$folder" "$sira" ORGMATTACH "$T/$tag.att"
				n=0
				for a in $(ls "$pkg/attachments" | sort); do
					f=$T/$tag.att; [ $n -eq 0 ] || f=$T/$tag.att.$n
					cmp "$f" "$pkg/attachments/$a" || fail "$tag: $folder/$sira attachment $a differs"
					n=$((n + 1))
				done
				expect_grep "^$n\$" "$T/out"
			fi
		done
	done
}

kenv_start mtom

# BASE login, folders as the account lists them.
# (ptt-probe logs in before every command; --no-login skips it.)
expect_exit 0 probe login
expect_grep '^ok$' "$T/out"
expect_exit 0 probe folders
kenv_json "$ACC/account.json" folders | sort >"$T/folders.want"
sort "$T/out" >"$T/folders.got"
cmp "$T/folders.want" "$T/folders.got" || fail "folders differ"

# Listing: every package of INBOX with its kepId.
expect_exit 0 probe list INBOX $WIN
for pkg in "$ACC"/INBOX/*/; do
	sira=$(basename "$pkg")
	kepid=$(kenv_json "$pkg/meta.json" kepId)
	grep -qF "$(printf '%s\t%s\t0\t' "$sira" "$kepid")" "$T/out" || { cat "$T/out"; fail "INBOX/$sira $kepid not listed"; }
done
[ "$(wc -l <"$T/out")" -eq "$(ls -d "$ACC"/INBOX/*/ | wc -l)" ] || fail "INBOX listing has extra rows"

check_downloads mtom $(kenv_json "$ACC/account.json" folders)

# Evidence of every sent package: list, then each document byte-identical.
nev=0
for pkg in "$ACC"/OUTBOX/*/; do
	[ -d "$pkg/delil" ] || continue
	sira=$(basename "$pkg")
	expect_exit 0 probe evidence OUTBOX "$sira" "$(kenv_json "$pkg/meta.json" kepId)"
	cp "$T/out" "$T/ev.list"
	for j in "$pkg"/delil/*.json; do
		id=$(kenv_json "$j" delilId)
		grep -qF "$(printf '%s\t%s\t' "$id" "$(kenv_json "$j" delilTurId)")" "$T/ev.list" \
			|| { cat "$T/ev.list"; fail "evidence $id not listed"; }
		expect_exit 0 probe delil "$id" "$T/ev.bin"
		cmp "$T/ev.bin" "$pkg/delil/$(kenv_json "$j" file)" || fail "evidence $id differs"
		nev=$((nev + 1))
	done
done
[ $nev -gt 0 ] || fail "the generated mailbox has no evidence to test with"

# Acknowledge a received package.
first=$(basename "$(ls -d "$ACC"/INBOX/*/ | head -n 1)")
expect_exit 0 probe ack INBOX "$first" "$(kenv_json "$ACC/INBOX/$first/meta.json" kepId)"

# A package that does not exist: a per-package error, not a session failure.
expect_exit 1 probe get INBOX 999999 ALL "$T/none.eml"
expect_grep 'package: package #999999: Indir: the provider says: ' "$T/err"

# Refused credentials: auth (exit 4) with the provider's Turkish text; the
# secrets never show.
write_secrets "$T/wrong.secrets" yanlis-parola "$PTT_SIFRE"
expect_exit 4 probe --secrets-file "$T/wrong.secrets" folders
expect_grep 'auth: Giris: the provider says: .*[çğıöşüÇĞİÖŞÜ]' "$T/err"
expect_no_grep "yanlis-parola|$PTT_SIFRE" "$T/err"

# TLS: a CA that did not issue the server certificate fails (no fallback);
# so does the system store.
expect_exit 5 probe --ca-file "$T/mb/pki/rsa/root.pem" login
expect_grep 'certificate' "$T/err"
expect_exit 5 "$PROBE" --endpoint "$URL" --hesap "$HESAP" --tcno "$TCNO" \
	--secrets-file "$SECRETS" login
# Plain http to a non-loopback host is refused before any traffic.
expect_exit 3 "$PROBE" --endpoint http://192.0.2.1/x --hesap "$HESAP" --tcno "$TCNO" \
	--secrets-file "$SECRETS" login
expect_grep 'only https://' "$T/err"
# The driver reads its secrets file as the configuration's: a loose one is refused.
chmod 640 "$SECRETS"
expect_exit 3 probe login
expect_grep "secrets file $SECRETS has permissions 0640" "$T/err"
chmod 600 "$SECRETS"
kenv_stop

# Provider and network failures are graded transient (the sync engine
# retries them later), with the provider's text where it sent one.
for f in http500 http503 drop truncated-mtom soap-fault durum1-transient; do
	kenv_start "fault-$f" --faults "$f" --fault-rate 1
	expect_exit 5 probe --no-login get INBOX "$first" ALL "$T/fault.eml"
	expect_grep "^ptt-probe: transient: package #$first: Indir: " "$T/err"
	case $f in
	truncated-mtom) expect_grep 'truncated' "$T/err" ;;
	soap-fault) expect_grep 'HTTP 500\): .*[çğıöşü]' "$T/err" ;;
	durum1-transient) expect_grep 'the provider says: .*[çğıöşü]' "$T/err" ;;
	esac
	kenv_stop
done

# Inline base64 (text/xml) responses give the same bytes.
kenv_start inline --inline-base64
check_downloads inline INBOX
kenv_stop

# A package near the 25 MB cap streams through intact in both encodings.
"$KEPSIM_GEN" --pki "$KENV_PKI" --out "$T/big" --seed 12 --received 1 --sent 0 --big 1 --faults none \
	>"$T/gen-big.log" 2>&1 || { cat "$T/gen-big.log"; fail "kepsim-gen --big"; }
BIGACC=$T/big/accounts/$HESAP
bigpkg=$(ls -S "$BIGACC"/INBOX/*/package.eml | head -n 1)
[ "$(wc -c <"$bigpkg")" -gt 10000000 ] || fail "kepsim-gen --big made no big package"
bigsira=$(basename "$(dirname "$bigpkg")")
(
	# This mailbox has its own credentials.
	TCNO=$(kenv_json "$BIGACC/account.json" tcno)
	SECRETS=$T/big.secrets
	write_secrets "$SECRETS" "$(kenv_json "$BIGACC/account.json" parola)" \
		"$(kenv_json "$BIGACC/account.json" sifre)"
	for mode in mtom inline; do
		opt=; [ $mode = inline ] && opt=--inline-base64
		KENV_MAILBOX=$T/big kenv_start "big-$mode" $opt
		expect_exit 0 probe get INBOX "$bigsira" ALL "$T/big.eml"
		cmp "$T/big.eml" "$bigpkg" || fail "big package differs ($mode)"
		kenv_stop
	done
)
rm -f "$T/big.eml"

# OTP: kepsim writes the code it "sent by SMS" to its --otp-file.
kenv_start otp --otp-file "$T/otp"
expect_exit 0 probe --login OTP --otp-file "$T/otp" folders
expect_grep '^INBOX$' "$T/out"
printf '000000\n' >"$T/badotp"
chmod 600 "$T/badotp"
expect_exit 4 probe --login OTP --otp-file "$T/badotp" login
expect_grep 'auth: GuvenliGiris: the provider says: ' "$T/err"
kenv_stop

# EIMZA: the account's e-imza key on a SoftHSM2 token signs kepsim's challenge.
HSM_OPTIONAL=1
. "$top_srcdir/tests/softhsm-lib.sh"
if [ -z "$(hsm_missing)" ]; then
	kenv_eimza_token 01
	h=$KENV_EIMZA other=$KENV_EIMZA_OTHER
	kenv_start eimza
	eimza() { probe --login EIMZA --pkcs11-module "$MODULE" --token eimza --pin-file "$T/pin" "$@"; }
	expect_exit 0 eimza --key-label "$h" get INBOX "$first" ALL "$T/eimza.eml"
	cmp "$T/eimza.eml" "$ACC/INBOX/$first/package.eml" || fail "EIMZA download differs"
	# Another person's card: the provider refuses the signature.
	expect_exit 4 eimza --key-label "$other" login
	expect_grep 'auth: GuvenliGiris: the provider says: ' "$T/err"
	kenv_stop
else
	echo "SoftHSM2 missing: EIMZA part not run" >&2
fi
