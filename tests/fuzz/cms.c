/* libFuzzer target: CMS SignedData and the time-stamp tokens in its
 * unsigned attributes (kep/cms_verify, kep/tstamp), attached and detached.
 * An empty trust store: every input must end in a verdict, never a crash. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cms_verify.h"
#include "trust.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char content[] = "KEP test icerik\r\n";
	struct trust_store *ts = trust_new();
	struct verify_opts o;
	struct cms_result res;
	struct kerr err;

	memset(&o, 0, sizeof(o));
	o.trust = ts;
	o.validation_time = 1700000000;
	memset(&res, 0, sizeof(res));
	if (cms_verify_attached(&o, data, size, &res, &err) == 0)
		cms_result_free(&res);
	memset(&res, 0, sizeof(res));
	if (cms_verify_detached(&o, data, size, content, sizeof(content) - 1, &res, &err) == 0)
		cms_result_free(&res);
	trust_free(&ts);
	return 0;
}
