#!/bin/sh
# delete_after_ack: PaketSil follows AlindiOnay, once per package; and a
# refresh killed after the acknowledgement was recorded but before PaketSil
# (crash point "delete-before") deletes on the next run, without a second
# AlindiOnay.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 4 --received 2 --sent 1 --faults none
kenv_start sim
count() { grep -c "\"op\":\"$1\"" "$KEPSIM_REQ" || true; }
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# Everything stored, nothing acknowledged (on-import, EBYS has nothing yet).
kenv_config
expect_exit 0 "$KEPAGENT" refresh
# EBYS imports both received packages; the next run acknowledges them.
kenv_import
kenv_config "delete_after_ack: true"

# Kill at the first "delete-before": acknowledged and recorded, not deleted.
cp -R "$T/store" "$T/before"
n=1
while :; do
	rm -rf "$T/store"
	cp -R "$T/before" "$T/store"
	rm -rf "$MB/state"
	set +e
	KEPAGENT_CRASHPOINT=$n "$KEPAGENT" refresh >"$T/crash.out" 2>"$T/crash.err"
	rc=$?
	set -e
	[ $rc -eq 137 ] || { cat "$T/crash.err"; fail "no delete-before crash point up to $n"; }
	grep -q "crash point $n (delete-before)" "$T/crash.err" && break
	n=$((n + 1))
done
[ "$(lines "$MB/state/acks.jsonl")" -eq 1 ] || fail "expected one AlindiOnay before the kill"
[ "$(lines "$MB/state/deleted.jsonl")" -eq 0 ] || fail "deleted before the kill point"
[ "$(kenv_sql "SELECT count(*) FROM provider_deletions WHERE state='due'")" -eq 1 ] \
	|| fail "the deletion was not recorded due with the acknowledgement"

# The rerun deletes it, acknowledges the other, deletes that too.
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
expect_grep '1 acknowledged' "$T/out"
[ "$(count AlindiOnay)" -eq 1 ] || fail "$(count AlindiOnay) AlindiOnay on the rerun, expected 1"
[ "$(count PaketSil)" -eq 2 ] || fail "$(count PaketSil) PaketSil on the rerun, expected 2"
python3 - "$MB/state/acks.jsonl" "$MB/state/deleted.jsonl" <<'PY' || fail "acks and deletions"
import json, sys
acks = [json.loads(l)["kepId"] for l in open(sys.argv[1])]
dels = [json.loads(l)["kepId"] for l in open(sys.argv[2])]
assert len(acks) == len(set(acks)) == 2, acks
assert sorted(dels) == sorted(acks), (acks, dels)
PY
[ "$(kenv_sql "SELECT count(*) FROM provider_deletions WHERE state='done'")" -eq 2 ] \
	|| fail "deletions not recorded done"
[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action='package.deleted'")" -eq 2 ] \
	|| fail "deletions not audited"

# Nothing left: no PaketSil, no AlindiOnay.
: >"$KEPSIM_REQ"
expect_exit 0 "$KEPAGENT" refresh
[ "$(count PaketSil)" -eq 0 ] && [ "$(count AlindiOnay)" -eq 0 ] || fail "a third run deleted or acknowledged again"
kenv_stop
