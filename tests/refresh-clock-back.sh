#!/bin/sh
# The clock is set back after a refresh ran with it ahead (an NTP step):
# the stored listing window ends in the future, and a window starting
# there would never list the mail that came in the meantime. The sync
# lists from the initial window again instead; nothing is lost or stored
# twice. (libfaketime moves kepagent's wall clock only; kepsim keeps the
# true time, as the provider does.)
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
[ -n "$FAKETIME_LIB" ] || skip "libfaketime is missing (contrib/install-deps.sh installs faketime)"
at() { # at OFFSET CMD...: CMD with its wall clock moved by OFFSET
	_off=$1; shift
	env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$_off" FAKETIME_DONT_FAKE_MONOTONIC=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}

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
expect_grep "the clock was set back" "$T/err"
kenv_check_store
