# driver (owned by its module; see HACKING.md)
# Provider driver tests: SOAP/MTOM unit tests, PKCS#11 signing with SoftHSM2,
# and ptt-probe (the real driver) against kepsim on loopback.
check_PROGRAMS += tests/ptt-probe
tests_ptt_probe_SOURCES = tests/ptt-probe.c
tests_ptt_probe_CPPFLAGS = $(TEST_CPPFLAGS)
tests_ptt_probe_LDADD = $(KEP_LIB) lib/libkcommon.a $(ALL_DEP_LIBS)

TESTS += tests/driver-p11.sh
dist_noinst_SCRIPTS += tests/driver-p11.sh
# Sending: the S/MIME built for Yukle and signed on a token.
TESTS += tests/send-smime.sh
dist_noinst_SCRIPTS += tests/send-smime.sh
EXTRA_DIST += tests/softhsm-lib.sh

check_PROGRAMS += tests/test-mtom tests/test-soap tests/test-http-performed
TESTS += tests/test-mtom tests/test-soap tests/test-http-performed
tests_test_mtom_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_mtom_LDADD = $(KEP_LIB) lib/libkcommon.a $(ALL_DEP_LIBS) $(CMOCKA_LIBS)
tests_test_soap_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_soap_LDADD = $(KEP_LIB) lib/libkcommon.a $(ALL_DEP_LIBS) $(CMOCKA_LIBS)
tests_test_http_performed_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_http_performed_LDADD = $(KEP_LIB) lib/libkcommon.a $(ALL_DEP_LIBS) $(CMOCKA_LIBS)

TESTS += tests/driver-kepsim.sh
dist_noinst_SCRIPTS += tests/driver-kepsim.sh
