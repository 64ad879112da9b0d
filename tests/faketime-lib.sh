# faketime-lib.sh: one process's wall clock moved (libfaketime), as an NTP
# step or a wrong local clock moves kepagent's; monotonic clocks stay true,
# and kepsim, started without it, keeps the provider's true time.
#   FAKETIME_LIB              the library, empty when libfaketime is missing
#   at OFFSET CMD...          CMD with its wall clock moved by OFFSET (e.g. +3h)
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
at() {
	_off=$1; shift
	env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$_off" FAKETIME_DONT_FAKE_MONOTONIC=1 \
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}
