/* package_view.h: a KEP package parsed once for everyone who reads it.
 *
 * The view holds the package's MIME split (mime.h) and each .eyp attachment
 * of the original opened once (eyp.h: unzipped, Ustveri read, digests
 * checked). Verification (verify_package_view), the stored rows derived
 * from the package (e-Yazisma metadata, attachment list) and the bundles
 * read the same view; none of them parses the package or opens an .eyp
 * again. pkg_view_open() logs one debug line per .eyp it opens (eyp.h), so
 * a test can count the opens.
 *
 * The view owns everything in it (the MIME parts borrow the caller's bytes,
 * which must outlive it); free with pkg_view_free(). Not shared between
 * threads while being opened; read-only afterwards. */
#ifndef KEP_PACKAGE_VIEW_H
#define KEP_PACKAGE_VIEW_H

#include <stddef.h>

#include "err.h"
#include "eyp.h"
#include "mime.h"

struct pkg_view_eyp {
	const struct mime_attachment *att; /* the attachment, inside the view's mp */
	int ok;                            /* 1: e is open */
	struct eyp e;
	struct kerr err;                   /* why it did not open, when !ok */
};

struct pkg_view {
	int parsed;                  /* 1: mp holds the package */
	struct mime_package mp;
	struct kerr perr;            /* why it did not parse, when !parsed */
	struct pkg_view_eyp *eyps;   /* each .eyp attachment of the original, in order */
	size_t n_eyps;
};

/* Parses data (borrowed, it must outlive the view) and opens its .eyp
 * attachments; a large part is decoded into a file in spool_dir
 * (mime_package_parse(): the store's directory on the sync's and the
 * bundles' paths; NULL: in memory). A package that does not parse, or an
 * .eyp that does not open, is a view that says so (perr, err): it never
 * fails. */
void pkg_view_open(const void *data, size_t len, const char *spool_dir, struct pkg_view *v);
/* The first .eyp attachment of the original, or NULL when it has none. */
const struct pkg_view_eyp *pkg_view_first_eyp(const struct pkg_view *v);
void pkg_view_free(struct pkg_view *v);

#endif
