#!/bin/sh
# The verification core against a real PKI, CRLs over HTTP and an OCSP
# responder on loopback (tests/test-cms-verify.c holds the cases).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/verify-pki-servers.sh"
"$top_builddir/tests/test-cms-verify" || fail "test-cms-verify failed"
