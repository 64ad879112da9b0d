#!/bin/sh
# kepagent refresh against kepsim: a full first sync (every package and
# evidence item stored once, bytes identical to the mailbox), a second sync
# that downloads nothing, an incremental sync that fetches only new mail,
# evidence that arrives later, --json, on-store acknowledgements, and a
# concurrent refresh of the same account refused as busy (exit 7).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox
kenv_start sim --delay-ms 0
kenv_config
count() { grep -c "\"op\":\"$1\"" "$KEPSIM_REQ" || true; }

# Full first sync.
expect_exit 0 "$KEPAGENT" refresh
expect_grep '^acct: 7 new package\(s\), 7 new evidence item\(s\)' "$T/out"
expect_grep '^acct INBOX: 4 package\(s\) listed$' "$T/err"
expect_grep '^acct INBOX: 4/4 examined, 4 new, [0-9]+ evidence, 0 flagged, [0-9]+\.[0-9] MB at [0-9]+\.[0-9] MB/s$' "$T/err"
kenv_check_store
[ "$(count Indir)" -eq 7 ] || fail "first sync: $(count Indir) Indir calls, expected 7"
[ "$(kenv_sql "SELECT count(*) FROM sync_state")" -eq 2 ] || fail "sync state not recorded"
# Received packages queued, sent ones not; verdicts stored with their checks.
[ "$(kenv_sql "SELECT count(*) FROM import_queue q JOIN packages p ON p.id=q.package_id WHERE p.folder='INBOX'")" -eq 4 ] || fail "queue"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE verdict IS NULL")" -eq 0 ] || fail "unverified package"
[ "$(kenv_sql "SELECT count(*) FROM verification_results WHERE check_name='evidence-digest' AND verdict='valid'")" -eq 7 ] \
	|| fail "evidence digests not checked against the stored originals"
# on-import: nothing acknowledged yet (EBYS has imported nothing).
[ ! -s "$MB/state/acks.jsonl" ] || fail "acknowledged before EBYS imported"

# Nothing new: no download at all.
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
expect_grep '^acct: 0 new package\(s\), 0 new evidence item\(s\)' "$T/out"
[ "$(count Indir)" -eq 0 ] && [ "$(count PaketDelilIndir)" -eq 0 ] || { cat "$KEPSIM_REQ"; fail "a sync with nothing new downloaded"; }
# The sent folder is listed in the normal window only (evidence of older
# sent packages is followed from the store), not initial_days back again.
python3 - "$T/err" <<'PY' || fail "the sent folder was listed far back again"
import re, sys, time, calendar
m = re.search(r"OUTBOX: listing (\S+) \.\. (\S+)", open(sys.argv[1]).read())
start = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%SZ"))
end = calendar.timegm(time.strptime(m.group(2), "%Y-%m-%dT%H:%M:%SZ"))
assert 0 <= end - start < 2 * 86400, m.group(0)
PY

# New mail and evidence arriving later: only those are fetched.
kenv_add_package INBOX
kenv_add_evidence evidence 2 20
# Its evidence is polled when due (the schedule: tests/refresh-idle.sh): now.
python3 -c 'import sqlite3,sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE evidence_polls SET due_at = 0"); c.commit()' "$STORE"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
python3 - "$T/out" <<'PY' || fail "--json summary"
import json, sys
o = json.load(open(sys.argv[1]))
a = o["accounts"][0]
assert o["ok"] and a["ok"], o
assert a["new_packages"] == 1 and a["new_evidence"] == 1, a
assert a["inbox"] == "INBOX" and a["sent"] == "OUTBOX" and a["failures"] == [], a
PY
[ "$(count Indir)" -eq 1 ] && [ "$(count PaketDelilIndir)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "incremental sync fetched more than the new items"; }
kenv_check_store

# on-import: once EBYS acknowledged the import, the next sync sends AlindiOnay.
kenv_import 1
expect_exit 0 "$KEPAGENT" refresh
expect_grep '1 acknowledged' "$T/out"
[ "$(wc -l <"$MB/state/acks.jsonl")" -eq 1 ] || fail "expected one AlindiOnay"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE provider_ack='done'")" -eq 1 ] || fail "ack not recorded"
expect_exit 0 "$KEPAGENT" refresh
[ "$(wc -l <"$MB/state/acks.jsonl")" -eq 1 ] || fail "acknowledged twice"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action='package.acknowledged'")" -eq 1 ] || fail "audit"
kenv_stop

# Busy: a slow sync holds the account; a second refresh exits 7 at once.
rm -rf "$T/store"
kenv_start slow --delay-ms 150
kenv_config
"$KEPAGENT" refresh >"$T/slow.out" 2>"$T/slow.err" &
SLOW=$!
on_exit "kill $SLOW 2>/dev/null || true"
i=0
until grep -q 'logged in' "$T/slow.err"; do
	i=$((i + 1)); [ $i -lt 100 ] || { cat "$T/slow.err"; fail "slow refresh did not log in"; }
	sleep 0.1
done
expect_exit 7 "$KEPAGENT" refresh --account acct
expect_grep 'being synced by another process' "$T/err"
wait $SLOW || fail "the first refresh failed"
kenv_check_store
