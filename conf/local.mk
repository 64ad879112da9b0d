# Configuration: the YAML schema (config.c over config_yaml.c), secrets files,
# and the mapping from configuration to trust stores. Sees lib/ and kep/.
noinst_LIBRARIES += conf/libkepconf.a
CONF_LIB = conf/libkepconf.a
conf_libkepconf_a_CPPFLAGS = $(AM_CPPFLAGS) $(CONF_INCLUDES) $(YAML_CFLAGS) $(OPENSSL_CFLAGS) \
	$(XML_CFLAGS) $(XMLSEC_CFLAGS)
conf_libkepconf_a_SOURCES = \
	conf/config.c conf/config.h \
	conf/config_yaml.c conf/config_yaml.h \
	conf/secrets.c conf/secrets.h \
	conf/trust_config.c conf/trust_config.h
