# tests/api-lib.sh: a running `kepagent run` on loopback over a store filled
# from kepsim by the real `kepagent refresh`, and a curl helper. Source after
# tests/lib.sh (it sources tests/kepsim-env.sh).
#
#   api_world [kepsim-gen options]  mailbox, kepsim, config, token, refresh, run;
#                                   sets API (base URL), TOKEN, DAEMON_PID;
#                                   calls api_before_refresh when defined;
#                                   API_MAX_REQUEST (bytes) sets max_request_size
#   api_daemon_up [VAR=VALUE...]    kepagent run -d (again) with that environment,
#                                   waited for until /healthz answers; sets DAEMON_PID
#   api METHOD PATH [JSON]          curl with the token; body in $T/body,
#                                   prints the HTTP status
#   api_raw CURL-ARGS...            curl without the token; prints the status
#   qsql SQL                        SQL on the store, committed
#   jget FILE EXPR                  python3 expression over the JSON in FILE (as j)
#   api_conforms METHOD PATH STATUS [FILE]  FILE ($T/body) is what
#                                   doc/openapi.yaml documents for that response
#   api_schema NAME FILE            FILE (an object or a list of them) is the
#                                   schema NAME of doc/openapi.yaml, strictly
. "$top_srcdir/tests/kepsim-env.sh"
command -v curl >/dev/null || skip "curl is missing"

api_world() {
	kenv_mailbox "$@"
	kenv_start sim
	kenv_config "poll_interval: 3600"
	# A port of our own: tests run in parallel.
	_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	python3 - "$KEPAGENT_CONFIG" "$_port" "${API_MAX_REQUEST:-65536}" <<'PY'
import sys
p, port, maxreq = sys.argv[1:4]
s = open(p).read().replace("api:\n", "api:\n  port: %s\n  max_request_size: %s\n" % (port, maxreq), 1)
s = s.replace("\nqueue:", "\nqueue:") 
s += "queue:\n  lease_seconds: 300\n  max_attempts: 3\n"
open(p, "w").write(s)
PY
	(umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/api-token")
	TOKEN=$(cat "$T/api-token")
	! command -v api_before_refresh >/dev/null || api_before_refresh
	"$KEPAGENT" refresh >"$T/refresh.log" 2>&1 || { cat "$T/refresh.log"; tail -20 "$T/sim.log" >&2; fail "kepagent refresh"; }
	API=http://127.0.0.1:$_port
	api_daemon_up
}

api_daemon_up() {
	env "$@" "$KEPAGENT" run -d >"$T/run.log" 2>&1 &
	DAEMON_PID=$!
	on_exit "kill $DAEMON_PID 2>/dev/null || true; wait $DAEMON_PID 2>/dev/null || true"
	_i=0
	until curl -s -o /dev/null "$API/healthz"; do
		kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$T/run.log"; fail "kepagent run exited"; }
		_i=$((_i + 1)); [ $_i -lt 400 ] || { cat "$T/run.log"; fail "the API did not come up"; }
		sleep 0.05
	done
}

api() {
	_m=$1 _p=$2
	if [ $# -ge 3 ]; then
		curl -s -o "$T/body" -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $TOKEN" \
			-H 'Content-Type: application/json' --data-binary "$3" "$API$_p"
	else
		curl -s -o "$T/body" -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $TOKEN" "$API$_p"
	fi
}

# qsql SQL: runs SQL on the store in autocommit mode (kenv_sql never commits).
qsql() {
	python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
for r in c.execute(sys.argv[2]): print("\t".join("" if v is None else str(v) for v in r))' "$STORE" "$1"
}

api_raw() { curl -s -o "$T/body" -w '%{http_code}' "$@"; }

jget() { python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); r=eval(sys.argv[2]); print(json.dumps(r) if isinstance(r,(dict,list)) else r)' "$1" "$2"; }

api_conforms() {
	python3 -c 'import yaml' 2>/dev/null || return 0
	python3 "$top_srcdir/tests/api-openapi.py" --body "$top_srcdir/doc/openapi.yaml" "$1" "$2" "$3" "${4:-$T/body}" \
		|| fail "$1 $2: ${4:-this HTTP $3} is not what doc/openapi.yaml documents"
}
api_schema() {
	python3 -c 'import yaml' 2>/dev/null || return 0
	python3 "$top_srcdir/tests/api-openapi.py" --schema "$top_srcdir/doc/openapi.yaml" "$1" "$2" \
		|| fail "$2 is not the $1 object of doc/openapi.yaml"
}

# expect_status WANT GOT WHAT
expect_status() { [ "$2" = "$1" ] || { cat "$T/body" >&2; fail "$3: HTTP $2, expected $1"; }; }
