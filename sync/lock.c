/* lock.c: see lock.h. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

struct account_lock {
	int fd;
	char *path;
};

static long read_holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

int account_lock_acquire(const char *dir, const char *account, int wait,
			 struct account_lock **lock_r, struct kerr *err)
{
	char *lockdir = xasprintf("%s/locks", dir);
	char *path = NULL;
	char pid[32];
	int fd, n;

	*lock_r = NULL;
	if (mkdir(lockdir, 0700) < 0 && errno != EEXIST) {
		kerr_errno(err, KERR_IO, errno, "cannot create lock directory %s", lockdir);
		free(lockdir);
		return -1;
	}
	path = xasprintf("%s/%s.lock", lockdir, account);
	free(lockdir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot open lock file %s", path);
		free(path);
		return -1;
	}
	while (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EWOULDBLOCK)
			kerr_set(err, KERR_BUSY,
				 "account %s is being synced by another process (pid %ld); try again later",
				 account, read_holder_pid(fd));
		else
			kerr_errno(err, KERR_IO, errno, "cannot lock %s", path);
		close(fd);
		free(path);
		return -1;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n)
		(void)0; /* the pid is only a diagnostic */
	*lock_r = xcalloc(1, sizeof(**lock_r));
	(*lock_r)->fd = fd;
	(*lock_r)->path = path;
	return 0;
}

void account_lock_release(struct account_lock **lock)
{
	if (*lock == NULL)
		return;
	/* Closing drops the flock; the file stays so its inode is stable. */
	close((*lock)->fd);
	free((*lock)->path);
	free(*lock);
	*lock = NULL;
}
