# The sync engine and `kepagent refresh` against kepsim (issue 4).
TESTS += tests/refresh-sync.sh
dist_noinst_SCRIPTS += tests/refresh-sync.sh tests/kepsim-env.sh tests/kepsim-pki.sh
TESTS += tests/crash-refresh.sh
dist_noinst_SCRIPTS += tests/crash-refresh.sh
TESTS += tests/refresh-faults.sh
dist_noinst_SCRIPTS += tests/refresh-faults.sh
TESTS += tests/refresh-login.sh tests/refresh-transient.sh
dist_noinst_SCRIPTS += tests/refresh-login.sh tests/refresh-transient.sh
# The contract matrix: full, idle and fault syncs in every kepsim dialect (issue 12).
TESTS += tests/refresh-dialects.sh
dist_noinst_SCRIPTS += tests/refresh-dialects.sh
# The store hooks of the sync (on-import ack due, evidence still to follow).
check_PROGRAMS += tests/test-store-sync-hooks
TESTS += tests/test-store-sync-hooks
tests_test_store_sync_hooks_SOURCES = tests/test-store-sync-hooks.c
tests_test_store_sync_hooks_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_store_sync_hooks_LDADD = $(TEST_LDADD)
TESTS += tests/refresh-delete.sh tests/refresh-kep-id-reuse.sh
dist_noinst_SCRIPTS += tests/refresh-delete.sh tests/refresh-kep-id-reuse.sh
TESTS += tests/refresh-files.sh
dist_noinst_SCRIPTS += tests/refresh-files.sh
# Peak RSS of a refresh of a 25 MB package (skips under sanitizers;
# tests/run-all.sh runs it in its build without them).
TESTS += tests/refresh-big-rss.sh
dist_noinst_SCRIPTS += tests/refresh-big-rss.sh
TESTS += tests/evidence-final.sh
dist_noinst_SCRIPTS += tests/evidence-final.sh
TESTS += tests/evidence-same-verdict.sh
dist_noinst_SCRIPTS += tests/evidence-same-verdict.sh
TESTS += tests/evidence-before-package.sh
dist_noinst_SCRIPTS += tests/evidence-before-package.sh
# A delil delivered as a KEPHS-signed e-mail (issue 12 item 6).
TESTS += tests/evidence-mail.sh
dist_noinst_SCRIPTS += tests/evidence-mail.sh tests/evidence-mail-lib.sh
# A delil mail killed at each of its crash points, in every kepsim dialect.
TESTS += tests/evidence-mail-crash.sh
dist_noinst_SCRIPTS += tests/evidence-mail-crash.sh
# Delil mails stored before they were recognised, judged after the upgrade.
TESTS += tests/evidence-mail-backfill.sh
dist_noinst_SCRIPTS += tests/evidence-mail-backfill.sh
# Their provider acknowledgement under each ack_policy, in every dialect.
TESTS += tests/evidence-mail-ack.sh
dist_noinst_SCRIPTS += tests/evidence-mail-ack.sh
# A hostile provider: every bad answer fails closed (issue 16).
TESTS += tests/hostile-provider.sh
dist_noinst_SCRIPTS += tests/hostile-provider.sh tests/hostile-provider.py
# The sync engine alone, on the null driver (no HTTP, no kepsim).
check_PROGRAMS += tests/test-sync-null
TESTS += tests/test-sync-null
tests_test_sync_null_SOURCES = tests/test-sync-null.c
tests_test_sync_null_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_sync_null_LDADD = $(TEST_LDADD)
# The revocation cache written through the sync's connection (its batch).
check_PROGRAMS += tests/test-revcache-store
TESTS += tests/test-revcache-store
tests_test_revcache_store_SOURCES = tests/test-revcache-store.c
tests_test_revcache_store_CPPFLAGS = $(TEST_CPPFLAGS)
tests_test_revcache_store_LDADD = $(TEST_LDADD)
# Crash points beyond refresh and a random-kill soak (issue 16).
TESTS += tests/crash-more.sh
dist_noinst_SCRIPTS += tests/crash-more.sh
# With ca_file set, a provider certificate from a system CA only is refused (issue 15).
TESTS += tests/refresh-ca-system.sh
dist_noinst_SCRIPTS += tests/refresh-ca-system.sh
# An idle refresh: at most 3 requests, the folder list kept a day (issue 15).
TESTS += tests/refresh-idle.sh
dist_noinst_SCRIPTS += tests/refresh-idle.sh
# Listing windows dated by the provider's clock: the local one set back, or ahead.
TESTS += tests/refresh-clock-back.sh tests/refresh-clock-ahead.sh
dist_noinst_SCRIPTS += tests/refresh-clock-back.sh tests/refresh-clock-ahead.sh tests/faketime-lib.sh
# refresh at a terminal (tmux): progress line, log lines above, flagged items, Turkish.
TESTS += tests/refresh-tty.sh
dist_noinst_SCRIPTS += tests/refresh-tty.sh
# Faults of the machine: disk full, read-only and locked store, clock jumps (issue 16).
TESTS += tests/machine-faults.sh
dist_noinst_SCRIPTS += tests/machine-faults.sh
# Revocation online: OCSP answers cached in the store, one connection (issue 15).
TESTS += tests/refresh-revocation-cache.sh
dist_noinst_SCRIPTS += tests/refresh-revocation-cache.sh
