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

# Fixtures: four claimed items (an e-Yazisma one first, for /eyp), an
# attachment index, a status key, a package.
eyp=$(kenv_sql "SELECT p.id FROM packages p JOIN parts t ON t.package_id = p.id
	WHERE t.role = 'eyp' AND p.folder = 'INBOX' ORDER BY p.id LIMIT 1")
[ -n "$eyp" ] || fail "kepsim made no e-Yazisma package"
qsql "UPDATE import_queue SET created_at = 0, id = -id WHERE package_id = $eyp" >/dev/null
expect_status 200 "$(api POST /v1/queue/claim '{"count": 4}')" claim
cp "$T/body" "$T/claim.json"
python3 - "$T/claim.json" "$eyp" "$T/fx.json" "$(kenv_sql "SELECT idx FROM parts WHERE package_id = $eyp AND role = 'attachment' LIMIT 1")" \
	"$(kenv_sql "SELECT ileti_id FROM packages WHERE folder = 'OUTBOX' LIMIT 1")" \
	"$(kenv_sql "SELECT id FROM packages WHERE folder = 'OUTBOX' LIMIT 1")" <<'PY'
import json, sys
claim, eyp, out, att, key, pkg = sys.argv[1:7]
items = json.load(open(claim))["items"]
assert len(items) == 4 and str(items[0]["id"]) == eyp, items
json.dump({"claimed": [{"id": i["id"], "lease": i["lease"]} for i in items], "account": "acct",
           "attachment": int(att), "status_key": key, "package": int(pkg)}, open(out, "w"))
PY
python3 "$top_srcdir/tests/api-openapi.py" "$top_srcdir/doc/openapi.yaml" "$API" "$TOKEN" "$T/fx.json" \
	|| fail "the server does not match doc/openapi.yaml"
