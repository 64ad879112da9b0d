/* secrets.h: files that hold secrets (account secrets files, PIN files).
 *
 * Like msmtp, a secrets file must be a regular file that neither group nor
 * others may read or write; the mode bits themselves are checked (root reads
 * anything, so a failing read proves nothing). Messages name the file and the
 * fix, never its content. config_load_secrets() and config_load_pin()
 * (config.h) are built on these. */
#ifndef KEP_SECRETS_H
#define KEP_SECRETS_H

#include <stddef.h>

#include "err.h"
#include "util.h"

/* 0 when path is a regular file with mode bits 0600 or stricter; else -1
 * with a message saying how to fix it (KERR_CONFIG, or KERR_IO if missing). */
int secrets_check_file(const char *path, struct kerr *err);

/* Checks the mode of the opened file (no race with a swap) and reads it,
 * at most max_len bytes, into b. The caller wipes b with secrets_kbuf_free(). */
int secrets_read_file(const char *path, size_t max_len, struct kbuf *b, struct kerr *err);
void secrets_kbuf_free(struct kbuf *b);

/* Reads a secrets file (YAML: parola, sifre). As config_load_secrets()
 * (config.h), and also appends every problem, one line each and free of
 * secrets, to report. */
int secrets_load(const char *path, char **parola_r, char **sifre_r, struct kbuf *report,
		 struct kerr *err);

#endif
