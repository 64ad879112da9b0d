#!/bin/sh
# kepagent refresh against kepsim with every login mode: OTP (the code kepsim
# "sends by SMS" read from otp_file), EIMZA (the account's e-imza key on a
# SoftHSM2 token, kepsim requiring the e-imza session for downloads, the key
# chosen by label and by hex id), and the refusals: a wrong OTP, a wrong PIN
# (tried once only, never reaching the provider), wrong credentials (kepsim's
# Turkish text, the secrets shown nowhere). Each refusal exits 4.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 9 --received 2 --sent 1 --faults none
count() { grep -c "\"op\":\"$1\"" "$KEPSIM_REQ" || true; }
npkg=$(ls -d "$ACC"/*/*/meta.json | wc -l)
PAROLA=$(kenv_json "$ACC/account.json" parola)
SIFRE=$(kenv_json "$ACC/account.json" sifre)
# The credentials show in no output of the last command.
no_secrets() {
	for f in "$T/out" "$T/err"; do
		! grep -qF -- "$PAROLA" "$f" || fail "the parola shows in $f"
		! grep -qF -- "$SIFRE" "$f" || fail "the sifre shows in $f"
	done
}

# ---- OTP ----
kenv_start otp --otp-file "$T/otp"
KENV_LOGIN=otp kenv_config "otp_file: $T/otp"
expect_exit 0 "$KEPAGENT" refresh
expect_grep "^acct: $npkg new package\\(s\\)" "$T/out"
kenv_check_store
[ "$(count GuvenliGiris)" -eq 1 ] || fail "OTP: expected one GuvenliGiris"
# A wrong code: refused, exit 4, the provider's text, no second try.
printf '000000\n' >"$T/badotp"
chmod 600 "$T/badotp"
: >"$KEPSIM_REQ"
KENV_LOGIN=otp kenv_config "otp_file: $T/badotp"
expect_exit 4 "$KEPAGENT" refresh
expect_grep 'refresh acct: login: GuvenliGiris: the provider says: .*[çğıöşü]' "$T/err"
no_secrets
[ "$(count GuvenliGiris)" -eq 1 ] || fail "a refused OTP was sent again"
[ "$(count Indir)" -eq 0 ] || fail "downloads after a refused OTP"
kenv_stop

# ---- wrong credentials (BASE) ----
kenv_start base
kenv_config
printf 'parola: "yanlis-parola-77"\nsifre: %s\n' "$SIFRE" >"$T/secrets.yaml"
expect_exit 4 "$KEPAGENT" refresh
# kepsim's own (Turkish) refusal, relayed.
expect_grep 'Giris: the provider says: .*[çğıöşüÇĞİÖŞÜ]' "$T/err"
expect_grep 'failed: .*Giris: the provider says' "$T/out"
expect_no_grep "yanlis-parola-77" "$T/out"
expect_no_grep "yanlis-parola-77" "$T/err"
no_secrets
[ "$(count Giris)" -eq 1 ] || fail "refused credentials were tried $(count Giris) times"
kenv_stop

# ---- EIMZA ----
HSM_OPTIONAL=1
. "$top_srcdir/tests/softhsm-lib.sh"
[ -z "$(hsm_missing)" ] || skip "$(hsm_missing) (OTP and BASE parts passed)"
kenv_eimza_token 0a1b
h=$KENV_EIMZA other=$KENV_EIMZA_OTHER
# Downloads need the e-imza session: a BASE session is refused per package.
python3 - "$ACC/account.json" <<'PY'
import json, sys
p = sys.argv[1]
a = json.load(open(p)); a["require_eimza"] = True
open(p, "w").write(json.dumps(a))
PY
rm -rf "$T/store"
kenv_start eimza
kenv_config
expect_exit 1 "$KEPAGENT" refresh
expect_grep "^acct: 0 new package.*, $npkg failure" "$T/out"
expect_grep 'failed: INBOX .*Indir: the provider says: .*eGuvenlikId' "$T/out"

eimza_config() {
	KENV_LOGIN=eimza kenv_config "pkcs11:" "  module: $MODULE" "  token: eimza" "  key: \"$1\"" \
		"  pin_file: $2"
}
# The key by label: everything downloads.
rm -rf "$T/store"
eimza_config "$h" "$T/pin"
expect_exit 0 "$KEPAGENT" refresh
expect_grep "^acct: $npkg new package\\(s\\)" "$T/out"
kenv_check_store
# The key by its hex id (the config's "key label or hex id"); the store's
# directory is created when missing.
rm -rf "$T/store"
eimza_config 0a1b "$T/pin"
sed -i "s#path: $T/store/kepagent.db#path: $T/newdir/kepagent.db#" "$KEPAGENT_CONFIG"
expect_exit 0 "$KEPAGENT" refresh
expect_grep "^acct: $npkg new package\\(s\\)" "$T/out"
[ "$(stat -c %a "$T/newdir")" = 700 ] || fail "store directory not created with mode 0700"
STORE=$T/newdir/kepagent.db kenv_check_store

# A wrong PIN: exit 4, the PIN refused, the token tried once. The PIN comes
# through a FIFO written once: a second read would block until the timeout.
mkfifo "$T/pinfifo"
chmod 600 "$T/pinfifo"
eimza_config "$h" "$T/pinfifo"
(printf '0000\n' >"$T/pinfifo") &
: >"$KEPSIM_REQ"
expect_exit 4 timeout 60 "$KEPAGENT" refresh
expect_grep "token 'eimza' rejected the PIN.*not retried" "$T/err"
expect_no_grep '0000' "$T/err"
expect_no_grep '0000' "$T/out"
no_secrets
[ "$(count Giris)" -eq 1 ] || fail "Giris sent $(count Giris) times with a wrong PIN"
[ "$(count GuvenliGiris)" -eq 0 ] || fail "a signature went to the provider after a wrong PIN"
kenv_stop
