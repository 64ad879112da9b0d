/* secret_file.h: reading a file that holds a secret (an account's secrets
 * file, a PIN or OTP file, the API token, a TLS key).
 *
 * Like msmtp, such a file must be a regular file (or a FIFO, which hands a
 * secret over once) that neither group nor others may read or write; the mode bits of the opened file are checked
 * (root reads anything, so a failing read proves nothing, and fstat leaves
 * no race with a swap). Messages name the file and the fix, never its
 * content. Buffers that held a secret are wiped before they are freed. */
#ifndef KEP_SECRET_FILE_H
#define KEP_SECRET_FILE_H

#include <stddef.h>

#include "err.h"
#include "util.h"

/* 0 when path is a regular file or FIFO with mode bits 0600 or stricter; else -1
 * with a message saying how to fix it (KERR_CONFIG, also when it is missing:
 * a file of secrets is part of the configuration, exit 3). */
int secret_file_check(const char *path, struct kerr *err);

/* Checks the opened file as above and appends it, at most max_len bytes, to
 * b. The caller wipes b with secret_kbuf_free(), on failure too. */
int secret_file_read(const char *path, size_t max_len, struct kbuf *b, struct kerr *err);
void secret_kbuf_free(struct kbuf *b);

/* The file's first line (without "\n" or "\r\n"), at most max_len bytes,
 * as a new string the caller wipes with secret_free(). An empty first line
 * is KERR_CONFIG. */
int secret_file_read_line(const char *path, size_t max_len, char **out, struct kerr *err);

#endif
