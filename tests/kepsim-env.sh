# tests/kepsim-env.sh: a kepsim world for acceptance tests: the test PKI
# (made once per build tree and cached, since mkpki.sh takes seconds), a
# generated mailbox, kepsim on loopback HTTPS, and a kepagent configuration
# pointing at it. Source after tests/lib.sh. Reused by the sync, daemon and
# API tests.
#
#   kenv_mailbox [kepsim-gen options]   generate $MB (default --seed 7 --received 4 --sent 3 --faults none)
#   kenv_start [--http] NAME [kepsim options]
#                                       start kepsim on $KENV_MAILBOX (default $MB) with
#                                       contrib/kepsim/launch.sh; sets URL, KEPSIM_PID,
#                                       KEPSIM_REQ (requests logged to $T/NAME.req),
#                                       KEPSIM_HPORT with --http (CRL/OCSP over HTTP)
#   kenv_stop [--clean]                 stop it; --clean: it must exit 0 with no sanitizer report
#   kenv_add_package FOLDER             new mail dated now (kepsim-gen add); sets KENV_SIRA
#   kenv_add_evidence KIND SIRA CODE [FAULT]
#                                       a delil (KIND evidence) or delil mail (evidence-mail)
#                                       of code CODE for OUTBOX package SIRA, forged by FAULT
#                                       (a kepsim-gen fault; none: genuine); answer in $T/addev.log
#   kenv_move_delils FROM TO            the delils of OUTBOX package FROM listed under TO
#   kenv_date_now META                  a package's meta.json dated now, as new mail is
#   kenv_eimza_token ID                 the account's e-imza card on SoftHSM2 (needs
#                                       tests/softhsm-lib.sh); sets KENV_EIMZA, KENV_EIMZA_OTHER
#   kenv_config [YAML lines]            write $KEPAGENT_CONFIG for account "acct" (extra
#                                       lines are appended to the account, 4-space indented)
#   kenv_json FILE KEY                  a JSON value (lists one per line)
#   kenv_sql SQL                        run SQL on the store, rows as tab-separated lines
# Settings (environment, before kenv_config): KENV_ACK (on-import), KENV_LOGIN (base).
. "$top_srcdir/tests/kepsim-pki.sh"
. "$top_srcdir/contrib/kepsim/launch.sh"
KEPSIM=$top_builddir/contrib/kepsim/kepsim
KEPSIM_GEN=$top_builddir/contrib/kepsim/kepsim-gen
[ -x "$KEPSIM" ] || skip "kepsim is not built"
[ -x "$KEPSIM_GEN" ] || skip "kepsim-gen is not built"
command -v python3 >/dev/null || skip "python3 is missing"

MB=$T/mb
STORE=$T/store/kepagent.db
KEPAGENT_CONFIG=$T/kepagent.yaml
export KEPAGENT_CONFIG
# Back-off stays short so fault tests are quick.
KEPAGENT_RETRY_BASE_MS=${KEPAGENT_RETRY_BASE_MS:-5}
export KEPAGENT_RETRY_BASE_MS

kenv_json() {
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print("\n".join(map(str, v)) if isinstance(v, list) else v)' "$@"
}

kenv_mailbox() {
	kenv_pki
	[ $# -gt 0 ] || set -- --seed 7 --received 4 --sent 3 --faults none
	"$KEPSIM_GEN" --pki "$KENV_PKI" --out "$MB" "$@" >"$T/gen.log" 2>&1 \
		|| { cat "$T/gen.log"; fail "kepsim-gen"; }
	ACC=$(ls -d "$MB"/accounts/*/ | head -n 1)
	ACC=${ACC%/}
	HESAP=$(kenv_json "$ACC/account.json" kepHesap)
}

kenv_start() {
	_http=
	if [ "$1" = --http ]; then _http=--http; shift; fi
	_name=$1; shift
	kepsim_launch $_http "$T" "$_name" "${KENV_MAILBOX:-$MB}" "$@" || fail "kepsim $_name"
	on_exit "kill $KEPSIM_PID 2>/dev/null || true"
	KEPSIM_REQ=$T/$_name.req
}

# kenv_date_now META: new mail is dated now, as a provider dates it
# (kepsim-gen add dates it by its sequence number, in the generator's past).
kenv_date_now() {
	python3 - "$1" <<'PY'
import json, os, sys, time
p = sys.argv[1]
m = json.load(open(p))
m["tarih"] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())  # FORMAT.md: UTC
open(p + ".tmp", "w").write(json.dumps(m))
os.rename(p + ".tmp", p)
PY
}

kenv_add_package() {
	"$KEPSIM_GEN" add --mailbox "$MB" --account "$HESAP" --folder "$1" >"$T/add.log" 2>&1 \
		|| { cat "$T/add.log"; fail "kepsim-gen add"; }
	kenv_date_now "$MB/accounts/$(awk '{print $2}' "$T/add.log")/meta.json"
	KENV_SIRA=$(awk -F/ '{print $NF}' "$T/add.log")
}

kenv_add_evidence() {
	_kind=$1 _sira=$2 _code=$3 _fault=${4:-none}
	set -- --delil-tur-id "$_code"
	[ "$_fault" = none ] || set -- "$@" --fault "$_fault"
	"$KEPSIM_GEN" add --mailbox "$MB" --account "$HESAP" --folder OUTBOX --kind "$_kind" \
		--kep-sira-no "$_sira" "$@" >"$T/addev.log" 2>&1 \
		|| { cat "$T/addev.log"; fail "kepsim-gen add --kind $_kind $*"; }
}

# kenv_eimza_token ID: a SoftHSM2 token "eimza" (PIN 4321, in $T/pin) with
# the account's e-imza key and certificate under CKA_ID ID and those of the
# other hierarchy (another person's card) under 02, each labelled by its
# hierarchy; KENV_EIMZA is the account's label (rsa or ec), KENV_EIMZA_OTHER
# the other one.
kenv_eimza_token() {
	hsm_init eimza 4321
	KENV_EIMZA=$(basename "$(kenv_json "$ACC/account.json" eimza_cert)" -cert.pem)
	KENV_EIMZA_OTHER=rsa
	[ "$KENV_EIMZA" != rsa ] || KENV_EIMZA_OTHER=ec
	hsm_import eimza 4321 "$MB/pki/eimza/$KENV_EIMZA-key.der" "$MB/pki/eimza/$KENV_EIMZA-cert.der" \
		"$1" "$KENV_EIMZA"
	hsm_import eimza 4321 "$MB/pki/eimza/$KENV_EIMZA_OTHER-key.der" \
		"$MB/pki/eimza/$KENV_EIMZA_OTHER-cert.der" 02 "$KENV_EIMZA_OTHER"
	hsm_pin_file "$T/pin" 4321
}

# kenv_move_delils FROM TO: as a provider that files a delil under another
# message: the delils of OUTBOX package FROM listed under package TO.
kenv_move_delils() {
	python3 - "$ACC/OUTBOX/$1/delil" "$ACC/OUTBOX/$2/delil" <<'PY'
import json, os, sys
src, dst = sys.argv[1:3]
os.makedirs(dst, exist_ok=True)
for f in os.listdir(src):
    if f.endswith(".json"):
        j = json.load(open(os.path.join(src, f)))
        os.rename(os.path.join(src, j["file"]), os.path.join(dst, j["file"]))
        os.rename(os.path.join(src, f), os.path.join(dst, f))
PY
}

kenv_stop() { kepsim_stop "$@" || fail "kepsim"; }

kenv_config() {
	mkdir -p "$T/store"
	chmod 700 "$T/store"
	python3 "$top_srcdir/contrib/kepsim/kepconf.py" --dir "$T" --account "$ACC/account.json" \
		--pki "$MB/pki" --endpoint "$URL" --ack-policy "${KENV_ACK:-on-import}" \
		--login "${KENV_LOGIN:-base}" -- "$@" || fail "kepconf.py"
}

# kenv_import [N]: EBYS imports N (default: every) pending queue item as it
# would: claims with `kepagent queue claim` and acks each with its lease.
kenv_import() {
	"$KEPAGENT" queue claim --count "${1:-100}" --json >"$T/claim.json" 2>"$T/claim.err" \
		|| { cat "$T/claim.err"; fail "queue claim"; }
	python3 -c 'import json,sys
for i in json.load(open(sys.argv[1]))["items"]: print(i["id"], i["lease"])' "$T/claim.json" |
	while read -r id lease; do
		"$KEPAGENT" queue ack "$id" --lease "$lease" >/dev/null 2>"$T/ack.err" \
			|| { cat "$T/ack.err"; fail "queue ack $id"; }
	done
}

kenv_sql() {
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1])
for r in c.execute(sys.argv[2]): print("\t".join("" if v is None else str(v) for v in r))' "$STORE" "$1"
}

# kenv_check_store: every package and evidence item of the mailbox is stored
# exactly once with the mailbox's bytes; the queue and evidence hold no
# duplicates; no package was acknowledged before it was stored.
kenv_check_store() {
	python3 - "$STORE" "$ACC" "$MB/state/acks.jsonl" <<'PY' || fail "store check"
import hashlib, json, os, sqlite3, sys
db, acc, acks = sys.argv[1:4]
c = sqlite3.connect(db)
bad = []
def sha(p): return hashlib.sha256(open(p, "rb").read()).digest()
want_pkgs = want_ev = 0
for folder in sorted(os.listdir(acc)):
    fd = os.path.join(acc, folder)
    if not os.path.isdir(fd): continue
    for sira in os.listdir(fd):
        pd = os.path.join(fd, sira)
        if not os.path.isfile(os.path.join(pd, "meta.json")): continue
        want_pkgs += 1
        meta = json.load(open(os.path.join(pd, "meta.json")))
        rows = c.execute("SELECT id, raw_sha256, length(raw) FROM packages WHERE folder=? AND kep_id=?", (folder, meta["kepId"])).fetchall()
        if len(rows) != 1: bad.append("%s/%s stored %d times" % (folder, sira, len(rows))); continue
        if rows[0][1] != sha(os.path.join(pd, "package.eml")): bad.append("%s/%s sha256 differs" % (folder, sira))
        dd = os.path.join(pd, "delil")
        for j in (sorted(os.listdir(dd)) if os.path.isdir(dd) else []):
            if not j.endswith(".json"): continue
            want_ev += 1
            d = json.load(open(os.path.join(dd, j)))
            ev = c.execute("SELECT package_id, raw_sha256 FROM evidence WHERE delil_id=?", (d["delilId"],)).fetchall()
            if len(ev) != 1: bad.append("evidence %s stored %d times" % (d["delilId"], len(ev))); continue
            if ev[0][0] != rows[0][0]: bad.append("evidence %s not linked to its package" % d["delilId"])
            if ev[0][1] != sha(os.path.join(dd, d["file"])): bad.append("evidence %s sha256 differs" % d["delilId"])
n = c.execute("SELECT count(*) FROM packages").fetchone()[0]
if n != want_pkgs: bad.append("%d packages stored, mailbox has %d" % (n, want_pkgs))
dup = c.execute("SELECT count(*) - count(DISTINCT package_id) FROM import_queue").fetchone()[0]
if dup: bad.append("queue has %d duplicates" % dup)
q = c.execute("SELECT count(*) FROM import_queue").fetchone()[0]
inbox = c.execute("SELECT count(*) FROM packages WHERE folder='INBOX'").fetchone()[0]
# A delil mail whose KEPHS signature verifies is evidence, never queued
# (evidence_mails, schema 15); one that is not verified stays queued.
ev_mails = c.execute("SELECT p.id, p.verdict, (SELECT count(*) FROM import_queue q WHERE q.package_id = p.id) "
                     "FROM evidence_mails m JOIN packages p ON p.id = m.package_id WHERE m.is_evidence = 1").fetchall()
for pid, verdict, queued in ev_mails:
    if verdict not in ("valid", "revocation-unknown"): bad.append("package %d kept out of the queue as evidence, but %s" % (pid, verdict))
    if queued: bad.append("evidence mail %d is in the import queue" % pid)
if q != inbox - len(ev_mails): bad.append("queue has %d items for %d received packages (%d of them evidence mails)" % (q, inbox, len(ev_mails)))
dup = c.execute("SELECT count(*) - count(DISTINCT delil_id) FROM evidence").fetchone()[0]
if dup: bad.append("evidence has %d duplicates" % dup)
if os.path.exists(acks):
    for line in open(acks):
        a = json.loads(line)
        r = c.execute("SELECT stored_at FROM packages WHERE kep_id=?", (a["kepId"],)).fetchone()
        if r is None: bad.append("acknowledged %s is not stored" % a["kepId"])
if bad:
    print("\n".join(bad)); sys.exit(1)
print("store ok: %d packages, %d evidence" % (want_pkgs, want_ev))
PY
}
