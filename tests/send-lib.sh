# tests/send-lib.sh: sending tests against kepsim. Source after tests/lib.sh;
# it sources kepsim-env.sh and softhsm-lib.sh.
#
#   send_world [kepsim options]   mailbox, the account's seal (mali muhur) and
#                                 card (e-imza) on a SoftHSM2 token "kep"
#                                 (labels muhur, eimza, with their issuing
#                                 CAs; PIN 1234 in $T/pin),
#                                 kepsim started as "sim"; sets PEER (another
#                                 kepsim account, a recipient)
#   send_config MODE [PATH] [PIN-FILE] [KEY]
#                                 kenv_config with a sending: block
#   submitted MESSAGE-ID [all]    how many Yukle/SmimeGonder kepsim performed
#                                 for that Message-ID (the request logs of
#                                 every kepsim started in this test); all:
#                                 the requests naming it, performed or not
#   submissions [REQ-LOG]         how many Yukle/SmimeGonder requests reached
#                                 kepsim, performed or not (default: the
#                                 current kepsim's $KEPSIM_REQ)
#   sent_copies ILETI-ID          packages with that iletiID in the sender's
#                                 sent folder (kepsim's mailbox)
#   item_json ID                  `kepagent outbox show --json ID` into $T/item
#   item FIELD                    a field of $T/item (python expression over j)
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/softhsm-lib.sh"
grep -q SmimeGonder "$KEPSIM" || skip "this kepsim does not take Yukle/MimeYap/SmimeGonder"

send_world() {
	kenv_mailbox --seed 7 --received 1 --sent 1 --faults none \
		--account birim-a@hs01.kep.tr --account birim-b@hs01.kep.tr
	for _a in "$MB"/accounts/*/; do
		_a=${_a%/}
		[ "$_a" = "$ACC" ] || { PEER=$(kenv_json "$_a/account.json" kepHesap); break; }
	done
	[ -n "${PEER:-}" ] || fail "the mailbox has one account only"
	hsm_init kep 1234
	_m=$MB/$(kenv_json "$ACC/account.json" muhur_cert)
	_e=$MB/$(kenv_json "$ACC/account.json" eimza_cert)
	_m=${_m%-cert.pem} _e=${_e%-cert.pem}
	hsm_import kep 1234 "$_m-key.der" "$_m-cert.der" 01 muhur
	hsm_import kep 1234 "$_e-key.der" "$_e-cert.der" 02 eimza
	# The signers' issuing CAs beside them, as on a real token: the agent
	# puts them into its signatures so that recipients reach their anchors.
	_n=16
	for _c in "$_m-cert.pem" "$_e-cert.pem"; do
		_iss=$(openssl x509 -in "$_c" -noout -issuer -nameopt RFC2253)
		for _i in "$MB"/pki/*/inter.pem; do
			[ "$(openssl x509 -in "$_i" -noout -subject -nameopt RFC2253 | sed 's/^subject/issuer/')" = "$_iss" ] || continue
			_n=$((_n + 1))
			openssl x509 -in "$_i" -outform DER -out "$T/ca-$_n.der"
			pkcs11-tool --module "$MODULE" --token-label kep --login --pin 1234 \
				--write-object "$T/ca-$_n.der" --type cert --id $_n --label "ca-$_n" >/dev/null \
				|| fail "import CA certificate $_i"
		done
	done
	hsm_pin_file "$T/pin" 1234
	hsm_pin_file "$T/badpin" 9999
	kenv_start sim "$@"
}

send_config() {
	# SEND_PARK_AFTER: reconcile_park_after_seconds (0 here: a submission
	# whose answer was lost and that the sent folder does not list is parked
	# at the first run that looks; the default waits 600 s). SEND_PARK_KEY:
	# the key's name (the old resubmit_after_seconds is an alias).
	kenv_config "sending:" "  mode: $1" "  path: ${2:-yukle}" \
		"  ${SEND_PARK_KEY:-reconcile_park_after_seconds}: ${SEND_PARK_AFTER:-0}" "  pkcs11:" \
		"    module: $MODULE" "    token: kep" "    key: ${4:-muhur}" \
		"    pin_file: ${3:-$T/pin}"
}

submitted() {
	python3 - "$T" "$1" "${2:-performed}" <<'PY'
import glob, json, os, sys
n = 0
for line in (l for f in glob.glob(os.path.join(sys.argv[1], "*.req")) for l in open(f)):
    r = json.loads(line)
    if r.get("op") in ("Yukle", "SmimeGonder") and (r.get("performed") is True or sys.argv[3] == "all"):
        ids = {r.get("messageId"), r.get("mesajid")}
        if sys.argv[2] in ids or sys.argv[2].strip("<>") in {str(i).strip("<>") for i in ids}:
            n += 1
print(n)
PY
}

submissions() {
	python3 - "${1:-$KEPSIM_REQ}" <<'PY'
import json, sys
print(sum(1 for l in open(sys.argv[1])
          if json.loads(l).get("op") in ("Yukle", "SmimeGonder")))
PY
}

sent_copies() {
	python3 - "$ACC" "$1" <<'PY'
import glob, json, os, sys
acc, ileti = sys.argv[1:]
print(sum(1 for m in glob.glob(os.path.join(acc, "*", "*", "meta.json"))
          if json.load(open(m)).get("iletiID") == ileti))
PY
}

item_json() {
	"$KEPAGENT" outbox show --json "$1" >"$T/item" 2>"$T/item.err" \
		|| { cat "$T/item.err"; fail "outbox show $1"; }
}

item() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print("" if r is None else r)' "$T/item" "$1"; }
