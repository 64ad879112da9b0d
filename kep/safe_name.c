/* safe_name.c: see safe_name.h. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "safe_name.h"
#include "util.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xE0) == 0xC0)
		n = 2, cp = s[0] & 0x1F;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, cp = s[0] & 0x0F;
	else if ((s[0] & 0xF8) == 0xF0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	/* overlong forms, surrogates, out of range, C1 controls */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF || (cp >= 0x80 && cp < 0xA0))
		return 0;
	return n;
}

static int is_reserved(const char *name)
{
	static const char *const dev[] = { "CON", "PRN", "AUX", "NUL" };
	size_t stem = strcspn(name, ".");

	for (size_t i = 0; i < ARRAY_SIZE(dev); i++)
		if (stem == 3 && strncasecmp(name, dev[i], 3) == 0)
			return 1;
	if (stem == 4 && (strncasecmp(name, "COM", 3) == 0 || strncasecmp(name, "LPT", 3) == 0) &&
	    isdigit((unsigned char)name[3]))
		return 1;
	return 0;
}

char *safe_name(const char *name, const char *fallback)
{
	const unsigned char *s, *base;
	struct kbuf b = { 0 };
	char *out;

	if (!fallback || !*fallback)
		fallback = "attachment";
	if (!name)
		name = "";
	base = (const unsigned char *)name;
	for (s = base; *s; s++)
		if (*s == '/' || *s == '\\')
			base = s + 1;
	for (s = base; *s;) {
		size_t n = utf8_len(s);

		if (n == 0) { /* not UTF-8: drop the byte */
			s++;
			continue;
		}
		if (n == 1 && (*s < 0x20 || *s == 0x7F || strchr("<>:\"|?*", *s))) {
			s++;
			continue;
		}
		if (b.len + n > SAFE_NAME_MAX)
			break;
		kbuf_append(&b, s, n);
		s += n;
	}
	out = xstrdup(kbuf_cstr(&b));
	kbuf_free(&b);
	/* trailing dots/spaces (Windows drops them), then leading ones (hidden files, "..") */
	for (size_t e = strlen(out); e > 0 && (out[e - 1] == '.' || out[e - 1] == ' '); e--)
		out[e - 1] = 0;
	size_t lead = strspn(out, ". ");
	memmove(out, out + lead, strlen(out + lead) + 1);
	if (!*out) {
		free(out);
		return xstrdup(fallback);
	}
	if (is_reserved(out)) {
		char *r = xasprintf("_%s", out);
		free(out);
		return r;
	}
	return out;
}
