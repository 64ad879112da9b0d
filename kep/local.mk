# KEP protocol code: provider drivers, MIME, signatures, time stamps, evidence, e-Yazisma.
noinst_LIBRARIES += kep/libkep.a
KEP_LIB = kep/libkep.a
kep_libkep_a_CPPFLAGS = $(AM_CPPFLAGS) $(KEP_INCLUDES) $(ALL_DEP_CFLAGS)
kep_libkep_a_SOURCES = \
	kep/delil.c kep/delil.h \
	kep/verdict.c kep/verdict.h \
	kep/evidence_stage.c kep/evidence_stage.h
include kep/driver.mk
include kep/provider/local.mk
include kep/verify.mk
include kep/formats.mk
