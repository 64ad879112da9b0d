/* secret_file.c: see secret_file.h. */
#include "secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_mode(const char *path, const struct stat *st, struct kerr *err)
{
	/* A FIFO hands a secret over once without it being stored. */
	if (!S_ISREG(st->st_mode) && !S_ISFIFO(st->st_mode))
		return kerr_set(err, KERR_CONFIG,
				"secrets file %s is neither a regular file nor a FIFO", path);
	if ((st->st_mode & 077) != 0)
		return kerr_set(err, KERR_CONFIG,
				"secrets file %s has permissions %04o: group and others must "
				"have no access (run: chmod 600 %s)",
				path, (unsigned)(st->st_mode & 07777), path);
	return 0;
}

int secret_file_check(const char *path, struct kerr *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return kerr_errno(err, KERR_CONFIG, errno, "cannot use secrets file %s", path);
	return check_mode(path, &st, err);
}

int secret_file_read(const char *path, size_t max_len, struct kbuf *b, struct kerr *err)
{
	unsigned char chunk[4096];
	struct stat st;
	ssize_t n;
	int fd, ret = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return kerr_errno(err, KERR_CONFIG, errno, "cannot open secrets file %s", path);
	if (fstat(fd, &st) < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot stat secrets file %s", path);
		goto out;
	}
	if (check_mode(path, &st, err) < 0)
		goto out;
	/* Room for everything up front: a growing buffer would leave unwiped
	 * copies of the secret behind in freed memory. */
	if (b->cap < b->len + max_len + 2) {
		struct kbuf big = { xmalloc(b->len + max_len + 2), 0, b->len + max_len + 2 };

		kbuf_append(&big, b->data, b->len);
		secret_kbuf_free(b);
		*b = big;
	}
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kerr_errno(err, KERR_IO, errno, "cannot read secrets file %s", path);
			goto out;
		}
		if (n == 0)
			break;
		if (b->len + (size_t)n > max_len) {
			kerr_set(err, KERR_CONFIG, "secrets file %s is larger than %zu bytes", path,
				 max_len);
			goto out;
		}
		kbuf_append(b, chunk, (size_t)n);
	}
	ret = 0;
out:
	secure_wipe(chunk, sizeof(chunk));
	close(fd);
	return ret;
}

void secret_kbuf_free(struct kbuf *b)
{
	if (b->data != NULL)
		secure_wipe(b->data, b->cap);
	kbuf_free(b);
}

int secret_file_read_line(const char *path, size_t max_len, char **out, struct kerr *err)
{
	struct kbuf data = { 0 };
	const char *s;
	size_t len;

	*out = NULL;
	if (secret_file_read(path, max_len, &data, err) < 0) {
		secret_kbuf_free(&data);
		return -1;
	}
	s = kbuf_cstr(&data);
	len = strcspn(s, "\r\n");
	if (len == 0) {
		secret_kbuf_free(&data);
		return kerr_set(err, KERR_CONFIG, "%s: the first line is empty", path);
	}
	*out = xstrndup(s, len);
	secret_kbuf_free(&data);
	return 0;
}
