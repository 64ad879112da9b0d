/* util.c: see util.h. */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/sha.h>
#include <unistd.h>

static void oom(void)
{
	fputs("kepagent: fatal: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (q == NULL)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		oom();
	return p;
}

/* vasprintf() that aborts on OOM; returns the length. */
static size_t xvasprintf(char **p, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static size_t xvasprintf(char **p, const char *fmt, va_list ap)
{
	int r = vasprintf(p, fmt, ap);

	if (r < 0)
		oom();
	return (size_t)r;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	xvasprintf(&p, fmt, ap);
	va_end(ap);
	return p;
}

void secure_wipe(void *p, size_t len)
{
	if (p != NULL)
		explicit_bzero(p, len);
}

void secret_free(char **s)
{
	if (*s == NULL)
		return;
	secure_wipe(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

static void kbuf_reserve(struct kbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

unsigned char *kbuf_room(struct kbuf *b, size_t extra)
{
	kbuf_reserve(b, extra);
	return b->data + b->len;
}

void kbuf_append(struct kbuf *b, const void *data, size_t len)
{
	kbuf_reserve(b, len);
	if (len > 0)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void kbuf_append_str(struct kbuf *b, const char *s)
{
	kbuf_append(b, s, strlen(s));
}

void kbuf_printf(struct kbuf *b, const char *fmt, ...)
{
	va_list ap;
	size_t len;
	char *s;

	va_start(ap, fmt);
	len = xvasprintf(&s, fmt, ap);
	va_end(ap);
	kbuf_append(b, s, len);
	free(s);
}

const char *kbuf_cstr(struct kbuf *b)
{
	kbuf_reserve(b, 0);
	b->data[b->len] = '\0';
	return (const char *)b->data;
}

void kbuf_reset(struct kbuf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void kbuf_free(struct kbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int read_file(const char *path, size_t max_len, struct kbuf *b, struct kerr *err)
{
	unsigned char chunk[65536];
	size_t total = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot open %s", path);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			kerr_errno(err, KERR_IO, errno, "cannot read %s", path);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > max_len) {
			close(fd);
			return kerr_set(err, KERR_LIMIT, "%s is larger than %zu bytes", path, max_len);
		}
		kbuf_append(b, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

int fd_write_all(int fd, const void *buf, size_t len, struct kerr *err)
{
	const unsigned char *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kerr_errno(err, KERR_IO, errno, "cannot write");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct kerr *err)
{
	char *tmp = xasprintf("%s.tmp-XXXXXX", path);
	char *dircopy = xstrdup(path);
	int fd, dfd, ret = -1;

	/* mkostemp opens with O_CREAT|O_EXCL (so never through a link) and 0600. */
	fd = mkostemp(tmp, O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot create a temporary file beside %s", path);
		goto out;
	}
	if (fchmod(fd, mode) < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot set the mode of %s", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (fd_write_all(fd, data, len, err) < 0) {
		kerr_prefix(err, "%s", tmp);
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot flush %s", tmp);
		unlink(tmp);
		goto out;
	}
	if (rename(tmp, path) < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot rename %s to %s", tmp, path);
		unlink(tmp);
		goto out;
	}
	dfd = open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	ret = 0;
out:
	free(tmp);
	free(dircopy);
	return ret;
}

char *path_dir(const char *path)
{
	char *copy = xstrdup(path), *dir = xstrdup(dirname(copy));

	free(copy);
	return dir;
}

int const_time_eq(const void *a, size_t alen, const void *b, size_t blen)
{
	const unsigned char *x = a, *y = b;
	unsigned char diff = (unsigned char)(alen != blen);
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++)
		diff |= (unsigned char)(x[i] ^ y[i]);
	return diff == 0;
}

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

char *hex_encode(const void *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

char *sha256_hex(const void *d, size_t n, char out[65])
{
	unsigned char md[SHA256_DIGEST_LENGTH];

	SHA256(d, n, md);
	return hex_encode(md, sizeof(md), out);
}

void kbuf_pct_encode(struct kbuf *b, const char *s, const char *keep)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr(keep, *p) != NULL)
			kbuf_append(b, p, 1);
		else
			kbuf_printf(b, "%%%02X", *p);
	}
}

int tmpfile_in(const char *dir, const char *prefix, struct kerr *err)
{
	char *path;
	int fd;

#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	/* File systems without O_TMPFILE: create and unlink at once. */
	path = xasprintf("%s/%s.XXXXXX", dir, prefix);
	fd = mkostemp(path, O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		kerr_errno(err, KERR_IO, errno, "cannot create a temporary file in %s", dir);
	else
		unlink(path);
	free(path);
	return fd;
}
