#!/bin/sh
# Crash safety: `kepagent refresh` (ack_policy on-store, so acknowledgements
# happen) is killed with SIGKILL at crash point N (KEPAGENT_CRASHPOINT=N,
# deterministic) for N = 1, 2, ... until a run passes every point, each time
# followed by a run to completion. After each kill no acknowledged package
# may be missing from the store; after each rerun every package of the
# mailbox is stored exactly once with its bytes, the queue and the evidence
# hold no duplicates, and no package was acknowledged twice.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 5 --received 2 --sent 1 --faults none
ROOT=$T

acked_but_not_stored() {
	# No acknowledgement yet: nothing to check (and no python start, which
	# costs a second a point on a loaded machine).
	[ -s "$MB/state/acks.jsonl" ] || return 0
	python3 - "$STORE" "$MB/state/acks.jsonl" <<'PY'
import json, os, sqlite3, sys
db, acks = sys.argv[1:3]
if not os.path.exists(acks) or not os.path.exists(db): sys.exit(0)
c = sqlite3.connect(db)
for line in open(acks):
    a = json.loads(line)
    if c.execute("SELECT count(*) FROM packages WHERE kep_id=?", (a["kepId"],)).fetchone()[0] != 1:
        print("acknowledged but not stored: %s" % a["kepId"]); sys.exit(1)
PY
}

# private_copy NAME: $ROOT/NAME becomes $T, with a copy of the mailbox, its
# store and configuration.
private_copy() {
	T=$ROOT/$1
	mkdir -p "$T"
	cp -R "$ROOT/mb" "$T/mb"
	MB=$T/mb
	ACC=$MB/accounts/$(basename "$ACC")
	STORE=$T/store/kepagent.db
	KEPAGENT_CONFIG=$T/kepagent.yaml
}

# lane FIRST: crash points FIRST, FIRST+2, ... in a private copy of the
# mailbox with its own kepsim and store (two lanes use both cores).
lane() {
	private_copy lane$1
	trap 'kenv_stop' EXIT
	kenv_start sim
	KENV_ACK=on-store kenv_config
	n=$1
	points=0
	while :; do
		rm -rf "$T/store"/* "$MB/state"
		set +e
		KEPAGENT_CRASHPOINT=$n "$KEPAGENT" refresh >"$T/crash.out" 2>"$T/crash.err"
		rc=$?
		set -e
		[ $rc -ne 0 ] || break      # the sync has fewer than n crash points
		[ $rc -eq 137 ] || { cat "$T/crash.err"; fail "crash point $n: exit $rc, expected SIGKILL"; }
		grep -q "crash point $n " "$T/crash.err" || { cat "$T/crash.err"; fail "crash point $n not reached"; }
		points=$((points + 1))
		acked_but_not_stored || fail "crash point $n: acknowledged before stored"
		expect_exit 0 "$KEPAGENT" refresh
		kenv_check_store >/dev/null || fail "crash point $n: store check"
		# Each received package acknowledged once, and recorded (one python).
		python3 - "$MB/state/acks.jsonl" "$STORE" <<'PY' || fail "crash point $n: acknowledgements"
import json, sqlite3, sys
ids = [json.loads(l)["kepId"] for l in open(sys.argv[1])]
assert len(ids) == len(set(ids)) == 2, ids
c = sqlite3.connect(sys.argv[2])
done = c.execute("SELECT count(*) FROM packages WHERE folder='INBOX' AND provider_ack='done'").fetchone()[0]
assert done == 2, "acknowledgements not recorded: %d" % done
PY
		n=$((n + 2))
		[ $n -le 200 ] || fail "more than 200 crash points?"
	done
	echo $points >"$ROOT/lane$1.points"
}

lane 1 >"$T/lane1.log" 2>&1 &
L1=$!
lane 2 >"$T/lane2.log" 2>&1 &
L2=$!
r1=0; r2=0
wait $L1 || r1=$?
wait $L2 || r2=$?
[ $r1 -eq 0 ] || { cat "$T/lane1.log"; fail "lane 1"; }
[ $r2 -eq 0 ] || { cat "$T/lane2.log"; fail "lane 2"; }
points=$(( $(cat "$T/lane1.points") + $(cat "$T/lane2.points") ))
echo "killed at $points distinct crash points"
[ $points -ge 20 ] || fail "only $points crash points (at least 20 wanted)"

# The commit policy (sync_p.h): under on-import the new packages of the
# received folder share one transaction. Killed before that commit, with
# both packages inserted (under a crash test a batch ends by count only),
# none of the batch is stored (nothing half-visible) and none was said
# stored (the log line comes with the commit), and the next run stores
# every package once with its bytes.
private_copy batch
kenv_start sim
KENV_ACK=on-import kenv_config
expect_exit 137 env KEPAGENT_CRASHPOINT=batch-before-commit:1 "$KEPAGENT" -vv refresh
expect_grep 'crash point batch-before-commit:1' "$T/err"
expect_grep 'committing 2 package\(s\)' "$T/err"
expect_no_grep 'INBOX: stored ' "$T/err"
[ "$(kenv_sql "SELECT count(*) FROM packages")" = 0 ] || fail "batch: a package of the killed batch is stored"
expect_exit 0 "$KEPAGENT" refresh
kenv_check_store >/dev/null || fail "batch: store check"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE folder = 'INBOX'")" = 2 ] || fail "batch: INBOX not stored whole"
[ "$(kenv_sql "SELECT count(*) FROM import_queue")" = 2 ] || fail "batch: queue"
kenv_stop
echo "batch: killed before its commit, nothing stored; the next run stores it once"

# Killed inside a batch, at a defined package whatever the downloads'
# timing (under a crash test a batch ends by count, bytes and the packages
# stored alone only, sync_p.h): 20 received packages under on-import (none
# is acknowledged on store), batches of 16 and 4, killed after the 18th is
# inserted. Exactly the first batch is stored and said stored (the open one,
# holding the 18th, is lost whole and was never said stored), and the next
# run stores the other 4 once. A whole run without a crash test commits its
# 20 packages in more than one and fewer than 20 transactions.
T=$ROOT/inbatch
mkdir -p "$T"
MB=$T/mb
STORE=$T/store/kepagent.db
KEPAGENT_CONFIG=$T/kepagent.yaml
kenv_mailbox --seed 5 --received 20 --sent 0 --faults none
kenv_start sim
KENV_ACK=on-import kenv_config
committed() { sed -n 's/.*committed \([0-9]*\) package(s).*/\1/p' "$1" | awk '{s += $1} END {print s + 0}'; }
commits() { grep -c 'committed [0-9]* package(s)' "$1" || true; }
said() { grep -c 'INBOX: stored ' "$1" || true; }
expect_exit 137 env KEPAGENT_CRASHPOINT=package-after-store:18 "$KEPAGENT" -vv refresh
expect_grep 'crash point package-after-store:18' "$T/err"
n=$(kenv_sql "SELECT count(*) FROM packages")
[ "$n" = 16 ] || fail "in a batch: $n stored, the first batch of 16 expected"
[ "$(committed "$T/err")" = 16 ] && [ "$(commits "$T/err")" = 1 ] || fail "in a batch: committed $(committed "$T/err") in $(commits "$T/err")"
[ "$(said "$T/err")" = 16 ] || fail "in a batch: $(said "$T/err") said stored, 16 committed"
[ "$(kenv_sql "SELECT count(*) FROM import_queue")" = 16 ] || fail "in a batch: queue"
# A point never hit keeps the rerun deterministic too: one batch of 4.
expect_exit 0 env KEPAGENT_CRASHPOINT=none "$KEPAGENT" -vv refresh
kenv_check_store >/dev/null || fail "in a batch: store check"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE folder = 'INBOX'")" = 20 ] || fail "in a batch: INBOX not stored whole"
[ "$(kenv_sql "SELECT count(*) FROM import_queue")" = 20 ] || fail "in a batch: queue"
[ "$(committed "$T/err")" = 4 ] && [ "$(commits "$T/err")" = 1 ] || fail "in a batch: the rerun committed $(committed "$T/err") in $(commits "$T/err"), not 4 in 1"
[ "$(said "$T/err")" = 4 ] || fail "in a batch: the rerun said $(said "$T/err") stored"
rm -rf "$T/store"/*
expect_exit 0 "$KEPAGENT" -vv refresh
[ "$(kenv_sql "SELECT count(*) FROM packages")" = 20 ] || fail "in a batch: fresh store"
c=$(commits "$T/err")
[ "$c" -ge 2 ] && [ "$c" -lt 20 ] || fail "in a batch: 20 packages in $c commits"
[ "$(said "$T/err")" = 20 ] || fail "in a batch: a whole run said $(said "$T/err") stored"
kenv_stop
echo "in a batch: killed at the 18th of 20, the first batch of 16 stored and said; a whole run: $c commits"
