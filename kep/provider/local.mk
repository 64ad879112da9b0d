# Provider drivers (kep/provider/<name>/) behind one table (provider.h), and
# the transport they share: HTTP (libcurl), SOAP 1.1 envelopes, MTOM/XOP.
# Adding a provider: a folder here, its sources below, one line in the
# driver table in provider.c.
kep_libkep_a_SOURCES += \
	kep/provider/provider.c kep/provider/provider.h \
	kep/provider/http.c kep/provider/http.h \
	kep/provider/soap.c kep/provider/soap.h \
	kep/provider/mtom.c kep/provider/mtom.h
# PTT KEP's EYWS service.
kep_libkep_a_SOURCES += \
	kep/provider/ptt/ptt_eyws.c kep/provider/ptt/ptt_eyws_p.h \
	kep/provider/ptt/ptt_login.c kep/provider/ptt/ptt_transport.c \
	kep/provider/ptt/ptt_send.c kep/provider/ptt/ptt_quota.c \
	kep/provider/ptt/ptt_config.c kep/provider/ptt/ptt_config.h \
	kep/provider/ptt/ptt_secrets.c
# The null driver: an in-memory mailbox with scripted faults for the sync
# engine's unit tests (not in the configuration's driver table).
kep_libkep_a_SOURCES += \
	kep/provider/null/null_driver.c kep/provider/null/null_driver.h
