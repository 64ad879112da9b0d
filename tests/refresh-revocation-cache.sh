#!/bin/sh
# Revocation online, answered once (issue 15): OCSP answers are cached in
# the store until their nextUpdate and asked over one kept-alive
# connection, so a refresh of many packages asks the responder about each
# certificate once, not each package (was 2.12 requests per package, each on
# a new connection), the next refresh asks nothing, and verdicts are the same:
# valid packages valid, the revoked sender's revoked.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

HPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
kenv_pki() {
	KENV_PKI=$T/pki
	[ -f "$KENV_PKI/.done" ] && return 0
	sh "$top_srcdir/contrib/kepsim/mkpki.sh" "$KENV_PKI" --revocation-base "http://127.0.0.1:$HPORT" \
		>"$T/mkpki.log" 2>&1 || { cat "$T/mkpki.log"; fail "mkpki.sh"; }
	touch "$KENV_PKI/.done"
}
kenv_mailbox --seed 7 --received 24 --sent 0 --faults revoked-signer
kenv_start sim --http-port "$HPORT" --foreground
KENV_ACK=never kenv_config
sed -i 's/^  revocation: offline$/  revocation: online/' "$KEPAGENT_CONFIG"
ocsp_requests() { grep -c 'revocation: OCSP POST' "$T/sim.log" || true; }
verdicts() { kenv_sql "SELECT verdict, count(*) FROM packages GROUP BY verdict ORDER BY verdict" | tr '\t\n' ': '; }
# Connections the refresh opens to the responder, when strace can tell.
tracing=0
if command -v strace >/dev/null 2>&1 && strace -f -o /dev/null true 2>/dev/null; then tracing=1; fi
refresh() {
	if [ $tracing = 1 ]; then
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=connect \
			-o "$T/strace" "$KEPAGENT" refresh >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "refresh"; }
	else
		expect_exit 0 "$KEPAGENT" refresh
	fi
}

refresh
N=$(find "$ACC/INBOX" -name meta.json | wc -l | tr -d ' ')
expect_grep "^acct: $N new package" "$T/out"
first=$(ocsp_requests)
revoked=$(kenv_sql "SELECT count(*) FROM packages WHERE verdict = 'revoked'")
valid=$(kenv_sql "SELECT count(*) FROM packages WHERE verdict = 'valid'")
[ "$revoked" -ge 1 ] && [ $((revoked + valid)) -eq "$N" ] || fail "verdicts: $(verdicts)"
# Each package has at least two signers to check (envelope, original):
# without the cache that is at least 2N requests.
[ "$first" -ge 2 ] && [ "$first" -lt "$N" ] || fail "$first OCSP requests for $N packages"
[ "$(kenv_sql "SELECT count(*) FROM revocation_cache WHERE key LIKE 'ocsp %' AND next_update > 0")" -ge 2 ] \
	|| fail "no OCSP answer kept in the store"
if [ $tracing = 1 ]; then
	conns=$(grep -c "htons($HPORT)" "$T/strace" || true)
	[ "$conns" -ge 1 ] && [ "$conns" -le 2 ] || fail "$conns connections to the responder for $first requests"
fi

# New mail from the same signers: answered from the store, same verdicts.
for i in 1 2 3; do kenv_add_package INBOX; done
before=$(ocsp_requests)
refresh
expect_grep '^acct: 3 new package' "$T/out"
[ "$(ocsp_requests)" -eq "$before" ] || fail "$(( $(ocsp_requests) - before )) OCSP requests although every answer was cached"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE verdict NOT IN ('valid', 'revoked')")" -eq 0 ] \
	|| fail "verdicts after the cache: $(verdicts)"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE verdict = 'revoked'")" -eq "$revoked" ] \
	|| fail "verdicts after the cache: $(verdicts)"

# An answer past its nextUpdate is asked again.
python3 -c 'import sqlite3,sys
c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE revocation_cache SET next_update = 1000 WHERE key LIKE ?", ("ocsp %",)); c.commit()' "$STORE"
kenv_add_package INBOX
before=$(ocsp_requests)
refresh
[ "$(ocsp_requests)" -gt "$before" ] || fail "a stale OCSP answer was used"
exit 0
