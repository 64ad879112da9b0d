#!/bin/sh
# The systemd unit passes `systemd-analyze verify` (where the tool exists)
# and carries the hardening and life-cycle settings kepagent relies on.
. "$top_srcdir/tests/lib.sh"

unit=$top_builddir/contrib/kepagent.service
[ -f "$unit" ] || fail "contrib/kepagent.service was not built"
for want in '^Type=notify' '^ExecReload=/bin/kill -HUP \$MAINPID' '^WatchdogSec=' \
	'^User=kepagent' '^StateDirectory=kepagent' '^ConfigurationDirectory=kepagent' \
	'^ProtectSystem=strict' '^PrivateTmp=yes' '^NoNewPrivileges=yes' '^UMask=0077'; do
	expect_grep "$want" "$unit"
done
command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed"
# Point ExecStart at the built binary: verify checks that it is executable.
sed -e "s|@sbindir@|$top_builddir|g" -e "s|@sysconfdir@|/etc|g" \
	"$top_srcdir/contrib/kepagent.service.in" > "$T/kepagent.service"
systemd-analyze verify --man=no "$T/kepagent.service" > "$T/verify.log" 2>&1 \
	|| { cat "$T/verify.log"; fail "systemd-analyze verify failed"; }
