# tests/send-fault-lib.sh: provider faults while sending, one item per
# scenario with a kepsim of its own. Source after tests/send-lib.sh.
#   fault_world                   send_world, without a kepsim running, and
#                                 the attachment $T/ek.pdf
#   SEND_KEPSIM_OPTS              options for every kepsim started here
#                                 (a dialect: --dialect plain --inline-base64)
#   refresh WHAT...               `kepagent refresh`, its stderr kept in $T/runs.log
#   new_item PATH [kepsim options]
#                                 a kepsim of its own and one item FT-$n ($id,
#                                 its JSON in $T/item), seal mode, timeout 2 s
#   sent_id                       what kepsim's log names the item's submission by
#   once WHAT TRIES REQUESTS      the item is submitted after TRIES attempts, kepsim
#                                 took REQUESTS submission requests and performed one,
#                                 and holds one package
#   fault PATH OP FAULT OUTCOME [kepsim options]
#                                 FAULT injected into the first OP; OUTCOME adopted,
#                                 retried or parked (see below)
fault_world() {
	send_world
	kenv_stop
	head -c 20000 /dev/urandom >"$T/ek.pdf"
	n=0
}

refresh() {
	set +e
	"$KEPAGENT" refresh >"$T/out" 2>"$T/err"
	set -e
	{ echo "--- $*"; cat "$T/err"; } >>"$T/runs.log"
}

# new_item PATH [kepsim options]: a kepsim of its own and one item FT-$n
# ($id, its JSON in $T/item).
new_item() {
	path=$1; shift
	n=$((n + 1))
	# shellcheck disable=SC2086 # options, split
	kenv_start "sim$n" ${SEND_KEPSIM_OPTS:-} "$@"
	send_config seal "$path"
	# A short timeout, so that a slow answer is one the agent gave up on.
	echo "    timeout: 2" >>"$KEPAGENT_CONFIG"
	expect_exit 0 "$KEPAGENT" send --json --to "$PEER" --subject "Arıza $n" --body "Sınama" \
		--attach "$T/ek.pdf" --ileti-id "FT-$n"
	cp "$T/out" "$T/item"
	id=$(item 'j["id"]')
}

# sent_id: what kepsim's log names the item's submission by.
sent_id() {
	if [ "$path" = yukle ]; then item 'j["message_id"]'; else item 'j["mesaj_id"]'; fi
}

# once WHAT TRIES REQUESTS: the item is submitted after TRIES attempts, kepsim
# took REQUESTS submission requests and performed one, and holds one package.
once() {
	[ "$(item 'j["state"]')" = submitted ] || { cat "$T/err" "$T/item"; fail "$1: the item is $(item 'j["state"]')"; }
	[ "$(submitted "$(sent_id)")" = 1 ] || fail "$1: kepsim performed $(submitted "$(sent_id)") submissions"
	[ "$(submissions)" = "$3" ] || fail "$1: kepsim got $(submissions) submission requests, expected $3"
	[ "$(sent_copies "FT-$n")" = 1 ] || fail "$1: $(sent_copies "FT-$n") packages in the sent folder"
	[ "$(item 'j["attempts"]')" = "$2" ] || fail "$1: $(item 'j["attempts"]') attempts, expected $2"
}

# fault PATH OP FAULT OUTCOME [kepsim options]: kepsim injects FAULT into the
# first OP. OUTCOME adopted: the answer was lost after the provider took it;
# the next run finds it in the sent folder (one request). retried: the
# provider refused it; submitted again by the next run (two requests).
# parked: not taken, but nothing proves it (an HTML 500): parked at the next
# run without a second request.
fault() {
	op=$2 f=$3 outcome=$4 p=$1; shift 4
	new_item "$p" --faults "$f" --fault-ops "$op" --fault-rate 1 --fault-limit 1 "$@"
	runs=0
	while :; do
		runs=$((runs + 1))
		refresh "$op $f: run $runs"
		item_json "$id"
		st=$(item 'j["state"]')
		case $st in submitted|parked) break ;; failed) cat "$T/err" "$T/item"; fail "$op $f: failed" ;; esac
		[ $runs -lt 3 ] || { cat "$T/err" "$T/item"; fail "$op $f: still $st after $runs runs"; }
	done
	# kepsim logs a slow answer when it is done; the agent gave up before.
	if [ "$f" = slow ]; then
		sleep 3
		grep -q 'Yukle: .*timed out' "$T/runs.log" || fail "$op $f: the agent did not time out"
	fi
	grep -q "\"fault\": *\"$f\"" "$KEPSIM_REQ" || fail "$op $f: kepsim injected no fault"
	case $outcome in
	adopted) once "$op $f" 1 1 ;;
	retried) once "$op $f" 2 2 ;;
	parked)
		[ "$st" = parked ] || fail "$op $f: the item is $st, not parked"
		[ "$(submissions)" = 1 ] || fail "$op $f: $(submissions) submission requests before a person decided"
		[ "$(submitted "$(sent_id)")" = 0 ] || fail "$op $f: kepsim performed it"
		expect_grep "submission unanswered and not in the sent folder after" "$T/item"
		expect_grep "kepagent outbox resubmit $id" "$T/item"
		# Parked stays parked: more runs submit nothing.
		refresh "$op $f: parked"
		[ "$(submissions)" = 1 ] || fail "$op $f: a parked item was submitted again"
		;;
	esac
	echo "$op $f: $outcome in $runs run(s), $(submissions) submission request(s), performed $(submitted "$(sent_id)")"
	# A parked item's kepsim stays for what the person does next.
	[ "$outcome" = parked ] || kenv_stop
}
