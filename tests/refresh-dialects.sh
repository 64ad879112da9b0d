#!/bin/sh
# The contract matrix: kepagent refresh against kepsim in every dialect
# (contrib/kepsim/README "Dialects": public, the public clients' forms;
# plain, strict, unqualified fields under default namespaces, inline
# base64; legacy, the shapes kepsim and kepagent
# once shared): a full sync, an idle one and a run with transport and
# SOAP faults, each checked byte-exact and exactly once (kenv_check_store).
# Evidence times are stored as the provider wrote them and in UTC.
# A package whose delil folder is empty rides along (an empty evidence list
# in each dialect's empty-list form). The credential form the driver sends
# is checked in the request log: bare for DizinSorgula where the dialect
# wants it, wrapped after one refused bare attempt in legacy.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 11 --received 2 --sent 2 --faults none
# One sent package without evidence: its delil folder exists, empty.
p=$(ls -d "$ACC"/OUTBOX/*/ | head -n 1)
rm -f "$p"delil/*
count() { grep -c "\"op\":\"$1\"" "$KEPSIM_REQ" || true; }

for d in public plain legacy; do
	extra=
	[ "$d" != plain ] || extra=--inline-base64
	rm -rf "$T/store"
	kenv_start "$d" --dialect "$d" $extra
	kenv_config
	expect_grep "dialect: " "$T/$d.log"

	# Full sync.
	expect_exit 0 "$KEPAGENT" refresh
	expect_grep '^acct: 4 new package\(s\), [0-9]* new evidence item\(s\)' "$T/out"
	kenv_check_store || fail "$d: store check"
	[ "$(count Indir)" -eq 4 ] || fail "$d: $(count Indir) Indir calls, expected 4"
	# The quota answer is read in this dialect too (a failure there is only
	# a warning, so it is asserted here): figures in the summary, no warning.
	expect_grep '^  quota: [0-9.]+ MB of [0-9.]+ MB used' "$T/out"
	expect_no_grep 'quota: ' "$T/err"
	case $d in
	legacy)
		# The bare form is refused with a Fault once per process, then the
		# wrapped form is used and nothing is refused after it.
		expect_grep '"op":"DizinSorgula".*"result":"soap-fault".*"creds":"bare"' "$KEPSIM_REQ"
		expect_grep '"op":"DizinSorgula","account".*"durum":"0".*"creds":"wrapped"' "$KEPSIM_REQ"
		expect_grep 'answered the credentials wrapped in a kepHesap element' "$T/err"
		[ "$(grep -c '"result":"soap-fault"' "$KEPSIM_REQ")" -eq 1 ] || fail "$d: more than one refused request"
		;;
	*)
		expect_no_grep '"op":"DizinSorgula".*"creds":"wrapped"' "$KEPSIM_REQ"
		expect_grep '"op":"DizinSorgula".*"creds":"bare"' "$KEPSIM_REQ"
		expect_no_grep 'soap-fault' "$KEPSIM_REQ"
		;;
	esac
	# Evidence times: the provider's text kept as it was sent (each
	# dialect's form), the UTC value beside it equal to the mailbox's.
	python3 - "$STORE" "$ACC" "$d" "$T" <<'PY' || fail "$d: evidence times"
import calendar, json, os, sqlite3, sys, time
db, acc, d = sys.argv[1:4]
c = sqlite3.connect(db)
n = 0
for folder in os.listdir(acc):
    fd = os.path.join(acc, folder)
    if not os.path.isdir(fd): continue
    for sira in os.listdir(fd):
        dd = os.path.join(fd, sira, "delil")
        for j in (os.listdir(dd) if os.path.isdir(dd) else []):
            if not j.endswith(".json"): continue
            m = json.load(open(os.path.join(dd, j)))
            utc = calendar.timegm(time.strptime(m["tarih"], "%Y-%m-%dT%H:%M:%S"))
            tr = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(utc + 3 * 3600))
            want = {"public": tr + "+03:00", "plain": m["tarih"] + "Z", "legacy": tr}[d]
            row = c.execute("SELECT event_time, event_time_text FROM evidence WHERE delil_id=?",
                            (m["delilId"],)).fetchone()
            assert row == (utc * 1000, want), (m["delilId"], row, utc * 1000, want)
            kep = json.load(open(os.path.join(fd, sira, "meta.json")))["kepId"]
            print(kep, m["delilId"], want, file=open(sys.argv[4] + "/times", "a"))
            n += 1
assert n > 0, "no evidence"
PY
	# The status lookup shows each item's provider_time as it was sent.
	cut -d' ' -f1 "$T/times" | sort -u >"$T/keps"
	while read -r kep; do
		expect_exit 0 "$KEPAGENT" status --json "$kep"
		grep "^$kep " "$T/times" | python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
if "results" in j: j = j["results"][0]
got = {e["delil_id"]: e.get("provider_time") for e in j["evidence"]}
for l in sys.stdin:
    kep, delil, want = l.split()
    assert got.get(delil) == want, (delil, got.get(delil), want)' "$T/out" ||
			fail "$d: provider_time of $kep: $(cat "$T/out")"
	done <"$T/keps"
	rm -f "$T/times"
	# The package without evidence was asked and answered with an empty list.
	expect_grep '"op":"PaketDelilSorgula".*"count":0' "$KEPSIM_REQ"

	# Idle: nothing downloaded, nothing duplicated.
	: >"$KEPSIM_REQ"
	expect_exit 0 "$KEPAGENT" refresh
	expect_grep '^acct: 0 new package\(s\), 0 new evidence item\(s\)' "$T/out"
	[ "$(count Indir)" -eq 0 ] && [ "$(count PaketDelilIndir)" -eq 0 ] ||
		{ cat "$KEPSIM_REQ"; fail "$d: an idle sync downloaded"; }
	kenv_check_store || fail "$d: store check after the idle sync"
	kenv_stop

	# Faults from a fresh store: refreshes repeat until one succeeds, then
	# everything is there exactly once.
	rm -rf "$T/store"
	kenv_start "$d-faults" --dialect "$d" $extra --faults http500,http503,soap-fault,drop,durum1-transient \
		--fault-rate 0.3 --seed 4 --fault-log "$T/$d.faults"
	kenv_config
	ok=0
	for i in 1 2 3 4 5 6 7 8; do
		set +e
		"$KEPAGENT" refresh >"$T/out" 2>"$T/err"
		rc=$?
		set -e
		[ $rc -ne 0 ] || { ok=1; break; }
		[ $rc -eq 1 ] || [ $rc -eq 5 ] || { cat "$T/err"; fail "$d faults: exit $rc"; }
	done
	[ $ok -eq 1 ] || { cat "$T/err"; fail "$d faults: no refresh succeeded in 8 runs"; }
	[ -s "$T/$d.faults" ] || fail "$d: kepsim injected no fault"
	kenv_check_store || fail "$d faults: store check"
	kenv_stop
done
