#!/bin/sh
# An idle refresh is cheap for the provider (issue 15). With nothing new, a
# received-only account costs at most 3 requests: the login and one listing
# per folder. The quota (KotaSorgula, KontorSorgula: tests/quota-watch.sh)
# is asked again only when the run changed the mailbox or the stored answer
# is an hour old; otherwise the stored figures are shown. The folder list (DizinSorgula) is kept in the store and asked
# again only when it is a day old or when a folder it named could not be
# listed (renamed on the provider). The evidence of sent packages not yet
# final is followed on a backoff schedule per package (5 minutes after a
# poll that brought something new, then twice as long each time, up to a
# day), so an idle refresh with many such packages asks only for those due.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 7 --received 5 --sent 0 --faults none
kenv_start sim --delay-ms 0
KENV_ACK=never kenv_config
count() { grep -c "\"op\":\"$1\"" "$KEPSIM_REQ" || true; }
requests() { grep -c '"op":' "$KEPSIM_REQ" || true; }
sql_write() {
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$STORE" "$1"
}
roles() {
	python3 -c 'import json,sys
a = json.load(open(sys.argv[1]))["accounts"][0]
assert a["inbox"] == "INBOX" and a["sent"] == "OUTBOX", a' "$T/out" || fail "$1: folder roles"
}

expect_exit 0 "$KEPAGENT" refresh --json
[ "$(count DizinSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "first refresh: folder list not asked once"; }
roles "first refresh"

# Idle: login and the two listings, the folder list from the store.
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
roles "idle refresh"
[ "$(requests)" -le 3 ] || { cat "$KEPSIM_REQ"; fail "idle refresh made $(requests) requests, at most 3 expected"; }
[ "$(count DizinSorgula)" -eq 0 ] || { cat "$KEPSIM_REQ"; fail "idle refresh asked for the folder list again"; }
[ "$(count KotaSorgula)" -eq 0 ] || { cat "$KEPSIM_REQ"; fail "idle refresh asked for the quota again"; }
python3 -c 'import json,sys; q=json.load(open(sys.argv[1]))["accounts"][0]["quota"]; sys.exit(not (q and q["total_kb"] > 0))' "$T/out" \
	|| { cat "$T/out"; fail "idle refresh: the stored quota is not shown"; }
# A run that changes the mailbox asks for the quota again.
kenv_add_package INBOX
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
[ "$(count KotaSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "a refresh that stored new mail did not ask for the quota"; }
# The stored answer ages out after an hour.
sql_write "UPDATE quota_state SET asked_at = asked_at - 3601000"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
[ "$(count KotaSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "an hour-old quota was not asked again"; }
[ "$(count Giris)" -eq 1 ] && [ "$(count PaketSorgula)" -eq 2 ] || { cat "$KEPSIM_REQ"; fail "idle refresh did not list both folders"; }

# New mail is still found by an idle-style refresh.
kenv_add_package INBOX
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
expect_grep '^acct: 1 new package' "$T/out"
[ "$(count DizinSorgula)" -eq 0 ] || fail "a refresh within the day asked for the folder list"

# A day later the folder list is asked again.
sql_write "UPDATE folder_lists SET fetched_at = fetched_at - 86400 * 1000 - 1000"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
roles "a day later"
[ "$(count DizinSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "a day-old folder list was used"; }

# A kept folder the provider no longer has: that folder fails once, the
# list is forgotten, and the next run asks for it and syncs normally.
sql_write "UPDATE folder_lists SET name = 'GIDEN-ESKI' WHERE name = 'OUTBOX'"
: >"$KEPSIM_REQ"
expect_exit 1 "$KEPAGENT" refresh
expect_grep 'GIDEN-ESKI' "$T/err"
[ "$(kenv_sql "SELECT count(*) FROM folder_lists")" -eq 0 ] || fail "the folder list was kept after a folder could not be listed"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
roles "after a renamed folder"
[ "$(count DizinSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "the folder list was not asked again"; }
kenv_check_store

# ---- many sent packages awaiting final evidence ----
kenv_stop
rm -rf "$MB" "$T/store"
kenv_mailbox --seed 7 --received 0 --sent 40 --faults none
kenv_start sent --delay-ms 0
KENV_ACK=never kenv_config
expect_exit 0 "$KEPAGENT" refresh
pending=$(kenv_sql "SELECT count(*) FROM packages p WHERE p.folder = 'OUTBOX' AND p.id NOT IN (SELECT package_id FROM evidence_final)")
[ "$pending" -ge 10 ] || fail "only $pending sent packages await final evidence"
[ "$(kenv_sql "SELECT count(*) FROM evidence_polls WHERE interval_ms = 300000")" -ge "$pending" ] \
	|| fail "the first follow-up scheduled no next poll"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
[ "$(requests)" -le 3 ] || { cat "$KEPSIM_REQ"; fail "idle refresh with $pending pending packages made $(requests) requests, at most 3 expected"; }
[ "$(count PaketDelilSorgula)" -eq 0 ] || fail "evidence polled before it was due"

# One package due, new evidence for it and for one not due: only the due
# one is asked, its new item stored, and its schedule starts again.
row() { kenv_sql "SELECT p.id, q.kep_sira_no FROM packages p JOIN package_seq q ON q.package_id = p.id WHERE p.folder = 'OUTBOX' AND p.id NOT IN (SELECT package_id FROM evidence_final) ORDER BY p.id LIMIT 1 OFFSET $1"; }
set -- $(row 0); due_id=$1 due_sira=$2
set -- $(row 1); wait_id=$1 wait_sira=$2
for s in "$due_sira" "$wait_sira"; do
	kenv_add_evidence evidence "$s" 40
done
sql_write "UPDATE evidence_polls SET due_at = 0, interval_ms = 3600000 WHERE package_id = $due_id"
evidence_of() { kenv_sql "SELECT count(*) FROM evidence WHERE package_id = $1"; }
before_due=$(evidence_of "$due_id"); before_wait=$(evidence_of "$wait_id")
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
[ "$(count PaketDelilSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "$(count PaketDelilSorgula) evidence listings, 1 (the due package) expected"; }
[ "$(requests)" -le 5 ] || { cat "$KEPSIM_REQ"; fail "$(requests) requests: more than 3 + the due package's listing and download"; }
[ "$(evidence_of "$due_id")" -eq $((before_due + 1)) ] || fail "the due package's new evidence was not stored"
[ "$(evidence_of "$wait_id")" -eq "$before_wait" ] || fail "a package not due was polled"
[ "$(kenv_sql "SELECT interval_ms FROM evidence_polls WHERE package_id = $due_id")" = 300000 ] \
	|| fail "new evidence did not start the schedule again"

# Due again with nothing new: the interval doubles, capped at a day.
sql_write "UPDATE evidence_polls SET due_at = 0 WHERE package_id = $due_id"
expect_exit 0 "$KEPAGENT" refresh
[ "$(kenv_sql "SELECT interval_ms FROM evidence_polls WHERE package_id = $due_id")" = 600000 ] \
	|| fail "a poll that brought nothing did not double the interval"
sql_write "UPDATE evidence_polls SET due_at = 0, interval_ms = 72000000 WHERE package_id = $due_id"
expect_exit 0 "$KEPAGENT" refresh
[ "$(kenv_sql "SELECT interval_ms FROM evidence_polls WHERE package_id = $due_id")" = 86400000 ] \
	|| fail "the interval grew beyond a day"
# The package not due gets its evidence once it is.
sql_write "UPDATE evidence_polls SET due_at = 0 WHERE package_id = $wait_id"
expect_exit 0 "$KEPAGENT" refresh
[ "$(evidence_of "$wait_id")" -eq $((before_wait + 1)) ] || fail "a package's evidence was not fetched once it was due"

# A follow-up that failed (an item the provider cannot give) is due again
# on the next run, however long its interval.
kenv_add_evidence evidence "$due_sira" 20
ev=$(ls -t "$ACC"/OUTBOX/"$due_sira"/delil/*.json | head -n 1)
mv "$(dirname "$ev")/$(kenv_json "$ev" file)" "$T/held-delil"
sql_write "UPDATE evidence_polls SET due_at = 0 WHERE package_id = $due_id"
expect_exit 1 "$KEPAGENT" refresh
: >"$KEPSIM_REQ"
expect_exit 1 "$KEPAGENT" refresh
[ "$(count PaketDelilSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "a failed follow-up was not tried again on the next run"; }
mv "$T/held-delil" "$(dirname "$ev")/$(kenv_json "$ev" file)"
expect_exit 0 "$KEPAGENT" refresh
kenv_check_store
exit 0
