/* sync_fetch.c: downloading listed packages (see sync_p.h), one at a time
 * or pipelined: a thread downloads the packages a folder's refresh still
 * has to store, in the listing's order, each into an unlinked temporary
 * file next to the store, at most the account's download_ahead packages
 * (kepagent.yaml(5); default CONFIG_DOWNLOAD_AHEAD_DEFAULT) ahead of the
 * caller's thread, which verifies and stores them. The download of the next package
 * so overlaps the verification and storage of this one (the second core),
 * and the wait for the provider overlaps both.
 * The thread only downloads: crash points, store writes, the report and
 * every hook but the request metric stay in the caller's thread in the
 * listing's order, so the crash points are as deterministic as before and
 * exactly-once holds as before (a package downloaded ahead but not stored
 * when the run stops is downloaded again by the next one). Both threads
 * reach the provider through sync_call(), which holds the session's lock. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "sync_p.h"
#include "util.h"

struct dl_arg {
	const struct kep_pkg_ref *ref;
	int fd;
	unsigned nparts;
};

static int part_fd(void *arg, unsigned index, struct kerr *err)
{
	struct dl_arg *a = arg;

	if (index > 0)
		return kerr_set(err, KERR_PACKAGE, "the package download answered with more than one part");
	return a->fd;
}

static int do_download(struct sync_ctx *c, void *arg, struct kerr *err)
{
	struct dl_arg *a = arg;
	struct kep_sink sink = { part_fd, a };

	/* A retry starts from an empty file. */
	if (ftruncate(a->fd, 0) < 0 || lseek(a->fd, 0, SEEK_SET) < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot reset the download file");
	return c->drv->download_package(c->sess, a->ref, KEP_PART_PACKAGE, &sink, &a->nparts, err);
}

int sync_fetch_one(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		   struct kerr *err)
{
	struct kep_pkg_ref ref = { folder, pi->kep_id, pi->seq };
	struct dl_arg a = { &ref, -1, 0 };

	a.fd = sync_tmpfile(c, err);
	if (a.fd < 0)
		return -1;
	if (sync_call(c, "download_package", do_download, &a, err) < 0) {
		close(a.fd);
		return -1;
	}
	return a.fd;
}

struct slot {
	int fd;                   /* the download, or -1 with err */
	int done;
	struct kerr err;
};

struct sync_fetch {
	struct sync_ctx *c;
	const char *folder;
	const struct kep_package_info *const *rows;
	size_t n;
	size_t ahead;             /* the account's download_ahead */
	struct slot *slots;
	size_t taken;             /* slots handed to the caller */
	int cancel;               /* the caller stops: download no more */
	int finished;             /* the thread has ended */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
};

/* Failures after which the session or the run is done for: the next
 * download would fail the same way. */
static int ends_downloads(const struct kerr *e)
{
	return e->cls == KERR_AUTH || e->cls == KERR_STORE || e->cls == KERR_INTERRUPTED;
}

static void *fetch_main(void *arg)
{
	struct sync_fetch *f = arg;
	size_t i;

	log_set_context(f->c->acct->name);
	for (i = 0; i < f->n; i++) {
		struct slot *s = &f->slots[i];
		struct kerr err = { 0 };
		int fd, stop;

		pthread_mutex_lock(&f->mu);
		while (!f->cancel && i >= f->taken + f->ahead)
			pthread_cond_wait(&f->cv, &f->mu);
		stop = f->cancel;
		pthread_mutex_unlock(&f->mu);
		if (stop || sync_stopping(f->c))
			break;
		fd = sync_fetch_one(f->c, f->folder, f->rows[i], &err);
		pthread_mutex_lock(&f->mu);
		s->fd = fd;
		s->err = err;
		s->done = 1;
		pthread_cond_broadcast(&f->cv);
		pthread_mutex_unlock(&f->mu);
		if (fd < 0 && ends_downloads(&err))
			break;
	}
	pthread_mutex_lock(&f->mu);
	f->finished = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

int sync_fetch_start(struct sync_ctx *c, const char *folder,
		     const struct kep_package_info *const *rows, size_t n,
		     struct sync_fetch **f_r, struct kerr *err)
{
	struct sync_fetch *f = xcalloc(1, sizeof(*f));
	int rc;

	f->c = c;
	f->folder = folder;
	f->rows = rows;
	f->n = n;
	f->ahead = c->acct->download_ahead >= CONFIG_DOWNLOAD_AHEAD_MIN &&
			   c->acct->download_ahead <= CONFIG_DOWNLOAD_AHEAD_MAX
		   ? (size_t)c->acct->download_ahead : CONFIG_DOWNLOAD_AHEAD_DEFAULT;
	f->slots = xcalloc(n + 1, sizeof(*f->slots));
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	rc = pthread_create(&f->th, NULL, fetch_main, f);
	if (rc != 0) {
		pthread_cond_destroy(&f->cv);
		pthread_mutex_destroy(&f->mu);
		free(f->slots);
		free(f);
		return kerr_errno(err, KERR_IO, rc, "cannot start the download thread");
	}
	*f_r = f;
	return 0;
}

int sync_fetch_take(struct sync_fetch *f, size_t i, struct kerr *err)
{
	struct slot *s = &f->slots[i];
	int fd;

	pthread_mutex_lock(&f->mu);
	while (!s->done && !f->finished)
		pthread_cond_wait(&f->cv, &f->mu);
	if (!s->done) {
		pthread_mutex_unlock(&f->mu);
		return kerr_set(err, KERR_INTERRUPTED, "not downloaded: the downloads stopped");
	}
	fd = s->fd;
	if (fd < 0 && err != NULL)
		*err = s->err;
	s->fd = -1;
	f->taken = i + 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	return fd;
}

int sync_fetch_ready(struct sync_fetch *f, size_t k)
{
	int ready;

	pthread_mutex_lock(&f->mu);
	ready = f->slots[k].done || f->finished;
	pthread_mutex_unlock(&f->mu);
	return ready;
}

void sync_fetch_stop(struct sync_fetch **fp)
{
	struct sync_fetch *f = *fp;
	size_t i;

	if (f == NULL)
		return;
	pthread_mutex_lock(&f->mu);
	f->cancel = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->th, NULL);
	for (i = 0; i < f->n; i++)
		if (f->slots[i].done && f->slots[i].fd >= 0)
			close(f->slots[i].fd);
	pthread_cond_destroy(&f->cv);
	pthread_mutex_destroy(&f->mu);
	free(f->slots);
	free(f);
	*fp = NULL;
}
