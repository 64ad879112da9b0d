/* gen_fs.c: the few file operations the generator needs. Durability is not a
 * goal here (test data); atomic appearance is, and comes from rename(2). */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

int mkdir_p(const char *path, struct kerr *err)
{
	char *p = xstrdup(path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			int e = errno;
			kerr_errno(err, KERR_IO, e, "cannot create %s", p);
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = 0;
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		rc = kerr_errno(err, KERR_IO, errno, "cannot create %s", p);
	free(p);
	return rc;
}

int write_file_plain(const char *path, const void *data, size_t len, struct kerr *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot create %s", path);
	const unsigned char *p = data;
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			return kerr_errno(err, KERR_IO, e, "cannot write %s", path);
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot write %s", path);
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

void rm_tree(const char *path)
{
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
