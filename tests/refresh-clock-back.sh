#!/bin/sh
# The clock is set back after a refresh ran with it ahead (an NTP step):
# the window was dated by the provider's clock, so the refresh with the
# right clock lists the mail that came meanwhile. A stored window that
# ends in the future (a store written before windows were dated by the
# provider, or a provider that sends no Date) is not trusted: the sync
# lists from the initial window again instead; nothing is lost or stored
# twice. (libfaketime moves kepagent's wall clock only; kepsim keeps the
# true time, as the provider does.)
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/faketime-lib.sh"
[ -n "$FAKETIME_LIB" ] || skip "libfaketime is missing (contrib/install-deps.sh installs faketime)"

kenv_mailbox --seed 5 --received 2 --sent 0 --faults none
kenv_start sim --delay-ms 0
KENV_ACK=never kenv_config
at +3h "$KEPAGENT" refresh >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "refresh with the clock 3 h ahead"; }
n1=$(kenv_sql "SELECT count(*) FROM packages")
# Mail that comes while the clock is being set right, dated by the provider's true time.
kenv_add_package INBOX
expect_exit 0 "$KEPAGENT" refresh
n2=$(kenv_sql "SELECT count(*) FROM packages")
[ "$n2" -eq $((n1 + 1)) ] || fail "after the clock was set back: $n1 then $n2 packages (the new mail was not listed)"

# A window stored three hours ahead, as the local clock dated it before.
python3 -c 'import sqlite3,sys,time
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE sync_state SET window_end = ? WHERE folder = ?", (int(time.time() * 1000) + 3 * 3600000, "INBOX"))
c.commit()' "$STORE" || fail "cannot move the stored window"
kenv_add_package INBOX
expect_exit 0 "$KEPAGENT" refresh
n3=$(kenv_sql "SELECT count(*) FROM packages")
[ "$n3" -eq $((n2 + 1)) ] || fail "window stored in the future: $n2 then $n3 packages (the new mail was not listed)"
expect_grep "the clock was set back" "$T/err"
kenv_check_store
