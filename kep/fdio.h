/* fdio.h: writing downloaded bytes to the caller's file descriptor.
 *
 * Both MTOM parts and inline base64 text end up in a file the caller owns;
 * these helpers write all bytes (retrying short writes and EINTR) and decode
 * base64 in bounded chunks so a 25 MB package never needs a second copy in
 * memory. A b64_writer lives on the caller's stack. Not thread-safe per
 * writer. */
#ifndef KEP_FDIO_H
#define KEP_FDIO_H

#include <stddef.h>

#include <openssl/evp.h>

#include "err.h"
#include "util.h" /* fd_write_all() */

struct b64_writer {
	EVP_ENCODE_CTX *ctx;
	int fd;
	unsigned long long written;
};

/* Base64 decoding into fd; whitespace and line breaks are ignored. Call
 * b64_finish() to flush and free (also after a failure). Invalid base64 is
 * KERR_MALFORMED. */
void b64_writer_init(struct b64_writer *w, int fd);
int b64_update(struct b64_writer *w, const void *text, size_t len, struct kerr *err);
int b64_finish(struct b64_writer *w, struct kerr *err);

#endif
