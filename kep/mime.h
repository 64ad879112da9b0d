/* mime.h: split a KEP package (an S/MIME message) into what must be verified
 * and what must be shown, with libetpan's MIME parser.
 *
 * The bytes are never modified or normalised: a detached signature's signed
 * content is reported as an exact byte range of the message it belongs to
 * (RFC 1847: the MIME entity between the boundary delimiter lines, without
 * the CRLF that precedes the next delimiter), so a message with LF-only line
 * endings is parsed but its signatures will fail, as they must.
 *
 * A package is the KEPHS envelope; the original message is its first
 * message/rfc822 part (or attachment named *.eml) inside the envelope's
 * signed entity (any, when the envelope is unsigned): a message placed beside
 * the signed entity is never taken for the original. The original is parsed
 * on its own bytes: when the part has no transfer encoding they are a slice
 * of the package, orig_in_package is 1 and orig_off/len locate them;
 * otherwise (a base64 .eml attachment) they are decoded once, into
 * orig_copy.
 *
 * Bounds: input size, MIME nesting depth and part count (KERR_LIMIT). A
 * message/rfc822 part is a leaf of its message, parsed on its own bytes
 * with its own bounds: one nested too deep (or with too many parts) leaves
 * the message around it parseable, its signatures and headers intact, and
 * only the nested one reported (mime_package.original_error names its part).
 * Malformed input gives -1 with KERR_MALFORMED, never a crash.
 * Ownership: everything in the structs is owned by them and freed by
 * mime_message_free()/mime_package_free(); `data` pointers borrow the
 * caller's buffer, which must outlive the struct. The buffer need not be
 * NUL-terminated (a mapped file) and is parsed in place: no whole copy is
 * made, and a body is decoded at most once (base64 by OpenSSL's block
 * decoder), so a 25 MB package costs about its decoded document in heap.
 * Thread-safe (no globals). */
#ifndef KEP_MIME_H
#define KEP_MIME_H

#include <stddef.h>

#include "err.h"

#define MIME_MAX_LEN (64u * 1024 * 1024)
#define MIME_MAX_DEPTH 16
#define MIME_MAX_PARTS 500
#define MIME_SPOOL_AT (1u << 20) /* encoded bytes; see mime_attachment.fd */
#define MIME_PATH_LEN 80   /* "1.2.1": part numbers down to MIME_MAX_DEPTH levels */

enum mime_sig_kind {
	MIME_SIG_DETACHED = 1, /* multipart/signed: content range + signature DER */
	MIME_SIG_OPAQUE,       /* application/pkcs7-mime signed-data: sig is the whole SignedData */
};

struct mime_sig {
	enum mime_sig_kind kind;
	/* The signed bytes: detached, data[content_off .. +content_len) of the
	 * message (in_content: of sigs[0].content); opaque sigs[0], its whole
	 * encapsulated content, content[0 .. content_len) */
	size_t content_off;
	size_t content_len;
	unsigned char *sig;    /* decoded CMS DER (detached: the p7s; opaque: the SignedData) */
	size_t sig_len;
	char *protocol;        /* e.g. "application/pkcs7-signature"; opaque: the content type */
	char *micalg;          /* NULL when absent */
	/* opaque, sigs[0] only: the SignedData's encapsulated content as read
	 * (cms_content(), not verified: verification must prove these very
	 * bytes), the entity whose parts are the message's; owned,
	 * NUL-terminated; NULL when not opened (see mime_message.content_error) */
	unsigned char *content;
	int in_content;        /* found inside sigs[0].content (a signature within it) */
};

struct mime_header {
	char *name;
	char *value;           /* unfolded, raw (not decoded) */
};

struct mime_attachment {
	char *filename;        /* decoded (RFC 2231/2047) and made safe (safe_name.h) */
	char *raw_filename;    /* decoded, as the sender wrote it (untrusted); NULL when none */
	char *content_type;    /* "type/subtype", lower case */
	/* The decoded body. A part without transfer encoding is a slice of the
	 * message (borrowed, as `data` of the message; in_content: of the
	 * opaque signature's content, owned by it); base64 and
	 * quoted-printable bodies are decoded once, into `own`. */
	const unsigned char *data;
	size_t len;
	unsigned char *own;    /* freed with the message: data when decoded, else NULL */
	/* A base64 body over MIME_SPOOL_AT bytes (not a message) is decoded
	 * into an unlinked file in the parse's spool_dir instead of the heap:
	 * fd (owned, else -1) holds it and data maps it read-only, so its
	 * pages cost memory only while read; read it from fd (pread) to keep
	 * them out. With no spool_dir (or one that cannot take a file) it is
	 * decoded into own like any other body; $TMPDIR is never used. */
	int fd;
	int is_eyp;            /* application/eyazisma or *.eyp */
	int is_message;        /* message/rfc822 or *.eml */
	int verbatim;          /* data equals message bytes [src_off .. +len) (no transfer encoding) */
	size_t src_off;
	char path[MIME_PATH_LEN];  /* MIME part number in the message, "1.2" */
	size_t part_off, part_len; /* the whole part (headers and body) in the message */
	int in_content;        /* inside an opaque signature: src_off and part_off are
				  offsets into sigs[0].content, not the message */
};

/* Content of a signed message that lies outside its first signed entity
 * (the only content the signature proves): an attachment or text beside
 * the multipart/signed, a second signed entity, a message/rfc822 placed
 * before it. Listed by location; the bytes stay in the raw message. */
struct mime_extra {
	char path[MIME_PATH_LEN];  /* MIME part number, "1.2" */
	char *content_type;        /* lower case */
	char *filename;            /* made safe; NULL when none */
	size_t off, len;           /* the part's bytes in the message; len 0 when unknown */
	int is_signed;             /* a second signed entity */
};

/* One recipient of a message (To or Cc, groups flattened). */
struct mime_address {
	char role;             /* 't' To, 'c' Cc */
	char *addr;            /* addr-spec, e.g. birim@hs01.kep.tr */
	char *name;            /* decoded display name, NULL when none */
};

struct mime_message {
	const unsigned char *data; /* the message bytes (borrowed or owned, see mime_package) */
	size_t len;
	/* decoded headers, UTF-8; NULL when absent */
	char *subject;
	char *from;            /* "Display Name <addr>" or "addr" */
	char *to;
	struct mime_address *rcpt; /* the first To and Cc headers' addresses, in order */
	size_t n_rcpt;
	char *message_id;      /* without angle brackets */
	char *date;            /* ISO 8601, e.g. 2025-11-05T18:37:48+0300 */
	long long date_ms;     /* the same as ms since the epoch; 0 when none */
	char *ileti_tip;       /* X-TR-REM-iletiTip */
	char *ileti_id;        /* X-TR-REM-iletiID */
	struct mime_header *rem;   /* every X-REM-* and X-TR-REM-* header */
	size_t n_rem;
	struct mime_sig *sigs;     /* document order, outermost first; none: unsigned */
	size_t n_sigs;
	/* In a signed message, only the attachments inside the first signed
	 * entity (sigs[0]; when it is opaque, its encapsulated content, parsed
	 * as a MIME entity and walked as a detached one's signed part is);
	 * everything else is in extra. In an unsigned message every
	 * attachment, and extra is empty. */
	struct mime_attachment *att;
	size_t n_att;
	struct mime_extra *extra;
	size_t n_extra;
	int lf_only;           /* the header block ends in LF LF: signatures will fail */
	/* sigs[0] is opaque and its encapsulated content could not be opened
	 * as a MIME entity (not data, malformed, too deep): why; nothing of it
	 * is in att. Owned; NULL otherwise. */
	char *content_error;
};

struct mime_package {
	struct mime_message envelope;   /* data borrows the caller's buffer */
	int has_original;
	struct mime_message original;   /* valid when has_original */
	int orig_in_package;            /* original bytes are package[orig_off .. +orig_len) */
	size_t orig_off, orig_len;
	/* The decoded original when !orig_in_package (owned; the envelope's
	 * attachment shares it, so it is decoded once); NULL otherwise. */
	unsigned char *orig_copy;
	/* The original was found but does not parse (too deep, malformed):
	 * has_original is 0, the envelope is still complete. "" otherwise. */
	char original_error[1024];
};

/* Parses one message. 0 on success, -1 with err (KERR_MALFORMED, KERR_LIMIT).
 * spool_dir: where a large part is decoded (mime_attachment.fd): the
 * store's directory for everything on the sync's and the bundles' paths
 * (private to the agent, on the disk that takes the package anyway), the
 * checked file's directory for an offline check; NULL: in memory. */
int mime_message_parse(const void *data, size_t len, const char *spool_dir,
		       struct mime_message *m, struct kerr *err);
void mime_message_free(struct mime_message *m);

/* Parses the envelope and the original inside it (has_original = 0 when
 * none, or when it does not parse: see original_error). -1 only when the
 * envelope itself does not parse. */
int mime_package_parse(const void *data, size_t len, const char *spool_dir,
		       struct mime_package *p, struct kerr *err);
void mime_package_free(struct mime_package *p);

/* The bytes m->sigs[i] signs, content_len of them: a slice of the message
 * (or of the opaque content it lies in), or an opaque signature's
 * encapsulated content; NULL when unknown (an opaque one not opened). */
const unsigned char *mime_signed_bytes(const struct mime_message *m, size_t i);

/* "unsigned", "signed" (detached), "opaque-signed": for display and logs. */
const char *mime_signed_state(const struct mime_message *m);

/* The value of the first X-REM-* / X-TR-REM-* header of that name
 * (case-insensitive), leading blanks skipped; NULL when absent. */
const char *mime_rem_header(const struct mime_message *m, const char *name);
/* 1 when the message is an evidence delivered as an e-mail (X-REM-Msg-Type:
 * Message, kep-domain.md): it carries the evidence XML, not an original. */
int mime_is_evidence_mail(const struct mime_message *m);
/* The evidence document (an XML or ZIP part of the envelope's signed
 * entity) of a delil delivered as an e-mail, NULL when p is not one or
 * carries none. p is one when labelled so (mime_is_evidence_mail), or, since
 * no signature covers that label, when its envelope holds no original
 * message but such a part: a genuine delil mail relabelled "Dispatch" is
 * still judged as one. Whether it is evidence is its signatures' (the
 * envelope's and the delil's, sync_evidence_mail_kind). Points into p. */
const struct mime_attachment *mime_evidence_part(const struct mime_package *p);

/* Decodes an RFC 2047 header value to UTF-8 (malloc'd); never NULL. */
char *mime_decode_header(const char *raw);

#endif
