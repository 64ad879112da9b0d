/* store_blob_p.h: writing content into a row (private to store/). */
#ifndef KEP_STORE_BLOB_P_H
#define KEP_STORE_BLOB_P_H

#include "store_blob.h"
#include "store_p.h"

/* An opened content source: its size is known before anything is written,
 * because the BLOB is allocated (zeroblob) first and filled afterwards. */
struct st_source {
	const struct store_content *c;
	int fd;            /* -1 for memory */
	int close_fd;
	int64_t size;
};
int st_source_open(const struct store_content *c, struct st_source *src, struct kerr *err);
void st_source_close(struct st_source *src);

/* Fills the zeroblob column `col` of table row `rowid` from src (size must
 * match the zeroblob) and writes its SHA-256 into the 32-byte column
 * `sha_col`. table/col are the caller's constants, never input. */
int st_blob_fill(struct store *s, const char *table, const char *col, const char *sha_col,
		 int64_t rowid, struct st_source *src, unsigned char sha256_r[32],
		 struct kerr *err);

/* A sink that appends chunks to a buffer, refusing more than max bytes
 * beyond start (the buffer's length when reading began). */
struct st_mem_sink {
	struct kbuf *buf;
	size_t max, start;
};
int st_mem_sink_write(void *arg, const void *chunk, size_t len, struct kerr *err);

/* store_blob_read() with the content's location known (store_archive.h:
 * store_content_location(), which gives a part's range in the same query);
 * loc NULL: the content is in kind's own row, id. */
struct store_content_location;
int st_blob_read_at(struct store *s, enum store_blob_kind kind, int64_t id,
		    const struct store_content_location *loc, store_blob_cb *cb, void *arg,
		    struct kerr *err);

#endif
