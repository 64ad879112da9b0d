# SQLite store: schema, migrations, queries. One file per table or concern;
# each public header is the contract of its file.
noinst_LIBRARIES += store/libstore.a
STORE_LIB = store/libstore.a
store_libstore_a_CPPFLAGS = $(AM_CPPFLAGS) $(ALL_DEP_CFLAGS)
store_libstore_a_SOURCES = \
	store/store.c store/store.h store/store_p.h \
	store/sql.c \
	store/schema.c store/schema.h \
	store/migrate.c store/migrate.h \
	store/blob.c store/blob.h store/blob_p.h \
	store/account.c store/account.h \
	store/audit.c store/audit.h \
	store/part.c store/part.h store/part_p.h \
	store/eyp.c store/eyp.h store/eyp_p.h \
	store/verification.c store/verification.h \
	store/package.c store/package.h \
	store/queue.c store/queue.h store/queue_p.h \
	store/evidence.c store/evidence.h \
	store/sync_state.c store/sync_state.h \
	store/revcache.c store/revcache.h
