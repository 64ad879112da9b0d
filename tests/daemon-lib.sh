# tests/daemon-lib.sh: run `kepagent run` in tests. Source after
# tests/kepsim-env.sh.
#   dmn_token                  write $T/api-token (0600), set TOKEN
#   dmn_start                  start the daemon (foreground, log in $T/run.log), set DMN_PID
#   dmn_metric NAME            a /metrics sample value ("" when absent)
#   dmn_wait SECONDS CMD...    retry CMD until it succeeds or time runs out
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
API_PORT=$(free_port)

dmn_token() {
	(umask 077 && od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "$T/api-token")
	TOKEN=$(cat "$T/api-token")
}

dmn_start() {
	"$KEPAGENT" run -d >"$T/run.log" 2>&1 &
	DMN_PID=$!
	on_exit "kill $DMN_PID 2>/dev/null || true"
	dmn_wait 20 curl -sf "http://127.0.0.1:$API_PORT/healthz" -o /dev/null \
		|| { cat "$T/run.log"; fail "kepagent run did not start"; }
}

dmn_metric() {
	curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$API_PORT/metrics" |
		awk -v k="$1" '$1 == k { print $2 }'
}

dmn_wait() {
	_limit=$(( $1 * 10 )); shift
	_i=0
	until "$@" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -lt $_limit ] || return 1
		sleep 0.1
	done
}
