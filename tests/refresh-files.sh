#!/bin/sh
# With ca_file set, the provider connection trusts that file alone: libcurl's
# built-in CA directory is not configured, so no file of the system CA store
# is opened during a refresh (it would also trust the system's CAs). And the
# downloads spool in the store's directory: nothing of kepagent's in $TMPDIR.
# That holds for a package whose document is over 1 MB too (mime.h:
# MIME_SPOOL_AT, the decoded part goes to a file of its own; soap.h: an
# inline text over 64 KB is spooled), in every kepsim dialect, served as
# MTOM and as inline base64: every anonymous file is made in the store's
# directory. (LeakSanitizer cannot run under ptrace, so leak checks are off.)
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

command -v strace >/dev/null 2>&1 || skip "strace not installed"
strace -f -o /dev/null true 2>/dev/null || skip "ptrace not permitted here"

kenv_mailbox
kenv_start sim --delay-ms 0
kenv_config

capath=$(curl-config --ca 2>/dev/null; curl-config --configure 2>/dev/null | tr ' ' '\n' | sed -n "s/^'*--with-ca-path=\([^']*\)'*$/\1/p")
[ -n "$capath" ] || capath=/etc/ssl/certs

mkdir "$T/tmpdir"
# traced_refresh WHAT: kepagent refresh under strace ($T/strace), $TMPDIR
# set to an empty directory; fails when anything of it was opened there or
# an anonymous file (O_TMPFILE) was made outside the store's directory.
traced_refresh() {
	TMPDIR="$T/tmpdir" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat,open,stat,newfstatat -o "$T/strace" "$KEPAGENT" refresh >"$T/out" 2>"$T/err" \
		|| { cat "$T/err"; fail "$1: refresh under strace failed"; }
	# Not even an unlinked file: no open of $TMPDIR at all.
	if grep -F "\"$T/tmpdir" "$T/strace" >"$T/hits"; then
		head -5 "$T/hits"
		fail "$1: refresh created temporary files in \$TMPDIR instead of the store's directory"
	fi
	if grep 'O_TMPFILE' "$T/strace" | grep -vF "\"$T/store\"" >"$T/hits"; then
		head -5 "$T/hits"
		fail "$1: refresh made an anonymous file outside the store's directory"
	fi
	[ -z "$(ls -A "$T/tmpdir")" ] || fail "$1: files left in \$TMPDIR"
}

traced_refresh "small packages"
expect_grep '^acct: 7 new package' "$T/out"
kenv_check_store
for d in $capath; do
	[ -d "$d" ] || continue
	# A CA directory is read as hashed names (<hash>.<n>). xmlsec's keys
	# manager loads the system bundle file once for itself; that is not
	# the provider connection and is not what this test is about.
	if grep -E "\"$d/[0-9a-f]{8}\.[0-9]+\"" "$T/strace" >"$T/hits"; then
		head -5 "$T/hits"
		fail "refresh opened the system CA directory $d although ca_file is set"
	fi
done
kenv_stop

# One package of 2 MB: its document's base64 part is over MIME_SPOOL_AT.
MB=$T/mb-big
kenv_mailbox --seed 7 --received 0 --sent 0 --big 1 --big-size 2M --faults none
size=$(wc -c <"$(ls "$ACC"/INBOX/*/package.eml)" | tr -d ' ')
doc=$(wc -c <"$(ls "$ACC"/INBOX/*/attachments/01-*.pdf)" | tr -d ' ')
[ "$doc" -gt $((1 << 20)) ] || fail "kepsim-gen --big-size 2M made a document of $doc bytes"
for d in public plain legacy; do
	for mode in mtom inline; do
		if [ $mode = inline ]; then
			kenv_start "big-$d-$mode" --dialect "$d" --inline-base64
		else
			kenv_start "big-$d-$mode" --dialect "$d"
		fi
		rm -rf "$T/store"
		KENV_ACK=never kenv_config
		traced_refresh "$d, $mode, a $size-byte package"
		expect_grep '^acct: 1 new package' "$T/out"
		[ "$(kenv_sql "SELECT count(*) FROM packages WHERE length(raw) = $size")" = 1 ] \
			|| fail "$d, $mode: the $size-byte package is not stored"
		[ "$(kenv_sql "SELECT count(*) FROM parts WHERE role = 'attachment' AND length(content) = $doc")" = 1 ] \
			|| fail "$d, $mode: the $doc-byte document is not stored"
		kenv_check_store
		# The download went the way this mode names.
		python3 - "$KEPSIM_REQ" $mode <<'PY' || fail "$d: the package was not served as $mode"
import json, sys
big = [r for r in map(json.loads, open(sys.argv[1])) if r.get("bytes", 0) > (1 << 20)]
sys.exit(0 if big and all(r.get("mtom") == (sys.argv[2] == "mtom") for r in big) else 1)
PY
		kenv_stop
	done
done
exit 0
