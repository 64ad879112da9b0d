/* json_text.c: see json_text.h. */
#include "json_text.h"

#include <string.h>

#include "util.h"

/* The comma before a key, a value or an opening bracket. */
static void sep(struct kbuf *b)
{
	unsigned char last;

	if (b->len == 0)
		return;
	last = b->data[b->len - 1];
	if (last != '{' && last != '[' && last != ':')
		kbuf_append(b, ",", 1);
}

void jt_begin(struct kbuf *b, char open)
{
	sep(b);
	kbuf_append(b, &open, 1);
}

void jt_end(struct kbuf *b, char close)
{
	kbuf_append(b, &close, 1);
}

/* The length of the well-formed UTF-8 sequence at s (of n bytes), 0 when
 * it is not one: jansson's rules (utf.c), so what it would refuse is the
 * same as what is replaced here. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xC2 || s[0] > 0xF4)
		return 0;
	len = s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Written in place: room for the worst case (6 bytes per input byte, as
 * \u00XX) is made once, so the common string costs one copy. */
static void string(struct kbuf *b, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char *o = kbuf_room(b, 6 * n + 2), *start = o;
	size_t i = 0, k;

	*o++ = '"';
	while (i < n) {
		unsigned char c = s[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			*o++ = c;
			i++;
			continue;
		}
		if (c >= 0x80) {
			if ((k = utf8_seq(s + i, n - i)) > 0) {
				memcpy(o, s + i, k);
				o += k;
				i += k;
			} else {
				memcpy(o, "\xef\xbf\xbd", 3);   /* U+FFFD, one per bad byte */
				o += 3;
				i++;
			}
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			memcpy(o, "u00", 3);
			o[3] = (unsigned char)hex[c >> 4];
			o[4] = (unsigned char)hex[c & 15];
			o += 5;
		}
		i++;
	}
	*o++ = '"';
	b->len += (size_t)(o - start);
	b->data[b->len] = '\0';
}

void jt_key(struct kbuf *b, const char *key)
{
	sep(b);
	string(b, (const unsigned char *)key, strlen(key));
	kbuf_append(b, ":", 1);
}

void jt_str(struct kbuf *b, const char *s)
{
	sep(b);
	if (s == NULL)
		kbuf_append(b, "null", 4);
	else
		string(b, (const unsigned char *)s, strlen(s));
}

void jt_int(struct kbuf *b, int64_t v)
{
	char d[24], *p = d + sizeof(d);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	sep(b);
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	kbuf_append(b, p, (size_t)(d + sizeof(d) - p));
}

void jt_bool(struct kbuf *b, int v)
{
	sep(b);
	if (v)
		kbuf_append(b, "true", 4);
	else
		kbuf_append(b, "false", 5);
}

void jt_null(struct kbuf *b)
{
	sep(b);
	kbuf_append(b, "null", 4);
}

void jt_raw(struct kbuf *b, const char *json, size_t len)
{
	sep(b);
	kbuf_append(b, json, len);
}

void jt_kstr(struct kbuf *b, const char *key, const char *s)
{
	jt_key(b, key);
	jt_str(b, s);
}

void jt_kint(struct kbuf *b, const char *key, int64_t v)
{
	jt_key(b, key);
	jt_int(b, v);
}

void jt_kid(struct kbuf *b, const char *key, int64_t id)
{
	jt_key(b, key);
	if (id != 0)
		jt_int(b, id);
	else
		jt_null(b);
}

void jt_kbool(struct kbuf *b, const char *key, int v)
{
	jt_key(b, key);
	jt_bool(b, v);
}
