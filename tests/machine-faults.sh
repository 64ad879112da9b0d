#!/bin/sh
# Faults of the machine (issue 16): the disk fills during a refresh and
# during an ack, the store becomes read-only, another process holds the
# store's write lock, and the wall clock jumps backwards and forwards during
# leases and the daemon's schedule. Each case asserts a clear error, the
# store's integrity (PRAGMA integrity_check), nothing lost or duplicated, and
# recovery once the fault is gone. The store lives on a small tmpfs of its
# own, 64 MiB (/healthz wants 32 MiB free; the disk-full and read-only cases need root to mount it); the clock
# is moved with libfaketime. Prints "machine fault NAME: survived" per case.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"

# Without mount or libfaketime the cases cannot run; CI installs both and
# runs as root, so there a missing one is a failure, not a skip.
need() { if [ "${CI:-}" = true ]; then fail "$1"; else skip "$1"; fi; }
[ "$(id -u)" = 0 ] || need "mounting the store's tmpfs needs root"
command -v sqlite3 >/dev/null || need "sqlite3 is missing (contrib/install-deps.sh)"
. "$top_srcdir/tests/faketime-lib.sh"
[ -n "$FAKETIME_LIB" ] || need "libfaketime is missing (contrib/install-deps.sh installs faketime)"

mkdir -p "$T/store"
mount -t tmpfs -o size=64m,mode=0700 tmpfs "$T/store" || need "cannot mount a tmpfs"
on_exit "umount -l '$T/store' 2>/dev/null || true"

integrity() {
	[ "$(kenv_sql "PRAGMA integrity_check")" = ok ] || fail "$1: integrity_check"
	[ -z "$(kenv_sql "PRAGMA foreign_key_check")" ] || fail "$1: foreign keys"
}
# no_dups WHAT: no package, queue item or evidence item stored twice, and
# every acknowledgement kepsim received is of a stored package.
no_dups() {
	python3 - "$STORE" "$MB/state/acks.jsonl" <<'PY' || fail "$1: lost or duplicated"
import json, os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
q = lambda s: c.execute(s).fetchone()[0]
assert q("SELECT count(*) FROM (SELECT 1 FROM packages GROUP BY folder, kep_id HAVING count(*) > 1)") == 0, "a package stored twice"
assert q("SELECT count(*) - count(DISTINCT package_id) FROM import_queue") == 0, "a queue item twice"
assert q("SELECT count(*) - count(DISTINCT delil_id) FROM evidence") == 0, "an evidence item twice"
if os.path.exists(sys.argv[2]):
    for line in open(sys.argv[2]):
        k = json.loads(line)["kepId"]
        assert c.execute("SELECT 1 FROM packages WHERE kep_id = ?", (k,)).fetchone(), "acknowledged, not stored: " + k
PY
}
state_of() { kenv_sql "SELECT state FROM import_queue WHERE package_id = $1"; } # the API's item id is the package's
survived() { echo "machine fault $1: survived"; }
# fill LEAVE_KIB: fills the store's tmpfs, leaving about LEAVE_KIB free; the
# WAL is checkpointed and truncated first, so the next write needs new blocks.
fill() {
	sqlite3 "$STORE" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	dd if=/dev/zero of="$T/store/filler" bs=64k 2>/dev/null || true
	[ "$1" -eq 0 ] || truncate -s "-${1}K" "$T/store/filler"
}
unfill() { rm -f "$T/store/filler"; }
daemon_down() { kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; }

# The world: the store on the tmpfs, filled by a refresh, the daemon serving the API.
api_world --seed 41 --received 6 --sent 2 --faults none
mkdir -p "$MB/state"

# --- disk full during an ack: the API says why, the lease and claim survive,
# the retried ack goes through once there is room.
expect_status 200 "$(api POST /v1/queue/claim '{"count": 2}')" "claim"
id=$(jget "$T/body" 'j["items"][0]["id"]')
lease=$(jget "$T/body" 'j["items"][0]["lease"]')
fill 0
code=$(api GET /healthz)
[ "$code" = 503 ] || fail "disk full: /healthz answered $code"
expect_grep 'free|cannot write' "$T/body"
code=$(api POST "/v1/queue/$id/ack" "{\"lease\": \"$lease\"}")
case $code in 5*) ;; *) cat "$T/body"; fail "disk full: the ack answered $code" ;; esac
expect_grep 'full' "$T/body"
[ "$(state_of "$id")" = claimed ] || fail "disk full: the failed ack left the item $(state_of "$id")"
unfill
expect_status 200 "$(api GET /healthz)" "healthz with room again"
expect_status 200 "$(api POST "/v1/queue/$id/ack" "{\"lease\": \"$lease\"}")" "the ack retried with room"
[ "$(state_of "$id")" = acked ] || fail "disk full: not acked after the retry"
integrity "disk full during an ack"
no_dups "disk full during an ack"
survived "disk-full-ack"
daemon_down

# --- disk full during a refresh, at once and part-way (some packages fit:
# room for about half of the new packages' raw bytes, whatever the store
# makes of them).
for part in 0 1; do
	new=0
	for _n in 1 2 3 4; do
		kenv_add_package INBOX
		new=$((new + $(stat -c %s "$ACC/INBOX/$KENV_SIRA/package.eml")))
	done
	leave=$((part * new / 2048))
	before=$(kenv_sql "SELECT count(*) FROM packages")
	fill "$leave"
	set +e
	"$KEPAGENT" refresh >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ $rc = 6 ] || [ $rc = 1 ] || { cat "$T/err"; fail "disk full ($leave KiB left): refresh exited $rc, expected 6 or 1"; }
	expect_grep 'full|[Nn]o space left' "$T/err"
	unfill
	integrity "disk full during a refresh ($leave KiB left)"
	no_dups "disk full during a refresh ($leave KiB left)"
	[ "$(kenv_sql "SELECT count(*) FROM packages")" -ge "$before" ] || fail "disk full: packages lost"
	expect_exit 0 "$KEPAGENT" refresh
	kenv_check_store
done
survived "disk-full-refresh"

# --- a read-only store: refresh and the daemon say so; once writable, all is there.
kenv_add_package INBOX
before=$(kenv_sql "SELECT count(*) FROM packages")
mount -o remount,ro "$T/store"
expect_exit 6 "$KEPAGENT" refresh
expect_grep 'read-?only|readonly' "$T/err"
expect_exit 6 "$KEPAGENT" queue ack 1 --lease 00
set +e
"$KEPAGENT" run -d >"$T/run.log" 2>&1 &
DAEMON_PID=$!
on_exit "kill $DAEMON_PID 2>/dev/null || true"
_i=0
while kill -0 "$DAEMON_PID" 2>/dev/null && ! curl -s -o "$T/body" "$API/healthz"; do
	_i=$((_i + 1)); [ $_i -lt 400 ] || fail "read-only: the daemon neither answered nor exited"
	sleep 0.05
done
if kill -0 "$DAEMON_PID" 2>/dev/null; then
	# It runs: /healthz must say the store is not writable.
	[ "$(curl -s -o "$T/body" -w '%{http_code}' "$API/healthz")" = 503 ] || fail "read-only: /healthz is not 503"
	expect_grep 'read-?only|readonly|cannot' "$T/body"
	daemon_down
else
	wait "$DAEMON_PID"
	rc=$?
	[ $rc = 6 ] || { cat "$T/run.log"; fail "read-only: the daemon exited $rc, expected 6"; }
	expect_grep 'read-?only|readonly' "$T/run.log"
fi
set -e
mount -o remount,rw "$T/store"
integrity "read-only store"
[ "$(kenv_sql "SELECT count(*) FROM packages")" = "$before" ] || fail "read-only: packages changed"
expect_exit 0 "$KEPAGENT" refresh
kenv_check_store
survived "read-only-store"

# --- a store whose write lock another process holds: busy (exit 7), then fine.
kenv_add_package INBOX
"$KEPAGENT" queue claim --count 1 --json >"$T/claim.json"
id=$(jget "$T/claim.json" 'j["items"][0]["id"]')
lease=$(jget "$T/claim.json" 'j["items"][0]["lease"]')
mkfifo "$T/lockin"
sqlite3 "$STORE" <"$T/lockin" >"$T/lock.out" 2>&1 &
LOCK_PID=$!
on_exit "kill $LOCK_PID 2>/dev/null || true"
exec 8>"$T/lockin"
echo "BEGIN EXCLUSIVE; SELECT 'locked';" >&8
_i=0
until grep -q locked "$T/lock.out"; do
	_i=$((_i + 1)); [ $_i -lt 200 ] || fail "sqlite3 did not take the lock"
	sleep 0.05
done
expect_exit 7 "$KEPAGENT" refresh
expect_grep 'locked|busy' "$T/err"
expect_exit 7 "$KEPAGENT" queue ack "$id" --lease "$lease"
expect_grep 'locked|busy' "$T/err"
echo "ROLLBACK;" >&8
exec 8>&-
wait "$LOCK_PID" 2>/dev/null || true
integrity "locked store"
[ "$(state_of "$id")" = claimed ] || fail "locked: the item is $(state_of "$id")"
expect_exit 0 "$KEPAGENT" queue ack "$id" --lease "$lease"
expect_exit 0 "$KEPAGENT" refresh
kenv_check_store
survived "locked-store"

# --- the clock jumps during leases. libfaketime moves the wall clock of one
# process; monotonic clocks stay true, as they do when an NTP step happens.
# Forwards: a lease held across a jump of two hours has expired; the item is
# claimable again and acked once with its new lease.
kenv_add_package INBOX
expect_exit 0 "$KEPAGENT" refresh
"$KEPAGENT" queue claim --count 1 --json >"$T/claim.json"
id=$(jget "$T/claim.json" 'j["items"][0]["id"]')
lease=$(jget "$T/claim.json" 'j["items"][0]["lease"]')
expect_exit 1 at +2h "$KEPAGENT" queue ack "$id" --lease "$lease"
expect_grep 'expired' "$T/err"
[ "$(state_of "$id")" != acked ] || fail "clock forwards: acked with an expired lease"
at +2h "$KEPAGENT" queue claim --count 100 --json >"$T/claim2.json"
jget "$T/claim2.json" '[i["id"] for i in j["items"]]' | grep -qw "$id" || fail "clock forwards: the expired item was not claimable"
lease2=$(jget "$T/claim2.json" "[i['lease'] for i in j['items'] if i['id'] == $id][0]")
expect_exit 0 "$KEPAGENT" queue ack "$id" --lease "$lease2"
[ "$(state_of "$id")" = acked ] || fail "clock forwards: not acked"
# The others claimed at +2h are held until then: nobody else gets them now.
n=$("$KEPAGENT" queue claim --count 100 --json | jget /dev/stdin 'len(j["items"])')
[ "$n" = 0 ] || fail "clock back from +2h: $n items held by leases were claimed again"
for pair in $(jget "$T/claim2.json" "' '.join('%d:%s' % (i['id'], i['lease']) for i in j['items'] if i['id'] != $id)"); do
	expect_exit 0 "$KEPAGENT" queue ack "${pair%%:*}" --lease "${pair#*:}"
done
# Backwards: a lease taken when the clock was two hours behind is already
# over by the true clock: refused, claimable again, acked once.
kenv_add_package INBOX
expect_exit 0 "$KEPAGENT" refresh
at -2h "$KEPAGENT" queue claim --count 1 --json >"$T/claim.json"
id=$(jget "$T/claim.json" 'j["items"][0]["id"]')
lease=$(jget "$T/claim.json" 'j["items"][0]["lease"]')
expect_exit 1 "$KEPAGENT" queue ack "$id" --lease "$lease"
expect_grep 'expired' "$T/err"
kenv_import
[ "$(state_of "$id")" = acked ] || fail "clock backwards: not acked"
[ "$(kenv_sql "SELECT count(*) FROM import_queue WHERE state <> 'acked'")" = 0 ] || fail "clock jumps: items left unacked"
integrity "clock jumps during leases"
no_dups "clock jumps during leases"
kenv_check_store
survived "clock-jump-lease"

# --- the clock jumps while the daemon runs its schedule (poll every 2 s).
# Back three hours: the schedule goes on (it does not wait for the old
# time to come round again); mail newer than the agent's clock is stored
# once the clock is right. Forward three hours and back: no burst of
# refreshes, and the schedule goes on. (Not asserted: mail that arrives
# while the clock is ahead by more than overlap_seconds, which the listing
# windows, bounded by the wall clock, do not cover.)
sed -i 's/poll_interval: 3600/poll_interval: 2/' "$KEPAGENT_CONFIG"
echo "+0" >"$T/clock"
logins() { grep -c '"op":"Giris"' "$KEPSIM_REQ" || true; }
stored() { kenv_sql "SELECT count(*) FROM packages"; }
wait_stored() { # wait_stored N SECONDS WHAT
	_i=0
	until [ "$(stored)" -ge "$1" ]; do
		_i=$((_i + 1)); [ $_i -lt $(($2 * 10)) ] || { tail -n 30 "$T/run.log"; fail "$3: new mail not stored within $2 s"; }
		sleep 0.1
	done
}
refreshes_go_on() { # refreshes_go_on WHAT: at least two logins in the next 8 s, at most six
	_l0=$(logins)
	sleep 8
	_n=$(($(logins) - _l0))
	[ $_n -ge 2 ] || { tail -n 30 "$T/run.log"; fail "$1: $_n refreshes in 8 s at a 2 s interval"; }
	[ $_n -le 6 ] || fail "$1: $_n refreshes in 8 s at a 2 s interval (a burst)"
}
api_daemon_up LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$T/clock" FAKETIME_NO_CACHE=1 \
	FAKETIME_DONT_FAKE_MONOTONIC=1 ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
n=$(($(stored) + 1)); kenv_add_package INBOX
wait_stored $n 15 "clock steady"
echo "-3h" >"$T/clock"
refreshes_go_on "clock jumped back three hours"
n=$(($(stored) + 1)); kenv_add_package INBOX
echo "+0" >"$T/clock"
wait_stored $n 15 "clock right again after three hours behind"
echo "+3h" >"$T/clock"
refreshes_go_on "clock jumped forward three hours"
echo "+0" >"$T/clock"
refreshes_go_on "clock right again after three hours ahead"
daemon_down
integrity "clock jumps during the schedule"
no_dups "clock jumps during the schedule"
kenv_check_store
survived "clock-jump-schedule"
