#!/bin/sh
# SIGTERM while the provider holds an answer open (kepsim's slow fault on
# Indir): `kepagent run` abandons the transfer and exits within 2 s instead
# of waiting for the request timeout; nothing is half stored and a rerun
# completes the sync.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/daemon-lib.sh"

kenv_mailbox --seed 5 --received 2 --sent 1 --faults none
# The first Indir answers only after 60 s; every other request at once.
kenv_start sim --faults slow --fault-rate 1 --fault-ops Indir --fault-limit 1 \
	--slow-ms 60000 --fault-log "$T/faults.jsonl"
kenv_config "poll_interval: 3600"
dmn_token
sed -i "s|^api:|api:\n  listen: 127.0.0.1\n  port: $API_PORT|" "$KEPAGENT_CONFIG"
dmn_start

hung() { [ -s "$T/faults.jsonl" ]; }
dmn_wait 60 hung || { cat "$T/run.log"; fail "the slow Indir was never asked for"; }
sleep 0.5
kill -0 "$DMN_PID" || fail "kepagent run exited by itself"
ms() { python3 -c 'import time; print(int(time.monotonic() * 1000))'; }
start=$(ms)
kill -TERM "$DMN_PID"
rc=0
wait "$DMN_PID" || rc=$?
took=$(( $(ms) - start ))
echo "stopped in ${took} ms (exit $rc)"
[ "$rc" = 0 ] || { cat "$T/run.log"; fail "kepagent run exited $rc on SIGTERM"; }
[ "$took" -le 2000 ] || { cat "$T/run.log"; fail "SIGTERM took ${took} ms with a hung request"; }
expect_grep "abandoned \(stop requested\)" "$T/run.log"

# Nothing half stored.
if [ -f "$STORE" ]; then
	[ "$(kenv_sql 'PRAGMA integrity_check')" = ok ] || fail "store damaged"
	[ "$(kenv_sql 'SELECT count(*) FROM packages WHERE length(raw) <> raw_size')" = 0 ] \
		|| fail "a package was half written"
fi

# The lock was released and a rerun (the fault spent) completes the sync.
expect_exit 0 "$KEPAGENT" refresh --account acct
kenv_check_store
