#!/bin/sh
# Every path and method of doc/openapi.yaml against a running `kepagent run`:
# documented statuses, content types and response schemas (tests/api-openapi.py).
. "$top_srcdir/tests/lib.sh"
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is missing"

# The description itself, by a real validator (contrib/install-deps.sh
# installs redocly): every error and every warning fails.
if command -v redocly >/dev/null; then
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1 \
		redocly lint --config "$top_srcdir/doc/redocly.yaml" --format=stylish \
		"$top_srcdir/doc/openapi.yaml" >"$T/lint" 2>&1 || { cat "$T/lint"; fail "redocly lint: doc/openapi.yaml is not valid"; }
	expect_no_grep '(error|warning) ' "$T/lint"
	expect_grep 'is valid' "$T/lint"
elif [ -n "${CI:-}" ]; then
	fail "redocly is missing (contrib/install-deps.sh installs it)"
else
	echo "redocly is missing: doc/openapi.yaml not linted (contrib/install-deps.sh installs it)" >&2
fi
. "$top_srcdir/tests/api-lib.sh"
api_world --seed 9 --received 6 --sent 2 --faults none

# Fixtures: five claimed items (two e-Yazisma ones first: one for /eyp,
# one whose content is then gone, as if its archive were lost), an
# attachment index, a status key, a package.
eyps=$(kenv_sql "SELECT DISTINCT p.id FROM packages p JOIN parts t ON t.package_id = p.id
	WHERE t.role = 'eyp' AND p.folder = 'INBOX' AND EXISTS (SELECT 1 FROM parts a
	WHERE a.package_id = p.id AND a.role = 'attachment') ORDER BY p.id LIMIT 2")
eyp=$(echo "$eyps" | sed -n 1p) gone=$(echo "$eyps" | sed -n 2p)
[ -n "$gone" ] || fail "kepsim made fewer than two e-Yazisma packages with attachments"
qsql "UPDATE import_queue SET id = -2000000 WHERE package_id = $eyp" >/dev/null
qsql "UPDATE import_queue SET id = -1999999 WHERE package_id = $gone" >/dev/null
expect_status 200 "$(api POST /v1/queue/claim '{"count": 5}')" claim
cp "$T/body" "$T/claim.json"
qsql "UPDATE packages SET archived_to = '$T/lost.zip', archive_entry = 'p', raw = zeroblob(0) WHERE id = $gone" >/dev/null
qsql "UPDATE parts SET archived_to = '$T/lost.zip', archive_entry = 'a' || idx WHERE package_id = $gone" >/dev/null
# The outbox: a sending account (an officer's, so the daemon signs nothing)
# and one item in it.
python3 - "$KEPAGENT_CONFIG" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read().replace("\nqueue:", "\n    sending:\n      mode: officer\n      pkcs11:\n"
    "        module: /nonexistent/pkcs11.so\n        token: t\n        key: k\nqueue:", 1)
open(p, "w").write(s)
PY
kill -HUP "$DAEMON_PID"
_i=0
until grep -q 'configuration reloaded' "$T/run.log"; do
	_i=$((_i + 1)); [ $_i -lt 200 ] || { cat "$T/run.log"; fail "the daemon did not reload"; }
	sleep 0.05
done
"$KEPAGENT" send --to birim@hs02.kep.tr --subject openapi --ileti-id OPENAPI-1 >"$T/send.out" \
	|| fail "kepagent send"
# Two parked items for a person's decisions (POST /v1/outbox/{id}/resubmit,
# /abandon): parked here by hand, the one to resubmit with its S/MIME (its
# entity stands in for it), as if signed and then unanswered;
# tests/send-decide.sh parks real ones.
for _p in P1 P2; do
	"$KEPAGENT" send --to birim@hs02.kep.tr --subject "openapi $_p" --ileti-id "OPENAPI-$_p" \
		>"$T/send.out" || fail "kepagent send $_p"
done
qsql "INSERT INTO outbox_files (item_id, role, file_name, content_type, size, sha256, created_at,
	content) SELECT item_id, 'smime', NULL, content_type, size, sha256, created_at, content
	FROM outbox_files WHERE role = 'entity' AND item_id = (SELECT id FROM outbox
	WHERE ileti_id = 'OPENAPI-P1')" >/dev/null
qsql "UPDATE outbox SET state = 'parked', provider_text = 'parked by the test' WHERE ileti_id IN ('OPENAPI-P1', 'OPENAPI-P2')" >/dev/null
att() { kenv_sql "SELECT idx FROM parts WHERE package_id = $1 AND role = 'attachment' LIMIT 1"; }
python3 - "$T/claim.json" "$eyp" "$gone" "$T/fx.json" "$(att "$eyp")" "$(att "$gone")" \
	"$(kenv_sql "SELECT ileti_id FROM packages WHERE folder = 'OUTBOX' LIMIT 1")" \
	"$(kenv_sql "SELECT id FROM packages WHERE folder = 'OUTBOX' LIMIT 1")" \
	"$(kenv_sql "SELECT id FROM outbox WHERE ileti_id = 'OPENAPI-1'")" \
	"$(kenv_sql "SELECT id FROM outbox WHERE ileti_id = 'OPENAPI-P1'")" \
	"$(kenv_sql "SELECT id FROM outbox WHERE ileti_id = 'OPENAPI-P2'")" <<'PY'
import json, sys
claim, eyp, gone, out, att, gatt, key, pkg, outbox, p1, p2 = sys.argv[1:12]
items = json.load(open(claim))["items"]
assert len(items) == 5 and str(items[0]["id"]) == eyp and str(items[1]["id"]) == gone, items
pick = lambda i: {"id": i["id"], "lease": i["lease"]}
json.dump({"claimed": [pick(i) for i in items[:1] + items[2:]], "account": "acct",
           "gone": dict(pick(items[1]), attachment=int(gatt)),
           "attachment": int(att), "status_key": key, "package": int(pkg),
           "outbox": int(outbox), "parked": [int(p1), int(p2)]}, open(out, "w"))
PY
# The provider stopped (after the daemon's first refresh): a refresh the
# test starts cannot finish, so a second one is a conflict.
_i=0
until [ "$(api GET /v1/accounts/acct/refresh)" = 200 ] &&
	[ "$(jget "$T/body" 'j["refreshing"] is False and j["last_refresh"] is not None')" = True ]; do
	_i=$((_i + 1)); [ $_i -lt 600 ] || fail "the daemon's first refresh did not end"
	sleep 0.1
done
kill -STOP "$KEPSIM_PID"
on_exit "kill -CONT $KEPSIM_PID 2>/dev/null || true"
python3 "$top_srcdir/tests/api-openapi.py" "$top_srcdir/doc/openapi.yaml" "$top_srcdir/agent/api_routes.c" \
	"$API" "$TOKEN" "$T/fx.json" || fail "the server does not match doc/openapi.yaml"
