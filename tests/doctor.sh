#!/bin/sh
# kepagent doctor: a sound deployment passes; each broken piece (missing
# trust anchor, world-readable secrets, unreachable endpoint, wrong CA) is
# reported as exactly one FAIL line with a fix, and the exit status is 1.
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

write_config "$(free_port)" "$T/ca.pem"
expect_one_fail endpoint 'unreachable'

write_config "$port" "$T/other-ca.pem"
expect_one_fail endpoint 'not trusted'

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
