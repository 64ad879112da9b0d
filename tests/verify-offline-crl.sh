#!/bin/sh
# Offline revocation with CRLs from the trust files (conf/trust_config.c,
# kep/revocation.c): CRLs listed among trust.anchors (a PEM file of CRLs
# only) or lying as *.crl in an anchors directory answer when revocation is
# offline, and when it is online but unreachable; a CRL whose nextUpdate has
# passed is not used. The signer revoked by mkpki.sh's test PKI (rsa/revoked,
# keyCompromise 2025-01-01) reads revoked, a good one valid; without CRLs
# both stay revocation-unknown. Checked with `kepagent verify` (trust from
# the configuration, and from --anchors / --crl on the command line) and
# with a refresh from kepsim (the stored verdicts).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/kepsim-env.sh"

kenv_mailbox --seed 11 --received 2 --sent 0 --faults revoked-signer
URL=https://127.0.0.1:9/unused
kenv_config
PKI=$MB/pki
pkg_of() { # pkg_of FAULT|none CHAIN: a package.eml of the manifest
	python3 - "$MB" "$1" "$2" <<'PY'
import json, os, sys
mb, fault, chain = sys.argv[1:]
for it in json.load(open(mb + "/manifest.json"))["items"]:
    if it["kind"] == "package" and (it.get("fault") or "none") == fault and it["chain"] == chain:
        print(os.path.join(mb, "accounts", it["account"], it["folder"], str(it["kepSiraNo"]), "package.eml"))
        break
PY
}
REVOKED=$(pkg_of revoked-signer rsa)
GOOD=$(pkg_of none rsa)
[ -n "$REVOKED" ] && [ -n "$GOOD" ] || fail "manifest lacks an RSA revoked and a valid package"

# verdicts FILE: "<envelope-signature> <original-signature> <overall>" and the reasons in $T/reasons
verdicts() {
	set +e
	"$KEPAGENT" verify --json "$@" >"$T/v.json" 2>"$T/v.err"
	set -e
	python3 - "$T/v.json" "$T/reasons" <<'PY' || { cat "$T/v.json" "$T/v.err" >&2; fail "verify output"; }
import json, sys
d = json.load(open(sys.argv[1]))
c = {x["check"]: x for x in d["checks"]}
open(sys.argv[2], "w").write("\n".join("%s: %s" % (k, v["reason"]) for k, v in c.items()) + "\n")
print(c["envelope-signature"]["verdict"], c["original-signature"]["verdict"], d["overall"])
PY
}

# Without CRLs, offline: nothing is known.
[ "$(verdicts "$REVOKED")" = "revocation-unknown revocation-unknown revocation-unknown" ] \
	|| fail "no CRLs, revoked: $(cat "$T/v.json")"
[ "$(verdicts "$GOOD")" = "revocation-unknown revocation-unknown revocation-unknown" ] \
	|| fail "no CRLs, good: $(cat "$T/v.json")"

# CRLs beside the anchors: one PEM file holding only CRLs (the roots' and
# intermediates' of both hierarchies) in the anchors list.
cat "$PKI"/crl/rsa-root.crl.pem "$PKI"/crl/rsa-inter.crl.pem "$PKI"/crl/ec-root.crl.pem \
	"$PKI"/crl/ec-inter.crl.pem >"$T/crls.pem"
add_anchor() { # add_anchor PATH: one more entry under trust.anchors
	python3 - "$KEPAGENT_CONFIG" "$1" <<'PY'
import sys
p, path = sys.argv[1:]
s = open(p).read()
s = s.replace("  anchors:\n", "  anchors:\n    - %s\n" % path, 1)
open(p, "w").write(s)
PY
}
cp "$KEPAGENT_CONFIG" "$T/plain.yaml"
add_anchor "$T/crls.pem"
[ "$(verdicts "$REVOKED")" = "valid revoked revoked" ] || fail "CRLs, revoked: $(cat "$T/v.json")"
grep -q '^original-signature: .*revoked on 2025-01-01T00:00:00Z (CRL from the trust files' "$T/reasons" \
	|| fail "revoked reason: $(cat "$T/reasons")"
[ "$(verdicts "$GOOD")" = "valid valid valid" ] || fail "CRLs, good: $(cat "$T/v.json")"
expect_exit 0 "$KEPAGENT" verify "$GOOD"
# Online, but every responder and distribution point unreachable: the trust
# files' CRLs still answer (the certificates name 127.0.0.1:<port of the
# cached PKI>; a test serving it would answer the same, from the same CRLs).
[ "$(verdicts --revocation online "$REVOKED" | cut -d' ' -f2)" = "revoked" ] \
	|| fail "online, unreachable, revoked: $(cat "$T/v.json")"

# A directory of anchors with the CRLs as *.crl (DER) beside the roots.
mkdir "$T/trustdir"
cp "$PKI"/trust/rsa-root.pem "$PKI"/trust/ec-root.pem "$T/trustdir/"
for c in rsa-root rsa-inter ec-root ec-inter; do cp "$PKI/crl/$c.crl" "$T/trustdir/$c.crl"; done
cp "$T/plain.yaml" "$KEPAGENT_CONFIG"
add_anchor "$T/trustdir"
[ "$(verdicts "$REVOKED")" = "valid revoked revoked" ] || fail "CRL directory, revoked: $(cat "$T/v.json")"
[ "$(verdicts "$GOOD")" = "valid valid valid" ] || fail "CRL directory, good: $(cat "$T/v.json")"

# Trust from the command line (--anchors, no configuration's trust): the
# same CRLs answer, whether among the --anchors (a PEM bundle of CRLs, a
# directory's *.crl) or given with --crl (DER or PEM); without them the
# revoked signer is not caught offline.
A="--anchors $PKI/trust/rsa-root.pem --anchors $PKI/trust/ec-root.pem --kephs $PKI/rsa/kephs.pem --kephs $PKI/ec/kephs.pem"
cp "$T/plain.yaml" "$KEPAGENT_CONFIG"
# shellcheck disable=SC2086
[ "$(verdicts $A "$REVOKED")" = "revocation-unknown revocation-unknown revocation-unknown" ] \
	|| fail "--anchors without CRLs, revoked: $(cat "$T/v.json")"
for how in "--anchors $T/crls.pem" "--anchors $T/trustdir" \
	"--crl $PKI/crl/rsa-inter.crl --crl $PKI/crl/rsa-root.crl.pem --crl $PKI/crl/ec-inter.crl"; do
	# shellcheck disable=SC2086
	[ "$(verdicts $A $how "$REVOKED")" = "valid revoked revoked" ] \
		|| fail "$how, revoked: $(cat "$T/v.json")"
	grep -q '^original-signature: .*revoked on 2025-01-01T00:00:00Z (CRL from the trust files' "$T/reasons" \
		|| fail "$how, revoked reason: $(cat "$T/reasons")"
	# shellcheck disable=SC2086
	[ "$(verdicts $A $how "$GOOD")" = "valid valid valid" ] || fail "$how, good: $(cat "$T/v.json")"
	# shellcheck disable=SC2086
	expect_exit 1 "$KEPAGENT" verify $A $how "$REVOKED"
done
# --crl beside the configuration's trust (no --anchors) is used too.
[ "$(verdicts --crl "$PKI/crl/rsa-inter.crl" --crl "$PKI/crl/rsa-root.crl" "$REVOKED")" = "valid revoked revoked" ] \
	|| fail "--crl with the configuration's trust: $(cat "$T/v.json")"
# A --crl file that holds no CRL (a certificate) is a trust error, named.
# shellcheck disable=SC2086
expect_exit 3 "$KEPAGENT" verify $A --crl "$PKI/trust/rsa-root.pem" "$GOOD"
"$KEPAGENT" verify $A --crl "$PKI/trust/rsa-root.pem" "$GOOD" 2>&1 | grep -q 'rsa-root.pem: no CRL in it' \
	|| fail "--crl of a certificate: no message naming it"
cp "$T/plain.yaml" "$KEPAGENT_CONFIG"
add_anchor "$T/trustdir"

# nextUpdate honoured: the RSA intermediate's CRL re-issued (on a copy of its
# CA) with a nextUpdate in the past is not used; the revoked signer is then
# not known to be revoked.
cp -r "$PKI/ca/rsa-inter" "$T/ca-copy"
CADIR=$T/ca-copy CDP=none OCSPURL=none EMAIL=none@example.invalid \
	OPENSSL_CONF=$top_srcdir/contrib/kepsim/pki/openssl.cnf \
	openssl ca -gencrl -config "$top_srcdir/contrib/kepsim/pki/openssl.cnf" -name CA_default \
	-cert "$PKI/rsa/inter.pem" -keyfile "$PKI/rsa/inter.key" \
	-crl_lastupdate 20250101000000Z -crl_nextupdate 20250201000000Z -out "$T/stale.pem" \
	>"$T/gencrl.log" 2>&1 || { cat "$T/gencrl.log"; fail "openssl ca -gencrl"; }
openssl crl -in "$T/stale.pem" -noout -text | grep -q 'Serial Number: 1004' || fail "stale CRL lacks the revoked signer"
openssl crl -in "$T/stale.pem" -outform DER -out "$T/trustdir/rsa-inter.crl"
[ "$(verdicts "$REVOKED" | cut -d' ' -f2)" = "revocation-unknown" ] \
	|| fail "stale CRL used: $(cat "$T/v.json")"
grep -q '^original-signature: .*CRL among the trust files is stale (next update 2025-02-01T00:00:00Z passed)' \
	"$T/reasons" || fail "stale reason: $(cat "$T/reasons")"

# The sync: the same configuration (CRLs beside the anchors, offline) stores
# the revoked package as revoked and the others as valid.
kenv_start crl
cp "$T/plain.yaml" "$KEPAGENT_CONFIG"
sed -i "s|endpoint: https://127.0.0.1:9/unused|endpoint: $URL|" "$KEPAGENT_CONFIG"
add_anchor "$T/crls.pem"
expect_exit 0 "$KEPAGENT" refresh
kenv_sql "SELECT verdict FROM packages WHERE kep_id = '$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kepId"])' "$(dirname "$REVOKED")/meta.json")'" >"$T/rv"
[ "$(cat "$T/rv")" = "revoked" ] || fail "stored verdict of the revoked package: $(cat "$T/rv")"
kenv_sql "SELECT verdict, count(*) FROM packages GROUP BY verdict ORDER BY verdict" >"$T/all"
grep -q '^valid	' "$T/all" || fail "no package stored valid: $(cat "$T/all")"
grep -q 'revocation-unknown' "$T/all" && fail "revocation-unknown stored with CRLs: $(cat "$T/all")"
# The evidence bundle of the revoked package, checked offline by `kepagent
# evidence verify` with trust from the command line: CRLs given with --crl or
# among the --anchors catch the revoked signer as the sync did (the same
# verdicts, not valid: exit 9); without them it is revocation-unknown, which
# differs from the bundle's report (exit 1).
rid=$(kenv_sql "SELECT id FROM packages WHERE verdict = 'revoked' LIMIT 1")
expect_exit 0 "$KEPAGENT" evidence export "$rid" -o "$T/revoked.zip"
bundle_overall() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reverified"]["package"]["overall"])' "$T/out"; }
# shellcheck disable=SC2086
expect_exit 1 "$KEPAGENT" evidence verify --json $A "$T/revoked.zip"
[ "$(bundle_overall)" = "revocation-unknown" ] || fail "bundle without CRLs: $(bundle_overall)"
for how in "--crl $PKI/crl/rsa-inter.crl --crl $PKI/crl/rsa-root.crl.pem" "--anchors $T/crls.pem"; do
	# shellcheck disable=SC2086
	expect_exit 9 "$KEPAGENT" evidence verify --json $A $how "$T/revoked.zip"
	[ "$(bundle_overall)" = "revoked" ] || fail "bundle, $how: $(bundle_overall)"
done
# shellcheck disable=SC2086
expect_exit 3 "$KEPAGENT" evidence verify $A --crl "$PKI/trust/rsa-root.pem" "$T/revoked.zip"
grep -q 'rsa-root.pem: no CRL in it' "$T/err" || fail "evidence verify --crl of a certificate: $(cat "$T/err")"
exit 0
