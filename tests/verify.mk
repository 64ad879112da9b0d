# Verification core: CMS signatures, time stamps, trust, revocation, chain cache.
TESTS += tests/verify-cms.sh tests/verify-package.sh
dist_noinst_SCRIPTS += tests/verify-cms.sh tests/verify-package.sh tests/verify-mkpki.sh tests/verify-pki-servers.sh

check_PROGRAMS += tests/test-cms-verify
tests_test_cms_verify_SOURCES = tests/test-cms-verify.c tests/verify-testlib.c tests/verify-testlib.h
tests_test_cms_verify_CPPFLAGS = $(TEST_CPPFLAGS) -I$(top_srcdir)/tests
tests_test_cms_verify_LDADD = $(TEST_LDADD)

# Benchmark (built by make check, run by hand; prints the ratio).
check_PROGRAMS += tests/bench-verify
tests_bench_verify_SOURCES = tests/bench-verify.c tests/verify-testlib.c tests/verify-testlib.h
tests_bench_verify_CPPFLAGS = $(TEST_CPPFLAGS) -I$(top_srcdir)/tests
tests_bench_verify_LDADD = $(TEST_LDADD)

# Offline revocation from the CRLs among the trust files (verify and refresh).
TESTS += tests/verify-offline-crl.sh
dist_noinst_SCRIPTS += tests/verify-offline-crl.sh

# End to end: kepagent refresh with revocation online against kepsim, every manifest item.
TESTS += tests/verify-e2e.sh
dist_noinst_SCRIPTS += tests/verify-e2e.sh
# Opaque-signed originals (pkcs7-mime signed-data) judged as clear-signed ones.
TESTS += tests/verify-opaque.sh
dist_noinst_SCRIPTS += tests/verify-opaque.sh
