#!/bin/sh
# kepagent archive: packages synced from kepsim, some made old; retention
# off refuses; --dry-run changes nothing; a run moves exactly the old
# packages' content into a ZIP whose entries are byte-identical to what the
# store held, keeps metadata, digests and all evidence, writes audit lines;
# a rerun does nothing; an archive that cannot be written changes nothing.
. "$top_srcdir/tests/lib.sh"
[ -f "$top_srcdir/tests/kepsim-env.sh" ] || skip "tests/kepsim-env.sh is missing"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox
kenv_start sim --delay-ms 0
kenv_config
expect_exit 0 "$KEPAGENT" refresh
kenv_stop
[ "$(kenv_sql "SELECT count(*) FROM packages")" -eq 7 ] || fail "sync did not store 7 packages"
n_ev=$(kenv_sql "SELECT count(*) FROM evidence")
[ "$n_ev" -gt 0 ] || fail "no evidence stored"
sql_write() {
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$STORE" "$1"
}
ev_sum() { kenv_sql "SELECT count(*), sum(length(raw)), group_concat(hex(raw_sha256)) FROM evidence"; }
ev_before=$(ev_sum)

# Retention is off by default: refused, nothing done.
expect_exit 3 "$KEPAGENT" archive
expect_grep 'retention is not configured' "$T/err"

# Received packages become old (stored in 2010); sent ones stay recent.
sql_write "UPDATE packages SET stored_at = 1262304000000 WHERE folder = 'INBOX'"
printf 'retention:\n  archive_after_years: 10\n  archive_dir: %s/archive\n' "$T" >>"$KEPAGENT_CONFIG"
old_ids=$(kenv_sql "SELECT id FROM packages WHERE folder = 'INBOX' ORDER BY id" | tr '\n' ' ')

# The digests of the content as stored, computed from the bytes themselves.
# The originals are held as ranges of their packages (schema v16), so their
# archive entries are read from the package's raw content.
[ "$(kenv_sql "SELECT count(*) FROM part_ranges")" -ge 4 ] || fail "no part held as a range"
digests() {
	python3 - "$STORE" <<'PY'
import hashlib, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for pid, raw in c.execute("SELECT id, raw FROM packages ORDER BY id"):
    print("p", pid, hashlib.sha256(raw).hexdigest(), len(raw))
# part_bytes: a part held as a range of its package (schema v16) too.
for qid, content in c.execute("SELECT id, content FROM part_bytes ORDER BY id"):
    print("q", qid, hashlib.sha256(content).hexdigest(), len(content))
PY
}
digests >"$T/before"

# Dry run: lists the four, changes nothing.
expect_exit 0 "$KEPAGENT" archive --dry-run
expect_grep '^would archive 4 package\(s\)' "$T/out"
[ "$(grep -c '^would archive package ' "$T/out")" -eq 4 ] || fail "dry run: not one line per package"
[ ! -e "$T/archive" ] || fail "dry run created the archive directory"
digests | cmp -s - "$T/before" || fail "dry run changed content"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'archive'")" -eq 0 ] || fail "dry run audited"

# The run.
expect_exit 0 "$KEPAGENT" archive --json
python3 - "$T/out" "$STORE" "$T/before" "$old_ids" <<'PY' || fail "archive run"
import hashlib, json, sqlite3, sys, zipfile
rep = json.load(open(sys.argv[1]))
c = sqlite3.connect(sys.argv[2])
before = {}
for line in open(sys.argv[3]):
    kind, rid, digest, size = line.split()
    before[(kind, int(rid))] = (digest, int(size))
old = sorted(int(i) for i in sys.argv[4].split())
assert rep["ok"] and not rep["dryRun"], rep
assert rep["archived"] == 4 and rep["failed"] == 0, rep
assert sorted(p["id"] for p in rep["packages"]) == old, rep["packages"]
assert len(rep["archives"]) == 1, rep["archives"]
path = rep["archives"][0]
z = zipfile.ZipFile(path)
assert z.testzip() is None
man = json.loads(z.read("manifest.json"))
assert sorted(p["id"] for p in man["packages"]) == old, man
for p in man["packages"]:
    data = z.read(p["entry"])
    # byte-identical to what the store held, and to its recorded digest
    assert (hashlib.sha256(data).hexdigest(), len(data)) == before[("p", p["id"])], p
    row = c.execute("SELECT length(raw), raw_size, hex(raw_sha256), archived_to, archive_entry"
                    " FROM packages WHERE id = ?", (p["id"],)).fetchone()
    assert row[0] == 0 and row[1] == len(data), row
    assert row[2].lower() == p["sha256"] and row[3] == path and row[4] == p["entry"], row
    assert p["parts"], p
    for q in p["parts"]:
        data = z.read(q["entry"])
        assert (hashlib.sha256(data).hexdigest(), len(data)) == before[("q", q["id"])], q
        row = c.execute("SELECT length(content), archived_to FROM parts WHERE id = ?",
                        (q["id"],)).fetchone()
        assert row == (0, path), row
# Recent packages and their parts keep their content.
for pid, size, to in c.execute("SELECT id, length(raw), archived_to FROM packages"
                               " WHERE folder <> 'INBOX'"):
    assert to is None and (before[("p", pid)][1] == size), (pid, size)
assert c.execute("SELECT count(*) FROM parts p JOIN packages k ON k.id = p.package_id"
                 " WHERE k.folder <> 'INBOX' AND p.archived_to IS NOT NULL").fetchone()[0] == 0
# One audit line per package, naming the archive.
rows = c.execute("SELECT object, detail, actor FROM audit_log WHERE action = 'archive'").fetchall()
assert sorted(int(r[0]) for r in rows) == old, rows
assert all(r[1].startswith(path + " ") and r[2] == "retention" for r in rows), rows
PY
[ "$(ev_sum)" = "$ev_before" ] || fail "evidence changed"
[ "$(ls "$T/archive" | wc -l)" -eq 1 ] || { ls -la "$T/archive"; fail "stray files in the archive directory"; }
[ "$(stat -c %a "$T/archive"/kepagent-archive-*.zip)" = 600 ] || fail "archive is not private"

# A rerun finds nothing to do.
expect_exit 0 "$KEPAGENT" archive
expect_grep '^archived 0 package\(s\)' "$T/out"
[ "$(ls "$T/archive" | wc -l)" -eq 1 ] || fail "a rerun wrote another archive"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'archive'")" -eq 4 ] || fail "rerun audited"

# An archive directory that cannot be used: the sent packages, now old too,
# keep their content and nothing is recorded.
sql_write "UPDATE packages SET stored_at = 1262304000000"
digests >"$T/before2"
: >"$T/blocker"
sed -i "s|archive_dir: .*|archive_dir: $T/blocker/archive|" "$KEPAGENT_CONFIG"
expect_exit 1 "$KEPAGENT" archive
expect_grep 'cannot create archive directory' "$T/err"
digests | cmp -s - "$T/before2" || fail "a failed run changed content"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'archive'")" -eq 4 ] || fail "failed run audited"
[ "$(ev_sum)" = "$ev_before" ] || fail "evidence changed"
