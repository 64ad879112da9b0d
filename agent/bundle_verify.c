/* bundle_verify.c: the offline re-verification shared by export and verify,
 * and `kepagent evidence verify BUNDLE` (see bundle.h). */
#include "bundle.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include "config.h"
#include "delil_verdict.h"
#include "package_view.h"
#include "reply.h"
#include "signer_role.h"
#include "trust.h"
#include "util.h"
#include "verify_package.h"
#include "zip_safe.h"

#define BUNDLE_MAX (256u << 20)

int bundle_listed_code(const json_t *stored_evidence, const char *name)
{
	const json_t *x;
	size_t i;

	json_array_foreach(stored_evidence, i, x) {
		const char *file = json_string_value(json_object_get(x, "file"));
		json_int_t code = json_integer_value(json_object_get(x, "delil_tur_id"));

		if (file != NULL && name != NULL && strcmp(file, name) == 0)
			return code > 0 && code <= INT_MAX ? (int)code : 0;
	}
	return 0;
}

int bundle_reverify(const struct trust_store *ts, time_t at, const struct pkg_view *v,
		    const struct bundle_file *evidence, size_t n_evidence,
		    STACK_OF(X509) *signers, json_t **out, struct kerr *err)
{
	struct verify_opts vo = { .trust = ts, .validation_time = at };
	struct pkg_report rep;
	json_t *checks = json_array(), *evs = json_array(), *pkg;
	const void *orig = NULL;
	size_t orig_len = 0, i;
	char tbuf[32];

	/* One parse (the caller's) for the package's checks and the
	 * evidence's original. */
	if (verify_package_view(&vo, v, &rep, err) < 0) {
		json_decref(checks);
		json_decref(evs);
		return -1;
	}
	for (i = 0; i < rep.n; i++)
		json_array_append_new(checks, reply_pkg_check_json(&rep.checks[i]));
	pkg = json_pack("{s:s, s:o}", "overall", verdict_name(rep.overall), "checks", checks);
	pkg_report_free(&rep);
	/* Evidence digests cover the original message the provider relayed. */
	if (v->parsed && v->mp.has_original) {
		orig = v->mp.original.data;
		orig_len = v->mp.original.len;
	}
	for (i = 0; i < n_evidence; i++) {
		struct evidence_opts eo = { 0 };
		struct delil_verdict dv;
		const struct evidence *ev = &dv.ev;

		eo.verify = &vo; /* judged like at sync time (offline: revocation-unknown) */
		eo.anchors = trust_x509_store(ts, TRUST_ANCHOR);
		eo.intermediates = trust_intermediates(ts);
		eo.at = at;
		eo.original = orig;
		eo.original_len = orig_len;
		eo.provider_code = evidence[i].listed_code;
		if (delil_judge(evidence[i].data, evidence[i].len, &eo, &dv, err) < 0) {
			json_decref(evs);
			json_decref(pkg);
			return -1;
		}
		/* verdict and reason: the whole verdict (delil_verdict.h), the
		 * two checks beside it. */
		json_array_append_new(evs, json_pack(
			"{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s?, s:s?}",
			"file", evidence[i].name, "verdict", verdict_name(dv.verdict),
			"reason", dv.reason, "delil_code", ev->delil_code,
			"signature", verdict_name(ev->verdict), "signature_reason", ev->reason,
			"digest", evidence_digest_name(ev->digest),
			"digest_reason", ev->digest_reason, "event_time", ev->event_time,
			"signer_subject", ev->signer_subject[0] ? ev->signer_subject : NULL));
		if (signers != NULL && ev->signer_cert != NULL && X509_up_ref(ev->signer_cert) == 1)
			sk_X509_push(signers, ev->signer_cert);
		delil_verdict_free(&dv);
	}
	*out = json_pack("{s:s, s:o, s:o}", "validation_time",
			 reply_time((int64_t)at * 1000, tbuf), "package", pkg,
			 "evidence", evs);
	return 0;
}

/* Every file listed in the report must be there with its digest; files not
 * listed (other than the reports) are reported too. */
static void check_files(const struct zip_archive *za, json_t *report, json_t *tampered)
{
	json_t *files = json_object_get(report, "files"), *f;
	size_t i, j;

	json_array_foreach(files, i, f) {
		const char *name = json_string_value(json_object_get(f, "name"));
		const char *want = json_string_value(json_object_get(f, "sha256"));
		const struct zip_entry *e = name ? zip_archive_find(za, name) : NULL;
		char got[65];

		if (e == NULL) {
			json_array_append_new(tampered, json_sprintf("%s: missing", name ? name : "?"));
			continue;
		}
		sha256_hex(e->data, e->len, got);
		if (want == NULL || strcmp(got, want) != 0)
			json_array_append_new(tampered, json_sprintf("%s: SHA-256 differs", name));
		else if (e->len == 0)   /* no file of a bundle is legitimately empty */
			json_array_append_new(tampered, json_sprintf("%s: empty", name));
	}
	/* package.eml must be the package the store recorded, not merely the
	 * file the report lists. */
	{
		json_t *pkg = json_object_get(report, "package");
		const char *want = json_string_value(json_object_get(pkg, "sha256"));
		const struct zip_entry *e = zip_archive_find(za, "package.eml");
		char got[65];

		if (e != NULL && want == NULL)
			json_array_append_new(tampered, json_string(
				"package.eml: the report records no SHA-256 of the stored package"));
		else if (e != NULL) {
			sha256_hex(e->data, e->len, got);
			if (strcmp(got, want) != 0)
				json_array_append_new(tampered, json_string(
					"package.eml: not the package the store recorded (SHA-256)"));
		}
	}
	for (j = 0; j < za->n; j++) {
		int listed = 0;

		if (strcmp(za->e[j].name, "report.json") == 0 ||
		    strcmp(za->e[j].name, "report.txt") == 0 ||
		    strcmp(za->e[j].name, "report.html") == 0)
			continue;
		json_array_foreach(files, i, f)
			if (strcmp(json_string_value(json_object_get(f, "name")) ?: "",
				   za->e[j].name) == 0)
				listed = 1;
		if (!listed)
			json_array_append_new(tampered, json_sprintf("%s: not in the report",
								     za->e[j].name));
	}
}

/* The human reports must say what report.json says: rendered again, byte
 * for byte (when they were rendered by this version). */
static void check_reports(const struct zip_archive *za, json_t *report, json_t *tampered)
{
	static const struct {
		const char *name;
		void (*render)(struct kbuf *, const json_t *);
	} reports[] = {
		{ "report.txt", bundle_report_txt },
		{ "report.html", bundle_report_html },
	};
	size_t i;

	if (json_integer_value(json_object_get(report, "reports")) != BUNDLE_REPORTS_VERSION)
		return;
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		const struct zip_entry *e = zip_archive_find(za, reports[i].name);
		struct kbuf b = { 0 };

		reports[i].render(&b, report);
		if (e == NULL)
			json_array_append_new(tampered, json_sprintf("%s: missing", reports[i].name));
		else if (e->len != b.len || memcmp(e->data, b.data, b.len) != 0)
			json_array_append_new(tampered, json_sprintf(
				"%s: does not say what report.json says", reports[i].name));
		kbuf_free(&b);
	}
}

static void compare(const char *what, json_t *want, json_t *got, json_t *diffs)
{
	const char *w = json_string_value(json_object_get(want, "verdict"));
	const char *g = json_string_value(json_object_get(got, "verdict"));

	/* Bundles written before delil_judge() gave an evidence file the
	 * signature's verdict alone: compared with that part. */
	if (json_object_get(want, "file") != NULL && json_object_get(want, "signature") == NULL &&
	    json_object_get(got, "signature") != NULL)
		g = json_string_value(json_object_get(got, "signature"));

	if (w == NULL || g == NULL || strcmp(w, g) != 0)
		json_array_append_new(diffs, json_sprintf("%s: report says %s, re-verification "
							  "gives %s", what, w ? w : "-", g ? g : "-"));
}

static void compare_all(json_t *want, json_t *got, json_t *diffs)
{
	json_t *wp = json_object_get(want, "package"), *gp = json_object_get(got, "package");
	json_t *wc = json_object_get(wp, "checks"), *gc = json_object_get(gp, "checks");
	json_t *we = json_object_get(want, "evidence"), *ge = json_object_get(got, "evidence");
	const char *wo = json_string_value(json_object_get(wp, "overall"));
	const char *go = json_string_value(json_object_get(gp, "overall"));
	size_t i;

	if (wo == NULL || go == NULL || strcmp(wo, go) != 0)
		json_array_append_new(diffs, json_sprintf("package overall: report says %s, "
							  "re-verification gives %s",
							  wo ? wo : "-", go ? go : "-"));
	if (json_array_size(wc) != json_array_size(gc) ||
	    json_array_size(we) != json_array_size(ge))
		json_array_append_new(diffs, json_string("the number of checks differs"));
	for (i = 0; i < json_array_size(wc) && i < json_array_size(gc); i++)
		compare(json_string_value(json_object_get(json_array_get(wc, i), "check")) ?: "?",
			json_array_get(wc, i), json_array_get(gc, i), diffs);
	for (i = 0; i < json_array_size(we) && i < json_array_size(ge); i++)
		compare(json_string_value(json_object_get(json_array_get(we, i), "file")) ?: "?",
			json_array_get(we, i), json_array_get(ge, i), diffs);
}

/* The validation time of a report: RFC 3339, or seconds in bundles written
 * before times were RFC 3339 everywhere. */
static time_t report_time(json_t *v)
{
	int64_t ms;

	if (json_is_integer(v))
		return (time_t)json_integer_value(v);
	if (json_is_string(v) && reply_parse_time(json_string_value(v), &ms, NULL) == 0)
		return (time_t)(ms / 1000);
	return 0;
}

static int reverify_archive(const struct zip_archive *za, json_t *report,
			    const struct trust_store *ts, const char *spool_dir, json_t **got_r,
			    struct kerr *err)
{
	json_t *rv = json_object_get(report, "reverified");
	json_t *evs = json_object_get(rv, "evidence"), *e;
	json_t *stored = json_object_get(json_object_get(report, "stored"), "evidence");
	const struct zip_entry *pe = zip_archive_find(za, "package.eml");
	struct bundle_file *ev;
	struct pkg_view v;
	size_t i, n = 0;
	int rc;

	if (pe == NULL)
		return kerr_set(err, KERR_MALFORMED, "the bundle has no package.eml");
	ev = xcalloc(json_array_size(evs) + 1, sizeof(*ev));
	json_array_foreach(evs, i, e) {
		const char *name = json_string_value(json_object_get(e, "file"));
		const struct zip_entry *ze = name ? zip_archive_find(za, name) : NULL;

		if (ze != NULL)
			ev[n++] = (struct bundle_file){ ze->name, ze->data, ze->len,
							bundle_listed_code(stored, ze->name) };
	}
	pkg_view_open(pe->data, pe->len, spool_dir, &v);
	rc = bundle_reverify(ts, report_time(json_object_get(rv, "validation_time")), &v, ev, n,
			     NULL, got_r, err);
	pkg_view_free(&v);
	free(ev);
	return rc;
}

/* The certificates the report marks "kephs", as KEPHS signers of ts, when
 * ts names none of its own. Returns "configuration", "bundle" or "none". */
static const char *kephs_from_bundle(const struct zip_archive *za, json_t *report,
				     const struct trust_store *ts)
{
	struct kephs_signers *ks = trust_kephs(ts);
	json_t *c;
	size_t i, n = 0;

	if (kephs_signers_count(ks, NULL) > 0)
		return "configuration";
	json_array_foreach(json_object_get(report, "certificates"), i, c) {
		const char *name = json_string_value(json_object_get(c, "file"));
		const struct zip_entry *e = name != NULL ? zip_archive_find(za, name) : NULL;
		BIO *bio;
		X509 *x;
		struct kerr e2;

		if (!json_is_true(json_object_get(c, "kephs")) || e == NULL)
			continue;
		bio = BIO_new_mem_buf(e->data, (int)e->len);
		x = bio != NULL ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
		if (x != NULL && kephs_signers_add_cert(ks, NULL, x, &e2) == 0)
			n++;
		X509_free(x);
		BIO_free(bio);
	}
	ERR_clear_error();
	return n > 0 ? "bundle" : "none";
}

/* 1 when the re-derived verdicts are all acceptable (verdict.h). */
static int all_acceptable(json_t *got)
{
	json_t *e;
	size_t i;
	int v = verdict_from_name(json_string_value(json_object_get(json_object_get(got, "package"),
								     "overall")) ?: "");

	if (v < 0 || !verdict_acceptable((enum verdict)v))
		return 0;
	json_array_foreach(json_object_get(got, "evidence"), i, e) {
		v = verdict_from_name(json_string_value(json_object_get(e, "verdict")) ?: "");
		if (v < 0 || !verdict_acceptable((enum verdict)v))
			return 0;
	}
	return 1;
}

int bundle_verify(const char *path, const struct trust_store *ts, json_t **result_r, int *ok_r,
		  struct kerr *err)
{
	const char *kephs;
	int valid = 0, rc;
	struct zip_limits lim = zip_default_limits;
	struct zip_archive za = { 0 };
	const struct zip_entry *re;
	struct kbuf b = { 0 };
	json_t *report, *tampered, *diffs, *got = NULL;
	json_error_t jerr;
	char *spool;

	lim.max_entry = 64u << 20;
	lim.max_total = BUNDLE_MAX;
	if (read_file(path, BUNDLE_MAX, &b, err) < 0)
		return -1;
	if (zip_safe_read(b.data, b.len, &lim, &za, err) < 0) {
		kbuf_free(&b);
		return kerr_prefix(err, "%s", path);
	}
	kbuf_free(&b);
	re = zip_archive_find(&za, "report.json");
	report = re ? json_loadb((const char *)re->data, re->len, 0, &jerr) : NULL;
	if (report == NULL ||
	    strcmp(json_string_value(json_object_get(report, "format")) ?: "", BUNDLE_FORMAT)) {
		zip_archive_free(&za);
		json_decref(report);
		return kerr_set(err, KERR_MALFORMED, "%s: no %s report.json in the bundle", path,
				BUNDLE_FORMAT);
	}
	tampered = json_array();
	diffs = json_array();
	check_files(&za, report, tampered);
	check_reports(&za, report, tampered);
	kephs = kephs_from_bundle(&za, report, ts);
	/* No store here: a large part decodes beside the bundle (an unlinked
	 * file; in memory when that directory takes none), never in $TMPDIR. */
	spool = path_dir(path);
	rc = reverify_archive(&za, report, ts, spool, &got, err);
	free(spool);
	if (rc < 0) {
		/* A package too damaged to verify is a finding, not a failure. */
		json_array_append_new(diffs, json_sprintf("re-verification failed: %s", err->msg));
		got = json_null();
	} else {
		compare_all(json_object_get(report, "reverified"), got, diffs);
		valid = all_acceptable(got);
	}
	zip_archive_free(&za);
	*ok_r = json_array_size(tampered) == 0 && json_array_size(diffs) == 0;
	*result_r = json_pack("{s:s, s:b, s:o, s:b, s:o, s:b, s:s, s:o, s:o}", "bundle", path,
			      "intact", json_array_size(tampered) == 0, "tampered", tampered,
			      "same_verdicts", json_array_size(diffs) == 0, "differences", diffs,
			      "verdicts_valid", valid, "kephs_from", kephs,
			      "reverified", got, "report", report);
	return 0;
}
