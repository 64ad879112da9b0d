/* libFuzzer target: the SOAP answer parser (kep/provider/soap). */
#include <stddef.h>
#include <stdint.h>

#include "soap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soap_resp r;
	struct kerr err;

	if (soap_parse_mem(data, size, &r, &err) == 0)
		soap_resp_free(&r);
	return 0;
}
