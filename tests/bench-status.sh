#!/bin/sh
# Benchmark (not a test; `make bench-status`): status lookups per second and
# latency p50/p99 over HTTP on loopback against `kepagent run`, and the same
# lookups in-process, on a store of BENCH_PACKAGES (default 200,000) sent
# packages with 5 evidence rows each (1,000,000 rows), filled with SQL.
# BENCH_THREADS (default 4), BENCH_SECONDS (default 5) and BENCH_BATCH (keys per
# batch request, default 500; 0: none) tune the run.
. "$top_srcdir/tests/lib.sh"
command -v python3 >/dev/null || skip "python3 is missing"
BENCH=$top_builddir/tests/bench-status
[ -x "$BENCH" ] || skip "tests/bench-status is not built (make check or make bench-status)"
n=${BENCH_PACKAGES:-200000}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -m 700 "$T/db"
(umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/token"; printf 'parola: x\nsifre: y\n' >"$T/secrets")
cat >"$T/kepagent.yaml" <<EOC
store:
  path: $T/db/kepagent.db
api:
  port: $port
  token_file: $T/token
trust:
  anchors:
    - $T/no-anchor.pem
  revocation: offline
accounts:
  - name: bench
    provider: ptt
    endpoint: https://127.0.0.1:1/unused
    address: bench@hs01.kep.tr
    tcno: "10000000146"
    secrets_file: $T/secrets
    enabled: false
EOC
export KEPAGENT_CONFIG=$T/kepagent.yaml
"$KEPAGENT" queue list >/dev/null || fail "cannot create the store"
python3 "$top_srcdir/tests/bench-status.py" "$T/db/kepagent.db" "$n" 20000 "$T/keys"
"$KEPAGENT" run -d >"$T/run.log" 2>&1 &
pid=$!
on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null || true"
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/healthz"; do
	kill -0 $pid 2>/dev/null || { cat "$T/run.log"; fail "kepagent run exited"; }
	i=$((i + 1)); [ $i -lt 400 ] || fail "the API did not come up"
	sleep 0.05
done
BENCH_SERVER_PID=$pid "$BENCH" "$T/db/kepagent.db" "$T/keys" "${BENCH_THREADS:-4}" "${BENCH_SECONDS:-5}" \
	"http://127.0.0.1:$port" "$T/token"
