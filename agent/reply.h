/* reply.h: helpers of the service layer that the CLI (cmd_queue, cmd_status,
 * cmd_evidence) and the local API (api_*.c) share, so both give the same
 * answers in the same JSON shapes (doc/openapi.yaml).
 *
 * Service functions return 0 or -1 with err filled; *code_r (when the
 * function has one) gets a stable API error code ("not_found",
 * "lease_mismatch", ...), else reply_code() maps the error class. JSON values
 * returned are owned by the caller (json_decref). Thread-safe. */
#ifndef KEP_REPLY_H
#define KEP_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

struct kbuf;

/* RFC 3339 UTC ("2026-01-02T03:04:05Z") of ms since the epoch, in buf;
 * returns NULL for 0 (unknown) so json_pack's "s?" writes null. */
const char *reply_time(int64_t ms, char buf[32]);
/* The same instant as Turkish local time, "03.01.2026 14:04:05 (UTC+03:00)",
 * in buf; NULL for 0. Türkiye's own rules (no TZ environment, so it is
 * thread-safe and the same on every machine): UTC+03:00 since 7 September
 * 2016; before, EET/EEST with the EU change at 01:00 UTC on the last
 * Sundays of March and October, and the one-off dates of 2011, 2014, 2015. */
const char *reply_time_tr(int64_t ms, char buf[40]);
/* Parses RFC 3339 ("...Z" or "+hh:mm", optional fraction) or a plain date
 * (YYYY-MM-DD, midnight UTC) to ms. -1 (KERR_USAGE) when malformed. */
int reply_parse_time(const char *s, int64_t *ms_r, struct kerr *err);
/* The stable API error code of an error class. */
const char *reply_code(const struct kerr *err);
/* The HTTP status of a stable API error code. */
unsigned int reply_http_status(const char *code);

/* A JSON string of untrusted text (a sender's file name, a header): bytes
 * that are not UTF-8 become U+FFFD, so the document stays valid. NULL gives
 * JSON null. */
json_t *reply_text(const char *s);

/* The Check object (doc/openapi.yaml), the one shape of a verification
 * check in the API, every --json command and bundles. Times in ms, 0: none
 * (null); revocation NULL: not recorded. */
struct reply_check {
	const char *check, *verdict, *reason;
	const char *signer_subject, *signer_serial, *signer_issuer;
	int64_t signing_time, timestamp_time, validation_time;
	const char *revocation;
};
json_t *reply_check_json(const struct reply_check *c);
struct pkg_check;
/* The same from a check just computed (kep/verify_package.h). */
json_t *reply_pkg_check_json(const struct pkg_check *c);

/* Prints JSON (indented) or nothing on failure; for the CLI's --json. */
void reply_print_json(const json_t *j);
/* The CLI's text form of a record: each string and integer member (and,
 * when booleans, each boolean as yes/no) as a "key value" line. */
void reply_print_fields(const json_t *j, int booleans);
/* The CLI's text form of an array of Check objects: check, verdict, reason. */
void reply_print_checks(const json_t *checks);
/* The width of UTF-8 text in characters (lead bytes), for alignment. */
int reply_text_width(const char *s);
/* Appends s (UTF-8; NULL gives "-") left-aligned in a column of width
 * characters plus one space. */
void reply_column(struct kbuf *b, const char *s, int width);
/* Prints s (UTF-8; NULL prints "-") left-aligned in a column of width
 * characters plus one space: printf's widths count bytes, which misaligns
 * Turkish labels. */
void reply_print_column(const char *s, int width);

#endif
