#!/bin/sh
# Status lookup ("KEP Delili Durumu") over the local API and `kepagent status`:
# every stage and failure kepsim generates (10/20/40/60, 11/21/31/41), an
# unknown code shown as unknown, every key kind, unknown keys, batch lookup.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
api_world --seed 5 --received 1 --sent 8 --faults none

# An evidence code the agent does not know (kepsim-gen cannot make one): the
# store keeps it; status lists it as unknown and it never counts as progress.
pkg99=$(kenv_sql "SELECT id FROM packages WHERE folder = 'OUTBOX' ORDER BY id LIMIT 1")
qsql "INSERT INTO evidence (account_id, package_id, kep_id, delil_id, delil_tur_id, event_time,
	issuer, raw_size, raw_sha256, verdict, stored_at, raw)
	SELECT account_id, id, kep_id, 'DLL-UNKNOWN-99', 99, 1767700000000, 'PTT KEPHS', 3,
	zeroblob(32), 'malformed', 1, X'414243' FROM packages WHERE id = $pkg99" >/dev/null

python3 - "$ACC" "$API" "$TOKEN" "$STORE" "$pkg99" "$T" <<'PY' || fail "status lookups"
import json, os, sqlite3, subprocess, sys, urllib.parse
acc, api, token, store, pkg99 = sys.argv[1:6]
LABEL = {10: "Kabul Edildi", 20: "Alıcı KEPHS Kabul Etti", 40: "Teslim Edildi", 60: "Okundu",
         11: "Kabul Edilmedi", 21: "Alıcı KEPHS Reddetti", 31: "Alıcı KEPHS'ye Ulaşılamadı",
         41: "Teslim Edilemedi"}
RANK = {10: 1, 11: 1, 20: 2, 21: 2, 31: 2, 40: 3, 41: 3, 60: 4}
def get(path, body=None):
    cmd = ["curl", "-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + token]
    if body is not None:
        cmd += ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
    out = subprocess.run(cmd + [api + path], capture_output=True, check=True).stdout.decode()
    text, code = out.rsplit("\n", 1)
    return int(code), json.loads(text)
db = sqlite3.connect(store)
bad, seen_codes, keys = [], set(), []
for sira in sorted(os.listdir(os.path.join(acc, "OUTBOX")), key=int):
    pd = os.path.join(acc, "OUTBOX", sira)
    meta = json.load(open(os.path.join(pd, "meta.json")))
    codes = [json.load(open(os.path.join(pd, "delil", f)))["delilTurId"]
             for f in os.listdir(os.path.join(pd, "delil")) if f.endswith(".json")]
    seen_codes.update(codes)
    prog = [c for c in codes if c in (10, 20, 40, 60)]
    fail = [c for c in codes if c in (11, 21, 31, 41)]
    want_stage = max(prog, key=lambda c: RANK[c]) if prog else None
    want_fail = max(fail, key=lambda c: RANK[c]) if fail else None
    pid, ileti, belge, org = db.execute("SELECT id, ileti_id, belge_no, org_mesaj_id FROM packages"
                                        " WHERE folder='OUTBOX' AND kep_id=?", (meta["kepId"],)).fetchone()
    for kind, key in (("kepId", meta["kepId"]), ("iletiID", ileti), ("BelgeNo", belge),
                      ("OrgMesajId", org)):
        if not key:
            continue
        keys.append(key)
        code, j = get("/v1/status/" + urllib.parse.quote(key, safe=""))
        what = "%s %s (%s)" % (kind, key, codes)
        if code != 200 or not j.get("found"):
            bad.append("%s: HTTP %d %s" % (what, code, j)); continue
        if j["package_id"] != pid: bad.append("%s: package %s, want %s" % (what, j["package_id"], pid))
        if j["stage"] != want_stage: bad.append("%s: stage %s, want %s" % (what, j["stage"], want_stage))
        if j["label"] != (LABEL[want_stage] if want_stage else None):
            bad.append("%s: label %r" % (what, j["label"]))
        if j["failure"] != want_fail: bad.append("%s: failure %s, want %s" % (what, j["failure"], want_fail))
        if want_fail and j["failure_label"] != LABEL[want_fail]:
            bad.append("%s: failure label %r" % (what, j["failure_label"]))
        if j["final"] != (want_fail is not None or want_stage == 60): bad.append("%s: final %s" % (what, j["final"]))
        ev = [e for e in j["evidence"] if e["known"]]
        if sorted(e["delil_tur_id"] for e in ev) != sorted(codes):
            bad.append("%s: evidence %s" % (what, [e["delil_tur_id"] for e in j["evidence"]]))
        for e in j["evidence"]:
            if not e.get("event_time") or not e.get("issuer") or not e.get("verdict"):
                bad.append("%s: evidence item without time, issuer or verdict: %s" % (what, e))
            # Revocation offline here: a good evidence signer reads revocation-unknown.
            if e["known"] and (e["verdict"] not in ("valid", "revocation-unknown") or e["label"] != LABEL[e["delil_tur_id"]]):
                bad.append("%s: evidence %s" % (what, e))
        if str(pid) == pkg99:
            unk = [e for e in j["evidence"] if not e["known"]]
            if len(unk) != 1 or unk[0]["label"] != "Bilinmeyen delil (kod 99)" or unk[0]["delil_tur_id"] != 99:
                bad.append("%s: unknown code not shown as unknown: %s" % (what, unk))
missing = {10, 20, 40, 60, 11, 21, 31, 41} - seen_codes
if missing: bad.append("kepsim mailbox lacks codes %s: the test covers less than it says" % missing)
# Unknown key: 404 with a message.
code, j = get("/v1/status/" + urllib.parse.quote("<no-such-id@example>", safe=""))
if code != 404 or j.get("error") != "not_found" or "tried kepId" not in j.get("message", ""):
    bad.append("unknown key: HTTP %d %s" % (code, j))
# Batch: one result per key, in order, unknown keys found=false.
batch = keys[:3] + ["nope-1"] + keys[3:]
code, j = get("/v1/status", {"keys": batch})
if code != 200 or [r["key"] for r in j["results"]] != batch:
    bad.append("batch: HTTP %d, keys %s" % (code, [r.get("key") for r in j.get("results", [])]))
elif [r["found"] for r in j["results"]] != [k != "nope-1" for k in batch]:
    bad.append("batch: found flags %s" % [r["found"] for r in j["results"]])
code, j = get("/v1/status", {"keys": ["k"] * 1001})
if code != 400: bad.append("batch of 1001 keys: HTTP %d" % code)
code, j = get("/v1/status", {"keys": "x"})
if code != 400: bad.append("batch without a key list: HTTP %d" % code)
open(sys.argv[6] + "/keys", "w").write("\n".join(keys[:4]) + "\n")
if bad:
    print("\n".join(bad)); sys.exit(1)
print("status ok: %d keys, codes %s" % (len(keys), sorted(seen_codes)))
PY

# Text from the store is escaped in the written JSON (lib/json_text.c): an
# evidence item whose reason and issuer hold quotes, a backslash, control
# characters, Turkish letters and bytes that are not UTF-8 reads back, with a
# strict JSON parser, as that text (bad bytes as U+FFFD), in a lookup, a
# batch and the command line; a key of such characters is echoed the same.
python3 - "$API" "$TOKEN" "$STORE" "$pkg99" "$KEPAGENT" <<'PY' || fail "escaped text in status"
import json, sqlite3, subprocess, sys, urllib.parse
api, token, store, pkg99, kepagent = sys.argv[1:6]
reason = b'imza "ge\xc3\xa7ersiz": C:\\ya\xc4\x9f\n\r\t\x01\x1f\x7f \xc4\xb0\xc5\x9f\xc4\x9f\xc4\xb1 / \xff\xc0\xaf\xed\xa0\x80 son'
want = reason.decode("utf-8", "replace")
assert want.count("\ufffd") == 6, want   # one per bad byte, as the agent writes them
db = sqlite3.connect(store, timeout=30, isolation_level=None)
db.execute("INSERT INTO evidence (account_id, package_id, kep_id, delil_id, delil_tur_id, event_time,"
           " issuer, raw_size, raw_sha256, verdict, verdict_reason, stored_at, raw)"
           " SELECT account_id, id, kep_id, 'DLL-ESCAPE', 99, 1767700000001, CAST(? AS TEXT), 3,"
           " zeroblob(32), 'malformed', CAST(? AS TEXT), 1, X'414243' FROM packages WHERE id = ?",
           (reason, reason, int(pkg99)))
kep = db.execute("SELECT kep_id FROM packages WHERE id = ?", (int(pkg99),)).fetchone()[0]
def get(path, body=None):
    cmd = ["curl", "-s", "-w", "\n%{http_code}", "-H", "Authorization: Bearer " + token]
    if body is not None:
        cmd += ["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", json.dumps(body)]
    out = subprocess.run(cmd + [api + path], capture_output=True, check=True).stdout
    text, code = out.rsplit(b"\n", 1)
    return int(code), json.loads(text.decode("utf-8"))   # strict: no raw control characters
bad = []
def item(j, what):
    ev = [e for e in j.get("evidence", []) if e.get("delil_id") == "DLL-ESCAPE"]
    if len(ev) != 1:
        bad.append("%s: the escaped item is missing: %s" % (what, j)); return
    for f in ("reason", "issuer"):
        if ev[0][f] != want:
            bad.append("%s: %s %r, want %r" % (what, f, ev[0][f], want))
code, j = get("/v1/status/" + urllib.parse.quote(kep, safe=""))
if code != 200: bad.append("lookup: HTTP %d" % code)
item(j, "lookup")
odd = 'a"b\\c\x01\x1f \u0130\u015f\u011f/'
code, j = get("/v1/status", {"keys": [kep, odd]})
if code != 200 or len(j["results"]) != 2: bad.append("batch: HTTP %d %s" % (code, j))
else:
    item(j["results"][0], "batch")
    if j["results"][1]["key"] != odd or j["results"][1]["found"] is not False:
        bad.append("batch: odd key echoed as %r" % j["results"][1])
cli = subprocess.run([kepagent, "status", "--json", kep], capture_output=True)
item(json.loads(cli.stdout.decode("utf-8"))["results"][0], "kepagent status --json")
if bad:
    print("\n".join(bad)); sys.exit(1)
PY

# The command line gives the same answers from the store directly.
k1=$(sed -n 1p "$T/keys")
expect_exit 0 "$KEPAGENT" status --json "$k1"
api GET "/v1/status/$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' "$k1")" >/dev/null
python3 -c 'import json,sys
a = json.load(open(sys.argv[1]))["results"][0]; b = json.load(open(sys.argv[2]))
assert a == b, (a, b)' "$T/out" "$T/body" || fail "kepagent status and /v1/status differ"
expect_exit 8 "$KEPAGENT" status "$k1" no-such-key
expect_grep "^no-such-key: not found" "$T/out"
expect_grep "^$k1: " "$T/out"
