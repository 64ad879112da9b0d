# contrib/kepsim/launch.sh: the one way to start kepsim, shared by the shell
# tests (tests/kepsim-env.sh kenv_start) and contrib/demo.sh. Plain POSIX sh;
# source it with KEPSIM set to the kepsim binary.
#
#   kepsim_launch [--http] DIR NAME MAILBOX [kepsim option...]
#       starts kepsim in the background on an ephemeral loopback HTTPS port:
#       its output in DIR/NAME.log, its port in DIR/NAME.port, one JSON line
#       per request in DIR/NAME.req (a --request-log among the options wins,
#       kepsim takes the last). --http also serves CRLs and OCSP over plain
#       HTTP (on port 0, or the --http-port among the options) and waits for
#       that port too. Sets KEPSIM_PID, KEPSIM_PORT, KEPSIM_HPORT (with
#       --http), URL (the SOAP endpoint) and KEPSIM_LOG. Returns 1, with the
#       log on stderr, when kepsim exits or is not listening within 10 s; the
#       caller kills KEPSIM_PID when it is done (kepsim_stop).
#   kepsim_stop [--clean]
#       SIGTERM and wait; --clean returns 1 unless kepsim exited 0 with no
#       sanitizer report in its log.
kepsim_launch() {
	_kl_http=
	if [ "$1" = --http ]; then _kl_http=1; shift; fi
	_kl_dir=$1 _kl_name=$2 _kl_mb=$3
	shift 3
	KEPSIM_LOG=$_kl_dir/$_kl_name.log
	rm -f "$_kl_dir/$_kl_name.port" "$_kl_dir/$_kl_name.hport"
	if [ -n "$_kl_http" ]; then
		set -- --http-port-file "$_kl_dir/$_kl_name.hport" "$@"
	fi
	"$KEPSIM" --mailbox "$_kl_mb" --port 0 --port-file "$_kl_dir/$_kl_name.port" \
		--request-log "$_kl_dir/$_kl_name.req" "$@" >"$KEPSIM_LOG" 2>&1 &
	KEPSIM_PID=$!
	_kl_i=0
	while [ ! -s "$_kl_dir/$_kl_name.port" ] ||
	      { [ -n "$_kl_http" ] && [ ! -s "$_kl_dir/$_kl_name.hport" ]; }; do
		if ! kill -0 "$KEPSIM_PID" 2>/dev/null; then
			cat "$KEPSIM_LOG" >&2
			echo "kepsim $_kl_name exited" >&2
			return 1
		fi
		_kl_i=$((_kl_i + 1))
		if [ $_kl_i -ge 200 ]; then
			kill "$KEPSIM_PID" 2>/dev/null || true
			cat "$KEPSIM_LOG" >&2
			echo "kepsim $_kl_name did not start" >&2
			return 1
		fi
		sleep 0.05
	done
	KEPSIM_PORT=$(cat "$_kl_dir/$_kl_name.port")
	KEPSIM_HPORT=
	[ -z "$_kl_http" ] || KEPSIM_HPORT=$(cat "$_kl_dir/$_kl_name.hport")
	URL=https://127.0.0.1:$KEPSIM_PORT/KepEYazismaV1.1/KepEYazismaCOREWSDL.php
}

kepsim_stop() {
	kill "$KEPSIM_PID" 2>/dev/null || true
	_kl_rc=0
	wait "$KEPSIM_PID" 2>/dev/null || _kl_rc=$?
	[ "${1:-}" = --clean ] || return 0
	if [ $_kl_rc -ne 0 ]; then
		cat "$KEPSIM_LOG" >&2
		echo "kepsim exited $_kl_rc after SIGTERM" >&2
		return 1
	fi
	if grep -Eq 'ERROR: AddressSanitizer|LeakSanitizer|runtime error' "$KEPSIM_LOG"; then
		cat "$KEPSIM_LOG" >&2
		echo "kepsim's log has a sanitizer report" >&2
		return 1
	fi
}
