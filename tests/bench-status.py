#!/usr/bin/env python3
"""Fills a kepagent store (already created by kepagent) with PACKAGES sent
packages and 5 evidence rows each (10, 20, 40, 60 and, for every 7th package,
an unknown code), in one transaction with SQL, and writes SAMPLE random
lookup keys (kepId, OrgMesajId, iletiID, BelgeNo; 5 % unknown) to KEYS.
Usage: bench-status.py STORE PACKAGES SAMPLE KEYS"""
import random, sqlite3, sys, time

store, n, sample, keys_path = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
db = sqlite3.connect(store, isolation_level=None)
db.execute("PRAGMA synchronous = OFF")
t0 = time.time()
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT OR IGNORE INTO accounts (name, address, provider, created_at)"
           " VALUES ('bench', 'bench@hs01.kep.tr', 'ptt', 0)")
acc = db.execute("SELECT id FROM accounts WHERE name = 'bench'").fetchone()[0]
base = 1767603600000
db.execute("""WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
  INSERT INTO packages (account_id, folder, kep_id, org_mesaj_id, message_id,
    sender, sender_kep, subject, received_at, ileti_tip, ileti_id, belge_no, verdict,
    raw_size, raw_sha256, stored_at, raw)
  SELECT ?, 'OUTBOX', '<bench-' || i || '@kep>', '<org-' || i || '@bench>', 'org-' || i || '@bench',
    'bench@hs01.kep.tr', 'bench@hs01.kep.tr', 'bench ' || i, ? + i * 1000, 'eYazisma',
    'EBYS-B-' || i, CASE WHEN i % 2 = 0 THEN 'E-B-' || i END, 'valid', 1, zeroblob(32), 0, X'00'
  FROM s""", (n, acc, base))
# The sequence number of package i is i (its received_at - base in seconds).
db.execute("INSERT INTO package_seq (package_id, kep_sira_no) SELECT id, (received_at - ?) / 1000"
           " FROM packages WHERE account_id = ? AND kep_id LIKE '<bench-%'", (base, acc))
# Evidence is generated from the packages themselves (one pass over them,
# no join back on a computed key).
db.execute("""WITH c(k, code) AS (VALUES (0, 10), (1, 20), (2, 40), (3, 60), (4, 99))
  INSERT INTO evidence (account_id, package_id, kep_id, delil_id, delil_tur_id, event_time, issuer,
    raw_size, raw_sha256, verdict, stored_at, raw)
  SELECT p.account_id, p.id, p.kep_id, 'DLL-' || q.kep_sira_no || '-' || c.k,
    CASE WHEN c.code = 99 AND q.kep_sira_no % 7 <> 0 THEN 41 ELSE c.code END,
    p.received_at + c.k * 60000, 'PTT KEPHS', 1, zeroblob(32), 'valid', 0, X'00'
  FROM packages p JOIN package_seq q ON q.package_id = p.id JOIN c
  WHERE p.account_id = ? AND p.kep_id LIKE '<bench-%'""", (acc,))
db.execute("COMMIT")
# Readers should find the rows in the database file, not in a 250 MB WAL.
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.execute("ANALYZE")
rows = db.execute("SELECT count(*) FROM evidence").fetchone()[0]
print("store: %d packages, %d evidence rows, filled in %.1f s" %
      (db.execute("SELECT count(*) FROM packages").fetchone()[0], rows, time.time() - t0))
rnd = random.Random(1)
with open(keys_path, "w") as f:
    for _ in range(sample):
        i = rnd.randint(1, n)
        kind = rnd.random()
        if kind < 0.05:
            f.write("unknown-%d\n" % i)
        elif kind < 0.35:
            f.write("<bench-%d@kep>\n" % i)
        elif kind < 0.6:
            f.write("<org-%d@bench>\n" % i)
        elif kind < 0.85:
            f.write("EBYS-B-%d\n" % i)
        else:
            f.write("E-B-%d\n" % (i - i % 2 or 2))
