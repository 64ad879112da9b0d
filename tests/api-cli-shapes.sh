#!/bin/sh
# One JSON vocabulary: the same object has the same shape from the local API
# and from each --json command (queue list/claim/show/ack/reject, status,
# evidence search/show, verify, a bundle's report.json), each checked
# strictly against doc/openapi.yaml and, where both can be asked for the same
# thing, equal to the API's answer; `evidence search --csv` holds the same
# rows and fields as --json (RFC 4180, UTF-8), an attacker's subject (quotes,
# commas, a line break, a formula) included.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/api-lib.sh"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is missing"
command -v unzip >/dev/null || skip "unzip is missing"
api_world --seed 13 --received 5 --sent 3 --faults none

# An attacker's subject on a sent package.
out_id=$(kenv_sql "SELECT id FROM packages WHERE folder = 'OUTBOX' ORDER BY id LIMIT 1")
python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE packages SET subject = ? WHERE id = ?", (sys.argv[2], int(sys.argv[3]))); c.commit()' \
	"$STORE" '=HYPERLINK("http://127.0.0.1:9/","tıkla, lütfen")
ikinci satır "alıntı"' "$out_id"

same() { # same WHAT API-FILE CLI-FILE: equal JSON
	python3 -c 'import json, sys
a, b = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
assert a == b, "%s:\nAPI %s\nCLI %s" % (sys.argv[1], json.dumps(a, sort_keys=True)[:1500], json.dumps(b, sort_keys=True)[:1500])' "$@" \
		|| fail "$1: the API and the CLI give different JSON"
}

# queue list.
expect_status 200 "$(api GET '/v1/queue?state=all&limit=1000')" "queue list"
cp "$T/body" "$T/api-list.json"
expect_exit 0 "$KEPAGENT" queue list --state all --limit 1000 --json
api_conforms GET /v1/queue 200 "$T/out"
same "queue list" "$T/api-list.json" "$T/out"

# claim (CLI and API each claim one), show, ack, reject.
expect_exit 0 "$KEPAGENT" queue claim --count 2 --json
api_conforms POST /v1/queue/claim 200 "$T/out"
cp "$T/out" "$T/cli-claim.json"
expect_status 200 "$(api POST /v1/queue/claim '{"count": 2}')" "claim"
api_conforms POST /v1/queue/claim 200
cp "$T/body" "$T/api-claim.json"
c_id=$(jget "$T/cli-claim.json" 'j["items"][0]["id"]') c_lease=$(jget "$T/cli-claim.json" 'j["items"][0]["lease"]')
c2_id=$(jget "$T/cli-claim.json" 'j["items"][1]["id"]')
a_id=$(jget "$T/api-claim.json" 'j["items"][0]["id"]') a_lease=$(jget "$T/api-claim.json" 'j["items"][0]["lease"]')
a2_id=$(jget "$T/api-claim.json" 'j["items"][1]["id"]')
for id in $c_id $a_id; do
	lease=$c_lease; [ "$id" = "$a_id" ] && lease=$a_lease
	expect_exit 0 "$KEPAGENT" queue show "$id" --lease "$lease" --json
	api_conforms GET '/v1/queue/{id}' 200 "$T/out"
	cp "$T/out" "$T/cli-show.json"
	expect_status 200 "$(curl -s -o "$T/body" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		-H "Kep-Lease: $lease" "$API/v1/queue/$id")" "queue item"
	same "queue show $id" "$T/body" "$T/cli-show.json"
done
expect_exit 0 "$KEPAGENT" queue ack "$c_id" --lease "$c_lease" --json
api_conforms POST '/v1/queue/{id}/ack' 200 "$T/out"
cp "$T/out" "$T/cli-ack.json"
expect_status 200 "$(api POST "/v1/queue/$a_id/ack" "{\"lease\": \"$a_lease\"}")" "ack"
python3 -c 'import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sorted(a) == sorted(b) and a["state"] == b["state"] == "acked", (sorted(a), sorted(b))' "$T/body" "$T/cli-ack.json" \
	|| fail "ack: the API and the CLI give different shapes"
expect_exit 0 "$KEPAGENT" queue reject "$c2_id" --lease "$c_lease" --reason "şema testi" --json
api_conforms POST '/v1/queue/{id}/reject' 200 "$T/out"
cp "$T/out" "$T/cli-reject.json"
expect_status 200 "$(api POST "/v1/queue/$a2_id/reject" "{\"lease\": \"$a_lease\", \"reason\": \"şema testi\"}")" "reject"
python3 -c 'import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sorted(a) == sorted(b) and a["last_reason"] == b["last_reason"] == "şema testi", (a, b)' "$T/body" "$T/cli-reject.json" \
	|| fail "reject: the API and the CLI give different shapes"

# status.
key=$(kenv_sql "SELECT ileti_id FROM packages WHERE folder = 'OUTBOX' ORDER BY id LIMIT 1")
expect_status 200 "$(api POST /v1/status "{\"keys\": [\"$key\", \"yok\"]}")" "status"
cp "$T/body" "$T/api-status.json"
expect_exit 8 "$KEPAGENT" status --json "$key" yok   # KEXIT_NOTFOUND: one key unknown
api_conforms POST /v1/status 200 "$T/out"
same "status" "$T/api-status.json" "$T/out"

# evidence and package searches, and one evidence item.
for q in "" "--counterpart $(kenv_sql "SELECT sender FROM packages WHERE folder = 'INBOX' LIMIT 1")"; do
	expect_exit 0 "$KEPAGENT" evidence search --limit 1000 $q --json
	api_conforms GET /v1/evidence 200 "$T/out"
	cp "$T/out" "$T/cli-ev.json"
	expect_status 200 "$(api GET "/v1/evidence?limit=1000$(echo "$q" | sed 's/^--counterpart /\&counterpart=/')")" "evidence"
	same "evidence search $q" "$T/body" "$T/cli-ev.json"
	expect_exit 0 "$KEPAGENT" evidence search --packages --limit 1000 $q --json
	api_conforms GET /v1/packages 200 "$T/out"
	cp "$T/out" "$T/cli-pk.json"
	expect_status 200 "$(api GET "/v1/packages?limit=1000$(echo "$q" | sed 's/^--counterpart /\&counterpart=/')")" "packages"
	same "evidence search --packages $q" "$T/body" "$T/cli-pk.json"
done
expect_exit 0 "$KEPAGENT" evidence search --limit 1000 --json
cp "$T/out" "$T/cli-ev.json"
ev=$(jget "$T/cli-ev.json" 'j["items"][0]["id"]')
expect_exit 0 "$KEPAGENT" evidence show "$ev" --json
python3 - "$T/out" "$T/cli-ev.json" "$T/show-checks.json" <<'PY' || fail "evidence show is not the Evidence object"
import json, sys
s, items, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))["items"], sys.argv[3]
e = next(i for i in items if i["id"] == s["id"])
assert all(s.get(k) == v for k, v in e.items()), [(k, s.get(k), v) for k, v in e.items() if s.get(k) != v]
json.dump(s["checks"], open(out, "w"))
PY
api_schema Check "$T/show-checks.json"

# verify --json and the API's detail use one Check.
expect_status 200 "$(api POST /v1/queue/claim '{"count": 1}')" "claim"
v_id=$(jget "$T/body" 'j["items"][0]["id"]') v_lease=$(jget "$T/body" 'j["items"][0]["lease"]')
expect_status 200 "$(curl -s -o "$T/pkg.eml" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H "Kep-Lease: $v_lease" "$API/v1/queue/$v_id/package")" "package bytes"
set +e; "$KEPAGENT" verify --json "$T/pkg.eml" >"$T/verify.json" 2>"$T/err"; rc=$?; set -e
[ $rc -le 1 ] || { cat "$T/err"; fail "kepagent verify --json exited $rc"; }
python3 -c 'import json, sys; json.dump(json.load(open(sys.argv[1]))["checks"], open(sys.argv[2], "w"))' \
	"$T/verify.json" "$T/verify-checks.json"
api_schema Check "$T/verify-checks.json"

# A bundle's report.json: the Package object (as /v1/packages has it), Checks
# and Evidence objects.
expect_exit 0 "$KEPAGENT" evidence export "$out_id" -o "$T/b.zip"
unzip -p "$T/b.zip" report.json >"$T/report.json"
expect_exit 0 "$KEPAGENT" evidence search --packages --limit 1000 --json
python3 - "$T/report.json" "$T/out" "$T/cli-ev.json" "$T/r-checks.json" <<'PY' || fail "the bundle's report.json does not use the API's objects"
import json, sys
r, pk, ev = (json.load(open(p)) for p in sys.argv[1:4])
p = next(i for i in pk["items"] if i["id"] == r["package"]["id"])
extra = set(r["package"]) - set(p)
assert all(r["package"][k] == v for k, v in p.items()), [(k, r["package"].get(k), v) for k, v in p.items()]
assert extra == {"org_mesaj_id", "ileti_id", "belge_no", "sha256", "size"}, extra
byid = {e["id"]: e for e in ev["items"]}
for e in r["stored"]["evidence"]:
    assert all(e.get(k) == v for k, v in byid[e["id"]].items()), e
json.dump(r["stored"]["checks"] + r["reverified"]["package"]["checks"] +
          [c for e in r["stored"]["evidence"] for c in e["checks"]], open(sys.argv[4], "w"))
PY
api_schema Check "$T/r-checks.json"

# CSV: the rows and fields of --json, as a spreadsheet reads them.
for kind in "" --packages; do
	expect_exit 0 "$KEPAGENT" evidence search $kind --limit 1000 --json
	cp "$T/out" "$T/j.json"
	expect_exit 0 "$KEPAGENT" evidence search $kind --limit 1000 --csv
	python3 - "$T/out" "$T/j.json" <<'PY' || fail "evidence search $kind --csv is not --json as CSV"
import csv, io, json, sys
raw, j = open(sys.argv[1], "rb").read(), json.load(open(sys.argv[2]))
assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte order mark"
text = raw[3:].decode("utf-8")
# RFC 4180 with every field quoted: outside the quoted fields there are only
# commas between fields and CRLF after each record.
import re
outside = re.sub(r'"(?:[^"]|"")*"', "", text)
assert re.fullmatch(r"(,*\r\n)+", outside), repr(outside[:80])
rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
head, body = rows[0], rows[1:]
items = j["items"]
# The documented orders: evidence by event time then id, packages newest first.
keys = [(i["event_time"] or "", i["id"]) for i in items] if "delil_id" in items[0] else [-i["id"] for i in items]
assert keys == sorted(keys), keys
assert set(head) == set(items[0]) and len(head) == len(items[0]), (head, list(items[0]))
assert len(body) == len(items), (len(body), len(items))
def cell(v, top=True):
    if v is None: return ""
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, int): return str(v)
    if isinstance(v, list): return "; ".join(cell(x, False) for x in v)
    if isinstance(v, dict): return ":".join(cell(x, False) for x in v.values() if x is not None)
    return ("'" if top and v[:1] in ("=", "+", "-", "@", "\t", "\r") else "") + v
for row, it in zip(body, items):
    for k, c in zip(head, row):
        assert c == cell(it[k]), (k, c, it[k])
PY
done
expect_grep "^\"$out_id\",.*\"'=HYPERLINK\(\"\"http" "$T/out"
expect_exit 2 "$KEPAGENT" evidence search --csv --json
exit 0
