/* bundle.h: evidence bundles: one message and everything that proves what
 * happened to it, in one ZIP an auditor can re-verify offline.
 *
 * Layout: package.eml (the package exactly as received), original.eml,
 * evidence/NN-ID.xml or .zip (each evidence file as received),
 * signatures/WHICH-N.p7s (the CMS signatures of envelope and original),
 * certs/DIGEST.pem (every certificate they carry, and each delil's signer;
 * report.json's "certificates" marks with "kephs" those the exporting trust
 * names KEPHS signers), timestamps/WHICH-N-M.tst
 * (RFC 3161 tokens), report.json and report.txt. report.json lists every file with its
 * SHA-256, the verdicts stored at sync time, and the verdicts of an offline
 * re-verification at export time, with the validation time used;
 * bundle_verify() repeats that re-verification from the bundle alone (no
 * store) at the same validation time and compares.
 *
 * Trust comes only from the caller (the configuration's trust section or
 * explicit anchors). Thread-safe (no globals). */
#ifndef KEP_BUNDLE_H
#define KEP_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <jansson.h>
#include <openssl/x509.h>

#include "err.h"
#include "package_view.h"

struct store;
struct config;
struct trust_store;

#define BUNDLE_FORMAT "kepagent-bundle/1"
/* report.json "reports": the rendering of report.txt and report.html;
 * bump it whenever bundle_report_* change what they write, so bundles made
 * before still verify (their human reports are then not compared). */
#define BUNDLE_REPORTS_VERSION 2

/* Writes the bundle of package_id to path (mode 0600, replaced atomically).
 * KERR_NOTFOUND when there is no such package. When the package is there
 * but its stored bytes are not (a lost archive, damaged content), -1 with
 * *unavailable_r set to 1 (unavailable_r may be NULL). */
int bundle_export(struct store *st, const struct trust_store *ts, int64_t package_id,
		  const char *path, int *unavailable_r, struct kerr *err);

struct kbuf;
/* The human renderings of a report.json object, appended to out: plain text
 * (labels aligned by characters) and a self-contained, printable HTML page
 * (no script, nothing fetched), both in Turkish with RFC 3339 and Turkish
 * local times, every verdict with its reason, signer, certificate chain and
 * time-stamp time. Functions of the report alone: `evidence verify`
 * renders them again to tell whether they were changed. */
void bundle_report_txt(struct kbuf *out, const json_t *report);
void bundle_report_html(struct kbuf *out, const json_t *report);

struct bundle_file {
	const char *name;          /* as in the ZIP */
	const unsigned char *data;
	size_t len;
	int listed_code;           /* an evidence file's delilTurId as the provider
				    * listed it (the stored row's), 0: none */
};

/* The listed code the report's stored evidence (the "evidence" array of
 * "stored") gives the file name, 0 when it names none. */
int bundle_listed_code(const json_t *stored_evidence, const char *name);

/* The offline re-verification both sides run: the package, parsed once by
 * the caller (package_view.h; verify_package_view)
 * and each evidence file (delil_judge against the original and its
 * listed_code, as the sync judged it: the whole verdict, delil_verdict.h),
 * offline,
 * at time at. *out: {"validation_time", "package": {"overall", "checks"},
 * "evidence": [{"file", "verdict", "reason" (the whole verdict), "delil_code",
 * "signature", "signature_reason", "digest", "digest_reason", "event_time",
 * "signer_subject"}]}. signers (NULL: not wanted) gets each evidence
 * file's signer certificate, up-referenced. */
int bundle_reverify(const struct trust_store *ts, time_t at, const struct pkg_view *package,
		    const struct bundle_file *evidence, size_t n_evidence,
		    STACK_OF(X509) *signers, json_t **out, struct kerr *err);

/* Re-verifies the bundle at path. *result_r gets {"bundle", "intact",
 * "tampered": [names], "same_verdicts", "differences": [text],
 * "verdicts_valid" (every re-derived verdict acceptable, verdict.h),
 * "kephs_from", "reverified": {...}, "report": {... as exported}}. *ok_r is
 * 1 when every file is intact and every verdict equals the report's.
 * Who may sign as a KEPHS is ts's; when ts names nobody, the certificates
 * the report marks "kephs" are added to ts (kephs_from "bundle": then the
 * signer roles rest on the bundle's own word, as the output says), else
 * kephs_from is "configuration" (or "none": nothing in either). -1 when the bundle
 * cannot be read at all (not a ZIP, no report.json). */
int bundle_verify(const char *path, const struct trust_store *ts, json_t **result_r, int *ok_r,
		  struct kerr *err);

#endif
