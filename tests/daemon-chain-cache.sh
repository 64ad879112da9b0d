#!/bin/sh
# The daemon keeps what it judged across refreshes and drops it on reload
# (issue 15 item 3), with revocation online: `kepagent run` refreshes a
# mailbox, then new mail from the same signers twice (the chain cache
# answers: no chain is built again, kepagent_chain_builds_total stays; the
# OCSP answers kept in the store answer: the responder is not asked), then
# after SIGHUP new mail from a known signer builds its chain again and asks
# the responder again (a new configuration may trust other anchors or name
# other responders; SIGHUP is also how an operator has revocation asked now).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/daemon-lib.sh"

# Fixed seeds: 24 packages cover the mailbox's four signers (RSA and EC,
# mali mühür and e-imza); the signer set is checked below all the same.
HPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
kenv_pki() {
	KENV_PKI=$T/pki
	[ -f "$KENV_PKI/.done" ] && return 0
	sh "$top_srcdir/contrib/kepsim/mkpki.sh" "$KENV_PKI" --revocation-base "http://127.0.0.1:$HPORT" \
		>"$T/mkpki.log" 2>&1 || { cat "$T/mkpki.log"; fail "mkpki.sh"; }
	touch "$KENV_PKI/.done"
}
kenv_mailbox --seed 7 --received 24 --sent 0 --faults none
kenv_start sim --http-port "$HPORT" --foreground
dmn_token
KENV_ACK=never kenv_config "poll_interval: 3600"
sed -i 's/^  revocation: offline$/  revocation: online/' "$KEPAGENT_CONFIG"
grep -q '^  revocation: online$' "$KEPAGENT_CONFIG" || fail "revocation not set online"
sed -i "s|^api:|api:\n  listen: 127.0.0.1\n  port: $API_PORT|" "$KEPAGENT_CONFIG"
dmn_start

done_count() { grep -c 'refresh done' "$T/run.log" || true; }
refreshed() { [ "$(done_count)" -ge "$1" ]; }
builds() { dmn_metric kepagent_chain_builds_total; }
ocsp_requests() { grep -c 'revocation: OCSP POST' "$T/sim.log" || true; }
signers() { kenv_sql "SELECT count(DISTINCT signer_issuer || '/' || signer_serial) FROM verification_results WHERE signer_serial IS NOT NULL"; }
packages() { kenv_sql "SELECT count(*) FROM packages"; }
# refresh_with N: N new packages, one refresh asked over the API, waited for.
refresh_with() {
	_want=$(($(done_count) + 1))
	_i=0
	while [ $_i -lt "$1" ]; do kenv_add_package INBOX; _i=$((_i + 1)); done
	curl -sf -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" \
		"http://127.0.0.1:$API_PORT/v1/accounts/acct/refresh" || fail "POST refresh"
	dmn_wait 60 refreshed "$_want" || { cat "$T/run.log"; fail "refresh $_want did not end"; }
}

dmn_wait 60 refreshed 1 || { cat "$T/run.log"; fail "the first refresh did not end"; }
[ "$(packages)" = 24 ] || fail "$(packages) packages stored, 24 expected"
b1=$(builds); s1=$(signers); o1=$(ocsp_requests)
[ "$o1" -gt 0 ] || fail "no OCSP request in the first refresh (is revocation online?)"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE verdict <> 'valid'")" = 0 ] || fail "not every package is valid"
[ -n "$b1" ] && [ "$b1" -gt 0 ] || fail "kepagent_chain_builds_total is '$b1' after the first refresh"
# Each signer's chain once, not once per package (was 1.06 per package).
[ "$b1" -lt 24 ] || fail "$b1 chain builds for 24 packages"

refresh_with 3
refresh_with 3
[ "$(packages)" = 30 ] || fail "$(packages) packages stored, 30 expected"
[ "$(signers)" = "$s1" ] || fail "the new mail has new signers ($s1 -> $(signers)): pick other seeds"
b3=$(builds); o3=$(ocsp_requests)
[ "$b3" = "$b1" ] || fail "two refreshes of mail from known signers built $((b3 - b1)) chains (the cache was dropped)"
[ "$o3" = "$o1" ] || fail "two refreshes of mail from known signers asked $((o3 - o1)) OCSP questions (the answers were not kept)"

# A reload drops the cache: the next package's chain is built again.
kill -HUP "$DMN_PID"
dmn_wait 20 grep -q 'configuration reloaded' "$T/run.log" || { cat "$T/run.log"; fail "no reload"; }
refresh_with 1
[ "$(packages)" = 31 ] || fail "$(packages) packages stored, 31 expected"
[ "$(signers)" = "$s1" ] || fail "the new mail has a new signer: pick other seeds"
b4=$(builds); o4=$(ocsp_requests)
[ "$b4" -gt "$b3" ] || fail "after SIGHUP no chain was built ($b3 -> $b4): the cache survived a reload"
[ "$o4" -gt "$o3" ] || fail "after SIGHUP no OCSP question was asked: the answers survived a reload"
grep -q 'revocation answer(s) dropped' "$T/run.log" || fail "the reload did not say it dropped the revocation answers"
[ "$(kenv_sql "SELECT count(*) FROM packages WHERE verdict <> 'valid'")" = 0 ] || fail "not every package is valid after the reload"
echo "chain builds: $b1 for 24 packages, +0 for 6 more in two refreshes, +$((b4 - b3)) for 1 after SIGHUP"
echo "OCSP requests: $o1 for 24 packages, +0 for 6 more in two refreshes, +$((o4 - o3)) for 1 after SIGHUP"
