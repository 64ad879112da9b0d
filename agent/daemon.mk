# The background agent (`kepagent run`), its health/metrics endpoints, and
# `kepagent doctor`.
agent_libagent_a_SOURCES += \
	agent/cmd_doctor.c \
	agent/cmd_run.c \
	agent/daemon.c agent/daemon.h agent/daemon_p.h \
	agent/daemon_metrics.c \
	agent/daemon_sync.c agent/daemon_sync.h \
	agent/sd_notify.c agent/sd_notify.h \
	agent/api_health.c agent/api_health.h
