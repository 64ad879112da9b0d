#!/bin/sh
# With ca_file set, the provider connection trusts that file alone: libcurl's
# built-in CA directory is not configured, so no file of the system CA store
# is opened during a refresh (it would also trust the system's CAs). And the
# downloads spool in the store's directory: nothing of kepagent's in $TMPDIR.
# (LeakSanitizer cannot run under ptrace, so leak checks are off here.)
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
TMPDIR="$T/tmpdir" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=openat,open,stat,newfstatat -o "$T/strace" "$KEPAGENT" refresh >"$T/out" 2>"$T/err" \
	|| { cat "$T/err"; fail "refresh under strace failed"; }
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
# Not even an unlinked file: no open of $TMPDIR at all.
if grep -F "\"$T/tmpdir" "$T/strace" >"$T/hits"; then
	head -5 "$T/hits"
	fail "refresh created temporary files in \$TMPDIR instead of the store's directory"
fi
[ -z "$(ls -A "$T/tmpdir")" ] || fail "files left in \$TMPDIR"
exit 0
