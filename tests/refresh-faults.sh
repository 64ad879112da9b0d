#!/bin/sh
# kepagent refresh against a kepsim that injects every transport fault it
# knows, and a mailbox holding every content fault the generator makes:
# refreshes repeat until one succeeds, and then every package and evidence
# item is stored exactly once with its bytes (bad verdicts stored, never
# dropped), the queue holds no duplicates, and an evidence item about an
# unknown package is kept with no package.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 3 --received 2 --sent 2 --faults all
for f in slow http500 http503 drop truncated-mtom soap-fault durum1-transient \
	duplicate-list-entries reordered-list-entries unknown-package-evidence; do
	rate=0.4; [ "$f" != unknown-package-evidence ] || rate=1
	if [ "$f" = slow ]; then
		# Answers slower than the account's timeout: timed out, retried.
		kenv_start "$f" --faults "$f" --fault-rate $rate --seed 9 --fault-log "$T/$f.faults" \
			--slow-ms 2500
		kenv_config "timeout: 1"
	else
		kenv_start "$f" --faults "$f" --fault-rate $rate --seed 9 --fault-log "$T/$f.faults"
		kenv_config
	fi
	ok=0
	for i in 1 2 3 4 5 6; do
		set +e
		"$KEPAGENT" refresh >"$T/out" 2>"$T/err"
		rc=$?
		set -e
		[ $rc -ne 0 ] || { ok=1; break; }
		# Only provider trouble (1 items failed, 5 provider) may fail a run.
		[ $rc -eq 1 ] || [ $rc -eq 5 ] || { cat "$T/err"; fail "$f: exit $rc"; }
	done
	[ $ok -eq 1 ] || { cat "$T/err"; fail "$f: no refresh succeeded in 6 runs"; }
	[ -s "$T/$f.faults" ] || fail "$f: kepsim injected nothing"
	kenv_check_store || fail "$f: store check"
	if [ "$f" = unknown-package-evidence ]; then
		[ "$(kenv_sql "SELECT count(*) FROM evidence WHERE package_id IS NULL AND kep_id LIKE '%kepsim%'")" -ge 1 ] \
			|| fail "$f: orphan evidence not kept"
	fi
	kenv_stop
	rm -rf "$T/store"/*
done

# Content faults are stored flagged with the verdict the manifest expects.
kenv_start plain
kenv_config
expect_exit 0 "$KEPAGENT" refresh
kenv_check_store
python3 - "$STORE" "$MB/manifest.json" <<'PY' || fail "verdicts of content faults"
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
bad = []
for it in json.load(open(sys.argv[2]))["items"]:
    if it["kind"] != "package" or not it.get("fault"): continue
    r = c.execute("SELECT verdict FROM packages WHERE kep_id=?", (it["kepId"],)).fetchone()
    if r is None: bad.append("%s missing" % it["fault"]); continue
    want = it["expect"]["overall"]
    # Offline revocation (this test) cannot see a revocation: valid and
    # revoked both read revocation-unknown.
    if r[0] != want and not (want in ("valid", "revoked") and r[0] == "revocation-unknown"):
        bad.append("%s: stored %s, expected %s" % (it["fault"], r[0], want))
if bad: print("\n".join(bad)); sys.exit(1)
PY
