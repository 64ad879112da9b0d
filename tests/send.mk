# Sending (issue 17): the outbox, signing on SoftHSM2 and submission to kepsim.
TESTS += tests/send-kepsim.sh
dist_noinst_SCRIPTS += tests/send-kepsim.sh
EXTRA_DIST += tests/send-lib.sh
TESTS += tests/send-api.sh
dist_noinst_SCRIPTS += tests/send-api.sh
TESTS += tests/send-crash.sh
dist_noinst_SCRIPTS += tests/send-crash.sh
TESTS += tests/send-faults.sh
dist_noinst_SCRIPTS += tests/send-faults.sh
TESTS += tests/send-loop.sh
dist_noinst_SCRIPTS += tests/send-loop.sh
TESTS += tests/send-decide.sh
dist_noinst_SCRIPTS += tests/send-decide.sh
TESTS += tests/send-clock.sh
dist_noinst_SCRIPTS += tests/send-clock.sh
