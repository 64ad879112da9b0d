/* api_health.c: see api_health.h.
 *
 * Healthy means the daemon could store the next package now: the store takes
 * its write lock, and a page-sized probe is written and synced beside the
 * store file (a full disk fails here, not at the next refresh). The free
 * space of that file system is reported, and below HEALTH_MIN_FREE the
 * daemon is unhealthy: a package no longer fits. */
#include "api_health.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "store.h"
#include "util.h"

#define HEALTH_PROBE 4096
#define HEALTH_MIN_FREE (32LL << 20)   /* a KEP package is at most about 25 MB */

/* Writes and syncs a probe page in dir; fills err when it cannot. */
static int probe_write(const char *dir, struct kerr *err)
{
	char *tmp = xasprintf("%s/.kepagent-health-XXXXXX", dir);
	unsigned char page[HEALTH_PROBE];
	int fd, rc = 0;

	memset(page, 0x6b, sizeof(page));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = kerr_errno(err, KERR_IO, errno, "cannot create a file beside the store in %s",
				dir);
	} else {
		if (write(fd, page, sizeof(page)) != (ssize_t)sizeof(page) || fsync(fd) < 0)
			rc = kerr_errno(err, KERR_IO, errno ? errno : ENOSPC,
					"cannot write a page beside the store in %s", dir);
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

void api_h_healthz(const struct api_request *req, struct api_response *resp)
{
	struct daemon *d = req->user;
	struct kerr err = { 0 };
	struct store *s = daemon_store(d, &err);
	const struct config *cfg = daemon_config_get(d);
	char *path = xstrdup(cfg->store_path);
	const char *dir = dirname(path);
	struct statvfs vfs;
	long long free_bytes = -1;
	int ok;

	daemon_config_put(d, cfg);
	if (statvfs(dir, &vfs) == 0)
		free_bytes = (long long)vfs.f_bavail * (long long)vfs.f_frsize;
	/* Taking the write lock proves the store is there and not read-only. */
	ok = s != NULL && store_begin(s, &err) == 0;
	if (ok)
		store_rollback(s);
	if (ok && probe_write(dir, &err) < 0)
		ok = 0;
	if (ok && free_bytes >= 0 && free_bytes < HEALTH_MIN_FREE) {
		kerr_set(&err, KERR_IO, "only %lld bytes free beside the store in %s (%lld needed "
			 "for the next package)", free_bytes, dir, HEALTH_MIN_FREE);
		ok = 0;
	}
	resp->status = ok ? 200 : 503;
	resp->json = json_pack("{s:s, s:s, s:o}", "status", ok ? "ok" : "unhealthy",
			       "store", ok ? "writable" : err.msg, "free_bytes",
			       free_bytes >= 0 ? json_integer(free_bytes) : json_null());
	free(path);
}

void api_h_metrics(const struct api_request *req, struct api_response *resp)
{
	struct kbuf out = { 0 };

	daemon_metrics_render(req->user, &out);
	kbuf_cstr(&out);
	resp->raw = out.data;
	resp->raw_len = out.len;
	resp->content_type = xstrdup("text/plain; version=0.0.4; charset=utf-8");
}
