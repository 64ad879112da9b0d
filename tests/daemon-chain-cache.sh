#!/bin/sh
# The daemon keeps a signer's judged chain across refreshes and drops it on
# reload (issue 15 item 3): `kepagent run` refreshes a mailbox, then new mail
# from the same signers twice (the chain cache answers: no chain is built
# again, kepagent_chain_builds_total stays), then after SIGHUP new mail from
# a known signer builds its chain again (a new configuration may trust other
# anchors). Revocation answers are not dropped by a reload: they are signed
# and kept in the store until their nextUpdate (tests/refresh-revocation-cache.sh).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"
. "$top_srcdir/tests/daemon-lib.sh"

# Fixed seeds: 24 packages cover the mailbox's four signers (RSA and EC,
# mali mühür and e-imza); the signer set is checked below all the same.
kenv_mailbox --seed 7 --received 24 --sent 0 --faults none
kenv_start sim
dmn_token
KENV_ACK=never kenv_config "poll_interval: 3600"
sed -i "s|^api:|api:\n  listen: 127.0.0.1\n  port: $API_PORT|" "$KEPAGENT_CONFIG"
dmn_start

done_count() { grep -c 'refresh done' "$T/run.log" || true; }
refreshed() { [ "$(done_count)" -ge "$1" ]; }
builds() { dmn_metric kepagent_chain_builds_total; }
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
b1=$(builds); s1=$(signers)
[ -n "$b1" ] && [ "$b1" -gt 0 ] || fail "kepagent_chain_builds_total is '$b1' after the first refresh"
# Each signer's chain once, not once per package (was 1.06 per package).
[ "$b1" -lt 24 ] || fail "$b1 chain builds for 24 packages"

refresh_with 3
refresh_with 3
[ "$(packages)" = 30 ] || fail "$(packages) packages stored, 30 expected"
[ "$(signers)" = "$s1" ] || fail "the new mail has new signers ($s1 -> $(signers)): pick other seeds"
b3=$(builds)
[ "$b3" = "$b1" ] || fail "two refreshes of mail from known signers built $((b3 - b1)) chains (the cache was dropped)"

# A reload drops the cache: the next package's chain is built again.
kill -HUP "$DMN_PID"
dmn_wait 20 grep -q 'configuration reloaded' "$T/run.log" || { cat "$T/run.log"; fail "no reload"; }
refresh_with 1
[ "$(packages)" = 31 ] || fail "$(packages) packages stored, 31 expected"
[ "$(signers)" = "$s1" ] || fail "the new mail has a new signer: pick other seeds"
b4=$(builds)
[ "$b4" -gt "$b3" ] || fail "after SIGHUP no chain was built ($b3 -> $b4): the cache survived a reload"
echo "chain builds: $b1 for 24 packages, +0 for 6 more in two refreshes, +$((b4 - b3)) for 1 after SIGHUP"
