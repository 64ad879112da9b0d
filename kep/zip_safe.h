/* zip_safe.h: read a whole ZIP (evidence, .eyp) from memory with libzip,
 * bounded against zip bombs and hostile names.
 *
 * Limits are checked on the declared sizes before anything is inflated
 * (entry count, per-entry and total uncompressed size, compression ratio)
 * and again while reading, so memory stays bounded even when the headers
 * lie. Names with "..", an absolute path, a drive letter, a backslash or a
 * control character refuse the whole archive (KERR_MALFORMED); directory
 * entries are skipped. Entries are owned by the archive. Thread-safe. */
#ifndef KEP_ZIP_SAFE_H
#define KEP_ZIP_SAFE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct zip_limits {
	size_t max_entries;
	uint64_t max_entry;   /* bytes, uncompressed */
	uint64_t max_total;   /* bytes, uncompressed, all entries */
	unsigned max_ratio;   /* uncompressed / compressed, checked for entries > 64 KiB */
};
/* 1000 entries, 32 MiB per entry, 64 MiB in all, ratio 200. */
extern const struct zip_limits zip_default_limits;

struct zip_entry {
	char *name;           /* as stored, without a leading "/" (UTF-8 or CP437 converted) */
	unsigned char *data;  /* NUL-terminated for convenience (not counted in len) */
	size_t len;
};

struct zip_archive {
	struct zip_entry *e;
	size_t n;
};

/* 1 when data starts like a ZIP local file header. */
int zip_looks_like(const void *data, size_t len);
/* Reads every file entry. lim may be NULL (defaults). -1 with KERR_LIMIT or
 * KERR_MALFORMED on refusal. */
int zip_safe_read(const void *data, size_t len, const struct zip_limits *lim,
		  struct zip_archive *za, struct kerr *err);
void zip_archive_free(struct zip_archive *za);
/* Entry by name (a leading "/" is ignored; case-sensitive), or NULL. */
const struct zip_entry *zip_archive_find(const struct zip_archive *za, const char *name);

#endif
