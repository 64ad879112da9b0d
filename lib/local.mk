noinst_LIBRARIES += lib/libkcommon.a
lib_libkcommon_a_SOURCES = \
	lib/err.c lib/err.h \
	lib/log.c lib/log.h \
	lib/util.c lib/util.h
