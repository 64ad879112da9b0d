# verify: CMS/CAdES signatures, time stamps, trust anchors, revocation, chain cache.
kep_libkep_a_SOURCES += \
	kep/trust.c kep/trust.h \
	kep/signer_role.c kep/signer_role.h \
	kep/chain_cache.c kep/chain_cache.h \
	kep/chain_verify.c kep/cms_verify_p.h \
	kep/cms_der.c kep/cms_der.h \
	kep/cms_verify.c kep/cms_verify.h \
	kep/tstamp.c kep/tstamp.h \
	kep/revocation.c kep/revocation.h \
	kep/package_view.c kep/package_view.h \
	kep/verify_package.c kep/verify_package.h \
	kep/cert_info.c kep/cert_info.h
