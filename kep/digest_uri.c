/* digest_uri.c: see digest_uri.h. */
#include <string.h>

#include "digest_uri.h"
#include "util.h"

const EVP_MD *digest_for_uri(const char *uri)
{
	const char *frag = uri ? strrchr(uri, '#') : NULL;

	if (!frag)
		return NULL;
	if (strcmp(frag, "#sha256") == 0)
		return EVP_sha256();
	if (strcmp(frag, "#sha384") == 0)
		return EVP_sha384();
	if (strcmp(frag, "#sha512") == 0)
		return EVP_sha512();
	return NULL; /* SHA-1 and others are not accepted as proof of content */
}

int digest_b64_matches(const EVP_MD *md, const void *data, size_t len, const char *b64)
{
	unsigned char want[EVP_MAX_MD_SIZE + 3], got[EVP_MAX_MD_SIZE];
	unsigned int glen = 0;
	char clean[256];
	size_t n = 0;
	int wlen;

	for (; *b64; b64++)
		if (*b64 != ' ' && *b64 != '\n' && *b64 != '\r' && *b64 != '\t') {
			if (n + 1 >= sizeof(clean))
				return -1;
			clean[n++] = *b64;
		}
	clean[n] = 0;
	if (n == 0 || n % 4 || (n / 4) * 3 > sizeof(want))
		return -1;
	wlen = EVP_DecodeBlock(want, (unsigned char *)clean, (int)n);
	if (wlen < 0)
		return -1;
	while (n > 0 && clean[--n] == '=')
		wlen--;
	if (EVP_Digest(data, len, got, &glen, md, NULL) != 1)
		return -1;
	return (unsigned int)wlen == glen && const_time_eq(want, glen, got, glen);
}
