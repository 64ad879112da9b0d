#!/bin/sh
# kepagent doctor: a sound deployment passes; each broken piece (missing
# trust anchor, world-readable secrets, unreachable endpoint, wrong CA, and
# against kepsim: a wrong password, a wrong KEP address, an expired anchor,
# a world-readable API token) is reported as exactly one FAIL line with a
# fix, and the exit status is 1 (the API's TLS key too). The account of the first part is disabled:
# its endpoint is an openssl s_server, no provider to log in to.
. "$top_srcdir/tests/lib.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cd "$T"
umask 077
# A CA with a server certificate for 127.0.0.1, and an unrelated CA.
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj /CN=doctor-ca -days 400 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout other.key -out other-ca.pem -subj /CN=other-ca -days 400 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=127.0.0.1 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\n' > ext.cnf
openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 400 -extfile ext.cnf 2>/dev/null
cp ca.pem anchor.pem

port=$(free_port)
openssl s_server -quiet -accept "127.0.0.1:$port" -cert srv.pem -key srv.key -www >/dev/null 2>&1 &
srv_pid=$!
on_exit "kill $srv_pid 2>/dev/null"
i=0
until curl -s --cacert ca.pem "https://127.0.0.1:$port/" >/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "openssl s_server did not start"; sleep 0.1
done

printf 'parola: "p"\nsifre: "s"\n' > secrets.yaml
od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > api-token
write_config() { # $1 endpoint port, $2 ca file
	cat > kepagent.yaml <<EOT
store:
  path: $T/store/kepagent.db
api:
  token_file: $T/api-token
trust:
  anchors: [$T/anchor.pem]
accounts:
  - name: birim
    provider: ptt
    endpoint: https://127.0.0.1:$1/KepEYazismaV1.1/KepEYazismaCOREWSDL.php
    ca_file: $2
    address: birim@hs01.kep.tr
    tcno: "12345678901"
    secrets_file: $T/secrets.yaml
    enabled: false
EOT
}
mkdir -m 700 store
write_config "$port" "$T/ca.pem"
export KEPAGENT_CONFIG="$T/kepagent.yaml"

expect_exit 0 "$KEPAGENT" doctor
for check in config api-token trust secrets endpoint store disk; do
	expect_grep "^ok +$check " "$T/out"
done
expect_no_grep '^FAIL' "$T/out"
expect_no_grep '"p"|"s"' "$T/out"

# expect_one_fail CHECK PATTERN: exit 1, one FAIL line, for CHECK, matching PATTERN.
expect_one_fail() {
	expect_exit 1 "$KEPAGENT" doctor
	[ "$(grep -c '^FAIL' "$T/out")" = 1 ] || { cat "$T/out"; fail "expected exactly one FAIL line"; }
	expect_grep "^FAIL +$1 .*$2" "$T/out"
	expect_grep "(fix|run): " "$T/out"
}

mv anchor.pem anchor.gone
expect_one_fail trust 'anchor.pem'
mv anchor.gone anchor.pem

chmod 644 secrets.yaml
expect_one_fail secrets 'chmod 600'
chmod 600 secrets.yaml

# The API's TLS key is a secret too; its certificate must be current.
sed -i "s|^  token_file: .*|&\n  tls_cert: $T/srv.pem\n  tls_key: $T/srv.key|" kepagent.yaml
expect_exit 0 "$KEPAGENT" doctor
expect_grep '^ok +api-tls .*srv.pem current' "$T/out"
chmod 644 srv.key
expect_one_fail api-tls 'chmod 600'
chmod 600 srv.key
write_config "$port" "$T/ca.pem"

write_config "$(free_port)" "$T/ca.pem"
expect_one_fail endpoint 'unreachable'

write_config "$port" "$T/other-ca.pem"
expect_one_fail endpoint 'not trusted: issued by .*doctor-ca, which .*other-ca.pem does not hold'

# A self-signed endpoint (a test server, an intercepting proxy): said so.
openssl req -x509 -newkey rsa:2048 -nodes -keyout self.key -out self.pem -subj /CN=selfsigned \
	-addext subjectAltName=IP:127.0.0.1 -days 400 2>/dev/null
sport=$(free_port)
openssl s_server -quiet -accept "127.0.0.1:$sport" -cert self.pem -key self.key -www >/dev/null 2>&1 &
self_pid=$!
on_exit "kill $self_pid 2>/dev/null"
i=0
until curl -s --cacert self.pem "https://127.0.0.1:$sport/" >/dev/null; do
	i=$((i + 1)); [ $i -lt 50 ] || fail "openssl s_server (self-signed) did not start"; sleep 0.1
done
write_config "$sport" "$T/ca.pem"
expect_one_fail endpoint 'is self-signed \(.*CN *= *selfsigned.*\).*fix: check the endpoint URL'

# A KEP address of the wrong form: the configuration says which form.
write_config "$port" "$T/ca.pem"
sed -i 's|address: birim@hs01.kep.tr|address: birim@gmail.com|' kepagent.yaml
expect_exit 3 "$KEPAGENT" doctor
[ "$(grep -c '^FAIL' "$T/out")" = 1 ] || { cat "$T/out"; fail "expected exactly one FAIL line"; }
expect_grep '^FAIL +config .*address.*birim@hs01\.kep\.tr.*fix: ' "$T/out"
write_config "$port" "$T/other-ca.pem"

# JSON output carries the same verdicts.
expect_exit 1 "$KEPAGENT" doctor --json
python3 - "$T/out" <<'PY' || fail "doctor --json is wrong"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["ok"] is False
fails = [c for c in d["checks"] if c["result"] == "fail"]
assert len(fails) == 1 and fails[0]["check"] == "endpoint", fails
PY

# A broken configuration is exit 3.
echo "bogus: key" >> kepagent.yaml
expect_exit 3 "$KEPAGENT" doctor

# ---- a real login against kepsim (BASE) ----
. "$top_srcdir/tests/kepsim-env.sh"
kenv_mailbox --seed 5 --received 1 --sent 1 --faults none
kenv_start doctor
kenv_config
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" doctor
expect_grep "^ok +login +account acct: logged in as $HESAP \\(base\\), [1-9][0-9]* folder" "$T/out"
grep -q '"op":"Giris"' "$KEPSIM_REQ" || fail "doctor did not log in"
PAROLA=$(kenv_json "$ACC/account.json" parola)
cp "$T/secrets.yaml" "$T/secrets.good"
# Wrong password: the provider's refusal and what to check, never the secret.
printf 'parola: "yanlis-%s"\nsifre: "x"\n' "$PAROLA" >"$T/secrets.yaml"
expect_one_fail login 'the provider says.*fix: check the parola and sifre'
expect_no_grep "yanlis-" "$T/out"
cp "$T/secrets.good" "$T/secrets.yaml"
# A KEP address the provider does not know (a wrong form or domain).
kenv_config
sed -i "s|address: $HESAP|address: ${HESAP%@*}-yok@${HESAP#*@}|" "$KEPAGENT_CONFIG"
expect_one_fail login 'fix: .*KEP address'
kenv_config
# An expired anchor.
sed -i "s|^    - \(.*/ec-root.pem\)$|    - \\1\\n    - $KENV_PKI/ec/expired.pem|" "$KEPAGENT_CONFIG"
expect_one_fail trust 'expired.pem: 1 of 1 certificates have expired; fix: '
kenv_config
# A world-readable API token: run refuses it, so doctor fails it.
chmod 644 "$T/api-token"
expect_one_fail api-token 'chmod 600'
chmod 600 "$T/api-token"
expect_exit 0 "$KEPAGENT" doctor
# An OTP account: endpoint and TLS only, doctor says an officer is needed.
: >"$KEPSIM_REQ"
KENV_LOGIN=otp kenv_config "otp_file: $T/otp"
printf '123456\n' >"$T/otp"; chmod 600 "$T/otp"
expect_exit 0 "$KEPAGENT" doctor
expect_grep "^ok +endpoint +account acct: .* reachable over verified TLS" "$T/out"
expect_grep "^ok +login +account acct logs in with otp: an officer is needed" "$T/out"
! grep -q '"op":"Giris"' "$KEPSIM_REQ" || fail "doctor tried an OTP login"
