#!/bin/sh
# Crash safety beyond refresh: SIGKILL at the named crash points of the
# migrations (every step, before and after its commit), the queue ack and
# reject path while an API client acks, the archive run, and the daemon's
# scheduler; then a soak of random kills of the daemon while a client
# claims and acks. After each kill and a rerun: the database is intact, a
# committed ack stays acked, nothing is lost or duplicated, no provider
# acknowledgement precedes the store, and the queue converges.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"

integrity() {
	[ "$(kenv_sql "PRAGMA integrity_check")" = ok ] || fail "$1: integrity_check"
	[ -z "$(kenv_sql "PRAGMA foreign_key_check")" ] || fail "$1: foreign keys"
}
version() { kenv_sql "PRAGMA user_version"; }

# --- the queue ack and reject path under an API client.
api_world --seed 21 --received 6 --sent 1 --faults none
export KEPAGENT_CONFIG
daemon_killed() { # waits for the daemon to die of SIGKILL
	set +e
	wait "$DAEMON_PID"
	_rc=$?
	set -e
	[ $_rc -eq 137 ] || { cat "$T/run.log"; fail "$1: the daemon exited $_rc, not by SIGKILL"; }
	grep -q "crash point $1" "$T/run.log" || { cat "$T/run.log"; fail "crash point $1 not reached"; }
}
state_of() { kenv_sql "SELECT state FROM import_queue WHERE package_id = $1"; }
ack_of() { kenv_sql "SELECT provider_ack FROM packages WHERE id = $1"; }
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true

# --- migrations: every step of a fresh store, killed before and after its commit.
mkdir -p "$T/mig"
sed "s|path: .*/store/kepagent.db|path: $T/mig/store/kepagent.db|" "$KEPAGENT_CONFIG" >"$T/mig/kepagent.yaml"
mkdir -m 700 "$T/mig/store"
k=1
steps=0
while :; do
	for where in before-commit committed; do
		rm -f "$T/mig/store/"*
		set +e
		KEPAGENT_CONFIG=$T/mig/kepagent.yaml KEPAGENT_CRASHPOINT=migrate-$where:$k \
			"$KEPAGENT" queue list >"$T/out" 2>"$T/err"
		rc=$?
		set -e
		[ $rc -ne 137 ] && break 2   # fewer than k steps
		STORE=$T/mig/store/kepagent.db
		want=$((k - 1)); [ $where = committed ] && want=$k
		[ "$(version)" = $want ] || fail "migration step $k $where: version $(version), expected $want"
		expect_exit 0 env KEPAGENT_CONFIG=$T/mig/kepagent.yaml "$KEPAGENT" queue list
		integrity "migration step $k $where"
	done
	steps=$k
	k=$((k + 1))
done
[ $rc -eq 0 ] || { cat "$T/err"; fail "migration: exit $rc"; }
[ $steps -ge 8 ] || fail "only $steps migration steps reached"
latest=$(version)
STORE=$T/store/kepagent.db
echo "migrations: $steps steps, killed before and after each commit, all reached version $latest"

# --- the upgrades of a store with data, killed before and after their commit.
py_sql() { python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.executescript(sys.argv[2])' "$@"; }
# upgrade_killed OLD.db FROM TO CHECK: the first step of OLD.db's upgrade
# (FROM to TO) killed before and after its commit, then rerun to $latest;
# CHECK LABEL checks the upgraded data.
upgrade_killed() {
	for where in before-commit committed; do
		rm -f "$T/mig/store/"*
		cp "$1" "$T/mig/store/kepagent.db" && chmod 600 "$T/mig/store/kepagent.db"
		STORE=$T/mig/store/kepagent.db
		set +e
		KEPAGENT_CONFIG=$T/mig/kepagent.yaml KEPAGENT_CRASHPOINT=migrate-$where:1 \
			"$KEPAGENT" queue list >"$T/out" 2>"$T/err"
		rc=$?
		set -e
		[ $rc -eq 137 ] || { cat "$T/err"; fail "upgrade to v$3 $where: exit $rc, not killed"; }
		want=$2; [ $where = committed ] && want=$3
		[ "$(version)" = $want ] || fail "upgrade to v$3 $where: version $(version), expected $want"
		expect_exit 0 env KEPAGENT_CONFIG=$T/mig/kepagent.yaml "$KEPAGENT" queue list
		[ "$(version)" = "$latest" ] || fail "upgrade to v$3 $where: version $(version) after the rerun, not $latest"
		integrity "upgrade to v$3 $where"
		$4 "upgrade to v$3 $where"
	done
	STORE=$T/store/kepagent.db
}
# seq_upgrade OLD.db FROM TO ROWS TABLE KEY MIN: OLD.db has at least MIN
# ROWS (packages, evidence) with a TEXT number, one of them not a number;
# upgraded (upgrade_killed), TABLE (keyed by KEY) holds them all, the odd
# one as its text, the others as INTEGERs.
seq_upgrade() {
	STORE=$1
	want_seq=$(kenv_sql "SELECT id || '=' || kep_sira_no FROM $4 WHERE kep_sira_no IS NOT NULL ORDER BY id")
	n_seq=$(echo "$want_seq" | wc -l)
	[ "$n_seq" -ge "$7" ] || fail "upgrade to v$3: only $n_seq $4 rows with a number"
	echo "$want_seq" | grep -q '=X-' || fail "upgrade to v$3: no text value among the $4 rows"
	seq_table=$5 seq_key=$6
	upgrade_killed "$1" "$2" "$3" seq_kept
	echo "upgrade to v$3 with $n_seq $4 rows: killed before and after its commit, numbers kept"
}
seq_kept() {
	got=$(kenv_sql "SELECT $seq_key || '=' || COALESCE(kep_sira_no, kep_sira_no_text) FROM $seq_table ORDER BY $seq_key")
	[ "$got" = "$want_seq" ] || fail "$1: sequence numbers $got, expected $want_seq"
	[ "$(kenv_sql "SELECT count(*) FROM $seq_table WHERE kep_sira_no_text IS NOT NULL")" = 1 ] ||
		fail "$1: the text value was not kept as text"
	[ "$(kenv_sql "SELECT count(*) FROM $seq_table WHERE kep_sira_no_text IS NULL AND typeof(kep_sira_no) <> 'integer'")" = 0 ] ||
		fail "$1: a number not stored as an INTEGER"
}
# A v16 store: the evidence's sequence numbers TEXT as v16 kept them (before
# evidence_seq, v17), one not a number.
py_sql "$T/store/kepagent.db" "VACUUM INTO '$T/v16.db'"
py_sql "$T/v16.db" "ALTER TABLE evidence RENAME COLUMN kep_sira_no_v16 TO kep_sira_no;
UPDATE evidence SET kep_sira_no = (SELECT COALESCE(q.kep_sira_no, q.kep_sira_no_text) FROM evidence_seq q WHERE q.evidence_id = evidence.id);
UPDATE evidence SET kep_sira_no = 'X-' || kep_sira_no WHERE id = (SELECT min(id) FROM evidence WHERE kep_sira_no IS NOT NULL);
DROP TABLE evidence_seq; DROP TABLE evidence_mail_unjudged; DROP TABLE kep_id_reuses;
DROP INDEX audit_outbox_decisions; DROP TABLE outbox_decision_keys; PRAGMA user_version = 16;"
# A v13 store: the packages' numbers TEXT too (before package_seq, v14), and
# none of the tables of v14 and later.
py_sql "$T/v16.db" "VACUUM INTO '$T/v13.db'"
py_sql "$T/v13.db" "ALTER TABLE packages RENAME COLUMN kep_sira_no_v13 TO kep_sira_no;
UPDATE packages SET kep_sira_no = (SELECT kep_sira_no FROM package_seq q WHERE q.package_id = packages.id);
UPDATE packages SET kep_sira_no = 'X-' || kep_sira_no WHERE id = (SELECT min(id) FROM packages);
UPDATE parts SET content = (SELECT content FROM part_bytes b WHERE b.id = parts.id)
 WHERE id IN (SELECT part_id FROM part_ranges);
DROP VIEW part_bytes; DROP TABLE part_ranges;
DROP TABLE package_seq; DROP TABLE evidence_mails; PRAGMA user_version = 13;"

# v14: the packages' numbers; v17: the evidence items'.
seq_upgrade "$T/v13.db" 13 14 packages package_seq package_id 5
seq_upgrade "$T/v16.db" 16 17 evidence evidence_seq evidence_id 2

# A v18 store: before kep_id_reuses (v19); its upgrade adds the table and
# leaves every package as it was.
py_sql "$T/store/kepagent.db" "VACUUM INTO '$T/v18.db'"
py_sql "$T/v18.db" "DROP TABLE kep_id_reuses; DROP INDEX audit_outbox_decisions;
DROP TABLE outbox_decision_keys; PRAGMA user_version = 18;"
STORE=$T/v18.db
v18_pkgs=$(kenv_sql "SELECT group_concat(id || ':' || hex(raw_sha256)) FROM packages")
[ -n "$v18_pkgs" ] || fail "the v18 store has no packages"
reuses_added() {
	[ "$(kenv_sql "SELECT group_concat(id || ':' || hex(raw_sha256)) FROM packages")" = "$v18_pkgs" ] \
		|| fail "$1: the packages changed"
	[ "$(kenv_sql "SELECT count(*) FROM kep_id_reuses")" = 0 ] || fail "$1: kep_id_reuses"
}
upgrade_killed "$T/v18.db" 18 19 reuses_added
echo "upgrade to v19: killed before and after its commit, packages as they were"

# A v19 store: its audit log without the index of the outbox decisions
# (v20); the upgrade indexes it and keeps every line.
py_sql "$T/store/kepagent.db" "VACUUM INTO '$T/v19.db'"
py_sql "$T/v19.db" "DROP INDEX audit_outbox_decisions; DROP TABLE outbox_decision_keys;
PRAGMA user_version = 19;"
STORE=$T/v19.db
v19_audit=$(kenv_sql "SELECT count(*) || ':' || max(id) FROM audit_log")
audit_indexed() {
	[ "$(kenv_sql "SELECT count(*) || ':' || max(id) FROM audit_log")" = "$v19_audit" ] \
		|| fail "$1: the audit log changed"
	[ "$(kenv_sql "SELECT count(*) FROM sqlite_master WHERE name = 'audit_outbox_decisions'")" = 1 ] \
		|| fail "$1: no index of the outbox decisions"
}
upgrade_killed "$T/v19.db" 19 20 audit_indexed
echo "upgrade to v20: killed before and after its commit, the audit log indexed and kept"

# A v20 store: before the decisions' Idempotency-Keys (v21); its outbox
# items are kept through the upgrade.
py_sql "$T/store/kepagent.db" "VACUUM INTO '$T/v20.db'"
py_sql "$T/v20.db" "DROP TABLE outbox_decision_keys; PRAGMA user_version = 20;"
STORE=$T/v20.db
v20_outbox=$(kenv_sql "SELECT count(*) || ':' || IFNULL(group_concat(id || state), '') FROM outbox")
keys_added() {
	[ "$(kenv_sql "SELECT count(*) || ':' || IFNULL(group_concat(id || state), '') FROM outbox")" = "$v20_outbox" ] \
		|| fail "$1: the outbox changed"
	[ "$(kenv_sql "SELECT count(*) FROM outbox_decision_keys")" = 0 ] || fail "$1: outbox_decision_keys"
}
upgrade_killed "$T/v20.db" 20 21 keys_added
echo "upgrade to v21: killed before and after its commit, the outbox kept"

for point in queue-ack-before-commit queue-ack-committed queue-reject-before-commit queue-reject-committed; do
	api_daemon_up KEPAGENT_CRASHPOINT=$point
	expect_status 200 "$(api POST /v1/queue/claim '{"count": 1}')" "$point: claim"
	id=$(jget "$T/body" 'j["items"][0]["id"]')
	lease=$(jget "$T/body" 'j["items"][0]["lease"]')
	case $point in
	queue-ack-*) op=ack body="{\"lease\": \"$lease\"}" ;;
	*) op=reject body="{\"lease\": \"$lease\", \"reason\": \"EBYS import failed\", \"retry_after\": 0}" ;;
	esac
	code=$(api POST "/v1/queue/$id/$op" "$body" || true)
	[ "$code" = 000 ] || fail "$point: the $op answered $code before the crash"
	daemon_killed "$point"
	integrity "$point"
	case $point in
	queue-ack-before-commit)
		[ "$(state_of "$id")" = claimed ] || fail "$point: state $(state_of "$id")"
		[ "$(ack_of "$id")" = none ] || fail "$point: provider ack $(ack_of "$id") before the EBYS ack" ;;
	queue-ack-committed)
		[ "$(state_of "$id")" = acked ] || fail "$point: a committed ack was lost"
		[ "$(ack_of "$id")" = due ] || fail "$point: provider ack not due with the EBYS ack" ;;
	queue-reject-before-commit)
		[ "$(state_of "$id")" = claimed ] || fail "$point: state $(state_of "$id")" ;;
	queue-reject-committed)
		[ "$(state_of "$id")" = rejected ] || fail "$point: a committed reject was lost ($(state_of "$id"))" ;;
	esac
	# The client retries with its lease once the agent is back.
	api_daemon_up
	case $point in
	queue-ack-*)
		expect_status 200 "$(api POST "/v1/queue/$id/ack" "{\"lease\": \"$lease\"}")" "$point: ack again"
		[ "$(state_of "$id")" = acked ] || fail "$point: not acked after the retry"
		# due, or done if the restarted daemon's refresh has sent it already
		case $(ack_of "$id") in due|done) ;; *) fail "$point: provider ack $(ack_of "$id") after the retry" ;; esac ;;
	queue-reject-before-commit)
		expect_status 200 "$(api POST "/v1/queue/$id/reject" "$body")" "$point: reject again"
		[ "$(state_of "$id")" = rejected ] || fail "$point: not rejected after the retry" ;;
	esac
	kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true
done
echo "queue: ack and reject killed before and after their commit; acks kept, retries converge"

# --- the daemon's scheduler, killed after a refresh before it records it.
kenv_add_package INBOX
KEPAGENT_CRASHPOINT=daemon-refreshed "$KEPAGENT" run -d >"$T/run.log" 2>&1 &
DAEMON_PID=$!
daemon_killed daemon-refreshed
integrity daemon-refreshed
expect_exit 0 "$KEPAGENT" refresh
kenv_check_store
echo "daemon: killed after a refresh, the next refresh completes the store"

# --- the archive run, killed after writing the ZIP, before and after recording it.
qsql "UPDATE packages SET stored_at = 1262304000000 WHERE folder = 'INBOX'"
printf 'retention:\n  archive_after_years: 10\n  archive_dir: %s/archive\n' "$T" >>"$KEPAGENT_CONFIG"
content_ok() { # every package's bytes are where the store says, with their digest
	python3 - "$STORE" <<'PY' || fail "$1: content lost"
import hashlib, sqlite3, sys, zipfile
c = sqlite3.connect(sys.argv[1])
for pid, raw, sha, to, entry, size in c.execute(
        "SELECT id, raw, raw_sha256, archived_to, archive_entry, raw_size FROM packages"):
    data = zipfile.ZipFile(to).read(entry) if to else raw
    assert len(data) == size and hashlib.sha256(data).digest() == sha, pid
PY
}
cp "$STORE" "$T/pre-archive.db"
for point in archive-written archive-before-commit archive-recorded; do
	cp "$T/pre-archive.db" "$STORE"
	rm -f "$STORE-wal" "$STORE-shm"
	rm -rf "$T/archive"
	expect_exit 137 env KEPAGENT_CRASHPOINT=$point "$KEPAGENT" archive
	integrity "$point"
	content_ok "$point"
	expect_exit 0 "$KEPAGENT" archive
	integrity "$point rerun"
	content_ok "$point rerun"
	[ "$(kenv_sql "SELECT count(*) FROM packages WHERE folder = 'INBOX' AND archived_to IS NULL")" = 0 ] \
		|| fail "$point: the rerun left old content in the store"
	[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'archive'")" = \
	  "$(kenv_sql "SELECT count(*) FROM packages WHERE folder = 'INBOX'")" ] \
		|| fail "$point: not one audit line per archived package"
done
echo "archive: killed after the ZIP, before and after recording it; reruns complete it, no content lost"

# --- soak: random SIGKILLs of the daemon while it refreshes every second
# (new mail arrives before each start) and a client claims and acks.
cp "$T/pre-archive.db" "$STORE"
rm -f "$STORE-wal" "$STORE-shm"
sed -i 's/poll_interval: 3600/poll_interval: 1/' "$KEPAGENT_CONFIG"
kills=0
while [ $kills -lt 30 ]; do
	kenv_add_package INBOX
	api_daemon_up
	(
		while :; do
			c=$(api POST /v1/queue/claim '{"count": 1, "lease_seconds": 10}' || true)
			[ "$c" = 200 ] || exit 0
			i=$(jget "$T/body" 'j["items"][0]["id"] if j["items"] else ""')
			[ -n "$i" ] || exit 0
			l=$(jget "$T/body" 'j["items"][0]["lease"]')
			api POST "/v1/queue/$i/ack" "{\"lease\": \"$l\"}" >/dev/null || exit 0
		done
	) &
	client=$!
	sleep "$(python3 -c 'import random; print(random.uniform(0.05, 1.5))')"
	kill -9 "$DAEMON_PID" 2>/dev/null || true
	wait "$DAEMON_PID" 2>/dev/null || true
	wait "$client" 2>/dev/null || true
	kills=$((kills + 1))
	integrity "soak kill $kills"
	# No package is acknowledged to the provider unless EBYS acked it.
	[ "$(kenv_sql "SELECT count(*) FROM packages p JOIN import_queue q ON q.package_id = p.id
		WHERE p.provider_ack <> 'none' AND q.state <> 'acked'")" = 0 ] || fail "soak kill $kills: provider ack due without an EBYS ack"
done
# Converge. The killed clients' leases are short (10 s, the minimum): wait
# them out, so every item is claimable again; then the queue drains once the
# agent stays up, and every item ends acked, none lost or doubled.
dead=$(kenv_sql "SELECT count(*) FROM import_queue WHERE state = 'claimed'")
until_ms=$(kenv_sql "SELECT coalesce(max(lease_expires), 0) FROM import_queue WHERE state = 'claimed'")
while [ "$(python3 -c 'import time; print(int(time.time() * 1000))')" -le "$until_ms" ]; do sleep 0.5; done
api_daemon_up
want=$(find "$ACC" -name meta.json | wc -l)
_i=0
until [ "$(kenv_sql "SELECT count(*) FROM packages")" -ge "$want" ]; do
	_i=$((_i + 1)); [ $_i -lt 600 ] || { tail -n 40 "$T/run.log"; fail "soak: the daemon did not store the new mail"; }
	sleep 0.1
done
while :; do
	expect_status 200 "$(api POST /v1/queue/claim '{"count": 100, "lease_seconds": 60}')" "final claim"
	n=$(jget "$T/body" 'len(j["items"])')
	[ "$n" -gt 0 ] || break
	for pair in $(jget "$T/body" '" ".join("%d:%s" % (i["id"], i["lease"]) for i in j["items"])'); do
		expect_status 200 "$(api POST "/v1/queue/${pair%%:*}/ack" "{\"lease\": \"${pair#*:}\"}")" "final ack"
	done
done
integrity "soak converged"
[ "$(kenv_sql "SELECT count(*) FROM import_queue WHERE state <> 'acked'")" = 0 ] \
	|| fail "soak: $(kenv_sql "SELECT count(*) FROM import_queue WHERE state <> 'acked'") item(s) not acked after the dead leases expired"
[ "$(kenv_sql "SELECT count(*) FROM import_queue")" = "$(kenv_sql "SELECT count(*) FROM packages WHERE folder = 'INBOX'")" ] \
	|| fail "soak: the queue does not hold one item per received package"
[ "$(kenv_sql "SELECT count(*) - count(DISTINCT package_id) FROM import_queue")" = 0 ] || fail "soak: duplicated queue items"
[ "$(kenv_sql "SELECT count(*) FROM (SELECT kep_id FROM packages GROUP BY folder, kep_id HAVING count(*) > 1)")" = 0 ] \
	|| fail "soak: duplicated packages"
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null || true
kenv_check_store
echo "soak: $kills random kills; integrity kept, no provider ack without EBYS ack; $dead dead lease(s) waited out, all $(kenv_sql "SELECT count(*) FROM import_queue") items acked once"
# The figures tests/reliability.sh reads: every point above is one kill.
points=$((steps * 2 + 4 + 1 + 3))
echo "crash-more: $points crash points killed, $kills random kills; 0 lost, 0 duplicated"
