# configuration module (agent/config.c) and check-config
agent_libagent_a_SOURCES += \
	agent/config.c agent/config.h \
	agent/config_yaml.c agent/config_yaml.h \
	agent/secrets.c agent/secrets.h \
	agent/cmd_check_config.c
