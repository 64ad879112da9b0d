#!/bin/sh
# Quota watch (issue 12 item 5): after each sync the mailbox's quota
# (KotaSorgula) and credit (KontorSorgula) are asked; the figures appear in
# the refresh summary (text and --json), in `kepagent doctor` and in the
# daemon's /metrics, with a warning at or above quota_warn_percent (a full
# PTT mailbox blocks sending). kepsim answers the figures in account.json.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/daemon-lib.sh"

kenv_mailbox --seed 5 --received 2 --sent 1 --faults none
# 92 MB of 100 MB in use, 40 credits.
python3 - "$ACC/account.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
a.update(kota=102400, kullanilan=94208, kontor=40)
json.dump(a, open(sys.argv[1], "w"))
PY
kenv_start quota
dmn_token

# Above the threshold: the summary warns, the sync still succeeds.
kenv_config "quota_warn_percent: 90"
expect_exit 0 "$KEPAGENT" refresh
expect_grep "^  quota: WARNING: 92\.0 MB of 100\.0 MB used \(92%\), credit 40; above the 90% warning: sending is blocked" "$T/out"
expect_grep "the mailbox is 92% used \(94208 of 102400 KB\), warning at 90%" "$T/err"
grep -q '"op":"KotaSorgula"' "$KEPSIM_REQ" || fail "no KotaSorgula after the sync"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action='sync.quota-warning'")" -ge 1 ] \
	|| fail "the quota warning is not in the audit log"

# --json: the figures and the warning flag.
expect_exit 0 "$KEPAGENT" refresh --json
python3 - "$T/out" <<'PY' || fail "refresh --json quota"
import json, sys
q = json.load(open(sys.argv[1]))["accounts"][0]["quota"]
want = {"used_kb": 94208, "total_kb": 102400, "percent": 92, "credit": 40, "warning": True}
if q != want: print(q); sys.exit(1)
PY

# Below the threshold: figures, no warning.
kenv_config "quota_warn_percent: 95"
expect_exit 0 "$KEPAGENT" refresh
expect_grep "^  quota: 92\.0 MB of 100\.0 MB used \(92%\), credit 40$" "$T/out"
expect_no_grep "WARNING|warning at" "$T/out"
expect_no_grep "the mailbox is" "$T/err"
expect_exit 0 "$KEPAGENT" refresh --json
python3 -c 'import json,sys; q=json.load(open(sys.argv[1]))["accounts"][0]["quota"]; sys.exit(q["warning"] is not False)' "$T/out" \
	|| fail "refresh --json warned below the threshold"

# The threshold is checked by the configuration.
kenv_config "quota_warn_percent: 120"
expect_exit 3 "$KEPAGENT" check-config
expect_grep "quota_warn_percent" "$T/err"

# doctor: the figures, a warning (not a failure) above the threshold.
kenv_config "quota_warn_percent: 95"
expect_exit 0 "$KEPAGENT" doctor
expect_grep "^ok +quota +account acct: 92\.0 MB of 100\.0 MB used \(92%\), credit 40" "$T/out"
kenv_config "quota_warn_percent: 80"
expect_exit 0 "$KEPAGENT" doctor
expect_grep "^warn +quota +account acct: 92\.0 MB of 100\.0 MB used \(92%\).*above the 80% warning" "$T/out"

# /metrics of the daemon after its first refresh.
kenv_config "quota_warn_percent: 90" "poll_interval: 3600"
sed -i "s|^api:|api:\n  listen: 127.0.0.1\n  port: $API_PORT|" "$KEPAGENT_CONFIG"
dmn_start
has_quota() { [ -n "$(dmn_metric 'kepagent_quota_used_bytes{account="acct"}')" ]; }
dmn_wait 60 has_quota || { cat "$T/run.log"; fail "no quota in /metrics"; }
[ "$(dmn_metric 'kepagent_quota_used_bytes{account="acct"}')" = 96468992 ] || fail "quota used bytes"
[ "$(dmn_metric 'kepagent_quota_total_bytes{account="acct"}')" = 104857600 ] || fail "quota total bytes"
[ "$(dmn_metric 'kepagent_quota_warning{account="acct"}')" = 1 ] || fail "quota warning gauge"
[ "$(dmn_metric 'kepagent_quota_warn_percent{account="acct"}')" = 90 ] || fail "quota threshold gauge"
[ "$(dmn_metric 'kepagent_credit{account="acct"}')" = 40 ] || fail "credit gauge"
kill -TERM "$DMN_PID"
wait "$DMN_PID" || fail "kepagent run exited non-zero"
