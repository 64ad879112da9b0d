/* libFuzzer target: the YAML configuration (conf/config). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/fuzz-config-XXXXXX";
	struct config *cfg = NULL;
	struct kerr err;
	int fd = mkstemp(path);
	size_t off;

	if (fd < 0)
		return 0;
	for (off = 0; off < size;) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (config_load(path, &cfg, &err) == 0)
		config_free(&cfg);
	unlink(path);
	return 0;
}
