#!/bin/sh
# kepagent refresh as a KEP officer sees it at a terminal (tmux: send-keys,
# capture-pane) against a kepsim mailbox of a few hundred packages, some
# forged: the progress line owns its line (redrawn in place, so one line per
# folder stays on the screen, never a log line glued to it), log lines are
# printed above it, the summary lists each flagged item with its kepId,
# subject, verdict and reason, the same in --json; the same screen in
# Turkish under LANG=tr_TR.UTF-8; Ctrl-C gives a consistent summary and exit
# 130; -q and log.level quieten it; not on a terminal, plain lines only.
. "$top_srcdir/tests/lib.sh"
command -v tmux >/dev/null || skip "tmux is missing (contrib/install-deps.sh)"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 3 --received 200 --sent 20 --faults all
kenv_start tty
kenv_config
export KEPAGENT_LOCALEDIR="$top_builddir/po/locale"
# Each run its own tmux server (socket), with history for every log line.
printf 'set -g history-limit 50000\n' >"$T/tmux.conf"
tmux_new() { # NAME COMMAND: a detached 160x50 session running COMMAND
	SOCK=$T/tmux-$1.sock
	on_exit "tmux -S '$SOCK' kill-server 2>/dev/null || true"
	tmux -u -S "$SOCK" -f "$T/tmux.conf" new-session -d -s "$1" -x 160 -y 50 "$2"
}

flagged_db() { kenv_sql "SELECT kep_id FROM packages WHERE verdict NOT IN ('valid','revocation-unknown') ORDER BY kep_id"; }

# tty_run NAME LANG ARGS...: runs kepagent ARGS in a fresh 160x50 tmux
# window with LANG, waits for it to end, and leaves the whole screen with
# its history in $T/NAME.screen and the exit code in $T/NAME.rc.
tty_run() {
	_n=$1 _lang=$2; shift 2
	tmux_new "$_n" "env LANG=$_lang KEPAGENT_LOCALEDIR=$KEPAGENT_LOCALEDIR KEPAGENT_CONFIG=$KEPAGENT_CONFIG KEPAGENT_RETRY_BASE_MS=5 $KEPAGENT $*; echo EXIT=\$?; sleep 3600"
	tty_wait "$_n"
}

tty_wait() {
	_i=0
	until tmux -S "$SOCK" capture-pane -p -J -t "$1" -S - | grep -q '^EXIT=[0-9]'; do
		_i=$((_i + 1)); [ $_i -lt 1200 ] || { tmux -S "$SOCK" capture-pane -p -t "$1" -S -; fail "$1: refresh did not end"; }
		sleep 0.25
	done
	tmux -S "$SOCK" capture-pane -p -J -t "$1" -S - | sed 's/ *$//' >"$T/$1.screen"
	sed -n 's/^EXIT=//p' "$T/$1.screen" >"$T/$1.rc"
	tmux -S "$SOCK" kill-server 2>/dev/null || true
}

# check_screen NAME EXAMINED FLAGGED-WORD: the screen of one run.
check_screen() {
	_s=$T/$1.screen
	[ "$(cat "$T/$1.rc")" = 0 ] || { cat "$_s"; fail "$1: exit $(cat "$T/$1.rc")"; }
	# One progress line per folder: redrawn in place, never scrolled.
	[ "$(grep -Ec "^acct INBOX: [0-9]+/[0-9]+ $2" "$_s")" = 1 ] || { cat "$_s"; fail "$1: INBOX progress not on one line"; }
	[ "$(grep -Ec "^acct OUTBOX: [0-9]+/[0-9]+ $2" "$_s")" = 1 ] || { cat "$_s"; fail "$1: OUTBOX progress not on one line"; }
	# The folder's last state: everything examined, everything new.
	expect_grep "^acct INBOX: ([0-9]+)/\\1 $2[^0-9]*\\1 " "$_s"
	# No log line glued to a progress line, no escape left on the screen.
	expect_no_grep "$2.*kepagent: |kepagent: .*$2" "$_s"
	expect_no_grep "$(printf '\033')" "$_s"
	# Log lines above the progress line of their folder.
	_log=$(grep -n '^kepagent: info: \[acct\] INBOX: stored ' "$_s" | tail -n 1 | cut -d: -f1)
	_bar=$(grep -En "^acct INBOX: [0-9]+/[0-9]+ $2" "$_s" | cut -d: -f1)
	[ -n "$_log" ] && [ "$_log" -lt "$_bar" ] || { cat "$_s"; fail "$1: log lines not above the progress line"; }
	# Each flagged package listed once in the summary, after the progress.
	flagged_db >"$T/flagged.db"
	[ -s "$T/flagged.db" ] || fail "$1: the forged mailbox stored nothing flagged"
	sed -n "s/^  $3 \([^ ]*\) \".*\": \([a-z-]*\): .*/\1/p" "$_s" | sort >"$T/flagged.screen"
	diff "$T/flagged.db" "$T/flagged.screen" >/dev/null || { cat "$_s"; diff "$T/flagged.db" "$T/flagged.screen"; fail "$1: flagged packages not listed"; }
	[ "$(grep -n "^  $3 " "$_s" | head -n 1 | cut -d: -f1)" -gt "$_bar" ] || fail "$1: summary before the progress"
}

# ---- English ----
rm -rf "$T/store"/*
tty_run en C.UTF-8 refresh
check_screen en examined 'flagged: package'
# Under on-import nothing EBYS has to import is acknowledged; a verified
# delil mail is evidence, acknowledged when stored (schema 15).
n_ack=$(kenv_sql "SELECT count(*) FROM evidence_mails WHERE is_evidence = 1")
expect_grep "^acct: [0-9]+ new package\\(s\\), [0-9]+ new evidence item\\(s\\), $n_ack acknowledged, [1-9][0-9]* flagged by verification, 0 failure\\(s\\)\$" "$T/en.screen"
# A flagged line carries the verdict and a reason from the verification.
python3 - "$STORE" "$T/en.screen" <<'PY' || fail "flagged lines do not carry subject, verdict and reason"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
screen = open(sys.argv[2], encoding="utf-8").read().splitlines()
for kep, subj, verdict, reason in c.execute(
        "SELECT kep_id, subject, verdict, verdict_reason FROM packages "
        "WHERE verdict NOT IN ('valid','revocation-unknown')"):
    want = '  flagged: package %s "%s": %s: %s' % (kep, subj or "", verdict, reason or "")
    assert any(l == want[:len(l)] and len(l) >= min(len(want), 150) for l in screen), want
PY

# ---- Turkish (LANG=tr_TR.UTF-8) ----
if locale -a 2>/dev/null | grep -qi '^tr_TR\.utf-\?8$'; then
	rm -rf "$T/store"/*
	tty_run tr tr_TR.UTF-8 refresh
	check_screen tr incelendi 'işaretli: paket'
	expect_grep '^acct INBOX: .* işaretli, [0-9]+\.[0-9] MB, saniyede [0-9]+\.[0-9] MB$' "$T/tr.screen"
	n_ack=$(kenv_sql "SELECT count(*) FROM evidence_mails WHERE is_evidence = 1")
	expect_grep "^acct: [0-9]+ yeni paket, [0-9]+ yeni delil, $n_ack onaylandı, doğrulamada [1-9][0-9]* işaretli, 0 hata\$" "$T/tr.screen"
	expect_no_grep 'examined|flagged by verification' "$T/tr.screen"
else
	fail "no tr_TR.UTF-8 locale (contrib/install-deps.sh generates it)"
fi

# ---- Ctrl-C: a consistent summary and exit 130 ----
kenv_stop
kenv_start slow --delay-ms 30
kenv_config
rm -rf "$T/store"/*
tmux_new int "env LANG=C.UTF-8 KEPAGENT_CONFIG=$KEPAGENT_CONFIG $KEPAGENT refresh; echo EXIT=\$?; sleep 3600"
_i=0
until tmux -S "$SOCK" capture-pane -p -t int | grep -Eq '^acct INBOX: [1-9][0-9]*/[0-9]+ examined'; do
	_i=$((_i + 1)); [ $_i -lt 400 ] || { tmux -S "$SOCK" capture-pane -p -t int; fail "no progress to interrupt"; }
	sleep 0.05
done
tmux -S "$SOCK" send-keys -t int C-c
tty_wait int
[ "$(cat "$T/int.rc")" = 130 ] || { cat "$T/int.screen"; fail "Ctrl-C: exit $(cat "$T/int.rc"), expected 130"; }
expect_grep '^acct \(interrupted\): [0-9]+ new package\(s\)' "$T/int.screen"
expect_no_grep 'failed: stopped' "$T/int.screen"
# What it says it stored is what the store holds.
said=$(sed -n 's/^acct (interrupted): \([0-9]*\) new package.*/\1/p' "$T/int.screen")
[ "$said" = "$(kenv_sql "SELECT count(*) FROM packages")" ] || fail "Ctrl-C: summary says $said packages"
[ "$(grep -Ec '^acct INBOX: [0-9]+/[0-9]+ examined' "$T/int.screen")" = 1 ] || fail "Ctrl-C: progress line not kept once"
kenv_stop
kenv_start tty2
kenv_config

# ---- -q: no progress, no info lines; the summary stays (nothing new now) ----
tty_run quiet C.UTF-8 -q refresh
[ "$(cat "$T/quiet.rc")" = 0 ] || fail "-q: exit $(cat "$T/quiet.rc")"
expect_no_grep 'examined|kepagent: info:' "$T/quiet.screen"
expect_grep '^acct: [0-9]+ new package\(s\)' "$T/quiet.screen"

# ---- not a terminal: plain lines, no carriage return or escape ----
rm -rf "$T/store"/*
expect_exit 0 "$KEPAGENT" refresh
expect_grep '^acct INBOX: [0-9]+ package\(s\) listed$' "$T/err"
expect_grep '^acct INBOX: ([0-9]+)/\1 examined, \1 new, [0-9]+ evidence, [1-9][0-9]* flagged, [0-9]+\.[0-9] MB at [0-9]+\.[0-9] MB/s$' "$T/err"
# The bytes are what the store holds of the folder's packages.
mb=$(sed -n 's|^acct INBOX: .* flagged, \([0-9.]*\) MB at .*|\1|p' "$T/err")
[ "$mb" = "$(kenv_sql "SELECT printf('%.1f', sum(length(raw)) / 1e6) FROM packages WHERE folder = 'INBOX'")" ] \
	|| fail "INBOX: $mb MB shown, not the stored packages' size"
! grep -q "$(printf '[\r\033]')" "$T/err" || fail "control characters in non-terminal output"
expect_grep '^  flagged: package ' "$T/out"
# log.level: warn in the configuration holds for refresh too.
rm -rf "$T/store"/*
printf 'log:\n  level: warn\n' >>"$KEPAGENT_CONFIG"
expect_exit 0 "$KEPAGENT" refresh --json
expect_no_grep 'kepagent: info:' "$T/err"
# --json lists the same flagged items, with their reasons.
python3 - "$STORE" "$T/out" <<'PY' || fail "--json flagged_items"
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
want = {r[0]: r[1:] for r in c.execute(
    "SELECT kep_id, subject, verdict, verdict_reason FROM packages "
    "WHERE verdict NOT IN ('valid','revocation-unknown')")}
a = json.load(open(sys.argv[2]))["accounts"][0]
got = {f["kep_id"]: (f["subject"], f["verdict"], f["reason"]) for f in a["flagged_items"]
       if f["what"] == "package"}
assert got == want, (got, want)
assert a["flagged"] == len(a["flagged_items"]), a["flagged"]
for f in a["flagged_items"]:
    assert f["verdict"] and f["reason"], f
PY
# -v over log.level brings the info lines back (nothing new to store now).
expect_exit 0 "$KEPAGENT" -v refresh
expect_grep 'kepagent: info: \[acct\] INBOX: listing ' "$T/err"
