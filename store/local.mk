# SQLite store: schema, migrations, queries. One file per table or concern;
# each public header is the contract of its file.
noinst_LIBRARIES += store/libstore.a
STORE_LIB = store/libstore.a
store_libstore_a_CPPFLAGS = $(AM_CPPFLAGS) $(STORE_INCLUDES) $(SQLITE_CFLAGS) $(ZIP_CFLAGS) $(JANSSON_CFLAGS)
store_libstore_a_SOURCES = \
	store/store.c store/store.h store/store_p.h \
	store/sql.c \
	store/schema.c store/store_schema.h \
	store/migrate.c store/store_migrate.h \
	store/blob.c store/store_blob.h store/store_blob_p.h \
	store/account.c store/store_account.h \
	store/audit.c store/store_audit.h \
	store/part.c store/store_part.h store/store_part_p.h \
	store/eyp.c store/store_eyp.h store/store_eyp_p.h \
	store/verification.c store/store_verification.h \
	store/package.c store/store_package.h \
	store/queue.c store/store_queue.h store/store_queue_p.h \
	store/evidence.c store/store_evidence.h \
	store/evidence_mail.c store/store_evidence_mail.h store/store_evidence_mail_p.h \
	store/sync_state.c store/store_sync_state.h \
	store/folder_list.c store/store_folder_list.h \
	store/quota.c store/store_quota.h \
	store/kep_id_reuse.c store/store_kep_id_reuse.h \
	store/revcache.c store/store_revcache.h
# The outbox: what EBYS hands kepagent to send (schema 7).
store_libstore_a_SOURCES += store/outbox.c store/store_outbox.h

# Monitoring counts (the daemon's /metrics).
store_libstore_a_SOURCES += store/stats.c store/store_stats.h
store_libstore_a_SOURCES += store/integrity.c store/store_integrity.h
# EBYS/auditor interface queries (agent/api_*.c, agent/import_queue.c, status_lookup.c, evidence_query.c)
store_libstore_a_SOURCES += \
	store/queue_lease.c store/store_queue_lease.h \
	store/search.c store/store_search.h
# Retention: moving old raw content to archive files (store_archive.h).
store_libstore_a_SOURCES += \
	store/archive.c store/archive_zip.c store/content_location.c \
	store/store_archive.h store/store_archive_p.h
# Sync hooks: on-import provider acknowledgement, evidence still to follow.
store_libstore_a_SOURCES += \
	store/queue_ack_due.c store/store_queue_ack_due.h \
	store/evidence_pending.c store/store_evidence_pending.h \
	store/provider_delete.c store/store_provider_delete.h
store_libstore_a_SOURCES += store/store_evidence_p.h
store_libstore_a_SOURCES += store/store_package_p.h
# Dates and parties of a package (schema 6).
store_libstore_a_SOURCES += store/package_details.c store/store_package_details.h \
	store/store_package_details_p.h
