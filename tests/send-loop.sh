#!/bin/sh
# Two agents on one kepsim, the whole loop: account A's agent seals and
# submits a letter (Yukle) to account B; B's agent receives it into its
# import queue, and the original B stores is byte for byte the S/MIME
# message A signed and kepsim kept in A's sent folder; B's EBYS claims
# and acks it, so B's agent acknowledges it to the provider (AlindiOnay),
# which makes kepsim write A's "Okundu" delil. A's status lookup (by its
# iletiID) walks the stages as the delils arrive (--evidence-delay-ms):
# 10 "Kabul Edildi" at once, 40 "Teslim Edildi" (B has it), then 60
# "Okundu" once B acknowledged it, each from a verified delil, dated now
# (kepsim's wire times are Turkish time, the agent reads them so). The same loop over MimeYap + SmimeGonder reaches 60 too.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/send-lib.sh"

DELAY=1500
send_world --evidence-delay-ms $DELAY
BDIR=$MB/accounts/$PEER

# B's agent: its own store, secrets and configuration (account B's login).
b_config() {
	(
		ACC=$BDIR
		T=$T/b
		mkdir -p "$T"
		kenv_config
	)
}
b_config
B_CONFIG=$T/b/kepagent.yaml
STORE_A=$STORE
STORE_B=$T/b/store/kepagent.db
b() { KEPAGENT_CONFIG=$B_CONFIG "$KEPAGENT" "$@"; }
send_config seal yukle

# stage ILETI-ID: A's status lookup, "stage label" (or "none").
stage() {
	expect_exit 0 "$KEPAGENT" status --json "$1"
	python3 - "$T/out" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
assert r["found"], r
# Only verified delils count for the stage.
for e in r["evidence"]:
    if e["delil_tur_id"] == r["stage"]:
        assert e["verdict"] in ("valid", "revocation-unknown"), e
print("%s %s" % (r["stage"], r["label"]) if r["stage"] else "none")
PY
}
# until_stage ILETI-ID CODE: A refreshes until its status reaches CODE.
until_stage() {
	_i=0
	while :; do
		expect_exit 0 "$KEPAGENT" refresh
		_s=$(stage "$1")
		echo "A: $1 at ${_s}"
		[ "${_s%% *}" != "$2" ] || break
		_i=$((_i + 1)); [ $_i -lt 20 ] || fail "$1 did not reach $2 (at $_s)"
		sleep 0.5
	done
}

# loop ILETI-ID: A sends to B, B imports and acks, A reaches 60.
loop() {
	ileti=$1
	expect_exit 0 "$KEPAGENT" send --json --to "$PEER" --subject "Resmi yazı $ileti" \
		--body-file "$T/body.txt" --attach "$T/ek.pdf" --ileti-id "$ileti"
	cp "$T/out" "$T/item"
	id=$(item 'j["id"]')
	expect_exit 0 "$KEPAGENT" refresh
	item_json "$id"
	[ "$(item 'j["state"]')" = submitted ] || { cat "$T/err"; fail "$ileti: not submitted"; }
	kep=$(item 'j["kep_id"]')
	first=$(stage "$ileti")
	[ "$first" = "10 Kabul Edildi" ] || fail "$ileti: first stage is '$first', expected 10 Kabul Edildi"
	echo "A: $ileti submitted as $kep, status $first"
	# The delil's time as the agent read it from the wire (kepsim answers
	# naive Turkish time, UTC+3) is now, not three hours off.
	t=$(kenv_sql "SELECT e.event_time FROM evidence e JOIN packages p ON p.id = e.package_id WHERE p.kep_id = '$kep' AND e.delil_tur_id = 10")
	python3 -c 'import sys, time
t = int(sys.argv[1]); t = t / 1000 if t > 1e11 else t
sys.exit(abs(t - time.time()) > 120)' "$t" || fail "$ileti: delil 10 dated $t, not now"

	# B receives it.
	expect_exit 0 b refresh
	pid=$(STORE=$STORE_B kenv_sql "SELECT id FROM packages WHERE kep_id = '$kep'")
	[ -n "$pid" ] || fail "$ileti: B did not store $kep"
	until_stage "$ileti" 40
	# B's EBYS claims it, fetches the original and acks.
	expect_exit 0 b queue claim --count 100 --json
	lease=$(python3 -c 'import json,sys
for i in json.load(open(sys.argv[1]))["items"]:
    if i["id"] == int(sys.argv[2]): print(i["lease"])' "$T/out" "$pid")
	[ -n "$lease" ] || { cat "$T/out"; fail "$ileti: B's queue does not offer package $pid"; }
	expect_exit 0 b queue fetch "$pid" --lease "$lease" --what original -o "$T/b-original.eml"
	python3 - "$MB" "$kep" "$T/b-original.eml" <<'PY' || fail "$ileti: B's original is not A's sent message"
import glob, json, os, sys
mb, kep, got = sys.argv[1:]
got = open(got, "rb").read()
for meta in glob.glob(os.path.join(mb, "accounts", "*", "*", "*", "meta.json")):
    d = os.path.dirname(meta)
    if json.load(open(meta)).get("kepId") == kep and not os.path.exists(os.path.join(d, "sender.json")):
        sys.exit(0 if open(os.path.join(d, "original.eml"), "rb").read() == got else 1)
sys.exit(1)
PY
	if [ "$(item 'j["path"]')" = yukle ]; then
		# Yukle: byte for byte the S/MIME message A's agent built and signed.
		[ "$(sha256sum <"$T/b-original.eml" | cut -d' ' -f1)" = \
			"$(item '[f["sha256"] for f in j["files"] if f["role"] == "smime"][0]')" ] \
			|| fail "$ileti: B's original is not the S/MIME message A signed"
	fi
	expect_exit 0 b queue ack "$pid" --lease "$lease"
	# Signed by A's seal with its chain: trusted by both agents.
	for db in "$STORE_A" "$STORE_B"; do
		v=$(STORE=$db kenv_sql "SELECT verdict || ': ' || coalesce(verdict_reason, '') FROM packages WHERE kep_id = '$kep'")
		case $v in valid*|revocation-unknown*) ;; *) fail "$ileti: stored as $v" ;; esac
	done
	echo "B: received $kep byte-exact, imported and acked"
	# B acknowledges to the provider at its next refresh (ack_policy on-import).
	expect_exit 0 b refresh
	[ "$(STORE=$STORE_B kenv_sql "SELECT provider_ack FROM packages WHERE id = $pid")" = done ] \
		|| fail "$ileti: B did not acknowledge it to the provider"
	grep -q '"op": *"AlindiOnay"' "$KEPSIM_REQ" || fail "no AlindiOnay"
	until_stage "$ileti" 60
	[ "$(stage "$ileti")" = "60 Okundu" ] || fail "$ileti: the last stage is $(stage "$ileti")"
	# The walk: every stage's delil stored for A, in order.
	codes=$(kenv_sql "SELECT group_concat(delil_tur_id, ' ') FROM (SELECT e.delil_tur_id FROM evidence e JOIN packages p ON p.id = e.package_id WHERE p.kep_id = '$kep' ORDER BY e.delil_tur_id)")
	[ "$codes" = "10 20 40 60" ] || fail "$ileti: A's delils are '$codes'"
	echo "A: $ileti walked 10 -> 20 -> 40 -> 60 Okundu"
}

printf 'Sayın ilgili,\r\nyazımız ektedir.\r\n' >"$T/body.txt"
head -c 40000 /dev/urandom >"$T/ek.pdf"
loop LOOP-YUKLE
send_config seal mimeyap
loop LOOP-MIMEYAP
