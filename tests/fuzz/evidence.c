/* libFuzzer target: evidence (delil) XML, plain or zipped (kep/evidence).
 * No anchors: every input must end in a verdict, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "evidence.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evidence_opts o;
	struct evidence ev;
	struct kerr err;

	memset(&o, 0, sizeof(o));
	o.at = 1700000000;
	o.original = "x";
	o.original_len = 1;
	memset(&ev, 0, sizeof(ev));
	if (evidence_verify(data, size, &o, &ev, &err) == 0)
		evidence_free(&ev);
	return 0;
}
