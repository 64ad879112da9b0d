/* mtom.c: see mtom.h. */
#include "mtom.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "fdio.h"
#include "util.h"

int mtom_is_multipart(const char *ct)
{
	while (ct != NULL && isspace((unsigned char)*ct))
		ct++;
	return ct != NULL && strncasecmp(ct, "multipart/related", 17) == 0;
}

/* The value of parameter `name` in a header value such as
 * `multipart/related; boundary="x"; start=<y>`; xmalloc'd, or NULL. */
static char *header_param(const char *v, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = strchr(v, ';');

	while (p != NULL) {
		p++;
		while (isspace((unsigned char)*p))
			p++;
		if (strncasecmp(p, name, nlen) == 0) {
			const char *q = p + nlen;

			while (isspace((unsigned char)*q))
				q++;
			if (*q == '=') {
				struct kbuf b = { 0 };
				char *res;

				q++;
				while (isspace((unsigned char)*q))
					q++;
				if (*q == '"') {
					for (q++; *q && *q != '"'; q++) {
						if (*q == '\\' && q[1])
							q++;
						kbuf_append(&b, q, 1);
					}
				} else {
					while (*q && *q != ';' && !isspace((unsigned char)*q))
						kbuf_append(&b, q++, 1);
				}
				res = xstrdup(kbuf_cstr(&b));
				kbuf_free(&b);
				return res;
			}
		}
		/* Skip to the next ';' outside quotes. */
		for (; *p && *p != ';'; p++) {
			if (*p == '"')
				for (p++; *p && *p != '"'; p++)
					if (*p == '\\' && p[1])
						p++;
			if (*p == '\0')
				break;
		}
		p = *p == ';' ? p : NULL;
	}
	return NULL;
}

/* "<abc@x>" -> "abc@x"; trims blanks. */
static char *strip_angles(const char *v, size_t len)
{
	while (len > 0 && isspace((unsigned char)*v))
		v++, len--;
	while (len > 0 && isspace((unsigned char)v[len - 1]))
		len--;
	if (len >= 2 && v[0] == '<' && v[len - 1] == '>')
		v++, len -= 2;
	return xstrndup(v, len);
}

/* Finds the next delimiter line "--boundary" at the start of a line at or
 * after `from`. Returns its offset or -1. */
static long long find_delim(const unsigned char *d, size_t len, size_t from,
			    const char *delim, size_t dlen)
{
	const unsigned char *p;
	size_t pos = from;

	while (pos + dlen <= len) {
		p = memmem(d + pos, len - pos, delim, dlen);
		if (p == NULL)
			return -1;
		pos = (size_t)(p - d);
		/* A delimiter starts a line and is followed by "--", blanks, a line
		 * break, or the end of a truncated body. */
		if ((pos == 0 || d[pos - 1] == '\n') &&
		    (pos + dlen == len ||
		     (d[pos + dlen] != '\0' && strchr("-\r\n \t", d[pos + dlen]) != NULL)))
			return (long long)pos;
		pos++;
	}
	return -1;
}

/* Parses the part headers in [p, end) into part; returns 0. */
static void parse_part_headers(const unsigned char *p, size_t len, struct mtom_part *part)
{
	struct kbuf line = { 0 };
	size_t i = 0;

	while (i < len) {
		size_t start = i, stop;
		const char *v;

		while (i < len && p[i] != '\n')
			i++;
		stop = i;
		if (stop > start && p[stop - 1] == '\r')
			stop--;
		i++;
		kbuf_append(&line, p + start, stop - start);
		/* Folded continuation lines belong to this header. */
		if (i < len && (p[i] == ' ' || p[i] == '\t'))
			continue;
		v = kbuf_cstr(&line);
		if (strncasecmp(v, "Content-ID:", 11) == 0 && part->content_id == NULL)
			part->content_id = strip_angles(v + 11, strlen(v + 11));
		else if (strncasecmp(v, "Content-Type:", 13) == 0 && part->content_type == NULL)
			part->content_type = strip_angles(v + 13, strlen(v + 13));
		else if (strncasecmp(v, "Content-Transfer-Encoding:", 26) == 0) {
			v += 26;
			while (isspace((unsigned char)*v))
				v++;
			part->base64 = strncasecmp(v, "base64", 6) == 0;
		}
		kbuf_reset(&line);
	}
	kbuf_free(&line);
}

static int index_parts(struct mtom_msg *m, const char *boundary, struct kerr *err)
{
	const unsigned char *d = m->map;
	size_t len = m->map_len, dlen, cap = 0;
	char *delim = xasprintf("--%s", boundary);
	long long at;
	int rc = -1;

	dlen = strlen(delim);
	at = find_delim(d, len, 0, delim, dlen);
	if (at < 0) {
		kerr_set(err, KERR_MALFORMED, "multipart response without any boundary line");
		goto out;
	}
	for (;;) {
		size_t pos = (size_t)at + dlen, hstart, hend, bstart, bend;
		const unsigned char *blank;
		long long next;
		struct mtom_part *pt;

		if (pos + 2 <= len && d[pos] == '-' && d[pos + 1] == '-') {
			rc = 0; /* the closing delimiter */
			break;
		}
		while (pos < len && (d[pos] == ' ' || d[pos] == '\t'))
			pos++;
		if (pos < len && d[pos] == '\r')
			pos++;
		if (pos >= len || d[pos] != '\n')
			break; /* truncated (or garbage after a delimiter) */
		hstart = pos + 1;
		/* Headers end at the first empty line, CRLF or LF. */
		if (hstart < len && d[hstart] == '\n') {
			hend = hstart;
			bstart = hstart + 1;
		} else if (hstart + 1 < len && d[hstart] == '\r' && d[hstart + 1] == '\n') {
			hend = hstart;
			bstart = hstart + 2;
		} else {
			const unsigned char *crlf = memmem(d + hstart, len - hstart, "\n\r\n", 3);

			/* an LF blank line counts only before the CRLF one: looked
			 * for only there (not through the whole body after it) */
			blank = memmem(d + hstart, crlf != NULL ? (size_t)(crlf - d) + 1 - hstart
							       : len - hstart, "\n\n", 2);

			if (blank == NULL && crlf == NULL)
				break;
			if (crlf != NULL && (blank == NULL || crlf < blank)) {
				hend = (size_t)(crlf - d) + 1;
				bstart = hend + 2;
			} else {
				hend = (size_t)(blank - d) + 1;
				bstart = hend + 1;
			}
		}
		next = find_delim(d, len, bstart, delim, dlen);
		if (next < 0)
			break;
		/* The line break before a delimiter belongs to the delimiter. */
		bend = (size_t)next;
		if (bend > bstart && d[bend - 1] == '\n')
			bend--;
		if (bend > bstart && d[bend - 1] == '\r')
			bend--;
		if (m->n == cap) {
			cap = cap ? cap * 2 : 4;
			m->parts = xrealloc(m->parts, cap * sizeof(*m->parts));
		}
		pt = &m->parts[m->n++];
		memset(pt, 0, sizeof(*pt));
		parse_part_headers(d + hstart, hend - hstart, pt);
		pt->body = d + bstart;
		pt->len = bend - bstart;
		at = next;
	}
	if (rc < 0)
		kerr_set(err, KERR_TRANSIENT,
			 "multipart response truncated (no closing boundary after %zu parts)", m->n);
	else if (m->n == 0)
		rc = kerr_set(err, KERR_MALFORMED, "multipart response without parts");
out:
	free(delim);
	return rc;
}

int mtom_parse(int fd, const char *content_type, struct mtom_msg *m, struct kerr *err)
{
	char *boundary = NULL, *start = NULL;
	struct stat st;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!mtom_is_multipart(content_type))
		return kerr_set(err, KERR_MALFORMED, "not a multipart/related response");
	boundary = header_param(content_type, "boundary");
	if (boundary == NULL || boundary[0] == '\0' || strlen(boundary) > 200) {
		free(boundary);
		return kerr_set(err, KERR_MALFORMED, "multipart response without a usable boundary");
	}
	if (fstat(fd, &st) < 0) {
		free(boundary);
		return kerr_errno(err, KERR_IO, errno, "fstat on the response file");
	}
	if (st.st_size == 0) {
		free(boundary);
		return kerr_set(err, KERR_TRANSIENT, "empty multipart response");
	}
	m->map_len = (size_t)st.st_size;
	m->map = mmap(NULL, m->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (m->map == MAP_FAILED) {
		m->map = NULL;
		free(boundary);
		return kerr_errno(err, KERR_IO, errno, "cannot map the response file");
	}
	if (index_parts(m, boundary, err) < 0) {
		free(boundary);
		mtom_free(m);
		return -1;
	}
	free(boundary);
	start = header_param(content_type, "start");
	m->root = 0;
	if (start != NULL) {
		char *cid = strip_angles(start, strlen(start));

		for (i = 0; i < m->n; i++)
			if (m->parts[i].content_id && strcmp(m->parts[i].content_id, cid) == 0)
				break;
		free(cid);
		free(start);
		if (i == m->n) {
			mtom_free(m);
			return kerr_set(err, KERR_MALFORMED,
					"multipart response: the start part is missing");
		}
		m->root = i;
	}
	return 0;
}

void mtom_free(struct mtom_msg *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->parts[i].content_id);
		free(m->parts[i].content_type);
	}
	free(m->parts);
	if (m->map != NULL)
		munmap(m->map, m->map_len);
	memset(m, 0, sizeof(*m));
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

const struct mtom_part *mtom_find(const struct mtom_msg *m, const char *href)
{
	const struct mtom_part *found = NULL;
	struct kbuf cid = { 0 };
	const char *p;
	size_t i;

	while (isspace((unsigned char)*href))
		href++;
	if (strncasecmp(href, "cid:", 4) == 0)
		href += 4;
	/* RFC 2392: a cid URL is the Content-ID, %-encoded. */
	for (p = href; *p; p++) {
		if (*p == '%' && hexval(p[1]) >= 0 && hexval(p[2]) >= 0) {
			char c = (char)(hexval(p[1]) * 16 + hexval(p[2]));

			kbuf_append(&cid, &c, 1);
			p += 2;
		} else {
			kbuf_append(&cid, p, 1);
		}
	}
	for (i = 0; i < m->n && found == NULL; i++)
		if (m->parts[i].content_id && strcmp(m->parts[i].content_id, kbuf_cstr(&cid)) == 0)
			found = &m->parts[i];
	kbuf_free(&cid);
	return found;
}

int mtom_write_part(const struct mtom_part *p, int fd, struct kerr *err)
{
	struct b64_writer w;
	int rc;

	if (!p->base64)
		return fd_write_all(fd, p->body, p->len, err);
	b64_writer_init(&w, fd);
	rc = b64_update(&w, p->body, p->len, err);
	if (b64_finish(&w, rc < 0 ? NULL : err) < 0)
		rc = -1;
	return rc;
}
