# The sync engine and `kepagent refresh` against kepsim (issue 4).
TESTS += tests/refresh-sync.sh
dist_noinst_SCRIPTS += tests/refresh-sync.sh tests/kepsim-env.sh
TESTS += tests/crash-refresh.sh
dist_noinst_SCRIPTS += tests/crash-refresh.sh
TESTS += tests/refresh-faults.sh
dist_noinst_SCRIPTS += tests/refresh-faults.sh
