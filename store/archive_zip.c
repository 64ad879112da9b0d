/* archive_zip.c: writing retention archives durably and reading entries
 * back (see store_archive_p.h). libzip pulls entry data through a source
 * callback while it writes, so each BLOB is copied in chunks straight from
 * SQLite into the deflate stream and never held in memory whole. */
#include "store_archive_p.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

struct blob_src {
	struct store *s;
	const struct sa_entry *e;
	sqlite3_blob *blob;
	int size, off;
	zip_error_t error;
};

static zip_int64_t blob_src_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct blob_src *b = ud;
	zip_stat_t *st;
	int n;

	switch (cmd) {
	case ZIP_SOURCE_OPEN:
		if (sqlite3_blob_open(b->s->db, "main", b->e->table, b->e->col, b->e->rowid, 0,
				      &b->blob) != SQLITE_OK) {
			b->blob = NULL;
			zip_error_set(&b->error, ZIP_ER_READ, EIO);
			return -1;
		}
		b->size = sqlite3_blob_bytes(b->blob);
		b->off = (int)b->e->offset;
		if (b->e->ranged && b->e->offset + b->e->size < b->size)
			b->size = (int)(b->e->offset + b->e->size);
		return 0;
	case ZIP_SOURCE_READ:
		n = b->size - b->off;
		if ((zip_uint64_t)n > len)
			n = (int)len;
		if (n > STORE_BLOB_CHUNK)
			n = STORE_BLOB_CHUNK;
		if (n > 0 && sqlite3_blob_read(b->blob, data, n, b->off) != SQLITE_OK) {
			zip_error_set(&b->error, ZIP_ER_READ, EIO);
			return -1;
		}
		b->off += n;
		return n;
	case ZIP_SOURCE_CLOSE:
		if (b->blob != NULL)
			sqlite3_blob_close(b->blob);
		b->blob = NULL;
		return 0;
	case ZIP_SOURCE_STAT:
		st = data;
		zip_stat_init(st);
		/* The recorded size: a BLOB of another size fails verification. */
		st->size = (zip_uint64_t)b->e->size;
		st->mtime = (time_t)(b->e->mtime_ms / 1000);
		st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
		return sizeof(*st);
	case ZIP_SOURCE_ERROR:
		return zip_error_to_data(&b->error, data, len);
	case ZIP_SOURCE_FREE:
		if (b->blob != NULL)
			sqlite3_blob_close(b->blob);
		zip_error_fini(&b->error);
		free(b);
		return 0;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
	default:
		zip_error_set(&b->error, ZIP_ER_OPNOTSUPP, 0);
		return -1;
	}
}

static int add_blob(zip_t *za, struct store *s, const struct sa_entry *e, struct kerr *err)
{
	struct blob_src *b = xcalloc(1, sizeof(*b));
	zip_source_t *src;
	zip_int64_t idx;

	b->s = s;
	b->e = e;
	zip_error_init(&b->error);
	src = zip_source_function(za, blob_src_cb, b);
	if (src == NULL) {
		zip_error_fini(&b->error);
		free(b);
		return kerr_set(err, KERR_INTERNAL, "libzip: %s", zip_strerror(za));
	}
	idx = zip_file_add(za, e->name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(src);
		return kerr_set(err, KERR_INTERNAL, "cannot add %s: %s", e->name, zip_strerror(za));
	}
	zip_file_set_mtime(za, (zip_uint64_t)idx, (time_t)(e->mtime_ms / 1000), 0);
	return 0;
}

static int add_manifest(zip_t *za, const char *manifest, struct kerr *err)
{
	size_t len = strlen(manifest);
	char *copy = xstrndup(manifest, len);
	zip_source_t *src = zip_source_buffer(za, copy, len, 1);

	if (src == NULL) {
		free(copy);
		return kerr_set(err, KERR_INTERNAL, "libzip: %s", zip_strerror(za));
	}
	if (zip_file_add(za, "manifest.json", src, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(src);
		return kerr_set(err, KERR_INTERNAL, "cannot add manifest.json: %s",
				zip_strerror(za));
	}
	return 0;
}

static int fsync_path(const char *path, int flags, struct kerr *err)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot open %s", path);
	/* Archives hold the same legal content as the store: as private. */
	if ((!(flags & O_DIRECTORY) && fchmod(fd, 0600) < 0) || fsync(fd) < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot sync %s", path);
		close(fd);
		return -1;
	}
	if (close(fd) < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot close %s", path);
	return 0;
}

/* Renames tmp to the first free kepagent-archive-STAMP[-N].zip in dir. */
static int publish(const char *dir, const char *tmp, const char *stamp, char **path_r,
		   struct kerr *err)
{
	int i;

	for (i = 1; i < 1000; i++) {
		char *path = i == 1 ? xasprintf("%s/kepagent-archive-%s.zip", dir, stamp)
			: xasprintf("%s/kepagent-archive-%s-%d.zip", dir, stamp, i);

		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0) {
			*path_r = path;
			return 0;
		}
		free(path);
		if (errno != EEXIST)
			return kerr_errno(err, KERR_IO, errno, "cannot rename %s", tmp);
	}
	return kerr_set(err, KERR_IO, "too many archives named kepagent-archive-%s in %s",
			stamp, dir);
}

int sa_write(struct store *s, const char *dir, const struct sa_entry *e, size_t n,
	     const char *manifest, char **path_r, struct kerr *err)
{
	char stamp[32], *tmp, *path = NULL;
	time_t now = time(NULL);
	struct tm tm;
	zip_t *za;
	int zerr, fd;
	size_t i;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	tmp = xasprintf("%s/.kepagent-archive-%s-%ld.tmp", dir, stamp, (long)getpid());
	/* Created private first: libzip keeps an existing file's mode. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		kerr_errno(err, KERR_IO, errno, "cannot create %s", tmp);
		free(tmp);
		return -1;
	}
	close(fd);
	za = zip_open(tmp, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (za == NULL) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		kerr_set(err, KERR_IO, "cannot create archive %s: %s", tmp, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto fail;
	}
	for (i = 0; i < n; i++)
		if (add_blob(za, s, &e[i], err) < 0) {
			zip_discard(za);
			goto fail;
		}
	if (add_manifest(za, manifest, err) < 0) {
		zip_discard(za);
		goto fail;
	}
	if (zip_close(za) < 0) {
		kerr_set(err, KERR_IO, "cannot write archive %s: %s", tmp, zip_strerror(za));
		zip_discard(za);
		goto fail;
	}
	if (fsync_path(tmp, O_RDONLY, err) < 0 || publish(dir, tmp, stamp, &path, err) < 0)
		goto fail;
	free(tmp);
	if (fsync_path(dir, O_RDONLY | O_DIRECTORY, err) < 0) {
		/* Renamed but maybe not durable: the caller must not rely on it. */
		free(path);
		return -1;
	}
	*path_r = path;
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return -1;
}

int sa_open(const char *path, zip_t **za_r, struct kerr *err)
{
	zip_error_t ze;
	int zerr;

	*za_r = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (*za_r != NULL)
		return 0;
	zip_error_init_with_code(&ze, zerr);
	kerr_set(err, zerr == ZIP_ER_NOENT ? KERR_NOTFOUND : KERR_IO, "cannot open archive %s: %s",
		 path, zip_error_strerror(&ze));
	zip_error_fini(&ze);
	return -1;
}

int sa_entry_read(zip_t *za, const char *path, const char *name, int64_t size,
		  const unsigned char sha256[32], store_blob_cb *cb, void *arg,
		  struct kerr *err)
{
	unsigned char *buf = NULL, md[32];
	EVP_MD_CTX *ctx = NULL;
	zip_file_t *zf;
	zip_int64_t got;
	int64_t total = 0;
	int ret = -1;

	zf = zip_fopen(za, name, 0);
	if (zf == NULL)
		return kerr_set(err, KERR_IO, "archive %s has no readable entry %s: %s", path, name,
				zip_strerror(za));
	buf = xmalloc(STORE_BLOB_CHUNK);
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		kerr_set(err, KERR_INTERNAL, "cannot start SHA-256");
		goto out;
	}
	while ((got = zip_fread(zf, buf, STORE_BLOB_CHUNK)) > 0) {
		EVP_DigestUpdate(ctx, buf, (size_t)got);
		total += got;
		if (cb != NULL && cb(arg, buf, (size_t)got, err) < 0)
			goto out;
	}
	if (got < 0) {
		kerr_set(err, KERR_IO, "cannot read %s from archive %s: %s", name, path,
			 zip_file_strerror(zf));
		goto out;
	}
	EVP_DigestFinal_ex(ctx, md, NULL);
	if (total != size || memcmp(md, sha256, 32) != 0) {
		kerr_set(err, KERR_IO, "entry %s of archive %s does not match the digest recorded"
			 " in the store", name, path);
		goto out;
	}
	ret = 0;
out:
	EVP_MD_CTX_free(ctx);
	free(buf);
	zip_fclose(zf);
	return ret;
}
