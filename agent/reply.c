/* reply.c: see reply.h. */
#include "reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "revocation.h"
#include "util.h"
#include "verdict.h"
#include "verify_package.h"

const char *reply_time(int64_t ms, char buf[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms == 0 || gmtime_r(&t, &tm) == NULL)
		return NULL;
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* 01:00 UTC on the last Sunday of month (0-based) of year, in seconds. */
static int64_t last_sunday_0100(int year, int month)
{
	struct tm tm = { .tm_year = year - 1900, .tm_mon = month + 1, .tm_mday = 0, .tm_hour = 1 };
	time_t t = timegm(&tm);            /* the month's last day, 01:00 UTC */
	struct tm d;

	gmtime_r(&t, &d);
	return (int64_t)t - (int64_t)d.tm_wday * 86400;
}

/* Türkiye's offset from UTC at t (seconds since the epoch), in seconds. */
static int turkey_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	int64_t start, end;
	int y;

	if (t >= 1473195600)               /* 2016-09-06T21:00:00Z: permanent +03 */
		return 3 * 3600;
	gmtime_r(&tt, &tm);
	y = tm.tm_year + 1900;
	start = last_sunday_0100(y, 2);
	end = last_sunday_0100(y, 9);
	if (y == 2011)
		start += 86400;                /* 28 March 2011 */
	else if (y == 2014)
		start += 86400;                /* 31 March 2014 */
	else if (y == 2015)
		end = 1446944400;              /* 8 November 2015, 01:00 UTC */
	return t >= start && t < end ? 3 * 3600 : 2 * 3600;
}

const char *reply_time_tr(int64_t ms, char buf[40])
{
	int64_t t = ms / 1000;
	int off;
	time_t local;
	struct tm tm;

	if (ms == 0)
		return NULL;
	off = turkey_offset(t);
	local = (time_t)(t + off);
	if (gmtime_r(&local, &tm) == NULL)
		return NULL;
	/* The result is checked, so gcc -O2 without sanitizers does not warn
	 * (-Werror) that a year past 9999 would not fit. */
	if (snprintf(buf, 40, "%02d.%02d.%04d %02d:%02d:%02d (UTC+%02d:00)", tm.tm_mday,
		     tm.tm_mon + 1, tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		     off / 3600) >= 40)
		return NULL;
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
		{ "unauthorized", 401 }, { "invalid_field", 400 }, { "idempotency_conflict", 409 },
		{ "bad_json", 400 }, { "bad_multipart", 400 }, { "unsupported_media_type", 415 },
		{ "not_parked", 409 }, { "not_signed", 409 },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].code, code) == 0)
			return map[i].status;
	return 500;
}

json_t *reply_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	struct kbuf b = { 0 };
	json_t *j;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	while (*p != '\0') {
		size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 :
			   (*p & 0xF8) == 0xF0 ? 4 : 0;
		size_t i;
		int ok = n > 0 && (n == 1 || *p >= 0xC2) && *p <= 0xF4;
		json_t *probe;

		for (i = 1; ok && i < n; i++)
			ok = (p[i] & 0xC0) == 0x80;
		if (ok && n > 1) {
			/* overlong or surrogate: jansson says */
			probe = json_stringn((const char *)p, n);
			ok = probe != NULL;
			json_decref(probe);
		}
		if (ok) {
			kbuf_append(&b, p, n);
			p += n;
		} else {
			kbuf_append_str(&b, "\xef\xbf\xbd");
			p++;
		}
	}
	j = json_stringn(b.data ? (const char *)b.data : "", b.len);
	kbuf_free(&b);
	return j != NULL ? j : json_string("");
}

json_t *reply_check_json(const struct reply_check *c)
{
	char t1[32], t2[32], t3[32];

	return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
			 "check", c->check, "verdict", c->verdict, "reason", c->reason ? c->reason : "",
			 "signer_subject", c->signer_subject, "signer_serial", c->signer_serial,
			 "signer_issuer", c->signer_issuer,
			 "signing_time", reply_time(c->signing_time, t1),
			 "timestamp_time", reply_time(c->timestamp_time, t2),
			 "validation_time", reply_time(c->validation_time, t3),
			 "revocation", c->revocation);
}

json_t *reply_pkg_check_json(const struct pkg_check *k)
{
	struct reply_check c = {
		k->name, verdict_name(k->verdict), k->reason,
		k->signer[0] ? k->signer : NULL, k->serial[0] ? k->serial : NULL,
		k->issuer[0] ? k->issuer : NULL,
		(int64_t)k->signing_time * 1000, (int64_t)k->timestamp_time * 1000,
		(int64_t)k->validation_time * 1000,
		k->validation_time ? rev_status_name(k->revocation) : NULL,
	};

	return reply_check_json(&c);
}

int reply_text_width(const char *s)
{
	const unsigned char *p;
	int chars = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		chars += (*p & 0xC0) != 0x80; /* count lead bytes only */
	return chars;
}

void reply_column(struct kbuf *b, const char *s, int width)
{
	int chars;

	if (s == NULL)
		s = "-";
	kbuf_append_str(b, s);
	for (chars = reply_text_width(s); chars < width; chars++)
		kbuf_append_str(b, " ");
	kbuf_append_str(b, " ");
}

void reply_print_column(const char *s, int width)
{
	struct kbuf b = { 0 };

	reply_column(&b, s, width);
	fwrite(b.data, 1, b.len, stdout);
	kbuf_free(&b);
}

void reply_print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENSURE_ASCII);

	if (s != NULL)
		printf("%s\n", s);
	free(s);
}

void reply_print_fields(const json_t *j, int booleans)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)j, k, v) {
		if (json_is_string(v))
			printf("%-14s %s\n", k, json_string_value(v));
		else if (json_is_integer(v))
			printf("%-14s %lld\n", k, (long long)json_integer_value(v));
		else if (booleans && json_is_boolean(v))
			printf("%-14s %s\n", k, json_is_true(v) ? "yes" : "no");
	}
}

void reply_print_checks(const json_t *checks)
{
	const json_t *x;
	size_t i;

	json_array_foreach(checks, i, x)
		printf("  %-22s %-18s %s\n", json_string_value(json_object_get(x, "check")) ?: "",
		       json_string_value(json_object_get(x, "verdict")) ?: "",
		       json_string_value(json_object_get(x, "reason")) ?: "");
}
