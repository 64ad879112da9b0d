#!/bin/sh
# Delil mails stored before kepagent recognised them (schema < 15: stored
# as ordinary received packages, queued for EBYS, their delil never
# extracted): the upgrade marks the stored packages (schema 18) and the next
# refresh judges them as it judges a new one. The honest one becomes
# verified evidence (out of the import queue, acknowledged under on-import,
# its delil stored and counted); a forged one (its envelope signed by an
# e-imza) stays queued as ordinary mail, its delil stored with a verdict
# that does not count. Also: a delil mail stored before its package is
# judged again once the package is stored, and the new judgement replaces
# the old checks (one row per check, not two).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/evidence-mail-lib.sh"

kenv_mailbox --seed 29 --received 1 --sent 0 --faults none
kenv_start sim --delay-ms 0
kenv_config
for f in none envelope-by-eimza; do
	kenv_add_package OUTBOX
	echo "$f $KENV_SIRA $(kenv_json "$ACC/OUTBOX/$KENV_SIRA/meta.json" kepId)" >>"$T/cases"
done
expect_exit 0 "$KEPAGENT" refresh
while read -r f sira kep; do
	evm_add "$f" "$sira" 10
	echo "$f $kep $EVM_DELIL $EVM_KEP" >>"$T/mails"
done <"$T/cases"
# A sent package and its delil mail in one run: the mail (INBOX first) is
# stored before the package, its digest unchecked, and judged again.
kenv_add_package OUTBOX
evm_add none "$KENV_SIRA" 10
same_delil=$EVM_DELIL
expect_exit 0 "$KEPAGENT" refresh
STORE=$T/store/kepagent.db

# --- re-judgement replaces: the delil stored before its package was judged
# again, and holds one row per check.
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'evidence.rejudged' AND object = '$same_delil'")" -ge 1 ] ||
	fail "re-judgement: $same_delil was not judged again ($(kenv_sql "SELECT verdict_reason FROM evidence WHERE delil_id = '$same_delil'"))"
checks=$(kenv_sql "SELECT check_name, count(*) FROM verification_results v JOIN evidence e ON e.id = v.evidence_id WHERE e.delil_id = '$same_delil' GROUP BY check_name ORDER BY check_name")
echo "$checks" | grep -q '^evidence-digest	' || fail "re-judgement: no evidence-digest check: $checks"
[ -z "$(echo "$checks" | awk -F'\t' '$2 != 1')" ] || fail "re-judgement: checks appended, not replaced: $checks"
case $(kenv_sql "SELECT verdict FROM evidence WHERE delil_id = '$same_delil'") in
valid|revocation-unknown) ;;
*) fail "re-judgement: $same_delil is $(kenv_sql "SELECT verdict || ': ' || verdict_reason FROM evidence WHERE delil_id = '$same_delil'")" ;;
esac
digest=$(kenv_sql "SELECT v.verdict FROM verification_results v JOIN evidence e ON e.id = v.evidence_id WHERE e.delil_id = '$same_delil' AND v.check_name = 'evidence-digest'")
[ "$digest" = valid ] || fail "re-judgement: the digest check is $digest"
echo "re-judgement: one row per check ($(echo "$checks" | tr '\t\n' ': '))"

# --- the store as a kepagent before schema 15 left it: the delil mails are
# ordinary received packages, queued and not acknowledged (on-import), no
# delil extracted; the tables and columns of v15 and later undone.
python3 - "$STORE" <<'PY' || fail "cannot make the v14 store"
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
now = int(time.time() * 1000)
c.execute("BEGIN")
for pid, eid in c.execute("SELECT package_id, evidence_id FROM evidence_mails").fetchall():
    if eid is not None:
        for t, k in (("verification_results", "evidence_id"), ("evidence_seq", "evidence_id"),
                     ("evidence", "id")):
            c.execute("DELETE FROM %s WHERE %s = ?" % (t, k), (eid,))
    c.execute("INSERT OR IGNORE INTO import_queue (package_id, state, created_at, updated_at)"
              " VALUES (?, 'pending', ?, ?)", (pid, now, now))
    c.execute("UPDATE packages SET provider_ack = 'none', provider_ack_time = NULL WHERE id = ?", (pid,))
c.execute("ALTER TABLE evidence RENAME COLUMN kep_sira_no_v16 TO kep_sira_no")
c.execute("UPDATE evidence SET kep_sira_no = (SELECT CAST(COALESCE(q.kep_sira_no, q.kep_sira_no_text) AS TEXT)"
          " FROM evidence_seq q WHERE q.evidence_id = evidence.id)")
c.execute("UPDATE parts SET content = (SELECT content FROM part_bytes b WHERE b.id = parts.id)"
          " WHERE id IN (SELECT part_id FROM part_ranges)")
c.execute("DROP VIEW part_bytes")
c.execute("DROP INDEX audit_outbox_decisions")
for t in ("outbox_decision_keys", "kep_id_reuses", "evidence_mail_unjudged", "evidence_seq", "part_ranges", "evidence_mails"):
    c.execute("DROP TABLE %s" % t)
c.execute("PRAGMA user_version = 14")
c.execute("COMMIT")
PY
[ "$(kenv_sql "SELECT count(*) FROM import_queue q JOIN packages p ON p.id = q.package_id WHERE p.folder = 'INBOX' AND q.state = 'pending'")" = 4 ] ||
	fail "v14 store: $(kenv_sql "SELECT count(*) FROM import_queue") queue items"

# --- upgraded by the next refresh, which judges them.
expect_exit 0 "$KEPAGENT" refresh
[ "$(kenv_sql "PRAGMA user_version")" = 21 ] || fail "upgrade: version $(kenv_sql "PRAGMA user_version")"
[ "$(kenv_sql "SELECT count(*) FROM evidence_mail_unjudged")" = 0 ] || fail "upgrade: packages left unjudged"
grep -q "stored before delil mails were recognised" "$T/err" || fail "upgrade: the refresh did not say what it judged"
while read -r f kep delil mkep; do
	pid=$(kenv_sql "SELECT id FROM packages WHERE kep_id = '$mkep' AND folder = 'INBOX'")
	[ -n "$pid" ] || fail "$f: the carrier is not stored"
	row=$(kenv_sql "SELECT m.is_evidence, e.delil_id, e.verdict, IFNULL(e.package_id, 'none') FROM evidence_mails m LEFT JOIN evidence e ON e.id = m.evidence_id WHERE m.package_id = $pid")
	[ -n "$row" ] || fail "$f: not recognised as a delil mail"
	[ "$(echo "$row" | cut -f2)" = "$delil" ] || fail "$f: the carrier is linked to '$(echo "$row" | cut -f2)', not $delil"
	[ "$(echo "$row" | cut -f4)" = "$(kenv_sql "SELECT id FROM packages WHERE kep_id = '$kep'")" ] ||
		fail "$f: the delil is linked to package $(echo "$row" | cut -f4)"
	[ "$(kenv_sql "SELECT count(*) FROM evidence WHERE delil_id = '$delil'")" = 1 ] || fail "$f: $delil stored more than once"
	verdict=$(echo "$row" | cut -f3)
	reason=$(kenv_sql "SELECT verdict_reason FROM evidence WHERE delil_id = '$delil'")
	queued=$(kenv_sql "SELECT IFNULL((SELECT state FROM import_queue WHERE package_id = $pid), 'none')")
	ack=$(kenv_sql "SELECT provider_ack FROM packages WHERE id = $pid")
	case $f in
	none)
		[ "$(echo "$row" | cut -f1)" = 1 ] || fail "$f: not evidence"
		case $verdict in valid|revocation-unknown) ;; *) fail "$f: the delil is $verdict ($reason)" ;; esac
		[ "$queued" = none ] || fail "$f: verified evidence still in the import queue ($queued)"
		case $ack in due|done) ;; *) fail "$f: evidence not acknowledged under on-import ($ack)" ;; esac
		wstage=10 ;;
	envelope-by-eimza)
		[ "$(echo "$row" | cut -f1)" = 0 ] || fail "$f: a forged carrier taken as evidence"
		case $verdict in valid|revocation-unknown) fail "$f: the delil counted as $verdict" ;; esac
		case $reason in *"carrying message: envelope-signature"*) ;; *) fail "$f: reason $reason" ;; esac
		[ "$queued" = pending ] || fail "$f: the forged carrier left the import queue ($queued)"
		[ "$ack" = none ] || fail "$f: the forged carrier acknowledged ($ack) before EBYS imported it"
		wstage=None ;;
	esac
	expect_exit 0 "$KEPAGENT" status --json "$kep"
	python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
if "results" in j: j = j["results"][0]
assert str(j.get("stage")) == sys.argv[2], ("stage", j.get("stage"))
assert [e["verdict"] for e in j["evidence"]] == [sys.argv[3]], j["evidence"]
assert [e["carrier_package_id"] for e in j["evidence"]] == [int(sys.argv[4])], j["evidence"]' \
		"$T/out" "$wstage" "$verdict" "$pid" || fail "$f: the status lookup: $(cat "$T/out")"
	echo "$f: judged after the upgrade: evidence $(echo "$row" | cut -f1), delil $verdict, queue $queued, ack $ack, stage $wstage"
done <"$T/mails"
# The ordinary received package is no delil mail and stays queued.
[ "$(kenv_sql "SELECT count(*) FROM import_queue q JOIN packages p ON p.id = q.package_id WHERE p.folder = 'INBOX' AND q.package_id NOT IN (SELECT package_id FROM evidence_mails)")" = 1 ] ||
	fail "the ordinary received package is not queued"
# Judged once: a second refresh changes nothing.
before=$(kenv_sql "SELECT count(*) FROM evidence")/$(kenv_sql "SELECT count(*) FROM evidence_mails")/$(kenv_sql "SELECT count(*) FROM verification_results")
expect_exit 0 "$KEPAGENT" refresh
after=$(kenv_sql "SELECT count(*) FROM evidence")/$(kenv_sql "SELECT count(*) FROM evidence_mails")/$(kenv_sql "SELECT count(*) FROM verification_results")
[ "$before" = "$after" ] || fail "the second refresh changed evidence/mails/checks: $before -> $after"
! grep -q "stored before delil mails were recognised" "$T/err" || fail "judged twice"
exit 0
