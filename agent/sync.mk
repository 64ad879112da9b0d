# `kepagent refresh` (the engine is sync/).
agent_libagent_a_SOURCES += agent/cmd_refresh.c
