/* mtom.h: MTOM/XOP responses (multipart/related) read from a file.
 *
 * The HTTP layer leaves a response body in a temporary file; mtom_parse()
 * maps it read-only and indexes its parts without copying them. The root
 * part is the SOAP envelope: named by the Content-Type's start parameter,
 * else the first part. Binary parts are found by Content-ID (the cid: of an
 * xop:Include href) and streamed to a file descriptor with mtom_write_part().
 * Tolerates LF-only framing, quoted and unquoted parameters and a missing
 * start parameter. A body without its closing boundary is a truncated
 * transfer: KERR_TRANSIENT. Parts point into the mapping: they are valid
 * until mtom_free(). Not thread-safe per message. */
#ifndef KEP_MTOM_H
#define KEP_MTOM_H

#include <stddef.h>

#include "err.h"

struct mtom_part {
	char *content_id;    /* without angle brackets; NULL when absent */
	char *content_type;  /* NULL when absent */
	int base64;          /* Content-Transfer-Encoding: base64 */
	const unsigned char *body;
	size_t len;
};

struct mtom_msg {
	void *map;
	size_t map_len;
	struct mtom_part *parts;
	size_t n;
	size_t root;         /* index of the root part */
};

/* 1 when content_type is multipart/related (MTOM), else 0. */
int mtom_is_multipart(const char *content_type);
/* Indexes the multipart body in fd (the whole file) described by
 * content_type. On success the caller frees m with mtom_free(). */
int mtom_parse(int fd, const char *content_type, struct mtom_msg *m, struct kerr *err);
void mtom_free(struct mtom_msg *m);
/* The part an href such as "cid:abc%40x" names, or NULL. */
const struct mtom_part *mtom_find(const struct mtom_msg *m, const char *href);
/* Writes the part's decoded bytes to fd (all of them, retrying short writes). */
int mtom_write_part(const struct mtom_part *p, int fd, struct kerr *err);

#endif
