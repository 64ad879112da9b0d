# The kepagent program. Everything but main.c lives in libagent.a so tests can link it.
noinst_LIBRARIES += agent/libagent.a
agent_libagent_a_SOURCES = \
	agent/commands.h \
	agent/cmd_version.c \
	agent/cmd_verify.c \
	agent/api_server.c agent/api_server.h
agent_libagent_a_CPPFLAGS = $(AM_CPPFLAGS) $(AGENT_INCLUDES) $(ALL_DEP_CFLAGS)

# A daemon and its administration: section 8, in sbin.
sbin_PROGRAMS += kepagent
kepagent_SOURCES = agent/main.c
kepagent_CPPFLAGS = $(AM_CPPFLAGS) $(AGENT_INCLUDES) $(ALL_DEP_CFLAGS)
kepagent_LDADD = agent/libagent.a $(SYNC_LIB) $(CONF_LIB) $(KEP_LIB) $(STORE_LIB) lib/libkcommon.a $(ALL_DEP_LIBS)
include agent/config.mk
include agent/daemon.mk
include agent/sync.mk
include agent/api.mk
include agent/archive.mk
