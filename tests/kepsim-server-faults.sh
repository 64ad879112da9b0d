#!/bin/sh
# kepsim: each transport/protocol fault as a client sees it (curl), the fault
# log, and reproducibility per seed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-server-lib.sh"

make_mailbox 9 --received 3 --sent 2 --faults none
S1=$(ls "$ACC/INBOX" | sort -n | head -n 1)
O1=$(for s in $(ls "$ACC/OUTBOX"); do [ -n "$(ls "$ACC/OUTBOX/$s/delil" 2>/dev/null)" ] && echo $s; done | head -n 1)
[ -n "$O1" ] || fail "no sent package with evidence"

# only FAULT: kepsim with that fault on every eligible request.
only() { kenv_start --http "$1" --faults "$1" --fault-rate 1 --seed 3 --fault-log "$T/$1.faults" --slow-ms 1500; }

only http500
soap PaketSorgula
[ "$(http_status)" = 500 ] || fail "http500: HTTP $(http_status)"
expect_grep '^\{"seq":1,"op":"PaketSorgula","fault":"http500"\}$' "$T/http500.faults"
kenv_stop --clean

only http503
soap Indir kepSiraNo=$S1
[ "$(http_status)" = 503 ] || fail "http503: HTTP $(http_status)"
grep -qi '^Retry-After:' "$T/hdr" || fail "http503 without Retry-After"
kenv_stop --clean

only soap-fault
soap DizinSorgula
[ "$(http_status)" = 500 ] || fail "soap-fault: HTTP $(http_status)"
expect_grep '<faultcode>soapenv:Server</faultcode>' "$T/resp"
kenv_stop --clean

only durum1-transient
soap PaketSorgula
expect_durum 1 'Sistem meşgul'
kenv_stop --clean

only slow
t0=$(date +%s%N)
soap DizinSorgula
t1=$(date +%s%N)
expect_answer
[ $(( (t1 - t0) / 1000000 )) -ge 1400 ] || fail "slow answered in $(( (t1 - t0) / 1000000 )) ms"
kenv_stop --clean

only drop
soap Indir kepSiraNo=$S1
case $CURL_RC in 18|56) ;; *) cat "$T/curl.err"; fail "drop: curl exit $CURL_RC, expected 18 or 56" ;; esac
[ "$(wc -c <"$T/resp")" -lt "$(wc -c <"$ACC/INBOX/$S1/package.eml")" ] || fail "drop sent everything"
kenv_stop --clean

only truncated-mtom
soap Indir kepSiraNo=$S1
[ $CURL_RC -eq 0 ] || fail "truncated-mtom: the HTTP message itself must be complete (curl $CURL_RC)"
if split_resp >/dev/null 2>"$T/split.err"; then fail "truncated multipart accepted"; fi
expect_grep 'no closing boundary' "$T/split.err"
len=$(awk 'tolower($1)=="content-length:" {print $2+0}' "$T/hdr")
[ "$len" -eq "$(wc -c <"$T/resp")" ] || fail "Content-Length $len is not the body length"
# Not eligible: list operations answer normally.
soap PaketSorgula
expect_durum 0
[ "$(wc -l <"$T/truncated-mtom.faults")" -eq 1 ] || fail "fault log: only Indir was eligible"
kenv_stop --clean

kenv_start --http clean
soap PaketSorgula; expect_durum 0; field kepId >"$T/clean.ids"
kid=$(kenv_json "$ACC/OUTBOX/$O1/meta.json" kepId)
soap PaketDelilSorgula kepSiraNo=$O1 dizin=OUTBOX; expect_durum 0; field delilId >"$T/clean.dids"
kenv_stop --clean

only duplicate-list-entries
soap PaketSorgula; expect_durum 0; field kepId >"$T/dup.ids"
[ "$(wc -l <"$T/dup.ids")" -gt "$(wc -l <"$T/clean.ids")" ] || fail "no duplicated entries"
[ "$(sort -u "$T/dup.ids" | wc -l)" -eq "$(wc -l <"$T/clean.ids")" ] || fail "duplicates changed the set"
[ "$(field konu | wc -l)" -eq "$(wc -l <"$T/dup.ids")" ] || fail "duplicated arrays not parallel"
kenv_stop --clean

only reordered-list-entries
soap PaketSorgula; expect_durum 0; field kepId >"$T/re.ids"
cmp -s "$T/re.ids" "$T/clean.ids" && fail "order unchanged"
sort "$T/re.ids" >"$T/a"; sort "$T/clean.ids" >"$T/b"
cmp "$T/a" "$T/b" || fail "reordering changed the set"
kenv_stop --clean

only unknown-package-evidence
soap PaketDelilSorgula kepSiraNo=$O1 dizin=OUTBOX; expect_durum 0; field delilId >"$T/unk.dids"
extra=$(grep -vxF -f "$T/clean.dids" "$T/unk.dids")
[ -n "$extra" ] || fail "no extra evidence item"
soap PaketDelilIndir delilId="$extra"
expect_durum 0
expect_grep 'UAMessageIdentifier' "$T/bin.1"
expect_no_grep "$kid" "$T/bin.1"
kenv_stop --clean

# drop and truncated-mtom also with chunk-free inline base64 (drop only).
kenv_start --http inl --inline-base64 --faults drop --fault-rate 1
soap PaketDelilIndir delilId="$(head -n 1 "$T/clean.dids")"
case $CURL_RC in 18|56) ;; *) fail "inline drop: curl exit $CURL_RC" ;; esac
kenv_stop --clean

# Reproducible: the same seed and request sequence give the same faults.
run_seq() {
	kenv_start --http "seq$1" --faults all --fault-rate 0.5 --seed "$2" --fault-log "$T/seq$1.faults" --slow-ms 10
	for i in 1 2 3 4 5 6 7 8; do
		soap PaketSorgula; soap Indir kepSiraNo=$S1; soap PaketDelilSorgula kepSiraNo=$O1 dizin=OUTBOX
	done
	kenv_stop --clean
}
run_seq 1 42
run_seq 2 42
run_seq 3 43
[ -s "$T/seq1.faults" ] || fail "no faults at rate 0.5"
cmp "$T/seq1.faults" "$T/seq2.faults" || fail "same seed, different faults"
cmp -s "$T/seq1.faults" "$T/seq3.faults" && fail "different seeds, same faults"
n=$(wc -l <"$T/seq1.faults")
[ "$n" -gt 3 ] && [ "$n" -lt 21 ] || fail "rate 0.5 gave $n faults of 24"
exit 0
