# EBYS/auditor interface: local API handlers, the service layer they share
# with the CLI (queue, status, evidence), and evidence bundles.
agent_libagent_a_SOURCES += \
	agent/api_routes.c agent/api_routes.h \
	agent/api_queue.c agent/api_status.c agent/api_evidence.c agent/api_accounts.c \
	agent/reply.c agent/reply.h \
	agent/import_queue.c agent/import_queue.h \
	agent/status_lookup.c agent/status_lookup.h \
	agent/evidence_query.c agent/evidence_query.h \
	agent/bundle.h agent/bundle_export.c agent/bundle_verify.c agent/bundle_report.c
# ... and the same on the command line
agent_libagent_a_SOURCES += \
	agent/cli_store.c agent/cli_store.h \
	agent/cmd_queue.c agent/cmd_status.c agent/cmd_evidence.c \
	agent/csv_out.c agent/csv_out.h
# The outbox: what EBYS hands the agent to send (service, API, CLI).
agent_libagent_a_SOURCES += agent/outbox.c agent/outbox.h agent/outbox_park.c agent/api_outbox.c \
	agent/cmd_send.c agent/cmd_outbox.c
