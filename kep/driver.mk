# driver (owned by its module; see HACKING.md)
# The provider interface and the PTT EYWS driver: SOAP, MTOM, HTTP, login, PKCS#11.
kep_libkep_a_SOURCES += \
	kep/provider.c kep/provider.h \
	kep/ptt_eyws.c kep/ptt_eyws_p.h kep/ptt_login.c \
	kep/soap.c kep/soap.h \
	kep/mtom.c kep/mtom.h \
	kep/fdio.c kep/fdio.h \
	kep/http.c kep/http.h \
	kep/p11_sign.c kep/p11_sign.h \
	kep/pin.c kep/pin.h
