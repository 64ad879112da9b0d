/* fdio.c: see fdio.h. */
#include "fdio.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "util.h"

void b64_writer_init(struct b64_writer *w, int fd)
{
	w->ctx = EVP_ENCODE_CTX_new();
	if (w->ctx == NULL)
		abort();
	EVP_DecodeInit(w->ctx);
	w->fd = fd;
	w->written = 0;
}

int b64_update(struct b64_writer *w, const void *text, size_t len, struct kerr *err)
{
	/* EVP_DecodeUpdate yields at most 3/4 of its input (+ a carried block). */
	unsigned char out[3 * 4096 / 4 + 80];
	const unsigned char *p = text;
	int outl;

	while (len > 0) {
		int chunk = len > 4096 ? 4096 : (int)len;

		if (EVP_DecodeUpdate(w->ctx, out, &outl, p, chunk) < 0)
			return kerr_set(err, KERR_MALFORMED, "invalid base64 in the response");
		if (fd_write_all(w->fd, out, (size_t)outl, err) < 0)
			return -1;
		w->written += (unsigned long long)outl;
		p += chunk;
		len -= (size_t)chunk;
	}
	return 0;
}

int b64_finish(struct b64_writer *w, struct kerr *err)
{
	unsigned char out[80];
	int outl = 0, rc = 0;

	if (w->ctx == NULL)
		return 0;
	if (EVP_DecodeFinal(w->ctx, out, &outl) < 0)
		rc = kerr_set(err, KERR_MALFORMED, "invalid base64 at the end of the response");
	else if (fd_write_all(w->fd, out, (size_t)outl, err) < 0)
		rc = -1;
	else
		w->written += (unsigned long long)outl;
	EVP_ENCODE_CTX_free(w->ctx);
	w->ctx = NULL;
	return rc;
}
