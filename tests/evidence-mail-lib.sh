# tests/evidence-mail-lib.sh: delil mails (kep-domain.md §4) for the
# evidence-mail tests: added to the kepsim mailbox, remembered, and checked
# in the store and in kepsim's request log. Source after tests/kepsim-env.sh.
#
#   evm_add FAULT SIRA CODE   a delil mail of code CODE for OUTBOX package SIRA
#                             in INBOX, dated now; FAULT none (genuine, its KEPHS
#                             signature verifies) or a kepsim-gen fault
#                             (envelope-by-eimza: a forged carrier); remembered
#                             in $T/evm; sets EVM_KEP (the mail's kepId), EVM_DELIL
#   evm_forget                forget the mails remembered so far (a new mailbox)
#   evm_check POLICY REQLOG   every remembered mail as the rules say, for ack_policy
#                             POLICY, with REQLOG the request log of the kepsim
#                             that served the store's refreshes: stored once,
#                             byte-exact, its delil stored once and linked to it,
#                             nothing pending; a genuine one never queued, a forged
#                             one queued once with its verdict; the provider
#                             acknowledgement (AlindiOnay in REQLOG) exactly when
#                             ack_policy.h makes it due: on-import, a genuine one
#                             when stored and a forged one only after EBYS acked
#                             its queue item; on-store, every one; never, none.
#                             At most one AlindiOnay each, but for the kepIds in
#                             $T/evm-resent (a kill between the provider's answer
#                             and its record: sent again, at most twice).
#   evm_row KEP               the carrier's row: package id, provider_ack,
#                             evidence_mails.evidence_id ('' when pending or none),
#                             times queued (tab-separated; empty when not stored)
#   evm_acks REQLOG KEP       the AlindiOnay requests for KEP in REQLOG

evm_add() {
	kenv_add_evidence evidence-mail "$2" "$3" "$1"
	set -- "$1" $(cat "$T/addev.log")
	[ "$2" = evidence-mail ] || fail "kepsim-gen add said: $(cat "$T/addev.log")"
	kenv_date_now "$MB/accounts/$3/meta.json"
	EVM_DELIL=$4
	EVM_KEP=$(kenv_json "$MB/accounts/$3/meta.json" kepId)
	echo "$1 $EVM_KEP $EVM_DELIL $MB/accounts/$3" >>"$T/evm"
}

evm_forget() { rm -f "$T/evm" "$T/evm-resent"; }

evm_row() {
	kenv_sql "SELECT p.id, p.provider_ack, IFNULL(m.evidence_id, ''),
	  (SELECT count(*) FROM import_queue q WHERE q.package_id = p.id)
	  FROM packages p LEFT JOIN evidence_mails m ON m.package_id = p.id
	  WHERE p.kep_id = '$1' AND p.folder = 'INBOX'"
}

evm_acks() { grep '"op":"AlindiOnay"' "$1" | grep -F "\"kepId\":\"$2\"" || true; }

evm_check() {
	touch "$T/evm-resent"
	python3 - "$STORE" "$1" "$2" "$T/evm" "$T/evm-resent" <<'PY' || fail "evidence mails ($1)"
import hashlib, json, sqlite3, sys
db, policy, reqlog, mails, resent = sys.argv[1:6]
c = sqlite3.connect(db)
resent = set(open(resent).read().split())
acks = {}
for line in open(reqlog):
    r = json.loads(line)
    if r.get("op") == "AlindiOnay":
        acks[r.get("kepId")] = acks.get(r.get("kepId"), 0) + 1
bad = []
n = 0
for line in open(mails):
    fault, kep, delil, d = line.split()
    n += 1
    genuine = fault == "none"
    what = "%s mail %s" % ("genuine" if genuine else fault, kep)
    rows = c.execute("SELECT id, raw_sha256, provider_ack, verdict FROM packages"
                     " WHERE kep_id = ? AND folder = 'INBOX'", (kep,)).fetchall()
    if len(rows) != 1:
        bad.append("%s stored %d times" % (what, len(rows))); continue
    pid, sha, ack, pverdict = rows[0]
    if sha != hashlib.sha256(open(d + "/package.eml", "rb").read()).digest():
        bad.append("%s not stored byte-exact" % what)
    em = c.execute("SELECT is_evidence, evidence_id FROM evidence_mails WHERE package_id = ?",
                   (pid,)).fetchall()
    if len(em) != 1:
        bad.append("%s has %d evidence_mails rows" % (what, len(em))); continue
    is_ev, eid = em[0]
    if is_ev != (1 if genuine else 0):
        bad.append("%s is_evidence %d" % (what, is_ev))
    if eid is None:
        bad.append("%s: its delil extraction is still pending" % what)
    ev = c.execute("SELECT id, verdict FROM evidence WHERE delil_id = ?", (delil,)).fetchall()
    if len(ev) != 1:
        bad.append("%s: delil %s stored %d times" % (what, delil, len(ev))); continue
    if eid is not None and eid != ev[0][0]:
        bad.append("%s linked to evidence %d, not %d" % (what, eid, ev[0][0]))
    ok = ev[0][1] in ("valid", "revocation-unknown")
    if ok != genuine:
        bad.append("%s: its delil is %s" % (what, ev[0][1]))
    if genuine != (pverdict in ("valid", "revocation-unknown")):
        bad.append("%s: the carrier is %s" % (what, pverdict))
    q = c.execute("SELECT state, (SELECT verdict FROM packages WHERE id = package_id)"
                  " FROM import_queue WHERE package_id = ?", (pid,)).fetchall()
    if genuine and q:
        bad.append("%s is in the import queue (%s)" % (what, q))
    if not genuine and len(q) != 1:
        bad.append("%s queued %d times" % (what, len(q)))
    imported = len(q) == 1 and q[0][0] == "acked"
    due = {"never": False, "on-store": True,
           "on-import": genuine or imported}[policy]
    sent = acks.get(kep, 0)
    if due and ack != "done":
        bad.append("%s: provider_ack %s, expected done" % (what, ack))
    if not due and ack != "none":
        bad.append("%s: provider_ack %s, expected none" % (what, ack))
    if due and sent == 0:
        bad.append("%s: no AlindiOnay sent" % what)
    if not due and sent != 0:
        bad.append("%s: %d AlindiOnay sent, none due" % (what, sent))
    if sent > (2 if kep in resent else 1):
        bad.append("%s: %d AlindiOnay sent" % (what, sent))
pend = c.execute("SELECT count(*) FROM evidence_mails WHERE evidence_id IS NULL").fetchone()[0]
if pend:
    bad.append("%d evidence mails pending" % pend)
for t, col in (("evidence", "delil_id"), ("import_queue", "package_id"),
               ("evidence_mails", "package_id")):
    dup = c.execute("SELECT count(*) - count(DISTINCT %s) FROM %s" % (col, t)).fetchone()[0]
    if dup:
        bad.append("%s has %d duplicate rows" % (t, dup))
dup = c.execute("SELECT count(*) FROM (SELECT 1 FROM packages GROUP BY folder, kep_id"
                " HAVING count(*) > 1)").fetchone()[0]
if dup:
    bad.append("%d packages stored twice" % dup)
if bad:
    print("\n".join(bad)); sys.exit(1)
print("%d evidence mails ok (%s)" % (n, policy))
PY
}
