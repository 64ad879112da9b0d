/* libFuzzer target: the .eyp (e-Yazisma package) reader (kep/eyp). */
#include <stddef.h>
#include <stdint.h>

#include "eyp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eyp e;
	struct kerr err;

	if (eyp_open(data, size, &e, &err) == 0)
		eyp_free(&e);
	return 0;
}
