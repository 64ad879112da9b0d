# Configuration: the YAML schema of the generic keys (config.c over
# lib/config_yaml.c; each driver parses its own account keys), and the
# mapping from configuration to trust stores. Sees lib/ and kep/.
noinst_LIBRARIES += conf/libkepconf.a
CONF_LIB = conf/libkepconf.a
conf_libkepconf_a_CPPFLAGS = $(AM_CPPFLAGS) $(CONF_INCLUDES) $(YAML_CFLAGS) $(OPENSSL_CFLAGS) \
	$(XML_CFLAGS) $(XMLSEC_CFLAGS)
conf_libkepconf_a_SOURCES = \
	conf/config.c conf/config.h \
	conf/config_check.c conf/config_check.h \
	conf/trust_config.c conf/trust_config.h
conf_libkepconf_a_SOURCES += conf/config_sending.c conf/config_sending.h
