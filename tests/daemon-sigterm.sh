#!/bin/sh
# SIGTERM during a large sync leaves a consistent store (no half-written
# package, the lock released) and a rerun completes it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/daemon-lib.sh"

kenv_mailbox --seed 5 --received 2 --sent 1 --big 3 --faults none
kenv_start sim
kenv_config "poll_interval: 3600"
dmn_token
sed -i "s|^api:|api:\n  listen: 127.0.0.1\n  port: $API_PORT|" "$KEPAGENT_CONFIG"
total=$(find "$MB/accounts" -name meta.json | wc -l | tr -d ' ')
dmn_start

some_stored() { [ -f "$STORE" ] && [ "$(kenv_sql 'SELECT count(*) FROM packages')" -ge 1 ]; }
dmn_wait 120 some_stored || { cat "$T/run.log"; fail "nothing stored"; }
start=$(date +%s)
kill -TERM "$DMN_PID"
wait "$DMN_PID" || fail "kepagent run exited non-zero on SIGTERM"
took=$(( $(date +%s) - start ))
echo "stopped in ${took}s with $(kenv_sql 'SELECT count(*) FROM packages') of $total packages stored"
[ "$took" -le 10 ] || fail "SIGTERM took ${took}s"

# Consistent: sound file, every stored package whole.
[ "$(kenv_sql 'PRAGMA integrity_check')" = ok ] || fail "store damaged"
[ "$(kenv_sql 'SELECT count(*) FROM packages WHERE length(raw) <> raw_size')" = 0 ] || fail "a package was half written"

# The lock was released and a rerun completes the sync.
expect_exit 0 "$KEPAGENT" refresh --account acct
kenv_check_store
