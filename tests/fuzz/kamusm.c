/* libFuzzer target: the Kamu SM certificate store XML (kep/trust). */
#include <stddef.h>
#include <stdint.h>

#include "trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trust_store *ts = trust_new();
	struct kerr err;

	(void)trust_load_kamusm_xml(ts, TRUST_ANCHOR, data, size, &err);
	trust_free(&ts);
	return 0;
}
