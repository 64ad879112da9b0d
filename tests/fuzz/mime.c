/* libFuzzer target: the MIME package parser (kep/mime). */
#include <stddef.h>
#include <stdint.h>

#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_package p;
	struct kerr err;

	if (mime_package_parse(data, size, NULL, &p, &err) == 0)
		mime_package_free(&p);
	return 0;
}
