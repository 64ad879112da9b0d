# driver (owned by its module; see HACKING.md)
# PKCS#11 signing and PINs (used by provider logins and, later, sending).
kep_libkep_a_SOURCES += \
	kep/fdio.c kep/fdio.h \
	kep/p11_sign.c kep/p11_sign.h \
	kep/pin.c kep/pin.h
