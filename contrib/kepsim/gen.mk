# kepsim-gen: the mailbox generator of kepsim, and the test PKI script.
# Independent of the agent's kep/ code on purpose: it links only lib/.
# libkepsimgen.a holds the building blocks of a package (original, KEPHS
# envelope, evidence, signers); kepsim links it too, so a package it builds for
# a sending operation is made by the same code as a generated one.
noinst_LIBRARIES += contrib/kepsim/libkepsimgen.a
contrib_kepsim_libkepsimgen_a_SOURCES = \
	contrib/kepsim/gen/gen.h \
	contrib/kepsim/gen/gen_package.c \
	contrib/kepsim/gen/gen_delil.c \
	contrib/kepsim/gen/gen_evmail.c \
	contrib/kepsim/gen/gen_mime.c \
	contrib/kepsim/gen/gen_cms.c \
	contrib/kepsim/gen/gen_forge_cms.c \
	contrib/kepsim/gen/gen_tsa.c \
	contrib/kepsim/gen/gen_evidence.c \
	contrib/kepsim/gen/gen_evforge.c \
	contrib/kepsim/gen/gen_eyp.c \
	contrib/kepsim/gen/gen_zip.c \
	contrib/kepsim/gen/gen_faults.c \
	contrib/kepsim/gen/gen_manifest.c \
	contrib/kepsim/gen/gen_pki.c \
	contrib/kepsim/gen/gen_rand.c \
	contrib/kepsim/gen/gen_fs.c
contrib_kepsim_libkepsimgen_a_CPPFLAGS = $(AM_CPPFLAGS) $(OPENSSL_CFLAGS) $(XML_CFLAGS) \
	$(XMLSEC_CFLAGS) $(ZIP_CFLAGS) $(JANSSON_CFLAGS)
KEPSIMGEN_LIBS = contrib/kepsim/libkepsimgen.a $(XMLSEC_LIBS) $(XML_LIBS) $(OPENSSL_LIBS) \
	$(ZIP_LIBS) $(JANSSON_LIBS)

noinst_PROGRAMS += contrib/kepsim/kepsim-gen
contrib_kepsim_kepsim_gen_SOURCES = \
	contrib/kepsim/gen/gen_main.c contrib/kepsim/gen/gen_deep.c \
	contrib/kepsim/gen/gen_mailbox.c contrib/kepsim/gen/gen_mailbox.h
contrib_kepsim_kepsim_gen_CPPFLAGS = $(contrib_kepsim_libkepsimgen_a_CPPFLAGS)
contrib_kepsim_kepsim_gen_LDADD = $(KEPSIMGEN_LIBS) lib/libkcommon.a
dist_noinst_SCRIPTS += contrib/kepsim/mkpki.sh
dist_noinst_DATA += contrib/kepsim/pki/openssl.cnf contrib/kepsim/pki/README
