#!/bin/sh
# `make bench`: every benchmark of kepagent, each measured side by side with
# its reference in the same run (A B A B ..., medians, the ratio pair by
# pair), printed as one table of ratios. Never asserts a time: it fails only
# when a benchmark breaks (a command fails, a count is wrong).
#   P1 first refresh of N received packages vs the bare download (the same
#      listing and package requests through the same driver, nothing
#      verified or stored: ptt-probe mirror); revocation offline, and online
#      against kepsim's CRL/OCSP for the first size; CPU and store bytes per
#      package at each size, and the growth of CPU per package.
#   P2 verification of a repeated signer vs naive CMS_verify and vs
#      leaf-only CMS_verify (no chain: the floor), RSA and EC (bench-verify).
#   P3 status lookups, in-process and over HTTP (bench-status), and the batch
#      of 500 keys (POST /v1/status), one client.
#   P4 peak RSS of a refresh of one big package (MTOM and inline) vs its size.
#   P5 idle refresh: requests and time (received-only, and with sent
#      packages awaiting evidence) vs a bare login and listing; requests vs
#      3 + what is due on the evidence schedule.
#   Counts beside them: MIME parses per package (gdb), OCSP requests per
#   100 packages with revocation online, the store's pwrite64 and fdatasync
#   calls and bytes written per package (strace; said when it is missing).
# Settings: BENCH_SIZES (default "1000 3000 10000", the sizes of issue 15),
# BENCH_RUNS (3), BENCH_SENT (500), BENCH_ROWS (status-lookup packages,
# 200000 = 1,000,000 evidence rows), BENCH_SECONDS (5), BENCH_QUICK=1
# (`make bench-quick`: tiny sizes, one run).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

PY="python3 $top_srcdir/tests/bench.py"
PROBE=$top_builddir/tests/ptt-probe
[ -x "$PROBE" ] || skip "tests/ptt-probe is not built"
if [ "${BENCH_QUICK:-0}" = 1 ]; then
	sizes=${BENCH_SIZES:-20}; runs=${BENCH_RUNS:-1}; sent=${BENCH_SENT:-10}
	rows=${BENCH_ROWS:-2000}; secs=${BENCH_SECONDS:-1}; vn=50
else
	sizes=${BENCH_SIZES:-1000 3000 10000}; runs=${BENCH_RUNS:-3}; sent=${BENCH_SENT:-500}
	rows=${BENCH_ROWS:-200000}; secs=${BENCH_SECONDS:-5}; vn=1000
fi
ROWS=$T/rows.jsonl
: >"$ROWS"
case "$(cat "$top_builddir/config.log" 2>/dev/null)" in
*-fsanitize=*) echo "bench: note: this build has sanitizers (RSS and CPU inflated); quote a release build (-O2)" ;;
esac
WIN_START=2000-01-01T00:00:00
WIN_END=2099-12-31T23:59:59

requests() { wc -l <"$KEPSIM_REQ" | tr -d ' '; }
# Of the requests after line $1, the quota watch's (asked after every sync).
quota_requests() { tail -n +"$(($1 + 1))" "$KEPSIM_REQ" | grep -Ec '"op":"(KotaSorgula|KontorSorgula)"' || true; }
fresh_store="rm -rf '$T/store' && mkdir -m 700 '$T/store'"
fresh_mirror="rm -rf '$T/mirror' && mkdir '$T/mirror'"
stored() { kenv_sql "SELECT count(*) FROM packages"; }

# world NAME [kepsim-gen options]: a new mailbox, kepsim on it, a config.
world() {
	_w=$1; shift
	[ -n "${KEPSIM_PID:-}" ] && kenv_stop
	rm -rf "$MB"
	kenv_mailbox --seed 7 --faults none "$@"
	kenv_start "$_w"
	KENV_ACK=never kenv_config
	rm -rf "$T/store"
}

# refresh_pair LABEL N GOAL: P1 for the world now running.
refresh_pair() {
	$PY pair "$ROWS" "$1" "$runs" "$3" "$fresh_store" "exec '$KEPAGENT' refresh" \
		"$fresh_mirror" "exec $(probe_cmd) mirror INBOX $WIN_START $WIN_END '$T/mirror'" "$2" \
		|| fail "$1"
	[ "$(stored)" = "$2" ] || fail "$1: $(stored) packages stored, $2 expected"
}
# The bare download's command line (kenv_config wrote the secrets file).
probe_cmd() {
	printf "'%s' --endpoint '%s' --ca-file '%s' --hesap '%s' --tcno '%s' --secrets-file '%s'" \
		"$PROBE" "$URL" "$MB/pki/https/ca.pem" "$HESAP" "$(kenv_json "$ACC/account.json" tcno)" \
		"$T/secrets.yaml"
}
raw_bytes() { find "$ACC/INBOX" -name package.eml -exec cat {} + | wc -c | tr -d ' '; }

# ---- P1, growth, P5 received-only ----
first=""
for n in $sizes; do
	world "p1-$n" --received "$n" --sent 0
	refresh_pair "P1 refresh $n received, revocation offline" "$n" ">= 1000/s, <= 2x bare"
	cpu=$(tail -n 1 "$ROWS" | sed -n 's/.*s CPU, [0-9.]* MB, [0-9.]*\/s, \([0-9.]*\) ms CPU each.*/\1/p')
	[ -z "$first" ] && { first=$n; cpu1=$cpu; }
	store=$(stat -c %s "$STORE")
	raw=$(raw_bytes)
	$PY row "$ROWS" "store bytes per package, $n" "$((store / n)) B" "raw package $((raw / n)) B" \
		"$(python3 -c "print('%.2fx' % ($store / $raw))")" "~1x (each byte once)"
	if [ "$n" != "$first" ]; then
		$PY row "$ROWS" "growth: CPU per package $n vs $first" "$cpu ms" "$cpu1 ms" \
			"$(python3 -c "print('%.2fx' % ($cpu / $cpu1))")" "<= 1.5x"
	fi
	# P5: the same store again, nothing new.
	before=$(requests)
	"$KEPAGENT" refresh >/dev/null 2>&1 || fail "idle refresh"
	idle=$(($(requests) - before))
	quota=$(quota_requests "$before")
	$PY pair "$ROWS" "P5 idle refresh, $n received (wall)" "$runs" "< 100 ms" "" \
		"exec '$KEPAGENT' refresh" "" "exec $(probe_cmd) list INBOX $WIN_START $WIN_END" \
		|| fail "P5 idle refresh"
	$PY row "$ROWS" "P5 idle refresh, $n received (requests)" "$idle ($quota of them quota)" "3 (login, 2 listings)" \
		"$(python3 -c "print('%.2fx' % ($idle / 3))")" "<= 3"
	# MIME parses per package (a count, not a time): gdb counts the calls.
	if [ "$n" = "$first" ] && command -v gdb >/dev/null 2>&1; then
		eval "$fresh_store"
		printf '%s\n' 'set pagination off' 'set $n = 0' 'break mime_package_parse' 'commands' \
			'silent' 'set $n = $n + 1' 'continue' 'end' 'run' 'printf "parses %d\n", $n' >"$T/gdb.cmd"
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" gdb -q -batch -x "$T/gdb.cmd" \
			--args "$KEPAGENT" refresh >"$T/gdb.out" 2>&1 || true
		parses=$(sed -n 's/^parses \([0-9]*\)$/\1/p' "$T/gdb.out")
		[ -n "$parses" ] && [ "$(stored)" = "$n" ] || { tail -5 "$T/gdb.out"; fail "parse count"; }
		$PY row "$ROWS" "MIME parses per package, $n received" "$(python3 -c "print('%.2f' % ($parses / $n))")" \
			"1 (one parse)" "$(python3 -c "print('%.2fx' % ($parses / $n))")" "1 (was 2)"
	fi
	# The store's writes per package (counts, not times): strace counts the
	# pwrite64 and fdatasync calls of a first refresh and the bytes written.
	# Without strace, or where it may not trace, the row says so.
	if [ "$n" = "$first" ]; then
		label="store writes per package, first refresh of $n (whole run)"
		if ! command -v strace >/dev/null 2>&1; then
			$PY row "$ROWS" "$label" "not measured: strace is not installed" "" "" "" || fail "$label"
		else
			eval "$fresh_store"
			set +e
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -y -qq \
				-e trace=pwrite64,fdatasync,fsync -o "$T/writes.trace" "$KEPAGENT" refresh \
				>/dev/null 2>"$T/writes.err"
			rc=$?
			set -e
			if [ "$(stored)" = "$n" ]; then
				[ $rc = 0 ] || { tail -5 "$T/writes.err"; fail "$label: refresh under strace exited $rc"; }
				$PY writes "$ROWS" "$label" "$T/writes.trace" "$n" "$raw" || fail "$label"
			elif [ "$(stored)" = 0 ] && grep -q '^strace:' "$T/writes.err"; then
				$PY row "$ROWS" "$label" "not measured: $(grep -m1 '^strace:' "$T/writes.err" | cut -c1-60)" \
					"" "" "" || fail "$label"
			else
				tail -5 "$T/writes.err"
				fail "$label: $(stored) packages stored under strace, $n expected"
			fi
		fi
	fi
done

# ---- P1 with revocation online (kepsim serves CRLs and OCSP; not quick: a PKI of its own) ----
n=${sizes%% *}
if [ "${BENCH_QUICK:-0}" != 1 ]; then
HPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
kenv_pki() {
	KENV_PKI=$T/pki-online
	[ -f "$KENV_PKI/.done" ] && return 0
	sh "$top_srcdir/contrib/kepsim/mkpki.sh" "$KENV_PKI" --revocation-base "http://127.0.0.1:$HPORT" \
		>"$T/mkpki.log" 2>&1 || { cat "$T/mkpki.log"; fail "mkpki.sh"; }
	touch "$KENV_PKI/.done"
}
[ -n "${KEPSIM_PID:-}" ] && kenv_stop
rm -rf "$MB"
kenv_mailbox --seed 7 --faults none --received "$n" --sent 0
kenv_start p1-online --http-port "$HPORT" --foreground
KENV_ACK=never kenv_config
sed -i 's/^  revocation: offline$/  revocation: online/' "$KEPAGENT_CONFIG"
rm -rf "$T/store"
refresh_pair "P1 refresh $n received, revocation online" "$n" ">= 1000/s, <= 2x bare"
# OCSP requests of one first refresh (a fresh store: nothing cached yet).
eval "$fresh_store"
before=$(grep -c 'revocation: OCSP POST' "$T/p1-online.log" || true)
"$KEPAGENT" refresh >/dev/null 2>&1 || fail "online refresh"
ocsp=$(($(grep -c 'revocation: OCSP POST' "$T/p1-online.log" || true) - before))
$PY row "$ROWS" "P1 online: OCSP requests per 100 packages, $n received" \
	"$(python3 -c "print('%.1f' % ($ocsp * 100 / $n))")" "100 (one per package)" \
	"$(python3 -c "print('%.2fx' % ($ocsp / $n))")" "one per certificate (was 212)"
fi

# ---- P5 with sent packages awaiting final evidence ----
world p5-sent --received 0 --sent "$sent"
"$KEPAGENT" refresh >/dev/null 2>&1 || fail "first refresh of the sent mailbox"
awaiting=$(kenv_sql "SELECT count(*) FROM packages WHERE folder <> 'INBOX' AND id NOT IN (SELECT package_id FROM evidence_final)")
# Due now on the evidence schedule (sync_p.h: SYNC_EVIDENCE_POLL_MIN_MS).
due=$(kenv_sql "SELECT count(*) FROM packages p WHERE folder <> 'INBOX' AND id NOT IN (SELECT package_id FROM evidence_final) AND NOT EXISTS (SELECT 1 FROM evidence_polls e WHERE e.package_id = p.id AND e.due_at > CAST(strftime('%s', 'now') AS INTEGER) * 1000)")
before=$(requests)
"$KEPAGENT" refresh >/dev/null 2>&1 || fail "idle refresh, sent"
idle=$(($(requests) - before))
quota=$(quota_requests "$before")
$PY row "$ROWS" "P5 idle refresh, $sent sent, $awaiting awaiting evidence (requests)" "$idle ($due due, $quota quota)" \
	"3 + due = $((3 + due))" "$(python3 -c "print('%.2fx' % ($idle / (3 + $due)))")" "<= 3 + what is due"

# ---- P4 peak RSS, one big package, MTOM and inline ----
world p4 --received 0 --sent 0 --big 1
big=$(raw_bytes)
for mode in mtom inline; do
	if [ $mode = inline ]; then kenv_stop; kenv_start p4-inline --inline-base64; KENV_ACK=never kenv_config; fi
	$PY pair "$ROWS" "P4 refresh of a $((big >> 20)) MB package, $mode" 1 "< 64 MB RSS" \
		"$fresh_store" "exec '$KEPAGENT' refresh" "$fresh_mirror" \
		"exec $(probe_cmd) mirror INBOX $WIN_START $WIN_END '$T/mirror'" 1 || fail "P4 $mode"
	rss=$(tail -n 1 "$ROWS" | sed -n 's/.*s CPU, \([0-9.]*\) MB.*/\1/p')
	$PY row "$ROWS" "P4 peak RSS, $mode" "$rss MB" "package $((big >> 20)) MB" \
		"$(python3 -c "print('%.2fx' % ($rss * 1048576 / $big))")" "< 64 MB"
done
kenv_stop

# ---- P2 verification, repeated signer ----
if [ -x "$top_builddir/tests/bench-verify" ]; then
	sh "$top_srcdir/tests/verify-mkpki.sh" "$T/vpki" 1 2 >"$T/vpki.log" 2>&1 || { cat "$T/vpki.log"; fail "verify-mkpki.sh"; }
	VPKI=$T/vpki "$top_builddir/tests/bench-verify" "$vn" >"$T/verify.out" || { cat "$T/verify.out"; fail "bench-verify"; }
	while IFS= read -r l; do
		label=$(printf "%s" "${l%% n=*}" | sed "s/ *$//")
		c=$(echo "$l" | sed -n 's/.*cached [0-9.]* s (\([0-9.]*\) ms\/pkg, \([0-9]*\) chain builds).*/\1 ms\/pkg, \2 chain builds/p')
		nv=$(echo "$l" | sed -n 's/.*naive CMS_verify [0-9.]* s (\([0-9.]*\) ms\/pkg).*/\1/p')
		lv=$(echo "$l" | sed -n 's/.*leaf-only [0-9.]* s (\([0-9.]*\) ms\/pkg).*/\1/p')
		cv=${c%% ms*}
		[ -n "$cv" ] && [ -n "$nv" ] && [ -n "$lv" ] || { cat "$T/verify.out"; fail "bench-verify printed no figures"; }
		case $label in P-256*) goal="<= 0.2x (>= 5x faster)" ;; *) goal="(RSA: decoding dominates)" ;; esac
		$PY row "$ROWS" "P2 verify $vn, $label" "$c" "naive CMS_verify $nv ms/pkg" \
			"$(python3 -c "print('%.2fx' % ($cv / $nv))")" "$goal"
		$PY row "$ROWS" "P2 verify $vn, $label, vs leaf-only" "$cv ms/pkg" "leaf-only CMS_verify $lv ms/pkg" \
			"$(python3 -c "print('%.2fx' % ($cv / $lv))")" "<= 1.5x leaf-only"
	done <"$T/verify.out"
fi

# ---- P3 status lookups ----
for threads in 1 4; do
	# The batch (POST /v1/status, 500 keys, one client) in the 1-client run.
	batch=0; [ "$threads" = 1 ] && batch=500
	BENCH_PACKAGES=$rows BENCH_THREADS=$threads BENCH_SECONDS=$secs BENCH_BATCH=$batch \
		sh "$top_srcdir/tests/bench-status.sh" >"$T/status.out" 2>&1 || { cat "$T/status.out"; fail "bench-status"; }
	ip=$(sed -n 's/^in-process .* = \([0-9]*\) lookups\/s.*/\1/p' "$T/status.out")
	ht=$(sed -n 's/^HTTP .* = \([0-9]*\) lookups\/s.*/\1/p' "$T/status.out")
	lat=$(sed -n 's/^HTTP .*latency \(p50 [0-9]* us, p99 [0-9]* us\).*/\1/p' "$T/status.out")
	srv=$(sed -n 's/^HTTP .*, server \([0-9]*\) us;.*/\1/p' "$T/status.out")
	grep -q ' 0 errors$' "$T/status.out" && ! grep -v ' 0 errors$' "$T/status.out" | grep -Eq 'lookups|batches' \
		|| { cat "$T/status.out"; fail "bench-status reported errors"; }
	$PY row "$ROWS" "P3 status over HTTP, $((rows * 5)) rows, $threads client(s)" \
		"$ht/s, $lat, server CPU ${srv:-?} us/lookup" \
		"in-process $ip/s" "$(python3 -c "print('%.2fx' % ($ht / max($ip, 1)))")" ">= 10000/s, p99 < 1 ms"
	if [ "$batch" != 0 ]; then
		bh=$(sed -n 's/^batch-HTTP .*latency p50 \([0-9]*\) us.*/\1/p' "$T/status.out")
		bl=$(sed -n 's/^batch-HTTP .*server \([0-9]*\) us, min \([0-9]*\) us.*/min \2 us, server CPU \1 us/p' "$T/status.out")
		bp=$(sed -n 's/^batch-in-process .*latency p50 \([0-9]*\) us.*/\1/p' "$T/status.out")
		[ -n "$bh" ] && [ -n "$bl" ] && [ -n "$bp" ] || { cat "$T/status.out"; fail "bench-status printed no batch figures"; }
		$PY row "$ROWS" "P3 status batch of $batch keys over HTTP, $((rows * 5)) rows" \
			"p50 $bh us, $bl" "in-process p50 $bp us" \
			"$(python3 -c "print('%.2fx' % ($bh / max($bp, 1)))")" "< 20 ms"
	fi
done

$PY table "$ROWS"
