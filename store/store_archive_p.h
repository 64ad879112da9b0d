/* store_archive_p.h: the archive files of retention (private to store/):
 * writing a ZIP durably from BLOBs of the store, and reading entries back.
 * See store_archive.h for the order of a run. */
#ifndef KEP_STORE_ARCHIVE_P_H
#define KEP_STORE_ARCHIVE_P_H

#include <stdint.h>

#include <zip.h>

#include "store_blob.h"
#include "store_p.h"

/* One entry to copy from a BLOB column; table/col are the store's constants. */
struct sa_entry {
	char *name;
	int64_t id;                 /* the row whose content this is */
	const char *table, *col;    /* where its bytes are read from: that row's, */
	int64_t rowid;              /* or its package's raw content for a part */
	int ranged;                 /* held as a range of it (schema v16): */
	int64_t offset;             /* the bytes [offset, offset + size) */
	int64_t size;
	int64_t mtime_ms;
	unsigned char sha256[32];   /* as recorded in the store */
};

/* Writes the entries (streamed from the store in STORE_BLOB_CHUNK pieces)
 * and manifest.json (the text given) into a new archive in dir (an absolute
 * directory), durably: temporary name, fsync, rename without replacing,
 * fsync of the directory. *path_r (new string) is the final path. */
int sa_write(struct store *s, const char *dir, const struct sa_entry *e, size_t n,
	     const char *manifest, char **path_r, struct kerr *err);

/* Opens an archive for reading; KERR_NOTFOUND when the file is missing. */
int sa_open(const char *path, zip_t **za_r, struct kerr *err);
/* Streams entry `name` of an opened archive to cb and checks it against
 * size and sha256 (KERR_IO on a mismatch, after the last chunk). */
int sa_entry_read(zip_t *za, const char *path, const char *name, int64_t size,
		  const unsigned char sha256[32], store_blob_cb *cb, void *arg,
		  struct kerr *err);

#endif
