#!/bin/sh
# Identifiers as users type them (issue 12 item 4): the KEP address written
# without @hs01.kep.tr (as EBYS products ask for it) is sent to the provider
# whole, as the public clients send kepHesap, and check-config shows what
# will be sent; a kepId or Message-ID is found with or without its angle
# brackets and with blanks around it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 5 --received 2 --sent 2 --faults none
kenv_start ids
kenv_config
(umask 077 && echo 0123456789abcdef0123456789abcdef >"$T/api-token")
LOCAL=${HESAP%@*}
[ "$LOCAL" != "$HESAP" ] || fail "the generated address has no domain"
sed -i "s|^    address: $HESAP\$|    address: $LOCAL|" "$KEPAGENT_CONFIG"
grep -q "^    address: $LOCAL\$" "$KEPAGENT_CONFIG" || fail "config not rewritten"

expect_exit 0 "$KEPAGENT" check-config
expect_grep "^    sends kepHesap $HESAP \\(written as $LOCAL\\)$" "$T/out"
expect_exit 0 "$KEPAGENT" check-config --json
python3 -c 'import json,sys; a=json.load(open(sys.argv[1]))["accounts"][0]; sys.exit(a["kep_hesap"] != sys.argv[2])' \
	"$T/out" "$HESAP" || { cat "$T/out"; fail "check-config --json kep_hesap"; }

expect_exit 0 "$KEPAGENT" refresh
python3 - "$KEPSIM_REQ" "$HESAP" <<'PY' || fail "the provider was not sent the whole address"
import json, sys
sent = {json.loads(l).get("account") for l in open(sys.argv[1])} - {None}
if sent != {sys.argv[2]}: print(sent); sys.exit(1)
PY
kenv_check_store

# A sent package's kepId and Message-ID, as stored (with <>).
KID=$(kenv_sql "SELECT kep_id FROM packages WHERE folder <> 'INBOX' AND kep_id LIKE '<%>' LIMIT 1")
MID=$(kenv_sql "SELECT org_mesaj_id FROM packages WHERE kep_id = '$KID'")
[ -n "$KID" ] && [ -n "$MID" ] || fail "no sent package with a bracketed kepId and Message-ID"
bare() { printf '%s' "$1" | sed 's/^<//; s/>$//'; }
for key in "$KID" "$(bare "$KID")" "  $(bare "$KID") " "$MID" "$(bare "$MID")"; do
	expect_exit 0 "$KEPAGENT" status --json "$key"
	python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r=r["results"][0] if "results" in r else r; sys.exit(not r["found"] or r["kep_id"] != sys.argv[2])' \
		"$T/out" "$KID" || { cat "$T/out"; fail "status '$key' did not find $KID"; }
done
# Brackets alone, or only one of them, are no other form of anything.
expect_exit 8 "$KEPAGENT" status "<>"
expect_exit 8 "$KEPAGENT" status "<$(bare "$KID")"
