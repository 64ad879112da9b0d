# The background agent (`kepagent run`), its health/metrics endpoints, and
# `kepagent doctor`.
agent_libagent_a_SOURCES += \
	agent/cmd_doctor.c
