/* util.h: small helpers shared by every module.
 *
 * x*alloc() abort the process on allocation failure (as OpenSMTPD's do): a
 * daemon that cannot allocate a few bytes cannot keep any promise anyway.
 * struct kbuf is a growable byte buffer owned by whoever declared it; free
 * it with kbuf_free(). */
#ifndef KEP_UTIL_H
#define KEP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Overwrites memory so the compiler cannot elide it (for secrets). */
void secure_wipe(void *p, size_t len);
/* Wipes and frees a NUL-terminated secret; sets *s to NULL. */
void secret_free(char **s);

struct kbuf {
	unsigned char *data;
	size_t len;
	size_t cap;
};
void kbuf_append(struct kbuf *b, const void *data, size_t len);
void kbuf_append_str(struct kbuf *b, const char *s);
void kbuf_printf(struct kbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns data as a NUL-terminated string (the NUL is not counted in len). */
const char *kbuf_cstr(struct kbuf *b);
/* Appends s percent-encoded: ASCII letters, digits and the characters of
 * keep stay, every other byte is %XX (upper case). With keep "-._~" it is a
 * URI path segment (RFC 3986); with "!#$&+-.^_`|~" an RFC 8187 ext-value. */
void kbuf_pct_encode(struct kbuf *b, const char *s, const char *keep);
/* Room for extra more bytes at data + len (and the NUL after them): the
 * caller writes there, then adds what it wrote to len. */
unsigned char *kbuf_room(struct kbuf *b, size_t extra);
void kbuf_reset(struct kbuf *b);
void kbuf_free(struct kbuf *b);

/* The directory part of path (dirname(3) of a copy: "." for a bare name),
 * malloc'd. */
char *path_dir(const char *path);
/* Reads a whole file of at most max_len bytes into b (appended). */
int read_file(const char *path, size_t max_len, struct kbuf *b, struct kerr *err);
/* Writes all of buf to fd, retrying short writes and EINTR; -1 with
 * KERR_IO on failure. */
int fd_write_all(int fd, const void *buf, size_t len, struct kerr *err);
/* Writes data to path durably: a new temporary file beside it (random name,
 * O_EXCL|O_NOFOLLOW: a link planted there is never followed), fsync, rename
 * over path (which replaces a link at path rather than writing through it),
 * fsync of the directory. */
int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct kerr *err);

/* Lower-case hex of the n bytes at in, NUL-terminated, into out (2n+1
 * bytes); returns out. */
char *hex_encode(const void *in, size_t n, char *out);
/* Lower-case hex of the SHA-256 of n bytes at d (64 digits and a NUL). */
char *sha256_hex(const void *d, size_t n, char out[65]);

/* An anonymous read-write file in dir (O_TMPFILE, else a name made with
 * prefix, created O_EXCL and unlinked at once): nothing is left behind when
 * the process dies. -1 with KERR_IO when dir cannot take one. */
int tmpfile_in(const char *dir, const char *prefix, struct kerr *err);

/* Constant-time comparison of two byte strings; 1 when equal. */
int const_time_eq(const void *a, size_t alen, const void *b, size_t blen);

/* Current time in milliseconds since the epoch (CLOCK_REALTIME). */
int64_t now_ms(void);

#endif
