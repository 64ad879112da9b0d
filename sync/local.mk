# The sync engine: one account's refresh (sync.c) in steps (folders,
# packages, evidence, acknowledgements), retries, the account lock and the
# revocation cache kept in the store. Sees lib/, kep/, store/ and conf/.
noinst_LIBRARIES += sync/libkepsync.a
SYNC_LIB = sync/libkepsync.a
sync_libkepsync_a_CPPFLAGS = $(AM_CPPFLAGS) $(SYNC_INCLUDES) $(ALL_DEP_CFLAGS)
sync_libkepsync_a_SOURCES = \
	sync/sync.c sync/sync.h sync/sync_p.h \
	sync/sync_folder.c sync/sync_fetch.c sync/sync_package.c sync/sync_evidence.c sync/sync_ack.c \
	sync/sync_evidence_mail.c sync/sync_reuse.c \
	sync/sync_backfill.c sync/ack_policy.c sync/ack_policy.h \
	sync/retry.c sync/retry.h \
	sync/lock.c sync/lock.h \
	sync/revcache_store.c sync/revcache_store.h
# Sending the outbox (send.h).
sync_libkepsync_a_SOURCES += sync/send.c sync/send_sign.c sync/send.h
