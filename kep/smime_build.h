/* smime_build.h: the S/MIME message kepagent sends with Yukle.
 *
 * Built in two steps so the bytes signed are exactly the bytes sent: first
 * the MIME entity (the body as text/plain or text/html, attachments and
 * .eyp packages beside it in multipart/mixed), then the whole RFC 5322
 * message: headers (From, To, Cc, Subject, Date, the Message-ID the agent
 * chose, X-TR-REM-iletiTip, X-TR-REM-iletiID) and a multipart/signed body
 * holding the entity verbatim and the detached CMS (smime.p7s). Every line
 * ends in CRLF; every part body is base64, so no content can contain a
 * boundary line. Non-ASCII header text is RFC 2047 encoded (file names RFC
 * 2231). The entity and the wrapper are written here rather than with
 * libetpan's writer because the signature covers them byte for byte and the
 * layout must not change between signing and sending.
 *
 * Input strings are UTF-8; a CR or LF in any header value is refused
 * (KERR_USAGE), so no input can add a header. Output is appended to the
 * caller's kbuf. Thread-safe. */
#ifndef KEP_SMIME_BUILD_H
#define KEP_SMIME_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "util.h"

struct smime_addr {
	char role;                 /* 't' To, 'c' Cc */
	const char *address;       /* addr-spec */
	const char *name;          /* display name or NULL */
};

struct smime_file {
	const char *file_name;     /* as EBYS named it */
	const char *content_type;  /* NULL: application/octet-stream (.eyp: application/eyazisma) */
	const void *data;
	size_t len;
};

struct smime_msg {
	const char *from;          /* the account's KEP address */
	const struct smime_addr *rcpt;
	size_t n_rcpt;
	const char *subject;
	const char *body;          /* NULL: empty */
	int html;                  /* body is HTML */
	const struct smime_file *files;
	size_t n_files;
	const char *message_id;    /* "<...>" */
	const char *ileti_tip;     /* "standart" | "eYazisma" */
	const char *ileti_id;      /* NULL: no X-TR-REM-iletiID */
	int64_t date_ms;           /* the Date: header */
};

/* The entity to sign (what `smime_wrap_signed` puts first). */
int smime_build_entity(const struct smime_msg *m, struct kbuf *entity, struct kerr *err);
/* The message to send: headers of m, then multipart/signed of entity and
 * the DER signature sig. */
int smime_wrap_signed(const struct smime_msg *m, const void *entity, size_t entity_len,
		      const void *sig, size_t sig_len, struct kbuf *out, struct kerr *err);

/* A new Message-ID "<random@domain>", domain from the KEP address;
 * xmalloc'd. */
char *smime_new_message_id(const char *from);

#endif
