#!/bin/sh
# A kepId the provider lists again with another kepSiraNo: packages are
# known by (folder, kepId), so the row looked stored and was skipped without
# a word, and the second package was lost behind the first. Now the stored
# package keeps its bytes (never overwritten), and the listed one is
# downloaded by its kepSiraNo alone and kept beside it (kep_id_reuses, schema
# 19) with its own bytes, warned about, audited and flagged once; a later
# refresh downloads it no more. In every kepsim dialect.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

file_sha() { python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"; }
indir() { grep '"op":"Indir"' "$KEPSIM_REQ" | grep -c "$1" || true; }

n=0
for opts in "--dialect public" "--dialect public --inline-base64" \
	"--dialect plain --inline-base64" "--dialect legacy"; do
	n=$((n + 1))
	rm -rf "$MB" "$T/store"
	kenv_mailbox --seed $((40 + n)) --received 2 --sent 0 --faults none
	# shellcheck disable=SC2086 # the options are words
	kenv_start "sim$n" --delay-ms 0 $opts
	kenv_config
	expect_exit 0 "$KEPAGENT" refresh
	first=$(ls "$ACC/INBOX" | sort -n | head -n 1)
	kep=$(kenv_json "$ACC/INBOX/$first/meta.json" kepId)
	pkg=$(kenv_sql "SELECT id FROM packages WHERE kep_id = '$kep'")
	[ -n "$pkg" ] || fail "$opts: the first package is not stored"
	old=$(kenv_sql "SELECT hex(raw_sha256) FROM packages WHERE id = $pkg")

	# New mail, listed by the provider under the first package's kepId.
	kenv_add_package INBOX
	sira=$KENV_SIRA
	python3 - "$ACC/INBOX/$sira/meta.json" "$kep" <<'PY'
import json, os, sys
p, kep = sys.argv[1:3]
m = json.load(open(p))
m["kepId"] = kep
open(p + ".tmp", "w").write(json.dumps(m))
os.rename(p + ".tmp", p)
PY
	newsha=$(file_sha "$ACC/INBOX/$sira/package.eml" | tr a-f A-F)
	expect_exit 0 "$KEPAGENT" refresh --json
	expect_grep "listed again as #$sira; the stored package with it is #$first" "$T/err"
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))["accounts"][0]
f = [i for i in r["flagged_items"] if i["verdict"] == "kep-id-reused"]
assert len(f) == 1 and f[0]["kep_id"] == sys.argv[2], r["flagged_items"]' "$T/out" "$kep" \
		|| fail "$opts: not flagged: $(cat "$T/out")"
	# The stored package is as it was; the listed one is beside it, its own bytes.
	[ "$(kenv_sql "SELECT count(*) FROM packages")" = 2 ] || fail "$opts: packages changed"
	[ "$(kenv_sql "SELECT hex(raw_sha256) FROM packages WHERE id = $pkg")" = "$old" ] \
		|| fail "$opts: the stored package was overwritten"
	got=$(kenv_sql "SELECT package_id || ' ' || listed_seq || ' ' || hex(raw_sha256) || ' ' || raw_size FROM kep_id_reuses")
	[ "$got" = "$pkg $sira $newsha $(wc -c <"$ACC/INBOX/$sira/package.eml")" ] \
		|| fail "$opts: recorded '$got', expected '$pkg $sira $newsha ...'"
	python3 - "$STORE" "$ACC/INBOX/$sira/package.eml" <<'PY' || fail "$opts: the kept bytes are not the listed package's"
import sqlite3, sys
raw = sqlite3.connect(sys.argv[1]).execute("SELECT raw FROM kep_id_reuses").fetchone()[0]
assert raw == open(sys.argv[2], "rb").read()
PY
	[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'package.kep-id-reused' AND detail = '$sira'")" = 1 ] \
		|| fail "$opts: not audited"
	# Downloaded by its kepSiraNo alone (by the kepId it could be either).
	[ "$(indir "\"kepSiraNo\":\"$sira\"")" = 1 ] || fail "$opts: not downloaded by its kepSiraNo once"
	[ "$(grep '"op":"Indir"' "$KEPSIM_REQ" | grep "\"kepSiraNo\":\"$sira\"" | grep -c kepId || true)" = 0 ] \
		|| fail "$opts: downloaded by its kepId"
	# Kept: the next refresh neither downloads nor flags it again.
	expect_exit 0 "$KEPAGENT" refresh --json
	expect_no_grep "listed again" "$T/err"
	[ "$(indir "\"kepSiraNo\":\"$sira\"")" = 1 ] || fail "$opts: downloaded again"
	[ "$(kenv_sql "SELECT count(*) FROM kep_id_reuses")" = 1 ] || fail "$opts: recorded twice"
	[ "$(kenv_sql "SELECT count(*) FROM audit_log WHERE action = 'package.kep-id-reused'")" = 1 ] \
		|| fail "$opts: audited twice"
	kenv_stop --clean
done
