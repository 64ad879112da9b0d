/* jsonl.c: see jsonl.h. */
#include "jsonl.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static pthread_mutex_t jsonl_lock = PTHREAD_MUTEX_INITIALIZER;

int jsonl_append(const char *path, const json_t *obj, struct kerr *err)
{
	char *text;
	size_t len;
	ssize_t n;
	int fd, rc = 0;

	if (path == NULL)
		return 0;
	text = json_dumps(obj, JSON_COMPACT);
	if (text == NULL)
		return kerr_set(err, KERR_INTERNAL, "cannot encode JSON line");
	len = strlen(text);
	text = xrealloc(text, len + 2);
	text[len++] = '\n';
	text[len] = '\0';
	pthread_mutex_lock(&jsonl_lock);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = kerr_errno(err, KERR_IO, errno, "cannot open %s", path);
	} else {
		n = write(fd, text, len);
		if (n != (ssize_t)len)
			rc = kerr_errno(err, KERR_IO, errno, "cannot append to %s", path);
		close(fd);
	}
	pthread_mutex_unlock(&jsonl_lock);
	free(text);
	return rc;
}

int jsonl_each(const char *path, int (*fn)(json_t *line, void *arg), void *arg)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	pthread_mutex_lock(&jsonl_lock);
	f = fopen(path, "re");
	if (f != NULL) {
		while (rc == 0 && getline(&line, &cap, f) > 0) {
			json_t *j = json_loads(line, 0, NULL);

			if (j == NULL)
				continue;
			rc = fn(j, arg);
			json_decref(j);
		}
		fclose(f);
	}
	pthread_mutex_unlock(&jsonl_lock);
	free(line);
	return rc;
}

void jsonl_now(char out[20])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm); /* FORMAT.md: times in JSON are UTC without a suffix */
	strftime(out, 20, "%Y-%m-%dT%H:%M:%S", &tm);
}
