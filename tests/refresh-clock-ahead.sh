#!/bin/sh
# kepagent's clock runs hours ahead of the provider's: the listing windows
# are dated by the provider's clock (its HTTP Date), so the next window
# starts at the provider's time minus overlap_seconds and the mail that
# arrives after a refresh is found by the next one. Before, the window
# ended at the local time, three hours in the provider's future, and the
# next one started two hours after the new mail. With the clocks agreeing
# the window ends at now, as it always did.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/faketime-lib.sh"
[ -n "$FAKETIME_LIB" ] || skip "libfaketime is missing (contrib/install-deps.sh installs faketime)"
inbox_end() { kenv_sql "SELECT window_end FROM sync_state WHERE folder = 'INBOX'"; }

kenv_mailbox --seed 5 --received 2 --sent 0 --faults none
kenv_start sim --delay-ms 0
KENV_ACK=never kenv_config
at +3h "$KEPAGENT" refresh >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "refresh with the clock 3 h ahead"; }
n1=$(kenv_sql "SELECT count(*) FROM packages")
[ "$n1" -ge 1 ] || fail "the first refresh stored no package"
grep -q "INBOX: the local clock is 10[0-9][0-9][0-9] s ahead of the provider's" "$T/err" \
	|| { cat "$T/err"; fail "no warning of the clock 3 h ahead"; }
end=$(inbox_end)
[ "$end" -le "$(date +%s%3N)" ] || fail "the window ends at $end ms, after the provider's now: dated by the local clock"

# Mail the provider dates after the first refresh, and a second refresh
# with the clock still ahead.
kenv_add_package INBOX
at +3h "$KEPAGENT" refresh >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "second refresh with the clock 3 h ahead"; }
n2=$(kenv_sql "SELECT count(*) FROM packages")
[ "$n2" -eq $((n1 + 1)) ] || fail "clock 3 h ahead: $n1 then $n2 packages (the new mail was missed)"

# The clocks agree: the window ends at now and nothing is said of the clock.
kenv_add_package INBOX
t0=$(date +%s%3N)
expect_exit 0 "$KEPAGENT" refresh
t1=$(date +%s%3N)
n3=$(kenv_sql "SELECT count(*) FROM packages")
[ "$n3" -eq $((n2 + 1)) ] || fail "clocks agreeing: $n2 then $n3 packages"
if grep -q "ahead of the provider" "$T/err"; then cat "$T/err"; fail "a clock warning with the clocks agreeing"; fi
end=$(inbox_end)
# The provider's Date has whole seconds.
[ "$end" -ge $((t0 - 1000)) ] && [ "$end" -le "$t1" ] \
	|| fail "clocks agreeing: the window ends at $end ms, not at now ($t0 .. $t1)"
kenv_check_store
