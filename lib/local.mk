noinst_LIBRARIES += lib/libkcommon.a
lib_libkcommon_a_SOURCES = \
	lib/err.c lib/err.h \
	lib/crashpoint.c lib/crashpoint.h \
	lib/log.c lib/log.h \
	lib/i18n.c lib/i18n.h \
	lib/util.c lib/util.h \
	lib/json_text.c lib/json_text.h \
	lib/config_yaml.c lib/config_yaml.h \
	lib/secret_file.c lib/secret_file.h
lib_libkcommon_a_CPPFLAGS = $(AM_CPPFLAGS) $(YAML_CFLAGS)
