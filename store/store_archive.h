/* store_archive.h: retention: moving old raw content out of the store into
 * ZIP archive files, and finding it again afterwards.
 *
 * What moves: the raw bytes of a package (packages.raw) and the content of
 * its parts (parts.content). What never moves: evidence (delil) rows, any
 * metadata, sizes and SHA-256 digests, verification results, the audit log.
 * Nothing is ever deleted: an archived content column holds an empty BLOB
 * and says which archive file and entry hold the bytes.
 *
 * Order of a run, so that a crash at any point leaves the content either in
 * the store or in a durable, verified archive the store points at:
 *   1. write a new ZIP (entries streamed from the store in chunks, plus a
 *      manifest.json) to a temporary name in archive_dir, fsync, rename to
 *      kepagent-archive-YYYYMMDD-HHMMSS[-N].zip (UTC, never overwriting),
 *      fsync the directory;
 *   2. re-read the archive and check size and SHA-256 of every entry against
 *      the digests recorded in the store (a package that does not match stays
 *      in the store and is reported as failed);
 *   3. in ONE transaction, empty the content columns of the verified
 *      packages and their parts, record archived_to/archive_entry/archived_at,
 *      and append an audit line per package (actor "retention", action
 *      "archive", object the package id, detail the archive path and digest).
 * A crash or failure before 3 commits leaves an unreferenced archive file
 * behind (harmless; a rerun writes a new one). Reruns are idempotent: only
 * content not yet archived is considered. Work goes in batches of
 * STORE_ARCHIVE_BATCH packages, one archive file per batch, so memory stays
 * bounded whatever the store's size.
 *
 * Thread safety: as struct store. Two processes archiving at once may both
 * write the same package into an archive; only one of them records it. */
#ifndef KEP_STORE_ARCHIVE_H
#define KEP_STORE_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store_blob.h"

struct store;

#define STORE_ARCHIVE_BATCH 256

/* One package considered by a run; strings are owned by the run and valid
 * only during the on_item call. */
struct store_archive_item {
	int64_t package_id;
	const char *account, *folder, *kep_id;
	int64_t stored_at;
	int64_t raw_size;
	unsigned char raw_sha256[32];
	size_t n_parts;
	int64_t parts_size;       /* bytes of part content */
	const char *archive;      /* where it went; NULL in a dry run or on failure */
	const char *error;        /* why it stayed in the store; NULL when fine */
};

/* Filled by a run (zero it first). on_item/arg are input: when set, called
 * once per package as it is archived (or planned, or failed). */
struct store_archive_report {
	void (*on_item)(void *arg, const struct store_archive_item *item);
	void *arg;
	size_t n_archived;        /* packages moved (or to move, in a dry run) */
	size_t n_failed;          /* packages left in the store because of an error */
	int64_t bytes;            /* content bytes moved (raw + parts) */
	char **archives;          /* archive files written and referenced */
	size_t n_archives;
};
void store_archive_report_free(struct store_archive_report *rep);

/* Archives the content of every package with stored_at < older_than_ms (ms
 * since the epoch: a cutoff time, not an age) that is still in the store.
 * archive_dir is created (mode 0700) when missing; the paths recorded are
 * absolute. Returns 0 when the run went through, even if some packages
 * failed verification (rep->n_failed; they stay in the store); -1 when the
 * run could not go on (archive not writable, store error): what was
 * committed before stays archived, the rest stays in the store. */
int store_archive_old_content(struct store *store, const char *archive_dir,
			      int64_t older_than_ms, struct store_archive_report *rep,
			      struct kerr *err);
/* Dry run: reports (on_item, n_archived, bytes) what store_archive_old_content
 * would move, and changes nothing. */
int store_archive_plan(struct store *store, int64_t older_than_ms,
		       struct store_archive_report *rep, struct kerr *err);

/* Where a stored content is. For readers (API, bundle export): an archived
 * package has an EMPTY raw BLOB in the store; never serve that as the body.
 * Either stream it with store_content_read(), or tell the client where it
 * went ("archived to <archive> at <archived_at>"). */
struct store_content_location {
	int archived;             /* 0: in the store (store_blob_read works) */
	char *archive;            /* absolute path of the ZIP; NULL when in the store */
	char *entry;              /* entry name in it; NULL when in the store */
	int64_t archived_at;      /* ms; 0 when in the store */
	int64_t size;             /* the content's size, wherever it is */
	unsigned char sha256[32]; /* and its digest */
	/* a part held as a range of its package's raw content (schema v16):
	 * raw_package's bytes [raw_offset, raw_offset + size); else 0 */
	int ranged;
	int64_t raw_package, raw_offset;
};
/* kind/id as for store_blob_read (evidence is never archived): one query,
 * a part's range included. KERR_NOTFOUND when there is no such row. Free with store_content_location_free(). */
int store_content_location(struct store *store, enum store_blob_kind kind, int64_t id,
			   struct store_content_location *loc, struct kerr *err);
void store_content_location_free(struct store_content_location *loc);

/* As store_blob_read(), wherever the content is: from the store, or from its
 * archive file; the one way every reader (API, CLI, bundles, evidence
 * checks) gets stored content. The bytes are checked against the recorded
 * size and SHA-256 while they stream, in the store as in an archive: on a
 * mismatch the call fails (KERR_IO, "damaged") after the last chunk, so a
 * caller that must not pass on bad bytes buffers or spools them. Content that
 * should exist and cannot be read (an archive file gone, unreadable, without
 * the entry) fails with KERR_IO naming the archive: never KERR_NOTFOUND, and
 * never empty bytes. KERR_NOTFOUND only when there is no such row. */
int store_content_read(struct store *store, enum store_blob_kind kind, int64_t id,
		       store_blob_cb *cb, void *arg, struct kerr *err);
/* As store_content_read(), appending the whole content to buf (KERR_LIMIT
 * above max_len). On failure buf is back at its length before the call. */
int store_content_read_mem(struct store *store, enum store_blob_kind kind, int64_t id,
			   size_t max_len, struct kbuf *buf, struct kerr *err);

#endif
