/* gen_zip.c: ZIP archives built in memory with libzip (evidence, .eyp). */
#include <zip.h>

#include "gen.h"

int zip_build(const char *const names[], const void *const data[], const size_t lens[],
	      size_t n, time_t mtime, struct kbuf *out, struct kerr *err)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (!za) {
		kerr_set(err, KERR_INTERNAL, "cannot create a ZIP: %s", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return -1;
	}
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(za, data[i], lens[i], 0);
		zip_int64_t idx = s ? zip_file_add(za, names[i], s, ZIP_FL_ENC_UTF_8) : -1;
		if (idx < 0) {
			zip_source_free(s);
			goto fail;
		}
		zip_file_set_mtime(za, (zip_uint64_t)idx, mtime, 0);
	}
	if (zip_close(za) < 0)
		goto fail;
	za = NULL;
	zip_stat_t st;
	if (zip_source_stat(src, &st) < 0 || zip_source_open(src) < 0)
		goto fail;
	size_t old = out->len;
	for (;;) {
		unsigned char chunk[65536];
		zip_int64_t r = zip_source_read(src, chunk, sizeof(chunk));
		if (r < 0) {
			zip_source_close(src);
			out->len = old;
			goto fail;
		}
		if (r == 0)
			break;
		kbuf_append(out, chunk, (size_t)r);
	}
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	return 0;
fail:
	kerr_set(err, KERR_INTERNAL, "cannot write a ZIP: %s",
		 za ? zip_strerror(za) : zip_error_strerror(zip_source_error(src)));
	if (za)
		zip_discard(za);
	zip_source_free(src);
	zip_error_fini(&ze);
	return -1;
}

int zip_one(const char *name, const void *data, size_t len, struct kbuf *zip, struct kerr *err)
{
	const char *names[1] = {name};
	const void *datas[1] = {data};
	size_t lens[1] = {len};
	return zip_build(names, datas, lens, 1, 1735689600, zip, err);
}
