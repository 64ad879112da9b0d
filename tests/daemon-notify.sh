#!/bin/sh
# systemd integration of `kepagent run`: READY=1 once serving, WATCHDOG=1
# pings at half the WATCHDOG_USEC interval, RELOADING=1/READY=1 around a
# SIGHUP reload, STOPPING=1 on SIGTERM; all sent to $NOTIFY_SOCKET.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/daemon-lib.sh"

cd "$T"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -subj /CN=notify-root \
	-days 400 2>/dev/null
printf 'parola: "p"\nsifre: "s"\n' > secrets.yaml
dmn_token
mkdir store
KEPAGENT_CONFIG=$T/kepagent.yaml
export KEPAGENT_CONFIG
cat > kepagent.yaml <<EOT
store:
  path: $T/store/kepagent.db
api:
  listen: 127.0.0.1
  port: $API_PORT
  token_file: $T/api-token
trust:
  anchors: [$T/root.pem]
accounts:
  - name: quiet
    provider: ptt
    endpoint: https://127.0.0.1:1/KepEYazismaV1.1/KepEYazismaCOREWSDL.php
    address: quiet@hs01.kep.tr
    tcno: "12345678901"
    secrets_file: $T/secrets.yaml
    poll_interval: 3600
EOT

# The notification socket, as systemd provides it.
python3 - "$T/notify.sock" "$T/notify.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        try:
            msg = s.recv(4096).decode()
        except socket.timeout:
            break
        for line in msg.split("\n"):
            if line:
                log.write(line + "\n")
PY
listener=$!
on_exit "kill $listener 2>/dev/null || true"
dmn_wait 10 test -S "$T/notify.sock" || fail "listener did not start"

NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=400000 "$KEPAGENT" run -d >"$T/run.log" 2>&1 &
DMN_PID=$!
on_exit "kill $DMN_PID 2>/dev/null || true"
dmn_wait 20 grep -q '^READY=1' "$T/notify.log" || { cat "$T/run.log"; fail "no READY=1"; }
curl -sf "http://127.0.0.1:$API_PORT/healthz" -o /dev/null || fail "READY=1 before the API serves"
# STATUS= says what the daemon does (systemctl status shows it).
expect_grep '^STATUS=running: 1 account\(s\), API on 127\.0\.0\.1:[0-9]+$' "$T/notify.log"
# /metrics names the build.
ver=$("$KEPAGENT" version | sed -n '1s/^kepagent //p')
[ "$(dmn_metric "kepagent_build_info{version=\"$ver\"}")" = 1 ] || fail "no kepagent_build_info in /metrics"
sleep 1.5
[ "$(grep -c '^WATCHDOG=1' "$T/notify.log")" -ge 3 ] || { cat "$T/notify.log"; fail "watchdog not pinged every 200 ms"; }
kill -HUP "$DMN_PID"
dmn_wait 10 grep -q '^RELOADING=1' "$T/notify.log" || fail "no RELOADING=1 on SIGHUP"
dmn_wait 10 grep -q '^STATUS=reloading ' "$T/notify.log" || fail "no STATUS= on SIGHUP"
[ "$(grep -c '^READY=1' "$T/notify.log")" -ge 2 ] || dmn_wait 5 sh -c "[ \$(grep -c '^READY=1' '$T/notify.log') -ge 2 ]" \
	|| fail "no READY=1 after the reload"
kill -TERM "$DMN_PID"
wait "$DMN_PID" || fail "kepagent run exited non-zero"
dmn_wait 5 grep -q '^STOPPING=1' "$T/notify.log" || fail "no STOPPING=1 on SIGTERM"
dmn_wait 5 grep -q '^STATUS=stopping$' "$T/notify.log" || fail "no STATUS=stopping on SIGTERM"
