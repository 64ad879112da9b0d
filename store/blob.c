/* blob.c: streaming content into and out of BLOB columns (see store_blob.h). */
#include "store_blob_p.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "store_archive.h"

struct store_content store_content_mem(const void *data, size_t len)
{
	struct store_content c = { .kind = STORE_CONTENT_MEM, .data = data, .len = len, .fd = -1 };

	return c;
}

struct store_content store_content_fd(int fd)
{
	struct store_content c = { .kind = STORE_CONTENT_FD, .fd = fd };

	return c;
}

struct store_content store_content_path(const char *path)
{
	struct store_content c = { .kind = STORE_CONTENT_PATH, .fd = -1, .path = path };

	return c;
}

struct store_content store_content_raw_slice(const void *data, size_t len, size_t offset)
{
	struct store_content c = { .kind = STORE_CONTENT_RAW_SLICE, .data = data, .len = len,
				   .fd = -1, .offset = offset };

	return c;
}

int st_source_open(const struct store_content *c, struct st_source *src, struct kerr *err)
{
	struct stat sb;

	memset(src, 0, sizeof(*src));
	src->c = c;
	src->fd = -1;
	switch (c->kind) {
	case STORE_CONTENT_MEM:
	case STORE_CONTENT_RAW_SLICE:
		if (c->data == NULL && c->len > 0)
			return kerr_set(err, KERR_USAGE, "content: NULL data of length %zu", c->len);
		src->size = (int64_t)c->len;
		return 0;
	case STORE_CONTENT_FD:
		src->fd = c->fd;
		break;
	case STORE_CONTENT_PATH:
		src->fd = open(c->path, O_RDONLY | O_CLOEXEC);
		if (src->fd < 0)
			return kerr_errno(err, KERR_IO, errno, "cannot open %s", c->path);
		src->close_fd = 1;
		break;
	default:
		return kerr_set(err, KERR_INTERNAL, "content: unknown kind %d", (int)c->kind);
	}
	if (fstat(src->fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		kerr_set(err, KERR_IO, "content source %s is not a readable regular file",
			 c->path != NULL ? c->path : "(descriptor)");
		st_source_close(src);
		return -1;
	}
	src->size = sb.st_size;
	return 0;
}

void st_source_close(struct st_source *src)
{
	if (src->close_fd && src->fd >= 0)
		close(src->fd);
	src->fd = -1;
	src->close_fd = 0;
}

/* Next chunk at offset off into buf; returns bytes (0 only at the end). */
static ssize_t source_read(struct st_source *src, int64_t off, unsigned char *buf, size_t len,
			   const unsigned char **chunk_r)
{
	ssize_t n;

	if (src->fd < 0) {
		size_t left = (size_t)(src->size - off);

		*chunk_r = (const unsigned char *)src->c->data + off;
		return (ssize_t)(left < len ? left : len);
	}
	do
		n = pread(src->fd, buf, len, (off_t)off);
	while (n < 0 && errno == EINTR);
	*chunk_r = buf;
	return n;
}

int st_blob_fill(struct store *s, const char *table, const char *col, const char *sha_col,
		 int64_t rowid, struct st_source *src, unsigned char sha256_r[32],
		 struct kerr *err)
{
	sqlite3_blob *blob = NULL;
	unsigned char *buf = NULL;
	EVP_MD_CTX *md = NULL;
	int64_t off = 0;
	int ret = -1;

	if (sqlite3_blob_open(s->db, "main", table, col, rowid, 1, &blob) != SQLITE_OK) {
		st_err(s, err, "cannot open BLOB for writing");
		goto out;
	}
	buf = src->fd >= 0 ? xmalloc(STORE_BLOB_CHUNK) : NULL;
	md = EVP_MD_CTX_new();
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		kerr_set(err, KERR_INTERNAL, "cannot start SHA-256");
		goto out;
	}
	while (off < src->size) {
		const unsigned char *chunk;
		ssize_t n = source_read(src, off, buf, STORE_BLOB_CHUNK, &chunk);

		if (n < 0) {
			kerr_errno(err, KERR_IO, errno, "cannot read content");
			goto out;
		}
		if (n == 0 || off + n > src->size) {
			kerr_set(err, KERR_IO, "content changed size while being stored");
			goto out;
		}
		EVP_DigestUpdate(md, chunk, (size_t)n);
		if (sqlite3_blob_write(blob, chunk, (int)n, (int)off) != SQLITE_OK) {
			st_err(s, err, "cannot write BLOB");
			goto out;
		}
		off += n;
	}
	EVP_DigestFinal_ex(md, sha256_r, NULL);
	sqlite3_blob_close(blob);
	blob = NULL;
	if (sqlite3_blob_open(s->db, "main", table, sha_col, rowid, 1, &blob) != SQLITE_OK ||
	    sqlite3_blob_write(blob, sha256_r, 32, 0) != SQLITE_OK) {
		st_err(s, err, "cannot write digest");
		goto out;
	}
	ret = 0;
out:
	if (blob != NULL)
		sqlite3_blob_close(blob);
	EVP_MD_CTX_free(md);
	free(buf);
	return ret;
}

static void blob_location(enum store_blob_kind kind, const char **table, const char **col)
{
	switch (kind) {
	case STORE_BLOB_PACKAGE_RAW:
		*table = "packages", *col = "raw";
		return;
	case STORE_BLOB_PART:
		*table = "parts", *col = "content";
		return;
	case STORE_BLOB_EVIDENCE_RAW:
		*table = "evidence", *col = "raw";
		return;
	case STORE_BLOB_OUTBOX_FILE:
		*table = "outbox_files", *col = "content";
		return;
	}
	*table = NULL, *col = NULL;
}

int st_blob_read_at(struct store *s, enum store_blob_kind kind, int64_t id,
		    const struct store_content_location *loc, store_blob_cb *cb, void *arg,
		    struct kerr *err)
{
	const char *table, *col;
	sqlite3_blob *blob;
	unsigned char *buf;
	int64_t rowid = id, off = 0, end;
	int ret = 0, ranged = loc != NULL && loc->ranged;

	blob_location(kind, &table, &col);
	if (table == NULL)
		return kerr_set(err, KERR_USAGE, "unknown content kind %d", (int)kind);
	if (ranged)
		table = "packages", col = "raw", rowid = loc->raw_package, off = loc->raw_offset;
	if (sqlite3_blob_open(s->db, "main", table, col, rowid, 0, &blob) != SQLITE_OK) {
		if (strstr(sqlite3_errmsg(s->db), "no such rowid") != NULL)
			return kerr_set(err, KERR_NOTFOUND, "no %s row %lld", table, (long long)rowid);
		return st_err(s, err, "cannot open BLOB for reading");
	}
	end = ranged ? off + loc->size : sqlite3_blob_bytes(blob);
	if (end > sqlite3_blob_bytes(blob)) {
		sqlite3_blob_close(blob);
		return kerr_set(err, KERR_STORE, "part %lld: its range ends past its package's "
				"stored content", (long long)id);
	}
	buf = xmalloc(STORE_BLOB_CHUNK);
	while (off < end && ret == 0) {
		int n = end - off < STORE_BLOB_CHUNK ? (int)(end - off) : STORE_BLOB_CHUNK;

		if (sqlite3_blob_read(blob, buf, n, (int)off) != SQLITE_OK)
			ret = st_err(s, err, "cannot read BLOB");
		else
			ret = cb(arg, buf, (size_t)n, err);
		off += n;
	}
	free(buf);
	sqlite3_blob_close(blob);
	return ret < 0 ? -1 : 0;
}

/* A part may be held as a range of its package's raw content (schema v16):
 * its location (one query) says where. */
int store_blob_read(struct store *s, enum store_blob_kind kind, int64_t id,
		    store_blob_cb *cb, void *arg, struct kerr *err)
{
	struct store_content_location loc;
	int rc;

	if (kind != STORE_BLOB_PART)
		return st_blob_read_at(s, kind, id, NULL, cb, arg, err);
	if (store_content_location(s, kind, id, &loc, err) < 0)
		return -1;
	rc = st_blob_read_at(s, kind, id, &loc, cb, arg, err);
	store_content_location_free(&loc);
	return rc;
}

static int to_fd(void *arg, const void *chunk, size_t len, struct kerr *err)
{
	return fd_write_all(*(int *)arg, chunk, len, err) < 0 ?
		kerr_prefix(err, "content") : 0;
}

int store_blob_read_to_fd(struct store *s, enum store_blob_kind kind, int64_t id, int fd,
			  struct kerr *err)
{
	return store_blob_read(s, kind, id, to_fd, &fd, err);
}

int st_mem_sink_write(void *arg, const void *chunk, size_t len, struct kerr *err)
{
	struct st_mem_sink *m = arg;

	if (m->buf->len - m->start + len > m->max)
		return kerr_set(err, KERR_LIMIT, "stored content is larger than %zu bytes", m->max);
	kbuf_append(m->buf, chunk, len);
	return 0;
}

int store_blob_read_mem(struct store *s, enum store_blob_kind kind, int64_t id,
			size_t max_len, struct kbuf *buf, struct kerr *err)
{
	struct st_mem_sink m = { buf, max_len, buf->len };

	return store_blob_read(s, kind, id, st_mem_sink_write, &m, err);
}
