/* json_text.h: JSON written straight into a kbuf, for the hot answers of the
 * local API (status lookups, their batch, evidence items), where building a
 * jansson tree of thousands of objects to dump it at once cost more than the
 * SQLite reads.
 *
 * The text is byte for byte what jansson's json_dumps(JSON_COMPACT) gives
 * for the same members in the same order: no blanks, '"', '\\' and the
 * control characters escaped (\b \f \n \r \t, else \u00XX upper case), '/'
 * and non-ASCII UTF-8 written as they are. Unlike json_pack, which fails on
 * text that is not UTF-8, bytes that are not well-formed UTF-8 (overlong
 * forms, surrogates, beyond U+10FFFF, cut sequences) become U+FFFD, so the
 * document is always valid.
 *
 * Commas are the writer's: a key, a value or an opening bracket gets one
 * unless it starts the buffer or follows '{', '[' or ':'. Write an object
 * as jt_begin(b, '{'), jt_key() then one value per member, jt_end(b, '}').
 * jt_raw() appends text that is already one JSON value. Thread-safe. */
#ifndef KEP_JSON_TEXT_H
#define KEP_JSON_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct kbuf;

void jt_begin(struct kbuf *b, char open);    /* '{' or '[' */
void jt_end(struct kbuf *b, char close);     /* '}' or ']' */
void jt_key(struct kbuf *b, const char *key);
/* A JSON string; NULL writes null. */
void jt_str(struct kbuf *b, const char *s);
void jt_int(struct kbuf *b, int64_t v);
void jt_bool(struct kbuf *b, int v);
void jt_null(struct kbuf *b);
void jt_raw(struct kbuf *b, const char *json, size_t len);
/* A member: the key and its value. jt_kid writes null for 0 (no row). */
void jt_kstr(struct kbuf *b, const char *key, const char *s);
void jt_kint(struct kbuf *b, const char *key, int64_t v);
void jt_kid(struct kbuf *b, const char *key, int64_t id);
void jt_kbool(struct kbuf *b, const char *key, int v);

#endif
