#!/bin/sh
# The provider acknowledgement of delil mails (sync/ack_policy.h), asserted
# against kepsim's request log, under each ack_policy and in every kepsim
# dialect (and inline base64): a refresh brings a genuine delil mail (its
# KEPHS signature verifies: evidence, never queued) and a forged one (its
# envelope signed by an e-imza: an ordinary received package, queued with
# its verdict); then EBYS imports what is queued and a refresh follows.
#   on-import: AlindiOnay for the genuine one when it is stored (nothing will
#              ever ack it in the queue), none for the forged one until EBYS
#              acked its queue item, then one;
#   on-store:  one for each, when stored;
#   never:     none, ever.
# Each AlindiOnay names the mail as listed (its kepId and kepSiraNo), once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/evidence-mail-lib.sh"

for d in public plain legacy inline; do
	case $d in
	inline) opts="--dialect public --inline-base64" ;;
	*) opts="--dialect $d" ;;
	esac
	for policy in on-import on-store never; do
		rm -rf "$MB" "$T/store"
		evm_forget
		kenv_mailbox --seed 31 --received 1 --sent 1 --faults none
		sira=$(ls "$ACC/OUTBOX" | head -n 1)
		kenv_start "$d-$policy" $opts --delay-ms 0
		KENV_ACK=$policy kenv_config
		expect_exit 0 "$KEPAGENT" refresh
		evm_add none "$sira" 10
		g=$EVM_KEP gsira=$(kenv_json "$(tail -n 1 "$T/evm" | cut -d' ' -f4)/meta.json" kepSiraNo)
		evm_add envelope-by-eimza "$sira" 10
		f=$EVM_KEP
		expect_exit 0 "$KEPAGENT" refresh
		gsent=$(evm_acks "$KEPSIM_REQ" "$g" | wc -l)
		fsent=$(evm_acks "$KEPSIM_REQ" "$f" | wc -l)
		case $policy:$gsent:$fsent in
		on-import:1:0|on-store:1:1|never:0:0) ;;
		*) fail "$d $policy: AlindiOnay sent $gsent time(s) for the genuine mail, $fsent for the forged one" ;;
		esac
		# The acknowledgement names the mail as the listing gave it.
		if [ "$gsent" = 1 ]; then
			evm_acks "$KEPSIM_REQ" "$g" | python3 -c 'import json, sys
r = json.loads(sys.stdin.read())
assert str(r.get("kepSiraNo")) == sys.argv[1], r
assert r.get("duplicate") is False and r.get("durum", "0") == "0", r' "$gsira" ||
				fail "$d $policy: the AlindiOnay: $(evm_acks "$KEPSIM_REQ" "$g")"
		fi
		evm_check "$policy" "$KEPSIM_REQ"
		# The forged one is queued; the genuine one is not (the CLI says so too).
		expect_exit 0 "$KEPAGENT" queue list --json
		python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
ids = [i.get("kep_id") for i in j["items"]]
assert sys.argv[2] not in ids and ids.count(sys.argv[3]) == 1, ids' "$T/out" "$g" "$f" ||
			fail "$d $policy: queue list: $(cat "$T/out")"
		kenv_import
		expect_exit 0 "$KEPAGENT" refresh
		evm_check "$policy" "$KEPSIM_REQ"
		fsent=$(evm_acks "$KEPSIM_REQ" "$f" | wc -l)
		case $policy:$fsent in
		on-import:1|on-store:1|never:0) ;;
		*) fail "$d $policy: after the import, AlindiOnay sent $fsent time(s) for the forged mail" ;;
		esac
		[ "$(evm_acks "$KEPSIM_REQ" "$g" | wc -l)" = "$gsent" ] ||
			fail "$d $policy: the genuine mail acknowledged again"
		kenv_stop --clean
	done
done
exit 0
