#!/bin/sh
# Secrets files: refused when group or others have any access (tested with
# the mode bits, so it holds when run as root), accepted at 600, and their
# values never appear in check-config's output, even when they are invalid.
. "$top_srcdir/tests/lib.sh"

PAROLA=Parola-7f3c91e2
SIFRE=Sifre-b84d0a5c
PIN=PIN-559127
mkdir "$T/roots"
: >"$T/api-token"
chmod 600 "$T/api-token"
cat >"$T/kepagent.yaml" <<YAML
store:
  path: kepagent.db
api:
  token_file: api-token
trust:
  anchors: [roots]
accounts:
  - name: birim
    provider: ptt
    endpoint: https://127.0.0.1:8443/ws
    address: birim
    tcno: "12345678901"
    secrets_file: birim.secrets
  - name: kart
    provider: ptt
    endpoint: https://127.0.0.1:8443/ws
    address: kart@hs01.kep.tr
    tcno: "12345678901"
    secrets_file: kart.secrets
    login: eimza
    pkcs11: { module: libsofthsm2.so, token: kep-test, key: signer, pin_file: kart.pin }
YAML
printf 'parola: %s\nsifre: "%s"\n' "$PAROLA" "$SIFRE" >"$T/birim.secrets"
printf 'parola: %s\nsifre: %s\n' "$PAROLA" "$SIFRE" >"$T/kart.secrets"
printf '%s\n' "$PIN" >"$T/kart.pin"
chmod 600 "$T/birim.secrets" "$T/kart.secrets" "$T/kart.pin"

no_secrets() {
	for f in "$T/out" "$T/err"; do
		for s in "$PAROLA" "$SIFRE" "$PIN"; do
			if grep -qF -- "$s" "$f"; then cat "$f"; fail "a secret appears in $f"; fi
		done
	done
}
run() { expect_exit "$1" "$KEPAGENT" -c "$T/kepagent.yaml" check-config; no_secrets
	expect_exit "$1" "$KEPAGENT" -c "$T/kepagent.yaml" check-config --json; no_secrets; }

run 0
expect_exit 0 "$KEPAGENT" -c "$T/kepagent.yaml" check-config
expect_grep 'configuration OK' "$T/out"

# Too open: refused, with the fix in the message.
for mode in 644 640 604 660 620 602; do
	chmod "$mode" "$T/birim.secrets"
	run 3
	expect_grep "secrets file $T/birim.secrets has permissions 0$mode" "$T/err"
	expect_grep "chmod 600 $T/birim.secrets" "$T/err"
done
chmod 400 "$T/birim.secrets"
run 0
chmod 600 "$T/birim.secrets"

chmod 640 "$T/kart.pin"
run 3
expect_grep "secrets file $T/kart.pin has permissions 0640" "$T/err"
chmod 600 "$T/kart.pin"

# Invalid secrets files: errors point at the line, never quote the content.
printf 'parola: %s\nsifre: %s\n%s: %s\n' "$PAROLA" "$SIFRE" "$PAROLA" "$SIFRE" >"$T/birim.secrets"
run 3
expect_grep "^$T/birim.secrets:3:1: unknown key in the secrets file \(expected one of: parola, sifre\)" "$T/err"
printf 'parola: %s\nparola: %s\n' "$PAROLA" "$SIFRE" >"$T/birim.secrets"
run 3
expect_grep "^$T/birim.secrets:2:1: duplicate key 'parola'" "$T/err"
expect_grep "missing required key 'sifre'" "$T/err"
printf 'parola: [%s]\nsifre: "%s\n' "$PAROLA" "$SIFRE" >"$T/birim.secrets"
run 3
expect_grep "^$T/birim.secrets:[0-9]+:[0-9]+: YAML syntax error" "$T/err"
printf 'parola: [%s]\nsifre: %s\n' "$PAROLA" "$SIFRE" >"$T/birim.secrets"
run 3
expect_grep "^$T/birim.secrets:1:9: wrong type for 'parola': a sequence" "$T/err"
printf '%s\n' "$PAROLA" >"$T/birim.secrets"
run 3
expect_grep "^$T/birim.secrets:1:1: wrong type for the secrets file: a scalar" "$T/err"
rm "$T/birim.secrets"
run 3
expect_grep "cannot open secrets file $T/birim.secrets" "$T/err"
