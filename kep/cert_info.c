/* cert_info.c: see cert_info.h. */
#include "cert_info.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "cms_verify_p.h"
#include "util.h"

int cert_info_get(X509 *x, struct cert_info *ci)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	memset(ci, 0, sizeof(*ci));
	if (!X509_digest(x, EVP_sha256(), md, &n) || n != 32)
		return -1;
	hex_encode(md, n, ci->sha256);
	name_oneline(X509_get_subject_name(x), ci->subject, sizeof(ci->subject));
	name_oneline(X509_get_issuer_name(x), ci->issuer, sizeof(ci->issuer));
	serial_hex(X509_get0_serialNumber(x), ci->serial, sizeof(ci->serial));
	ci->not_before = asn1_time_to_time_t(X509_get0_notBefore(x));
	ci->not_after = asn1_time_to_time_t(X509_get0_notAfter(x));
	ci->self_issued = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
	return 0;
}
