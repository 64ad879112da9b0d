#!/bin/sh
# An idle refresh is cheap for the provider (issue 15). With nothing new, a
# received-only account costs at most 3 requests: the login and one listing
# per folder (besides the quota watch, KotaSorgula and KontorSorgula, asked
# after every sync: tests/quota-watch.sh). The folder list (DizinSorgula) is kept in the store and asked
# again only when it is a day old or when a folder it named could not be
# listed (renamed on the provider).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 7 --received 5 --sent 0 --faults none
kenv_start sim --delay-ms 0
KENV_ACK=never kenv_config
count() { grep -c "\"op\":\"$1\"" "$KEPSIM_REQ" || true; }
requests() { grep -Evc '"op":"(KotaSorgula|KontorSorgula)"' "$KEPSIM_REQ" || true; }
sql_write() {
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()' "$STORE" "$1"
}
roles() {
	python3 -c 'import json,sys
a = json.load(open(sys.argv[1]))["accounts"][0]
assert a["inbox"] == "INBOX" and a["sent"] == "OUTBOX", a' "$T/out" || fail "$1: folder roles"
}

expect_exit 0 "$KEPAGENT" refresh --json
[ "$(count DizinSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "first refresh: folder list not asked once"; }
roles "first refresh"

# Idle: login and the two listings, the folder list from the store.
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
roles "idle refresh"
[ "$(requests)" -le 3 ] || { cat "$KEPSIM_REQ"; fail "idle refresh made $(requests) requests, at most 3 expected"; }
[ "$(count DizinSorgula)" -eq 0 ] || { cat "$KEPSIM_REQ"; fail "idle refresh asked for the folder list again"; }
[ "$(count Giris)" -eq 1 ] && [ "$(count PaketSorgula)" -eq 2 ] || { cat "$KEPSIM_REQ"; fail "idle refresh did not list both folders"; }

# New mail is still found by an idle-style refresh.
kenv_add_package INBOX
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
expect_grep '^acct: 1 new package' "$T/out"
[ "$(count DizinSorgula)" -eq 0 ] || fail "a refresh within the day asked for the folder list"

# A day later the folder list is asked again.
sql_write "UPDATE folder_lists SET fetched_at = fetched_at - 86400 * 1000 - 1000"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
roles "a day later"
[ "$(count DizinSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "a day-old folder list was used"; }

# A kept folder the provider no longer has: that folder fails once, the
# list is forgotten, and the next run asks for it and syncs normally.
sql_write "UPDATE folder_lists SET name = 'GIDEN-ESKI' WHERE name = 'OUTBOX'"
: >"$KEPSIM_REQ"
expect_exit 1 "$KEPAGENT" refresh
expect_grep 'GIDEN-ESKI' "$T/err"
[ "$(kenv_sql "SELECT count(*) FROM folder_lists")" -eq 0 ] || fail "the folder list was kept after a folder could not be listed"
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh --json
roles "after a renamed folder"
[ "$(count DizinSorgula)" -eq 1 ] || { cat "$KEPSIM_REQ"; fail "the folder list was not asked again"; }
kenv_check_store
exit 0
