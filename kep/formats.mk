# formats (owned by its module; see HACKING.md): MIME, ETSI evidence, e-Yazisma.
kep_libkep_a_SOURCES += \
	kep/xml_safe.c kep/xml_safe.h \
	kep/safe_name.c kep/safe_name.h \
	kep/mime.c kep/mime.h
kep_libkep_a_SOURCES += \
	kep/zip_safe.c kep/zip_safe.h \
	kep/xmldsig.c kep/xmldsig.h \
	kep/digest_uri.c kep/digest_uri.h \
	kep/evidence.c kep/evidence.h \
	kep/delil_verdict.c kep/delil_verdict.h
kep_libkep_a_SOURCES += \
	kep/eyp.c kep/eyp.h \
	kep/eyp_verify.c kep/eyp_verify.h
# Sending: the S/MIME message kepagent builds for Yukle.
kep_libkep_a_SOURCES += kep/smime_build.c kep/smime_build.h
