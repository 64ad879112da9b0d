/* libFuzzer target for kep/mime (not part of make check). Build from a
 * configured build dir, e.g.:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -include config.h \
 *     -I$SRC/lib -I$SRC/kep $SRC/tests/fuzz-mime.c $SRC/kep/mime.c \
 *     $SRC/kep/safe_name.c $SRC/lib/util.c $SRC/lib/err.c $SRC/lib/log.c \
 *     $(pkg-config --libs libetpan libcrypto) -o fuzz-mime
 *   ./fuzz-mime -max_len=65536 -max_total_time=60 */
#include <stddef.h>
#include <stdint.h>

#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mime_package p;
	struct kerr err;

	if (mime_package_parse(data, size, &p, &err) == 0)
		mime_package_free(&p);
	return 0;
}
