#!/bin/sh
# Sending against kepsim, seal mode, Yukle: `kepagent send` accepts a
# message (refusals name the field), a repeat returns the same item,
# `kepagent refresh` signs it with the seal on SoftHSM2 and submits it once
# (also 19 MB of attachments, about 26 MB on the wire, in seconds)
# (kepsim's request log), the sent package is stored and followed, and the
# status lookup by iletiID says "Kabul Edildi" and beyond from verified
# delils. A wrong seal PIN stops sending for the account and is not tried
# again until the PIN file changes; the officer's item waits until
# `kepagent outbox sign`; the MimeYap + SmimeGonder path sends too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"

send_world
send_config seal
printf 'Sayın ilgili,\ntoplantı yarın saat 10.00 da.\n' >"$T/body.txt"
head -c 50000 /dev/urandom >"$T/ek-1.pdf"

# ---- refusals: nothing is stored, each names its field ----
refused() {
	field=$1; shift
	expect_exit 2 "$KEPAGENT" send "$@"
	expect_grep "send: $field" "$T/err"
}
refused 'to\[0\]' --to 'not an address' --subject S --ileti-id R-1
refused 'to\[1\]' --to "$PEER" --to 'x@gmail.com' --subject S --ileti-id R-2
refused 'cc\[0\]' --to "$PEER" --cc 'a@hs1.kep.tr' --subject S --ileti-id R-3
refused 'subject' --to "$PEER" --ileti-id R-4
refused 'subject' --to "$PEER" --subject "$(printf 'a\rBcc: x@hs01.kep.tr')" --ileti-id R-5
refused 'ileti_id' --to "$PEER" --subject S
refused 'ileti_id' --to "$PEER" --subject S --ileti-id 'bad id with spaces'
printf 'MZ' >"$T/setup.exe"
refused 'attachments\[0\]' --to "$PEER" --subject S --ileti-id R-6 --attach "$T/setup.exe"
: >"$T/empty.pdf"
refused 'attachments\[0\]' --to "$PEER" --subject S --ileti-id R-7 --attach "$T/empty.pdf"
head -c 11000000 /dev/zero >"$T/big1.pdf"
cp "$T/big1.pdf" "$T/big2.pdf"
refused 'attachments\[1\]' --to "$PEER" --subject S --ileti-id R-8 --attach "$T/big1.pdf" \
	--attach "$T/big2.pdf"
# One attachment over 20 MB; a message over 25 MB with the body (before
# anything is signed).
head -c $((20 * 1024 * 1024 + 1)) /dev/zero >"$T/big3.pdf"
refused 'attachments\[0\].*20 MB' --to "$PEER" --subject S --ileti-id R-12 --attach "$T/big3.pdf"
head -c $((19 * 1024 * 1024)) /dev/zero >"$T/big19.pdf"
python3 -c 'import sys; open(sys.argv[1], "w").write("yazı " * (1300 * 1024))' "$T/big-body.txt"
refused '(body|attachments).*25 MB' --to "$PEER" --subject S --ileti-id R-13 \
	--body-file "$T/big-body.txt" --attach "$T/big19.pdf"
printf 'PK\003\004 not a zip' >"$T/bad.eyp"
refused 'eyp' --to "$PEER" --subject S --ileti-id R-9 --eyp "$T/bad.eyp"
refused 'eyp' --to "$PEER" --subject S --ileti-id R-10 --ileti-tip eYazisma
refused 'account' --account nobody --to "$PEER" --subject S --ileti-id R-11
[ -z "$(kenv_sql 'SELECT id FROM outbox' 2>/dev/null || true)" ] || fail "a refused message was stored"

# ---- accepted, idempotent ----
expect_exit 0 "$KEPAGENT" send --json --to "$PEER" --subject 'Toplantı çağrısı' \
	--body-file "$T/body.txt" --attach "$T/ek-1.pdf" --ileti-id DOC-2026-1
cp "$T/out" "$T/item"
id=$(item 'j["id"]')
mid=$(item 'j["message_id"]')
[ "$(item 'j["state"]')" = needs-signature ] || fail "a seal item is $(item 'j["state"]') before the run"
expect_exit 0 "$KEPAGENT" send --to "$PEER" --subject 'Toplantı çağrısı' \
	--body-file "$T/body.txt" --attach "$T/ek-1.pdf" --ileti-id DOC-2026-1
expect_grep "outbox item $id: .*already in the outbox" "$T/out"
# The same iletiID with other content is a conflict, not a second message.
expect_exit 2 "$KEPAGENT" send --to "$PEER" --subject 'Başka konu' --ileti-id DOC-2026-1
expect_grep 'conflict' "$T/err"
[ "$(kenv_sql 'SELECT count(*) FROM outbox')" = 1 ] || fail "a repeat made a second item"

# ---- the run signs and submits exactly once ----
expect_exit 0 "$KEPAGENT" refresh
[ "$(submitted "$mid")" = 1 ] || fail "kepsim took $(submitted "$mid") submissions of $mid"
item_json "$id"
[ "$(item 'j["state"]')" = submitted ] || { cat "$T/item"; fail "not submitted"; }
kep=$(item 'j["kep_id"]')
[ -n "$kep" ] || fail "no kepId"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE kep_id = '$kep'")" = 1 ] \
	|| fail "the sent package was not stored"
[ "$(item 'j["package_id"] is not None')" = True ] || fail "the item is not linked to its package"
# The package as sent carries what kepagent chose.
python3 - "$MB" "$kep" "$mid" <<'PY' || fail "the sent package does not carry the Message-ID and iletiID"
import glob, json, os, sys
mb, kep, mid = sys.argv[1:]
for meta in glob.glob(os.path.join(mb, "accounts", "*", "*", "*", "meta.json")):
    m = json.load(open(meta))
    if m.get("kepId") == kep:
        o = open(os.path.join(os.path.dirname(meta), "original.eml"), "rb").read()
        assert ("Message-ID: " + mid).encode() in o
        assert b"X-TR-REM-iletiID: DOC-2026-1\r\n" in o
        assert b"X-TR-REM-iletiTip: standart\r\n" in o
        sys.exit(0)
sys.exit(1)
PY
# Status by EBYS's own iletiID, from verified evidence only.
expect_exit 0 "$KEPAGENT" status --json DOC-2026-1
python3 - "$T/out" <<'PY' || { cat "$T/out"; fail "the status lookup by iletiID"; }
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
assert r["found"] and r["stage"] >= 10, r
assert all(e["verdict"] in ("valid", "revocation-unknown") for e in r["evidence"] if e["delil_tur_id"] == r["stage"])
PY
# A second run submits nothing more.
expect_exit 0 "$KEPAGENT" refresh
[ "$(submitted "$mid")" = 1 ] || fail "the second run submitted again"

# ---- 19 MB of attachments: within KEP's limits although base64 makes the
# message about 26 MB on the wire; kepsim counts them decoded and takes it.
expect_exit 0 "$KEPAGENT" send --to "$PEER" --subject 'Büyük ek' --attach "$T/big19.pdf" \
	--ileti-id DOC-BIG
idb=$(kenv_sql "SELECT id FROM outbox WHERE ileti_id = 'DOC-BIG'")
expect_exit 0 "$KEPAGENT" refresh
item_json "$idb"
[ "$(item 'j["state"]')" = submitted ] || { cat "$T/item" "$T/err"; fail "the 19 MB item was not submitted"; }
[ "$(submitted "$(item 'j["message_id"]')")" = 1 ] || fail "the 19 MB item was not submitted once"

# ---- a wrong seal PIN stops sending for the account, once ----
send_config seal yukle "$T/badpin"
expect_exit 0 "$KEPAGENT" send --to "$PEER" --subject 'PIN testi' --ileti-id DOC-PIN
id2=$(kenv_sql "SELECT id FROM outbox WHERE ileti_id = 'DOC-PIN'")
expect_exit 1 "$KEPAGENT" refresh
expect_grep 'rejected the PIN.*not retried' "$T/err"
expect_no_grep '9999' "$T/err"
expect_exit 1 "$KEPAGENT" refresh
expect_grep 'sending is stopped for account acct' "$T/err"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'outbox.blocked'")" = 1 ] \
	|| fail "the PIN was tried more than once"
item_json "$id2"
[ "$(item 'j["state"]')" = needs-signature ] || fail "an item was moved with a wrong PIN"
# The operator fixes the PIN file: sending resumes.
hsm_pin_file "$T/badpin" 1234
expect_exit 0 "$KEPAGENT" refresh
item_json "$id2"
[ "$(item 'j["state"]')" = submitted ] || fail "sending did not resume after the PIN file changed"

# ---- officer mode: waits for `kepagent outbox sign` ----
send_config officer yukle "$T/pin" eimza
expect_exit 0 "$KEPAGENT" send --to "$PEER" --cc "$PEER" --subject 'Memur imzası' --ileti-id DOC-OFF
id3=$(kenv_sql "SELECT id FROM outbox WHERE ileti_id = 'DOC-OFF'")
expect_exit 0 "$KEPAGENT" refresh
item_json "$id3"
[ "$(item 'j["state"]')" = needs-signature ] || fail "the daemon signed an officer's item"
# The status lookup knows the item before it is submitted: its outbox state.
expect_exit 0 "$KEPAGENT" status --json DOC-OFF
python3 - "$T/out" "$id3" <<'PY' || { cat "$T/out"; fail "the status of an item not yet submitted"; }
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
assert r["found"] is True and r["stage"] is None and r["evidence"] == [], r
assert r["outbox"]["id"] == int(sys.argv[2]) and r["outbox"]["state"] == "needs-signature", r
assert "not submitted" in r["message"], r
PY
expect_exit 0 "$KEPAGENT" status DOC-OFF
expect_grep "^DOC-OFF: no evidence yet  \[outbox item $id3 needs-signature, account acct\]" "$T/out"
expect_exit 0 "$KEPAGENT" outbox list --state needs-signature
expect_grep "^$id3 +needs-signature" "$T/out"
expect_exit 0 "$KEPAGENT" outbox sign
expect_grep "outbox item $id3 signed" "$T/out"
expect_exit 0 "$KEPAGENT" refresh
item_json "$id3"
[ "$(item 'j["state"]')" = submitted ] || fail "the officer's item was not submitted"
[ "$(submitted "$(item 'j["message_id"]')")" = 1 ] || fail "the officer's item was not submitted once"

# ---- MimeYap + SmimeGonder, seal ----
send_config seal mimeyap
expect_exit 0 "$KEPAGENT" send --to "$PEER" --subject 'MimeYap yolu' --body 'Merhaba' \
	--attach "$T/ek-1.pdf" --ileti-id DOC-MY
id4=$(kenv_sql "SELECT id FROM outbox WHERE ileti_id = 'DOC-MY'")
expect_exit 0 "$KEPAGENT" refresh
item_json "$id4"
[ "$(item 'j["state"]')" = submitted ] || { cat "$T/item" "$T/err"; fail "the MimeYap item was not submitted"; }
[ "$(submitted "$(item 'j["mesaj_id"]')")" = 1 ] || fail "SmimeGonder was not performed once"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE kep_id = '$(item 'j["kep_id"]')'")" = 1 ] \
	|| fail "the MimeYap package was not stored"
