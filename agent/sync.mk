# The sync engine (issue 4) and `kepagent refresh`.
agent_libagent_a_SOURCES += \
	agent/sync.c agent/sync.h agent/sync_p.h \
	agent/sync_folder.c agent/sync_package.c agent/sync_evidence.c agent/sync_ack.c \
	agent/retry.c agent/retry.h \
	agent/revcache_store.c agent/revcache_store.h \
	agent/cmd_refresh.c
