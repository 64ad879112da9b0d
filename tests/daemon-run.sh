#!/bin/sh
# `kepagent run` against kepsim with three accounts, one of them failing:
# each good account is synced on schedule, the failing one backs off without
# disturbing the others, mail added while the daemon runs reaches the queue,
# SIGHUP installs a good configuration and keeps the old one when the new one
# is broken, /healthz and /metrics answer with the expected figures, and
# SIGTERM stops it within seconds.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/daemon-lib.sh"

A=a.birim@hs01.kep.tr B=b.birim@hs01.kep.tr C=c.birim@hs01.kep.tr
kenv_mailbox --seed 21 --received 3 --sent 2 --faults none --account "$A" --account "$B" --account "$C"
kenv_start sim
dmn_token
mkdir -m 700 "$T/store"
pkgs_of() { find "$MB/accounts/$1" -name meta.json | wc -l | tr -d ' '; }
NA=$(pkgs_of "$A"); NB=$(pkgs_of "$B")
[ "$NA" -gt 0 ] && [ "$NB" -gt 0 ] || fail "the mailbox is empty"

secrets() { # $1 account address, $2 file, $3 "wrong" to spoil the parola
	python3 - "$MB/accounts/$1/account.json" "$2" "${3:-}" <<'PY'
import json, os, sys
a = json.load(open(sys.argv[1]))
os.umask(0o077)
p = a["parola"] + ("-wrong" if sys.argv[3] else "")
open(sys.argv[2], "w").write("parola: %s\nsifre: %s\n" % (json.dumps(p), json.dumps(a["sifre"])))
PY
}
secrets "$A" "$T/a.yaml"; secrets "$B" "$T/b.yaml"; secrets "$C" "$T/c.yaml" wrong
tcno() { kenv_json "$MB/accounts/$1/account.json" tcno; }
account() { # name address secrets [poll]
	cat <<EOT
  - name: $1
    provider: ptt
    endpoint: $URL
    ca_file: $MB/pki/https/ca.pem
    address: $2
    tcno: "$(tcno "$2")"
    secrets_file: $3
    initial_days: 3650
    poll_interval: ${4:-1}
EOT
}
write_config() {
	{
		cat <<EOT
store:
  path: $STORE
api:
  listen: 127.0.0.1
  port: $API_PORT
  token_file: $T/api-token
trust:
  anchors: [$MB/pki/trust/rsa-root.pem, $MB/pki/trust/ec-root.pem]
  revocation: offline
  kephs: [{provider: ptt, certificates: [$MB/pki/rsa/kephs.pem, $MB/pki/ec/kephs.pem]}]
accounts:
EOT
		account good-a "$A" "$T/a.yaml"
		account good-b "$B" "$T/b.yaml"
		account bad-c "$C" "$T/c.yaml"
		# An e-imza account with no PIN file cannot sync unattended.
		account officer-b "$B" "$T/b.yaml" 1
		cat <<EOT
    login: eimza
    pkcs11:
      module: /usr/lib/softhsm/libsofthsm2.so
      token: officer-card
      key: officer
EOT
		for extra in "$@"; do account "$extra" "$B" "$T/b.yaml" 30; done
	} > "$KEPAGENT_CONFIG"
}
write_config
dmn_start

# Both good accounts are synced completely.
synced() { [ "$(dmn_metric "kepagent_packages_synced_total{account=\"$1\"}")" = "$2" ]; }
dmn_wait 60 synced good-a "$NA" || { cat "$T/run.log"; fail "good-a not synced"; }
dmn_wait 60 synced good-b "$NB" || { cat "$T/run.log"; fail "good-b not synced"; }
[ "$(kenv_sql "SELECT count(*) FROM packages p JOIN accounts a ON a.id = p.account_id WHERE a.name = 'good-a'")" = "$NA" ] \
	|| fail "the store does not hold good-a's packages"

# The failing account backs off: the gaps between its logins grow (1 s
# interval doubled per failure), while the good accounts keep their 1 s
# schedule undisturbed.
sleep 14
giris_times() { # seconds since the epoch of each Giris by account $1
	python3 - "$KEPSIM_REQ" "$1" <<'PY'
import json, sys, time
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("op") == "Giris" and r.get("account") == sys.argv[2]:
        print(int(time.mktime(time.strptime(r["time"], "%Y-%m-%dT%H:%M:%S"))))
PY
}
giris_times "$C" > "$T/c.times"
ga=$(giris_times "$A" | wc -l | tr -d ' '); gc=$(wc -l < "$T/c.times" | tr -d ' ')
fails=$(dmn_metric 'kepagent_consecutive_failures{account="bad-c"}')
echo "logins: good-a $ga, bad-c $gc at $(tr '\n' ' ' < "$T/c.times"); bad-c consecutive failures $fails"
[ "${fails:-0}" -ge 3 ] || fail "bad-c should have failed at least 3 times in a row (got '$fails')"
[ "$gc" -ge 3 ] || fail "bad-c should keep trying"
python3 - "$T/c.times" <<'PY' || fail "bad-c did not back off"
import sys
t = [int(x) for x in open(sys.argv[1])]
gaps = [b - a for a, b in zip(t, t[1:])]
print("bad-c gaps between logins:", gaps)
# Doubling from 2 s: 2, 4, ... seconds, read on kepsim's 1 s clock with each
# refresh's own time added (seen as 3, 4 on a busy machine). Without the
# back-off every gap would be the 1 s interval plus the refresh: under 4.
assert gaps[-1] >= 4 and gaps[-1] > gaps[0], gaps
PY
[ "$ga" -gt "$gc" ] || fail "good-a was slowed down ($ga logins against $gc for bad-c)"
[ "$(dmn_metric 'kepagent_consecutive_failures{account="good-a"}')" = 0 ] || fail "good-a was disturbed"
grep -q '\[bad-c\] refresh failed' "$T/run.log" || fail "the failing account is not named in the log"
# The e-imza account is left to an officer, clearly, and never sent a login.
grep -q '\[officer-b\] .*needs an officer' "$T/run.log" || { cat "$T/run.log"; fail "needs-officer not reported"; }
[ "$(dmn_metric 'kepagent_packages_synced_total{account="officer-b"}')" = 0 ] || fail "officer-b synced unattended"
[ "$(grep -c '\[officer-b\] .*needs an officer' "$T/run.log")" = 1 ] || fail "needs-officer repeated instead of waiting"

# Mail added while the daemon runs reaches the import queue.
q_a() { kenv_sql "SELECT count(*) FROM import_queue q JOIN packages p ON p.id = q.package_id JOIN accounts a ON a.id = p.account_id WHERE a.name = 'good-a'"; }
before=$(q_a)
kenv_add_package INBOX
queued_more() { [ "$(q_a)" -gt "$before" ]; }
dmn_wait 30 queued_more || fail "new mail did not reach the queue"

# /healthz and /metrics.
curl -sf "http://127.0.0.1:$API_PORT/healthz" > "$T/health" || fail "/healthz"
expect_grep '"status": *"ok"' "$T/health"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$API_PORT/metrics")
[ "$code" = 401 ] || fail "/metrics without a token answered $code"
total=$(kenv_sql "SELECT count(*) FROM packages")
sum=$(curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/metrics" |
	awk '/^kepagent_packages_by_verdict/ { s += $2 } END { print s }')
[ "$sum" = "$total" ] || fail "/metrics counts $sum packages by verdict, the store holds $total"
[ "$(dmn_metric 'kepagent_queue_items{state="pending"}')" -ge 1 ] || fail "queue depth missing"
[ -n "$(dmn_metric 'kepagent_provider_requests_total{op="download_package",result="ok"}')" ] || fail "no download_package request count"

# SIGHUP with a good configuration: a new account starts.
write_config late-b
kill -HUP "$DMN_PID"
dmn_wait 30 synced late-b "$NB" || { cat "$T/run.log"; fail "late-b not started by SIGHUP"; }
expect_grep 'configuration reloaded: 5 accounts' "$T/run.log"

# SIGHUP with a broken configuration: reported, the running one kept.
echo "  - name: [broken" >> "$KEPAGENT_CONFIG"
kill -HUP "$DMN_PID"
dmn_wait 10 grep -q 'new configuration rejected' "$T/run.log" || fail "broken configuration not reported"
kill -0 "$DMN_PID" || fail "the daemon died on a broken configuration"
[ -n "$(dmn_metric 'kepagent_refreshing{account="late-b"}')" ] || fail "the running configuration was not kept"
curl -sf "http://127.0.0.1:$API_PORT/healthz" -o /dev/null || fail "/healthz after a broken reload"

# SIGTERM: a clean stop within seconds.
start=$(date +%s)
kill -TERM "$DMN_PID"
wait "$DMN_PID" || fail "kepagent run exited non-zero on SIGTERM"
[ $(( $(date +%s) - start )) -le 10 ] || fail "SIGTERM took more than 10 s"
expect_grep 'stopped' "$T/run.log"
[ "$(kenv_sql 'PRAGMA integrity_check')" = ok ] || fail "store damaged"
