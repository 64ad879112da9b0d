#!/bin/sh
# Exit codes as kepagent(8) documents them, for every command: a table of
# (code, world, command) rows, each run against real parts (kepsim over
# HTTPS, a real store). The test also checks that every code of the man
# page's EXIT STATUS is provoked by some row, that `kepagent --help` names
# the same codes, and that every command of `kepagent --help` has rows.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

command -v flock >/dev/null || skip "flock (util-linux) is missing"

# ---- the worlds ----
kenv_mailbox --seed 7 --received 3 --sent 2 --faults none
MB0=$MB
kenv_start good
GOOD_URL=$URL
kenv_config
od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$T/api-token"
chmod 600 "$T/api-token"
"$KEPAGENT" refresh >"$T/first.out" 2>"$T/first.err" || { cat "$T/first.err"; fail "first refresh"; }
cp "$KEPAGENT_CONFIG" "$T/base.yaml"
unset KEPAGENT_CONFIG
PAROLA=$(kenv_json "$ACC/account.json" parola)

# world NAME [SED-EXPRESSION]: $T/NAME.yaml, the good configuration edited
# by the expression, with its own store (seeded from the synced one).
world() {
	mkdir -p "$T/st-$1" && chmod 700 "$T/st-$1"
	[ -e "$T/st-$1/kepagent.db" ] || cp "$STORE" "$T/st-$1/kepagent.db"
	sed -e "s|$T/store/kepagent.db|$T/st-$1/kepagent.db|" ${2:+-e "$2"} "$T/base.yaml" >"$T/$1.yaml"
}
world good
world nosecrets "s|secrets_file: .*|secrets_file: $T/no-such-secrets.yaml|"
printf 'parola: "yanlis-%s"\nsifre: "x"\n' "$PAROLA" >"$T/wrong-secrets.yaml"
chmod 600 "$T/wrong-secrets.yaml"
world badpass "s|secrets_file: .*|secrets_file: $T/wrong-secrets.yaml|"
closed=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
world down "s|$GOOD_URL|https://127.0.0.1:$closed/KepEYazismaV1.1/KepEYazismaCOREWSDL.php|"
world busy
printf 'store:\n  path: [not, a, path]\n' >"$T/invalid.yaml"
world badstore
rm -f "$T/st-badstore/kepagent.db"
printf 'this is not an SQLite database, not at all, and long enough to read\n' >"$T/st-badstore/kepagent.db"
chmod 600 "$T/st-badstore/kepagent.db"
world retention "s|^queue:|queue:|"
printf 'retention:\n  archive_after_years: 1\n  archive_dir: %s/archives\n' "$T" >>"$T/retention.yaml"
mkdir -m 700 "$T/archives"
cp "$T/api-token" "$T/open-token" && chmod 644 "$T/open-token"
world opentoken "s|token_file: .*|token_file: $T/open-token|"

# One delil of the mailbox cannot be fetched (kepsim: "Delil bulunamadı"):
# a single failed item among stored packages.
MB=$T/mb-item
cp -a "$MB0" "$MB"
ev=$(ls "$MB"/accounts/*/*/*/delil/*.json | head -n 1)
rm -f "$(dirname "$ev")/$(kenv_json "$ev" file)"
kenv_start item
world itemfail "s|$GOOD_URL|$URL|"
rm -f "$T/st-itemfail/kepagent.db"
# Every answer of this kepsim takes 1.5 s: a refresh that is interrupted.
MB=$MB0
kenv_start slow --faults slow --fault-rate 1 --slow-ms 1500
world slow "s|$GOOD_URL|$URL|"
rm -f "$T/st-slow/kepagent.db"

# Known ids of the synced store.
PKG=$(kenv_sql "SELECT id FROM packages WHERE folder='INBOX' ORDER BY id LIMIT 1")
KEPID=$(kenv_sql "SELECT kep_id FROM packages WHERE folder<>'INBOX' ORDER BY id LIMIT 1")
EVID=$(kenv_sql "SELECT id FROM evidence ORDER BY id LIMIT 1")
[ -n "$PKG" ] && [ -n "$KEPID" ] && [ -n "$EVID" ] || fail "the first refresh stored too little"
"$KEPAGENT" -c "$T/good.yaml" evidence export "$PKG" -o "$T/bundle.zip" >"$T/out" 2>"$T/err" \
	|| { cat "$T/err"; fail "evidence export"; }
# A sent message whose only delil is forged (broken XML signature): its
# bundle is intact and re-verifies to its own report, but is not valid (9).
world forged
kenv_add_package OUTBOX
fsira=$KENV_SIRA
kenv_add_evidence evidence "$fsira" 10 evidence-broken-signature
"$KEPAGENT" -c "$T/forged.yaml" refresh >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "refresh of the forged delil"; }
FPKG=$(STORE=$T/st-forged/kepagent.db kenv_sql "SELECT id FROM packages WHERE kep_id = '$(kenv_json "$ACC/OUTBOX/$fsira/meta.json" kepId)'")
[ -n "$FPKG" ] || fail "the package of the forged delil is not stored"
"$KEPAGENT" -c "$T/forged.yaml" evidence export "$FPKG" -o "$T/forged-bundle.zip" >"$T/out" 2>"$T/err" \
	|| { cat "$T/err"; fail "evidence export of the forged delil"; }
# tamper: one letter of the signed content, two thirds into the package.
cat >"$T/tamper.py" <<'PY'
def tamper(d):
    i = len(d) * 2 // 3
    while not (65 <= d[i] <= 90 or 97 <= d[i] <= 122):
        i += 1
    return d[:i] + bytes([d[i] ^ 0x01]) + d[i + 1:]
PY
python3 - "$T/bundle.zip" "$T/tampered.zip" <<'PY' || fail "tampering with the bundle"
import os, sys, zipfile
sys.path.insert(0, os.path.dirname(sys.argv[1])); from tamper import tamper
src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w")
for i in src.infolist():
    d = src.read(i)
    dst.writestr(i, tamper(d) if i.filename.endswith("package.eml") else d)
dst.close()
PY
python3 - "$STORE" "$PKG" "$T/pkg.eml" "$T/pkg-tampered.eml" <<'PY' || fail "package files"
import os, sqlite3, sys
sys.path.insert(0, os.path.dirname(sys.argv[3])); from tamper import tamper
d = sqlite3.connect(sys.argv[1]).execute("SELECT raw FROM packages WHERE id=?", (int(sys.argv[2]),)).fetchone()[0]
open(sys.argv[3], "wb").write(d)
open(sys.argv[4], "wb").write(tamper(d))
PY
"$KEPAGENT" -c "$T/good.yaml" queue claim --count 1 --json >"$T/claim.json" 2>"$T/err" \
	|| { cat "$T/err"; fail "queue claim"; }
QID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["id"])' "$T/claim.json")
LEASE=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["lease"])' "$T/claim.json")
# A second item on the shortest lease, acked once it has expired (below).
"$KEPAGENT" -c "$T/good.yaml" queue claim --count 1 --lease-seconds 10 --json >"$T/claim2.json" 2>"$T/err" \
	|| { cat "$T/err"; fail "queue claim --lease-seconds 10"; }
claimed2=$(date +%s)
QID2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["id"])' "$T/claim2.json")
LEASE2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["items"][0]["lease"])' "$T/claim2.json")

# ---- the table: CODE WORLD COMMAND [ARGS] ----
# WORLD is a configuration ($T/WORLD.yaml), or - for none given.
# hold: the account's lock is held by another process for the row.
rows() {
	cat <<EOF
0 - --help
2 - -
2 - no-such-command
2 - --no-such-option
0 - version
0 - version --json
2 - version --bogus
0 good check-config
2 good check-config extra
3 missing check-config
3 invalid check-config
3 nosecrets check-config
0 - verify --anchors $MB0/pki/trust/rsa-root.pem --anchors $MB0/pki/trust/ec-root.pem --kephs $MB0/pki/rsa/kephs.pem --kephs $MB0/pki/ec/kephs.pem $T/pkg.eml
1 - verify --anchors $MB0/pki/trust/rsa-root.pem --anchors $MB0/pki/trust/ec-root.pem --kephs $MB0/pki/rsa/kephs.pem --kephs $MB0/pki/ec/kephs.pem $T/pkg-tampered.eml
2 - verify
3 - verify --anchors $T/no-such-anchor.pem $T/pkg.eml
0 good refresh
0 good refresh --json
2 good refresh extra
2 good refresh --account no-such-account
3 missing refresh
3 invalid refresh
3 nosecrets refresh
4 badpass refresh
5 down refresh
6 badstore refresh
7 busy refresh
1 itemfail refresh
130 slow refresh
0 good doctor --no-network
1 opentoken doctor --no-network
2 good doctor extra
3 missing doctor
3 invalid doctor
2 good run extra
3 missing run -d
3 invalid run -d
6 badstore run -d
0 good queue list
0 good queue show $QID --lease $LEASE
1 good queue show $QID --lease not-the-lease
2 good queue ack $QID
1 good queue ack $QID --lease not-the-lease
2 good queue frobnicate
3 missing queue list
2 good send --bogus
3 missing send --to a@hs01.kep.tr --subject s
2 good outbox
2 good outbox frobnicate
3 missing outbox list
6 badstore queue list
8 good queue show 999999 --lease $LEASE
0 good status $KEPID
8 good status no-such-key
2 good status
3 missing status $KEPID
6 badstore status $KEPID
0 good evidence search
0 good evidence show $EVID
2 good evidence search --verdict bogus
3 missing evidence search
6 badstore evidence search
8 good evidence show 999999
8 good evidence export 999999 -o $T/none.zip
0 good evidence verify $T/bundle.zip
1 good evidence verify $T/tampered.zip
9 good evidence verify $T/forged-bundle.zip
0 retention archive --dry-run
3 good archive
3 missing archive
EOF
}

provoked=""
cmds=""
nrows=0
rows >"$T/rows"
while read -r code world args; do
	nrows=$((nrows + 1))
	# shellcheck disable=SC2086
	set -- $args
	[ "$1" != - ] || set --
	cfg=""
	[ "$world" = - ] || cfg="-c $T/$world.yaml"
	label="$code: $world: kepagent $*"
	case "$world:${1:-}" in
	busy:refresh)
		mkdir -p "$T/st-busy/locks"
		flock "$T/st-busy/locks/acct.lock" sleep 30 &
		holder=$!
		i=0; until ! flock -n "$T/st-busy/locks/acct.lock" true; do
			i=$((i + 1)); [ $i -lt 100 ] || fail "$label: the lock was not taken"; sleep 0.05
		done
		;;
	esac
	if [ "$world:${1:-}" = slow:refresh ]; then
		# Interrupted as an officer's Ctrl-C would: SIGINT while it runs.
		: >"$KEPSIM_REQ"
		# shellcheck disable=SC2086
		"$KEPAGENT" $cfg "$@" >"$T/out" 2>"$T/err" &
		pid=$!
		i=0; until grep -q '"op":"PaketSorgula"' "$KEPSIM_REQ" 2>/dev/null; do
			i=$((i + 1)); [ $i -lt 400 ] || fail "$label: the refresh never listed"; sleep 0.05
		done
		kill -INT $pid
		set +e; wait $pid; got=$?; set -e
		[ "$got" = "$code" ] || { cat "$T/out" "$T/err"; fail "$label: exited $got"; }
		expect_grep '^acct \(interrupted\): [0-9]+ new package' "$T/out"
		expect_no_grep 'failed: ' "$T/out"
	else
		# shellcheck disable=SC2086
		set +e; "$KEPAGENT" $cfg "$@" >"$T/out" 2>"$T/err" </dev/null; got=$?; set -e
		[ "$got" = "$code" ] || { echo "--- stdout"; cat "$T/out"; echo "--- stderr"; cat "$T/err"; fail "$label: exited $got"; }
	fi
	[ -z "${holder:-}" ] || { kill $holder 2>/dev/null; wait $holder 2>/dev/null || true; holder=; }
	# An error (usage, configuration, login, provider, store, busy) is
	# explained on stderr; a result (1 invalid, 8 unknown) may be on stdout.
	# doctor's report is its stdout: a FAIL line there.
	case $code:${1:-} in
	[13-7]:doctor) expect_grep '^FAIL ' "$T/out" ;;
	[2-7]:*) [ -s "$T/err" ] || fail "$label: nothing on stderr" ;;
	esac
	provoked="$provoked $code"
	[ $# -eq 0 ] || case "$1" in -*) ;; *) cmds="$cmds $1" ;; esac
done <"$T/rows"
# Details the table rows promise beyond the code.
expect_exit 4 "$KEPAGENT" -c "$T/badpass.yaml" refresh
expect_no_grep "yanlis-" "$T/out"
expect_no_grep "yanlis-" "$T/err"
expect_exit 1 "$KEPAGENT" -c "$T/itemfail.yaml" refresh
expect_grep '1 failure\(s\)' "$T/out"
expect_grep "failed: .*$(kenv_json "$ev" delilId)" "$T/out"
# An expired lease, as kepagent(8) says: exit 1, the item not acked.
while [ $(($(date +%s) - claimed2)) -le 11 ]; do sleep 1; done
expect_exit 1 "$KEPAGENT" -c "$T/good.yaml" queue ack "$QID2" --lease "$LEASE2"
expect_grep "lease on item $QID2 has expired" "$T/err"
[ "$(STORE=$T/st-good/kepagent.db kenv_sql "SELECT state FROM import_queue WHERE package_id = $QID2")" = claimed ] \
	|| fail "queue ack with an expired lease acked the item"

# Every documented code is provoked by a row.
man_codes=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$top_srcdir/doc/kepagent.8" \
	| awk 'prev == ".TP" && /^\.B [0-9]+$/ {print $2} {prev = $0}' | sort -n | tr '\n' ' ')
[ -n "$man_codes" ] || fail "no codes found in kepagent(8) EXIT STATUS"
for c in $man_codes; do
	case " $provoked " in *" $c "*) ;; *) fail "exit code $c of kepagent(8) is provoked by no row" ;; esac
done
# ... and the help text names the same codes.
help_codes=$("$KEPAGENT" --help | sed -n '/Exit codes:/,$p' | grep -oE '(^| )[0-9]+ [a-z]' \
	| grep -oE '[0-9]+' | sort -n | tr '\n' ' ')
[ "$help_codes" = "$man_codes" ] || fail "kepagent --help lists exit codes '$help_codes', kepagent(8) '$man_codes'"
# Every command has rows.
for c in $("$KEPAGENT" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR>1 && NF {print $1}'); do
	case " $cmds " in *" $c "*) ;; *) fail "command '$c' has no row in the exit-code table" ;; esac
done
echo "exit codes: $nrows rows provoke $(echo $provoked | tr ' ' '\n' | sort -un | tr '\n' ' ')"
