# configuration module (agent/config.c) and check-config
