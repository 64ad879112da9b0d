/* csv_out.c: see csv_out.h. */
#include "csv_out.h"

#include <string.h>

#include "util.h"

static void text(struct kbuf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '"')
			kbuf_append_str(b, "\"");
		kbuf_append(b, s, 1);
	}
}

static void value(struct kbuf *b, const json_t *v, int top)
{
	const json_t *x;
	const char *key;
	size_t i;
	int n = 0;

	if (json_is_string(v)) {
		const char *s = json_string_value(v);

		if (top && *s != '\0' && strchr("=+-@\t\r", *s) != NULL)
			kbuf_append_str(b, "'");
		text(b, s);
	} else if (json_is_integer(v)) {
		kbuf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_boolean(v)) {
		kbuf_append_str(b, json_is_true(v) ? "true" : "false");
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			if (i > 0)
				kbuf_append_str(b, "; ");
			value(b, x, 0);
		}
	} else if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, x) {
			if (json_is_null(x))
				continue;
			if (n++ > 0)
				kbuf_append_str(b, ":");
			value(b, x, 0);
		}
	}
}

void csv_write_items(FILE *out, const json_t *items, const char *const *columns)
{
	struct kbuf b = { 0 };
	const json_t *it;
	size_t i, c;

	kbuf_append_str(&b, "\xef\xbb\xbf");
	for (c = 0; columns[c] != NULL; c++) {
		kbuf_append_str(&b, c > 0 ? ",\"" : "\"");
		text(&b, columns[c]);
		kbuf_append_str(&b, "\"");
	}
	kbuf_append_str(&b, "\r\n");
	json_array_foreach(items, i, it) {
		for (c = 0; columns[c] != NULL; c++) {
			kbuf_append_str(&b, c > 0 ? ",\"" : "\"");
			value(&b, json_object_get(it, columns[c]), 1);
			kbuf_append_str(&b, "\"");
		}
		kbuf_append_str(&b, "\r\n");
	}
	if (b.len > 0)
		fwrite(b.data, 1, b.len, out);
	kbuf_free(&b);
}
