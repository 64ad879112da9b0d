/* gen_mime.c: the small MIME writing the generator needs. The generator must
 * control every byte it signs (CRLF, line breaks, encodings) and produce
 * deliberately odd variants, so it writes MIME text directly rather than
 * through a MIME library; the agent parses with libetpan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "gen.h"

static void b64_raw(struct kbuf *b, const unsigned char *d, size_t n)
{
	unsigned char out[4 * 57 / 3 + 4];
	while (n > 0) {
		size_t take = n > 57 ? 57 : n;
		int m = EVP_EncodeBlock(out, d, (int)take);
		kbuf_append(b, out, (size_t)m);
		kbuf_append_str(b, "\r\n");
		d += take;
		n -= take;
	}
}

void mime_base64(struct kbuf *b, const void *data, size_t len)
{
	b64_raw(b, data, len);
}

/* UTF-8 (Turkish letters only) to ISO-8859-9; unknown code points become '?'. */
static size_t to_latin5(const char *s, unsigned char *out)
{
	static const struct { unsigned cp; unsigned char c; } map[] = {
		{0x11e, 0xd0}, {0x11f, 0xf0}, {0x130, 0xdd}, {0x131, 0xfd},
		{0x15e, 0xde}, {0x15f, 0xfe},
	};
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		if (*p < 0x80) { cp = *p++; }
		else if ((*p & 0xe0) == 0xc0 && p[1]) { cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu); p += 2; }
		else { cp = '?'; p++; while ((*p & 0xc0) == 0x80) p++; }
		unsigned char c = '?';
		if (cp < 0x100 && cp != 0xd0 && cp != 0xf0 && cp != 0xdd && cp != 0xfd &&
		    cp != 0xde && cp != 0xfe)
			c = (unsigned char)cp;
		for (size_t i = 0; i < ARRAY_SIZE(map); i++)
			if (map[i].cp == cp)
				c = map[i].c;
		out[n++] = c;
	}
	return n;
}

/* RFC 2047: encoded words of at most ~60 bytes of input, folded with CRLF SP. */
void mime_header_encoded(struct kbuf *b, const char *name, const char *utf8, enum subj_enc enc)
{
	size_t slen = strlen(utf8);
	unsigned char *raw = xmalloc(slen + 1);
	size_t n;
	const char *cs = "UTF-8";
	if (enc == SUBJ_LATIN5_Q) {
		n = to_latin5(utf8, raw);
		cs = "ISO-8859-9";
	} else {
		memcpy(raw, utf8, slen);
		n = slen;
	}
	kbuf_printf(b, "%s:", name);
	size_t i = 0;
	while (i < n) {
		/* Do not split a UTF-8 sequence between encoded words. */
		size_t take = n - i > 36 ? 36 : n - i;
		if (enc != SUBJ_LATIN5_Q)
			while (i + take < n && (raw[i + take] & 0xc0) == 0x80)
				take++;
		if (i > 0)
			kbuf_append_str(b, "\r\n");
		if (enc == SUBJ_UTF8_B) {
			unsigned char out[128];
			int m = EVP_EncodeBlock(out, raw + i, (int)take);
			kbuf_printf(b, " =?%s?B?%.*s?=", cs, m, out);
		} else {
			kbuf_printf(b, " =?%s?Q?", cs);
			for (size_t k = i; k < i + take; k++) {
				unsigned char c = raw[k];
				if (c == ' ')
					kbuf_append_str(b, "_");
				else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
					 (c >= '0' && c <= '9') || c == '.' || c == ',' || c == '-')
					kbuf_append(b, &c, 1);
				else
					kbuf_printf(b, "=%02X", c);
			}
			kbuf_append_str(b, "?=");
		}
		i += take;
	}
	kbuf_append_str(b, "\r\n");
	free(raw);
}

void mime_date(char *out, size_t n, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%a, %d %b %Y %H:%M:%S +0000", &tm);
}

void mime_iso_time(char *out, size_t n, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
}

void mime_boundary(struct grand *r, char *out, size_t n)
{
	snprintf(out, n, "----=_kepsim_%016llx", (unsigned long long)grand_next(r));
}
