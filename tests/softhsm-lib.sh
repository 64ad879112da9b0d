# tests/softhsm-lib.sh: a SoftHSM2 token for signing tests. Source after
# tests/lib.sh; skips the test when SoftHSM2 or pkcs11-tool is missing,
# unless HSM_OPTIONAL is set (a test with a token part of its own: it asks
# hsm_missing).
#
#   hsm_missing                        why no token can be made, or nothing
#   hsm_init LABEL PIN                 a fresh token in $T/tokens; sets MODULE
#   hsm_import LABEL PIN KEY CERT ID NAME
#                                      a private key and its certificate (PEM or
#                                      DER files) under CKA_ID ID and label NAME
#   hsm_pin_file PATH PIN              PATH holds the PIN, mode 0600
MODULE=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
hsm_missing() {
	if [ ! -r "$MODULE" ]; then echo "SoftHSM2 module not installed"
	elif ! command -v softhsm2-util >/dev/null; then echo "softhsm2-util not installed"
	elif ! command -v pkcs11-tool >/dev/null; then echo "pkcs11-tool (opensc) not installed"
	fi
}
if [ -z "${HSM_OPTIONAL:-}" ] && [ -n "$(hsm_missing)" ]; then
	skip "$(hsm_missing)"
fi

hsm_init() {
	export SOFTHSM2_CONF=$T/softhsm2.conf
	mkdir -p "$T/tokens"
	printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$T" >"$SOFTHSM2_CONF"
	softhsm2-util --init-token --free --label "$1" --so-pin 12345678 --pin "$2" >/dev/null \
		|| fail "softhsm2-util --init-token $1"
}

hsm_import() {
	_k=$T/hsm-$5.key.der _c=$T/hsm-$5.crt.der
	case $3 in
	*.der) cp "$3" "$_k" ;;
	*) openssl pkcs8 -topk8 -nocrypt -in "$3" -outform DER -out "$_k" || fail "key $3" ;;
	esac
	case $4 in
	*.der) cp "$4" "$_c" ;;
	*) openssl x509 -in "$4" -outform DER -out "$_c" || fail "certificate $4" ;;
	esac
	pkcs11-tool --module "$MODULE" --token-label "$1" --login --pin "$2" \
		--write-object "$_k" --type privkey --id "$5" --label "$6" --usage-sign >/dev/null \
		|| fail "import key $6"
	pkcs11-tool --module "$MODULE" --token-label "$1" --login --pin "$2" \
		--write-object "$_c" --type cert --id "$5" --label "$6" >/dev/null \
		|| fail "import certificate $6"
}

hsm_pin_file() { printf '%s\n' "$2" >"$1"; chmod 600 "$1"; }
