# `kepagent check-config` (the configuration is conf/).
agent_libagent_a_SOURCES += agent/cmd_check_config.c
