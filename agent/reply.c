/* reply.c: see reply.h. */
#include "reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *reply_time(int64_t ms, char buf[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms == 0 || gmtime_r(&t, &tm) == NULL)
		return NULL;
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

int reply_parse_time(const char *s, int64_t *ms_r, struct kerr *err)
{
	struct tm tm;
	const char *p;
	int64_t off = 0, frac = 0;
	int scale = 100, oh, om;

	memset(&tm, 0, sizeof(tm));
	p = strptime(s, "%Y-%m-%d", &tm);
	if (p == NULL)
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p = strptime(p + 1, "%H:%M:%S", &tm);
		if (p == NULL)
			goto bad;
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++, scale /= 10)
				frac += (*p - '0') * scale;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if ((*p == '+' || *p == '-') && sscanf(p + 1, "%2d:%2d", &oh, &om) == 2) {
			off = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
			p += 6;
		} else {
			goto bad;
		}
	}
	if (*p != '\0')
		goto bad;
	*ms_r = ((int64_t)timegm(&tm) - off) * 1000 + frac;
	return 0;
bad:
	return kerr_set(err, KERR_USAGE, "'%s' is not an RFC 3339 time or a YYYY-MM-DD date", s);
}

const char *reply_code(const struct kerr *err)
{
	switch (err->cls) {
	case KERR_NOTFOUND:
		return "not_found";
	case KERR_USAGE:
	case KERR_LIMIT:
	case KERR_MALFORMED:
		return "bad_request";
	case KERR_BUSY:
		return "busy";
	default:
		return "internal";
	}
}

unsigned int reply_http_status(const char *code)
{
	static const struct { const char *code; unsigned int status; } map[] = {
		{ "not_found", 404 }, { "bad_request", 400 }, { "bad_parameter", 400 },
		{ "lease_mismatch", 409 }, { "lease_expired", 409 }, { "conflict", 409 },
		{ "busy", 503 }, { "content_unavailable", 503 }, { "unknown_field", 400 },
		{ "request_too_large", 413 }, { "method_not_allowed", 405 },
		{ "unauthorized", 401 },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].status;
	return 500;
}

void reply_print_column(const char *s, int width)
{
	const unsigned char *p;
	int chars = 0;

	if (s == NULL)
		s = "-";
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		chars += (*p & 0xC0) != 0x80; /* count lead bytes only */
	fputs(s, stdout);
	for (; chars < width; chars++)
		putchar(' ');
	putchar(' ');
}

void reply_print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
}
