/* msghdr.h: the header fields kepsim reads of a message an account uploads
 * (Yukle), parsed with libetpan. Groups and display names are flattened to
 * addresses; Subject is decoded from RFC 2047 to UTF-8 (UTF-8 assumed
 * for raw 8-bit text). Thread-safe. */
#ifndef KEPSIM_MSGHDR_H
#define KEPSIM_MSGHDR_H

#include <stddef.h>

#include "err.h"
#include "util.h"

#define MSGHDR_MAX_RCPT 500

struct msghdr {
	char *from;          /* the first From address, or NULL */
	char **rcpt;         /* To, then Cc addresses */
	size_t nrcpt;
	char *msg_id;        /* with <>, or NULL */
	char *subject;       /* UTF-8, or NULL */
	char *ileti_tip;     /* X-TR-REM-iletiTip, or NULL */
	char *ileti_id;      /* X-TR-REM-iletiID, or NULL */
};

/* KERR_MALFORMED when the header block does not parse; KERR_LIMIT above
 * MSGHDR_MAX_RCPT recipients. */
int msghdr_parse(const struct kbuf *msg, struct msghdr *h, struct kerr *err);
void msghdr_free(struct msghdr *h);

#endif
