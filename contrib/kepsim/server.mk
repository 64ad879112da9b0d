# kepsim: the HTTPS SOAP server of the simulator (independent of kep/: it
# links only lib/). See contrib/kepsim/README.
noinst_PROGRAMS += contrib/kepsim/kepsim
contrib_kepsim_kepsim_SOURCES = \
	contrib/kepsim/kepsim.h contrib/kepsim/kepsim_main.c \
	contrib/kepsim/http_server.c contrib/kepsim/http_server.h \
	contrib/kepsim/revocation_http.c contrib/kepsim/revocation_http.h \
	contrib/kepsim/ocsp_responder.c contrib/kepsim/ocsp_responder.h \
	contrib/kepsim/soap.c contrib/kepsim/soap.h \
	contrib/kepsim/mtom.c contrib/kepsim/mtom.h \
	contrib/kepsim/wsdl.c contrib/kepsim/wsdl.h \
	contrib/kepsim/mailbox.c contrib/kepsim/mailbox.h \
	contrib/kepsim/mailbox_state.c contrib/kepsim/mailbox_state.h \
	contrib/kepsim/jsonl.c contrib/kepsim/jsonl.h \
	contrib/kepsim/faults.c contrib/kepsim/faults.h \
	contrib/kepsim/ops.c contrib/kepsim/ops.h contrib/kepsim/ops_p.h \
	contrib/kepsim/ops_list.c contrib/kepsim/ops_fetch.c contrib/kepsim/ops_mark.c \
	contrib/kepsim/login.c \
	contrib/kepsim/ops_send.c contrib/kepsim/msghdr.c contrib/kepsim/msghdr.h \
	contrib/kepsim/sigcheck.c contrib/kepsim/sigcheck.h \
	contrib/kepsim/draft.c contrib/kepsim/draft.h \
	contrib/kepsim/submit.c contrib/kepsim/submit.h
contrib_kepsim_kepsim_CPPFLAGS = $(AM_CPPFLAGS) $(MHD_CFLAGS) $(XML_CFLAGS) \
	$(OPENSSL_CFLAGS) $(JANSSON_CFLAGS) $(ETPAN_CFLAGS) $(XMLSEC_CFLAGS) $(ZIP_CFLAGS)
contrib_kepsim_kepsim_LDADD = $(KEPSIMGEN_LIBS) lib/libkcommon.a $(MHD_LIBS) $(ETPAN_LIBS) \
	-lpthread
EXTRA_DIST += contrib/kepsim/README contrib/kepsim/launch.sh contrib/kepsim/kepconf.py
