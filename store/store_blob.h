/* store_blob.h: raw content going into and coming out of the store.
 *
 * Content up to 25 MB (a whole KEP package) is streamed: written into a
 * zero-filled BLOB in chunks and read back in chunks, so it never has to sit
 * in memory twice. A struct store_content names where content comes from; it
 * does not own anything: the caller keeps the buffer or the descriptor.
 * Thread safety: as struct store. */
#ifndef KEP_STORE_BLOB_H
#define KEP_STORE_BLOB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "util.h"

struct store;

#define STORE_BLOB_CHUNK (64 * 1024)

enum store_content_kind {
	STORE_CONTENT_MEM = 0,  /* data/len */
	STORE_CONTENT_FD,       /* the whole file behind fd, read with pread from 0 */
	STORE_CONTENT_PATH,     /* the file at path */
	STORE_CONTENT_RAW_SLICE, /* a part only: bytes [offset, offset + len) of its
	                          * package's raw content, which data points at; stored
	                          * as that range (schema v16), not a second copy */
};

struct store_content {
	enum store_content_kind kind;
	const void *data;
	size_t len;
	int fd;
	const char *path;
	size_t offset;           /* STORE_CONTENT_RAW_SLICE */
};

struct store_content store_content_mem(const void *data, size_t len);
struct store_content store_content_fd(int fd);
struct store_content store_content_path(const char *path);
/* Part content that is a verbatim slice of its package's raw content: data
 * (len bytes) is at offset in the raw content stored with it. */
struct store_content store_content_raw_slice(const void *data, size_t len, size_t offset);

/* Which stored content to read back. */
enum store_blob_kind {
	STORE_BLOB_PACKAGE_RAW,   /* id: package id */
	STORE_BLOB_PART,          /* id: part id */
	STORE_BLOB_EVIDENCE_RAW,  /* id: evidence id */
	STORE_BLOB_OUTBOX_FILE,   /* id: outbox file id (store_outbox.h) */
};

/* Called with consecutive chunks; return -1 (filling err) to stop. */
typedef int store_blob_cb(void *arg, const void *chunk, size_t len, struct kerr *err);

/* Streams the content to cb in chunks of at most STORE_BLOB_CHUNK bytes
 * (a part held as a range of its package's raw content is read from there).
 * KERR_NOTFOUND when there is no such row. */
int store_blob_read(struct store *store, enum store_blob_kind kind, int64_t id,
		    store_blob_cb *cb, void *arg, struct kerr *err);
/* Writes the content to fd (a file, pipe or socket; short writes retried). */
int store_blob_read_to_fd(struct store *store, enum store_blob_kind kind, int64_t id,
			  int fd, struct kerr *err);
/* Appends the whole content to buf, failing with KERR_LIMIT above max_len. */
int store_blob_read_mem(struct store *store, enum store_blob_kind kind, int64_t id,
			size_t max_len, struct kbuf *buf, struct kerr *err);

#endif
