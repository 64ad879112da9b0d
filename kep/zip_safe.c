/* zip_safe.c: see zip_safe.h. */
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "util.h"
#include "zip_safe.h"

const struct zip_limits zip_default_limits = {
	.max_entries = 1000,
	.max_entry = 32u << 20,
	.max_total = 64u << 20,
	.max_ratio = 200,
};

int zip_looks_like(const void *data, size_t len)
{
	return len >= 4 && memcmp(data, "PK\003\004", 4) == 0;
}

static int bad_name(const char *n)
{
	const char *seg = n;

	if (!*n || n[0] == '/' || strchr(n, '\\') || (n[0] && n[1] == ':'))
		return 1;
	for (const unsigned char *p = (const unsigned char *)n; *p; p++)
		if (*p < 0x20 || *p == 0x7F)
			return 1;
	/* any ".." path segment */
	for (const char *p = n;; p++) {
		if (*p == '/' || *p == 0) {
			if (p - seg == 2 && seg[0] == '.' && seg[1] == '.')
				return 1;
			if (*p == 0)
				break;
			seg = p + 1;
		}
	}
	return 0;
}

static int read_entry(zip_t *z, zip_uint64_t i, const zip_stat_t *st, struct zip_entry *e,
		      struct kerr *err)
{
	zip_file_t *f = zip_fopen_index(z, i, 0);
	size_t want = (size_t)st->size, got = 0;
	zip_int64_t n;

	if (!f)
		return kerr_set(err, KERR_MALFORMED, "zip entry %s: %s", st->name,
				zip_strerror(z));
	e->data = xmalloc(want + 1);
	while (got < want && (n = zip_fread(f, e->data + got, want - got)) > 0)
		got += (size_t)n;
	/* one byte more than declared would mean the header lied */
	if (got == want && zip_fread(f, e->data + got, 1) > 0)
		got = want + 1;
	zip_fclose(f);
	if (got != want)
		return kerr_set(err, KERR_MALFORMED, "zip entry %s: size differs from its header",
				st->name);
	e->data[want] = 0;
	e->len = want;
	return 0;
}

int zip_safe_read(const void *data, size_t len, const struct zip_limits *lim,
		  struct zip_archive *za, struct kerr *err)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_int64_t n;
	uint64_t total = 0;
	int rc = 0;

	memset(za, 0, sizeof(*za));
	if (!lim)
		lim = &zip_default_limits;
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src || !(z = zip_open_from_source(src, ZIP_RDONLY, &ze))) {
		kerr_set(err, KERR_MALFORMED, "not a readable ZIP archive: %s", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	n = zip_get_num_entries(z, 0);
	if (n < 0 || (uint64_t)n > lim->max_entries) {
		zip_close(z);
		return kerr_set(err, KERR_LIMIT, "ZIP has %lld entries, more than the limit of %zu",
				(long long)n, lim->max_entries);
	}
	za->e = xcalloc((size_t)n + 1, sizeof(*za->e));
	/* First pass: declared sizes only, so a bomb is refused before inflating. */
	for (zip_int64_t i = 0; i < n && rc == 0; i++) {
		zip_stat_t st;

		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) < 0 || !(st.valid & ZIP_STAT_NAME) ||
		    !(st.valid & ZIP_STAT_SIZE) || !(st.valid & ZIP_STAT_COMP_SIZE))
			rc = kerr_set(err, KERR_MALFORMED, "ZIP entry %lld unreadable", (long long)i);
		else if (bad_name(st.name))
			rc = kerr_set(err, KERR_MALFORMED, "ZIP entry name '%s' refused (absolute or "
				      "path traversal)", st.name);
		else if (st.size > lim->max_entry)
			rc = kerr_set(err, KERR_LIMIT, "ZIP entry %s: %llu bytes uncompressed, more "
				      "than the limit of %llu", st.name, (unsigned long long)st.size,
				      (unsigned long long)lim->max_entry);
		else if ((total += st.size) > lim->max_total)
			rc = kerr_set(err, KERR_LIMIT, "ZIP holds more than %llu bytes uncompressed",
				      (unsigned long long)lim->max_total);
		else if (st.size > 65536 && st.size / (st.comp_size ? st.comp_size : 1) > lim->max_ratio)
			rc = kerr_set(err, KERR_LIMIT, "ZIP entry %s: compression ratio above %u "
				      "(zip bomb?)", st.name, lim->max_ratio);
	}
	for (zip_int64_t i = 0; i < n && rc == 0; i++) {
		zip_stat_t st;
		struct zip_entry *e = &za->e[za->n];

		zip_stat_index(z, (zip_uint64_t)i, 0, &st);
		if (st.name[strlen(st.name) - 1] == '/')
			continue;
		if (read_entry(z, (zip_uint64_t)i, &st, e, err) < 0) {
			free(e->data);
			e->data = NULL;
			rc = -1;
			break;
		}
		e->name = xstrdup(st.name);
		za->n++;
	}
	zip_discard(z);
	if (rc < 0)
		zip_archive_free(za);
	return rc;
}

void zip_archive_free(struct zip_archive *za)
{
	if (!za)
		return;
	for (size_t i = 0; i < za->n; i++) {
		free(za->e[i].name);
		free(za->e[i].data);
	}
	free(za->e);
	memset(za, 0, sizeof(*za));
}

const struct zip_entry *zip_archive_find(const struct zip_archive *za, const char *name)
{
	if (name[0] == '/')
		name++;
	for (size_t i = 0; i < za->n; i++)
		if (strcmp(za->e[i].name, name) == 0)
			return &za->e[i];
	return NULL;
}
