#!/bin/sh
# contrib/demo.sh: builds kepagent and kepsim, makes a test PKI and a mixed
# mailbox (RSA and EC chains, eYazisma and standart messages, sent packages
# with evidence at different stages), starts kepsim on loopback, and runs
# kepagent against it: check-config, refresh, the import queue and the
# "Kabul Edildi" status lookup; then unit A's EBYS posts a letter to the
# outbox, the agent seals it with the institution's mali mühür (on a
# SoftHSM2 token) and submits it exactly once, unit B's agent receives it,
# B's EBYS imports and acks it, and A's status lookup moves from "Kabul
# Edildi" to "Okundu". Everything lives in a temporary directory
# that is printed at the end. Run as root on a fresh clone after
# contrib/install-deps.sh (or as any user once the packages are installed).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$src/build
jobs=$(nproc 2>/dev/null || echo 2)

step() { printf '\n==> %s\n' "$*"; }

step "building (build/)"
if [ ! -x "$build/kepagent" ] || [ ! -x "$build/contrib/kepsim/kepsim" ]; then
	(cd "$src" && ./bootstrap >/dev/null 2>&1)
	mkdir -p "$build"
	(cd "$build" && { [ -f Makefile ] || "$src/configure" >/dev/null; } && make -j"$jobs" >/dev/null)
fi
(cd "$build" && make -j"$jobs" >/dev/null)
KEPAGENT=$build/kepagent
KEPSIM=$build/contrib/kepsim/kepsim
KEPSIM_GEN=$build/contrib/kepsim/kepsim-gen

DEMO=$(mktemp -d /tmp/kepagent-demo.XXXXXX)
chmod 700 "$DEMO"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
REVPORT=$(free_port)
APIPORT=$(free_port)

step "making a test PKI (RSA 3072 / EC P-384 roots) in $DEMO/mailbox/pki"
mkdir -p "$DEMO/mailbox"
"$src/contrib/kepsim/mkpki.sh" "$DEMO/mailbox/pki" --revocation-base "http://127.0.0.1:$REVPORT" >/dev/null

step "generating a mailbox: 12 received and 8 sent packages with evidence"
A=demo.birim@hs01.kep.tr B=demo.karsi@hs01.kep.tr
"$KEPSIM_GEN" --pki "$DEMO/mailbox/pki" --out "$DEMO/mailbox" --seed 2026 \
	--received 12 --sent 8 --account $A --account $B --faults none >/dev/null

step "the institution's seal (mali mühür) of $A on a SoftHSM2 token"
MODULE=/usr/lib/softhsm/libsofthsm2.so
export SOFTHSM2_CONF="$DEMO/softhsm2.conf"
mkdir -p "$DEMO/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$DEMO" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label kurum --so-pin 12345678 --pin 1234 >/dev/null
seal=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["muhur_cert"])' \
	"$DEMO/mailbox/accounts/$A/account.json")
seal=$DEMO/mailbox/${seal%-cert.pem}
pkcs11-tool --module "$MODULE" --token-label kurum --login --pin 1234 --write-object \
	"$seal-key.der" --type privkey --id 01 --label muhur --usage-sign >/dev/null
pkcs11-tool --module "$MODULE" --token-label kurum --login --pin 1234 --write-object \
	"$seal-cert.der" --type cert --id 01 --label muhur >/dev/null
# The seal's issuing CA beside it, as on a real token: the agent puts it into
# its signatures, so that the recipient reaches its trust anchor.
iss=$(openssl x509 -in "$seal-cert.pem" -noout -issuer -nameopt RFC2253)
for ca in "$DEMO"/mailbox/pki/*/inter.pem; do
	[ "$(openssl x509 -in "$ca" -noout -subject -nameopt RFC2253 | sed 's/^subject/issuer/')" = "$iss" ] || continue
	openssl x509 -in "$ca" -outform DER -out "$DEMO/seal-ca.der"
	pkcs11-tool --module "$MODULE" --token-label kurum --login --pin 1234 --write-object \
		"$DEMO/seal-ca.der" --type cert --id 02 --label ca >/dev/null
done
(umask 077 && echo 1234 >"$DEMO/seal-pin")
echo "token 'kurum', key 'muhur' ($(openssl x509 -in "$seal-cert.pem" -noout -subject))"

step "starting kepsim (HTTPS SOAP on loopback)"
. "$src/contrib/kepsim/launch.sh"
kepsim_launch --http "$DEMO" kepsim "$DEMO/mailbox" --http-port "$REVPORT" \
	--request-log "$DEMO/kepsim-requests.jsonl" --evidence-delay-ms 1000 || exit 1
trap 'kill $KEPSIM_PID 2>/dev/null || true' EXIT
PORT=$KEPSIM_PORT
echo "kepsim listening on https://127.0.0.1:$PORT (pid $KEPSIM_PID)"

step "writing the configuration $DEMO/kepagent.yaml"
mkdir -p "$DEMO/b"
cat >"$DEMO/mkconf.py" <<'PY'
import json, os, sys
demo, port, apiport, address = sys.argv[1:5]
top = sys.argv[5] or demo
acct = json.load(open(os.path.join(top, "mailbox/accounts", address, "account.json")))
old = os.umask(0o077)
with open(os.path.join(demo, "secrets.yaml"), "w") as f:
    f.write("parola: %s\nsifre: %s\n" % (json.dumps(acct["parola"]), json.dumps(acct["sifre"])))
with open(os.path.join(demo, "api-token"), "w") as f:
    f.write(os.urandom(24).hex() + "\n")
os.umask(old)
pki = os.path.join(top, "mailbox/pki")
# Unit A seals and sends; unit B only receives.
sending = "" if len(sys.argv) < 7 else f"""    sending:
      mode: seal
      path: yukle
      pkcs11:
        module: {sys.argv[6]}
        token: kurum
        key: muhur
        pin_file: {top}/seal-pin
"""
with open(os.path.join(demo, "kepagent.yaml"), "w") as f:
    f.write(f"""# kepagent demo configuration (generated by contrib/demo.sh)
store:
  path: {demo}/kepagent.db
api:
  listen: 127.0.0.1
  port: {apiport}
  token_file: {demo}/api-token
trust:
  anchors:
    - {pki}/trust/rsa-root.pem
    - {pki}/trust/ec-root.pem
  revocation: online
  kephs:
    - provider: ptt
      certificates: [{pki}/rsa/kephs.pem, {pki}/ec/kephs.pem]
accounts:
  - name: demo
    provider: ptt
    endpoint: https://127.0.0.1:{port}/KepEYazismaV1.1/KepEYazismaCOREWSDL.php
    ca_file: {pki}/https/ca.pem
    address: {address}
    tcno: "{acct['tcno']}"
    secrets_file: {demo}/secrets.yaml
    login: base
    initial_days: 3650
    ack_policy: on-import
{sending}""")
PY
python3 "$DEMO/mkconf.py" "$DEMO" "$PORT" "$APIPORT" "$A" "" "$MODULE"
# Unit B's agent: its own store and configuration.
python3 "$DEMO/mkconf.py" "$DEMO/b" "$PORT" "$(free_port)" "$B" "$DEMO"
export KEPAGENT_CONFIG="$DEMO/kepagent.yaml"

step "kepagent check-config"
"$KEPAGENT" check-config

if "$KEPAGENT" --help | grep -q '^  refresh '; then
	step "kepagent refresh (the officer's \"KEP Sağlayıcısından Yenile\")"
	"$KEPAGENT" refresh || echo "(refresh reported failures: see above)"
	step "kepagent refresh again: nothing new, nothing downloaded twice"
	"$KEPAGENT" refresh || true
fi
if "$KEPAGENT" --help | grep -q '^  queue '; then
	step "kepagent queue list (what EBYS imports)"
	"$KEPAGENT" queue list
fi
if "$KEPAGENT" --help | grep -q '^  status '; then
	step "kepagent status (\"KEP Delili Durumu\" of the sent packages)"
	keys=$(python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))
print(" ".join(i["kepId"] for i in m["items"] if i["kind"] == "package" and i["folder"] != "INBOX"
               and i.get("account") in (None, sys.argv[2])))' \
		"$DEMO/mailbox/manifest.json" "$A")
	# shellcheck disable=SC2086
	"$KEPAGENT" status $keys || true
fi

if "$KEPAGENT" --help | grep -q '^  run '; then
	step "kepagent run: the background agent and the local API EBYS talks to"
	"$KEPAGENT" run -d >"$DEMO/kepagent-run.log" 2>&1 &
	RUN_PID=$!
	trap 'kill $RUN_PID $KEPSIM_PID 2>/dev/null || true' EXIT
	API=http://127.0.0.1:$APIPORT
	i=0
	until curl -sf "$API/healthz" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -lt 100 ] || { cat "$DEMO/kepagent-run.log"; exit 1; }
		sleep 0.1
	done
	AUTH="Authorization: Bearer $(cat "$DEMO/api-token")"
	# show [N]: the JSON on stdin, indented, its first N lines only (cut here,
	# not by head, which would break python's pipe: a BrokenPipeError trace).
	show() { python3 -c 'import json,sys
lines = json.dumps(json.load(sys.stdin), ensure_ascii=False, indent=2).splitlines()
n = int(sys.argv[1]) if len(sys.argv) > 1 else len(lines)
print("\n".join(lines[:n] + (["  ..."] if len(lines) > n else [])))' "$@"; }
	echo "GET /healthz"
	curl -s "$API/healthz" | show
	echo "POST /v1/queue/claim {\"count\": 1}  (EBYS takes the next item with a lease)"
	curl -s -H "$AUTH" -d '{"count": 1}' "$API/v1/queue/claim" > "$DEMO/claim.json"
	show < "$DEMO/claim.json"
	id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["id"])' "$DEMO/claim.json")
	lease=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["lease"])' "$DEMO/claim.json")
	echo "GET /v1/queue/$id  (metadata, Üstveri, attachments, verification summary)"
	curl -s -H "$AUTH" "$API/v1/queue/$id?lease=$lease" | show 40
	echo "POST /v1/queue/$id/ack  (imported into the registry)"
	curl -s -H "$AUTH" -d "{\"lease\": \"$lease\"}" "$API/v1/queue/$id/ack" | show
	key=$(echo "$keys" | awk '{print $1}')
	echo "GET /v1/status/<kepId>  (\"KEP Delili Durumu\")"
	curl -s -H "$AUTH" "$API/v1/status/$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$key")" | show 30
	echo "GET /metrics (excerpt)"
	curl -s -H "$AUTH" "$API/metrics" | grep -E '^kepagent_(packages_by_verdict|queue_items|evidence_by_verdict)'

	step "EBYS of unit A posts a letter to the outbox (POST /v1/outbox)"
	printf '%%PDF-1.4\n%% demo letter\n%%%%EOF\n' >"$DEMO/yazi.pdf"
	printf '{"to": ["%s"], "subject": "Toplantı daveti", "body": "Sayın ilgili,\\nyazımız ektedir.", "ileti_id": "DEMO-2026-1"}' \
		"$B" >"$DEMO/letter.json"
	curl -s -H "$AUTH" -H 'Idempotency-Key: demo-1' -F "message=<$DEMO/letter.json;type=application/json" \
		-F "attachment=@$DEMO/yazi.pdf;type=application/pdf" "$API/v1/outbox" >"$DEMO/outbox.json"
	show 20 <"$DEMO/outbox.json"
	oid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$DEMO/outbox.json")
	echo "GET /v1/outbox/$oid  (the agent seals it with the mali mühür and submits it once)"
	i=0
	while :; do
		curl -s -H "$AUTH" "$API/v1/outbox/$oid" >"$DEMO/outbox.json"
		st=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["state"])' "$DEMO/outbox.json")
		case $st in submitted|failed|parked) break ;; esac
		i=$((i + 1)); [ $i -lt 300 ] || break
		sleep 0.1
	done
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("state:", j["state"], " kepId:", j["kep_id"], " Message-ID:", j["message_id"], " attempts:", j["attempts"])' \
		"$DEMO/outbox.json"
	[ "$st" = submitted ] || { echo "the letter was not submitted:"; show <"$DEMO/outbox.json"; tail -20 "$DEMO/kepagent-run.log"; exit 1; }
	echo "GET /v1/status/DEMO-2026-1  (by EBYS's own iletiID)"
	i=0
	until curl -s -H "$AUTH" "$API/v1/status/DEMO-2026-1" >"$DEMO/status.json" &&
	      python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])).get("stage") is None)' "$DEMO/status.json"; do
		i=$((i + 1)); [ $i -lt 100 ] || break
		sleep 0.2
	done
	python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print("stage:", j.get("stage"), j.get("label"))' "$DEMO/status.json"
	kill -TERM $RUN_PID
	wait $RUN_PID || true

	step "unit B's agent receives the letter; B's EBYS imports and acks it"
	KEPAGENT_CONFIG=$DEMO/b/kepagent.yaml "$KEPAGENT" refresh >/dev/null 2>&1 || true
	KEPAGENT_CONFIG=$DEMO/b/kepagent.yaml "$KEPAGENT" queue claim --count 100 --json >"$DEMO/b/claim.json"
	python3 -c 'import json,sys
for i in json.load(open(sys.argv[1]))["items"]: print(i["id"], i["lease"])' "$DEMO/b/claim.json" |
	while read -r bid blease; do
		KEPAGENT_CONFIG=$DEMO/b/kepagent.yaml "$KEPAGENT" queue ack "$bid" --lease "$blease" >/dev/null
	done
	echo "B: imported and acked $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["items"]))' "$DEMO/b/claim.json") item(s), the letter among them"
	# B's next refresh acknowledges it to the provider (AlindiOnay): the
	# provider writes the sender's "Okundu" delil.
	KEPAGENT_CONFIG=$DEMO/b/kepagent.yaml "$KEPAGENT" refresh >/dev/null 2>&1 || true

	step "unit A's status lookup: from \"Kabul Edildi\" to \"Okundu\""
	"$KEPAGENT" refresh >/dev/null 2>&1 || true
	"$KEPAGENT" status DEMO-2026-1
fi

step "done"
cat <<EOT
Demo files:     $DEMO
Configuration:  $DEMO/kepagent.yaml   (export KEPAGENT_CONFIG=$DEMO/kepagent.yaml)
Store:          $DEMO/kepagent.db
kepsim log:     $DEMO/kepsim.log, requests in $DEMO/kepsim-requests.jsonl
Daemon log:     $DEMO/kepagent-run.log
kepsim and the daemon were stopped; rerun this script for a fresh demo.
EOT
