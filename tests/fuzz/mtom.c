/* libFuzzer target: MTOM/XOP multipart answers (kep/provider/mtom). The
 * first line of the input is the Content-Type, the rest is the body. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mtom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char tmpl[] = "/tmp/fuzz-mtom-XXXXXX";
	struct mtom_msg m;
	struct kerr err;
	char *ct;
	size_t ctlen, off;
	int fd;

	if (nl == NULL)
		return 0;
	ctlen = (size_t)(nl - data);
	ct = strndup((const char *)data, ctlen);
	if (ct == NULL || strlen(ct) != ctlen) {
		free(ct);
		return 0;
	}
	fd = mkstemp(tmpl);
	if (fd < 0) {
		free(ct);
		return 0;
	}
	unlink(tmpl);
	for (off = ctlen + 1; off < size;) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (mtom_is_multipart(ct) && mtom_parse(fd, ct, &m, &err) == 0)
		mtom_free(&m);
	close(fd);
	free(ct);
	return 0;
}
