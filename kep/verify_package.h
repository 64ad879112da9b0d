/* verify_package.h: verify a whole KEP package (KEPHS envelope bytes).
 *
 * The envelope is split with mime.h (exact signed byte ranges, never
 * rewritten); then the envelope signature and its time stamp, the original
 * message's signature and its time stamp are verified with cms_verify.h.
 * Each becomes a named check: envelope-signature, envelope-timestamp,
 * original-signature, original-timestamp (a *-timestamp check only when a
 * time stamp is present; an unsigned original gives original-signature
 * "unsigned"). Each .eyp attachment of the original adds eyp-digests
 * (eyp.h), eyp-nihai-ozet (NihaiOzet's digests; 2.x, and 1.x when it has
 * one), eyp-signature and eyp-seal (eyp_verify.h; "unsigned" when the
 * .imz is missing), with eyp-*-timestamp when stamped. Every signature of a
 * message is verified: the second and later ones as <what>-signature-N.
 * The envelope's signer must be a KEPHS signing certificate (o->provider's,
 * signer_role.h), else "untrusted"; the original's and the .eyp's may be
 * any signer under the anchors (o->role is ignored).
 * The original and its attachments are taken only from inside the signed
 * entities (mime.h): for an opaque signature (application/pkcs7-mime
 * signed-data) its encapsulated content, checked to be the very bytes the
 * CMS verification proved; one that does not open as a MIME entity gives
 * <what>-content "malformed". Anything outside them gives <what>-unsigned-content
 * "invalid" ("content outside the signature: part ...") and is listed in
 * extras. The overall verdict is the worst check (verdict_worst).
 *
 * Returns 0 when a report was made (a package that does not parse gives a
 * "malformed" envelope-signature check), -1 on internal errors. The report
 * owns everything in it; free with pkg_report_free(). Thread-safe like
 * cms_verify. */
#ifndef KEP_VERIFY_PACKAGE_H
#define KEP_VERIFY_PACKAGE_H

#include <stddef.h>
#include <time.h>

#include "cms_verify.h"
#include "err.h"
#include "verdict.h"

struct pkg_check {
	char name[32];           /* "envelope-signature", ... */
	enum verdict verdict;
	char reason[512];
	char signer[256];        /* signer (or TSA) subject; "" when unknown */
	char serial[80];
	char issuer[256];
	time_t signing_time;     /* 0 when unknown */
	time_t timestamp_time;   /* time-stamp genTime; 0 when none */
	time_t validation_time;  /* 0 when no certificate was judged */
	enum rev_status revocation;
};

/* Unsigned extra content (mime.h struct mime_extra) of the envelope or of
 * the original: kept in the raw package, never presented as the message. */
struct pkg_extra {
	char where[16];          /* "envelope" | "original" */
	char path[80];           /* MIME part number inside that message */
	char content_type[96];
	char filename[128];      /* "" when none */
	size_t off, len;         /* bytes in that message; len 0 when unknown */
	int is_signed;           /* a second signed entity */
};

/* Which bytes the verification proved (offsets into the package, or into
 * the original's bytes for orig_signed_*; for an opaque signature into its
 * encapsulated content, mime_sig.content, the entity whose parts are then
 * the message's): only these are the message. */
struct pkg_signed {
	int envelope;            /* 1: the envelope's first signed entity is... */
	int env_opaque;          /* ...0: package[env_off .. +env_len) (detached);
				    1: its SignedData's content[env_off .. +env_len) */
	size_t env_off, env_len;
	int original;            /* 1: an original was found inside it */
	int orig_in_package;     /* the original is package[orig_off .. +orig_len) */
	size_t orig_off, orig_len;
	int orig_signed;         /* 1: the original's signed entity is... */
	int orig_opaque;         /* ...0: original[off .. +len) (detached); 1: the
				    encapsulated content[off .. +len) */
	size_t orig_sig_off, orig_sig_len;
};

struct pkg_report {
	enum verdict overall;
	struct pkg_check *checks; /* owned */
	size_t n;
	char notes[512];          /* remarks for the reader, "" when none */
	char *subject;            /* the original's subject (else the envelope's); owned, may be NULL */
	char *message_id;         /* the original's Message-ID; owned, may be NULL */
	struct pkg_signed signed_range;
	struct pkg_extra *extras; /* owned; n_extras entries */
	size_t n_extras;
};

/* spool_dir: where a large part is decoded (pkg_view_open()); NULL: memory. */
int verify_package(const struct verify_opts *o, const void *data, size_t len,
		   const char *spool_dir, struct pkg_report *r, struct kerr *err);
/* verify_package() of a package the caller opened with pkg_view_open()
 * and keeps (to store it: one MIME parse and one open of each .eyp serve
 * both); v is only read. */
struct pkg_view;
int verify_package_view(const struct verify_opts *o, const struct pkg_view *v,
			struct pkg_report *r, struct kerr *err);
/* The .eyp checks alone (eyp-digests, eyp-signature, eyp-seal and their
 * time stamps) of a package about to be sent; name is for messages. */
int verify_eyp_bytes(const struct verify_opts *o, const void *data, size_t len,
		     const char *name, struct pkg_report *r, struct kerr *err);
void pkg_report_free(struct pkg_report *r);
/* The one-line reason of the overall verdict, for a package row: the first
 * check with that verdict as "<check>: <reason>" (so a reader sees which
 * signature failed), else the notes. Written into buf; returns buf, or NULL
 * when the report has neither checks nor notes. */
const char *pkg_report_reason(const struct pkg_report *r, char *buf, size_t len);

#endif
