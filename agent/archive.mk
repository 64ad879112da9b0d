# Retention: `kepagent archive` and the policy the daemon applies daily.
agent_libagent_a_SOURCES += \
	agent/cmd_archive.c \
	agent/retention.c agent/retention.h
