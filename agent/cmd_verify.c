/* cmd_verify.c: `kepagent verify [--json] [--anchors PATH]... FILE`: verifies
 * one KEP package (.eml: envelope, original, time stamps) or one evidence
 * document (.xml or .zip; with --original FILE its digest is checked against
 * that message, delil_verdict.h) and prints a report. Offline by default: no
 * network unless --revocation online|require. Trust comes from --anchors /
 * --kamusm / --tsa-anchors / --intermediates, or else from the
 * configuration file's trust section; CRLs among the trust files, and any
 * --crl FILE, answer revocation offline (trust_config.h). Exit 0 when the overall verdict is
 * valid or revocation-unknown (which offline mode always gives), 1 when
 * it is worse, 2 on usage errors, 3 when the trust configuration is bad. */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "chain_cache.h"
#include "cms_verify.h"
#include "commands.h"
#include "config.h"
#include "delil_verdict.h"
#include "err.h"
#include "log.h"
#include "reply.h"
#include "revocation.h"
#include "trust.h"
#include "trust_config.h"
#include "util.h"
#include "verify_package.h"

#define VERIFY_MAX_FILE (64u << 20)

struct vopts {
	int json;
	const char *rev;
	time_t at;
	struct trust_store *ts;
	struct trust_files *tf;  /* the CRLs of --anchors... and --crl */
	const char *original;   /* --original: the message a delil's digest covers */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kepagent verify [OPTIONS] FILE\n"
		"\n"
		"Verifies a KEP package (.eml) or an evidence document (.xml, .zip) offline\n"
		"and prints one line per check and the overall verdict.\n"
		"\n"
		"  --json                 print the report as JSON\n"
		"  --anchors PATH         trust anchors: PEM file, directory or Kamu SM XML\n"
		"                         (repeatable; default: the configuration's trust)\n"
		"  --kamusm FILE          Kamu SM certificate store XML (repeatable)\n"
		"  --tsa-anchors PATH     time-stamp authority anchors (repeatable)\n"
		"  --intermediates PATH   extra intermediate certificates (repeatable)\n"
		"  --crl FILE             CRLs (PEM or DER) for offline revocation, beside\n"
		"                         those among the trust files (repeatable)\n"
		"  --kephs PATH           KEPHS signing certificates: who may sign envelopes\n"
		"                         and delils (repeatable; default: trust.kephs)\n"
		"  --revocation MODE      offline (default), online or require\n"
		"  --at TIME              judge certificates at TIME (seconds since the epoch)\n"
		"  --original FILE        for an evidence document: the original message its\n"
		"                         digest covers (without it the digest is not checked)\n"
		"  -h, --help             show this help\n"
		"\n"
		"Exit: 0 valid or revocation-unknown, 1 any worse verdict, 2 usage,\n"
		"3 trust configuration.\n");
}

static void fmt_t(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_report(const char *file, const char *kind, const struct pkg_report *r,
			 int json)
{
	size_t i;

	if (json) {
		json_t *checks = json_array(), *o;
		char *s;

		json_t *extra = json_array();

		for (i = 0; i < r->n; i++)
			json_array_append_new(checks, reply_pkg_check_json(&r->checks[i]));
		for (i = 0; i < r->n_extras; i++) {
			const struct pkg_extra *x = &r->extras[i];

			json_array_append_new(extra, json_pack("{s:s, s:s, s:s, s:s?, s:I, s:I, s:b}",
				"in", x->where, "path", x->path, "content_type", x->content_type,
				"file_name", x->filename[0] ? x->filename : NULL,
				"offset", (json_int_t)x->off, "length", (json_int_t)x->len,
				"signed", x->is_signed));
		}
		o = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s?, s:s?, s:s?}", "file", file, "kind",
			      kind, "overall", verdict_name(r->overall), "checks", checks,
			      "unsigned_content", extra, "notes", r->notes[0] ? r->notes : NULL,
			      "subject", r->subject, "message_id", r->message_id);
		s = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		printf("%s\n", s);
		free(s);
		json_decref(o);
		return;
	}
	printf("%s (%s)\n", file, kind);
	if (r->subject != NULL)
		printf("  subject: %s\n", r->subject);
	for (i = 0; i < r->n; i++) {
		const struct pkg_check *c = &r->checks[i];
		char a[40], b[40], d[40];

		fmt_t(c->signing_time, a, sizeof(a));
		fmt_t(c->timestamp_time, b, sizeof(b));
		fmt_t(c->validation_time, d, sizeof(d));
		printf("  %-20s %-18s %s\n", c->name, verdict_name(c->verdict), c->reason);
		if (c->signer[0] != '\0')
			printf("  %-20s signer: %s (serial %s)\n", "", c->signer,
			       c->serial[0] ? c->serial : "-");
		if (c->validation_time != 0)
			printf("  %-20s signed %s, time stamp %s, judged at %s, revocation %s\n", "",
			       a, b, d, rev_status_name(c->revocation));
	}
	if (r->notes[0] != '\0')
		printf("  note: %s\n", r->notes);
	printf("overall: %s\n", verdict_name(r->overall));
}

/* A delil judged by delil_judge() and shown as its two checks and overall
 * verdict. Without the original the digest is not checked, and said so. */
static int verify_evidence_file(const struct verify_opts *vo, const struct kbuf *b,
				const struct kbuf *orig, struct pkg_report *r, struct kerr *err)
{
	struct evidence_opts eo = { 0 };
	struct delil_verdict dv;
	const struct evidence *ev = &dv.ev;
	struct pkg_check *c;

	memset(r, 0, sizeof(*r));
	eo.verify = vo;
	eo.anchors = trust_x509_store(vo->trust, TRUST_ANCHOR);
	eo.intermediates = trust_intermediates(vo->trust);
	eo.at = vo->validation_time;
	if (orig != NULL) {
		eo.original = orig->data != NULL ? (const void *)orig->data : "";
		eo.original_len = orig->len;
	}
	if (delil_judge(b->data, b->len, &eo, &dv, err) < 0)
		return -1;
	r->checks = xcalloc(2, sizeof(*r->checks));
	r->n = ev->verdict == VERDICT_MALFORMED ? 1 : 2;
	c = &r->checks[0];
	snprintf(c->name, sizeof(c->name), "%s", DELIL_CHECK_SIGNATURE);
	c->verdict = ev->verdict;
	snprintf(c->reason, sizeof(c->reason), "%s", ev->reason);
	snprintf(c->signer, sizeof(c->signer), "%s", ev->signer_subject);
	snprintf(c->serial, sizeof(c->serial), "%s", ev->signer_serial);
	snprintf(c->issuer, sizeof(c->issuer), "%s", ev->signer_issuer);
	c = &r->checks[1];
	snprintf(c->name, sizeof(c->name), "%s", DELIL_CHECK_DIGEST);
	c->verdict = dv.digest_verdict;
	if (orig == NULL)
		snprintf(c->reason, sizeof(c->reason), "not checked: no --original given");
	else
		snprintf(c->reason, sizeof(c->reason), "%s", ev->digest_reason);
	r->overall = dv.verdict;
	snprintf(r->notes, sizeof(r->notes), "%.420s%s", dv.reason,
		 orig == NULL && ev->verdict != VERDICT_MALFORMED
		 ? " (give --original FILE, the original message, to check the digest)" : "");
	if (ev->type != NULL)
		r->subject = xasprintf("%s (delil %d)", ev->type, ev->delil_code);
	if (ev->evidence_id != NULL)
		r->message_id = xstrdup(ev->evidence_id);
	delil_verdict_free(&dv);
	return 0;
}

static void vopts_free(struct vopts *v)
{
	trust_files_free(&v->tf);
	trust_free(&v->ts);
}

static int trust_from_config(struct cmd_ctx *ctx, struct vopts *v, struct kerr *err)
{
	struct config *cfg = NULL;
	int rc;

	if (config_load(ctx->config_path, &cfg, err) < 0)
		return -1;
	rc = trust_load_config(cfg, v->ts, err);
	config_free(&cfg);
	return rc;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcasecmp(s + a - b, suffix) == 0;
}

int cmd_verify(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "anchors", required_argument, NULL, 'a' },
		{ "kamusm", required_argument, NULL, 'k' },
		{ "tsa-anchors", required_argument, NULL, 't' },
		{ "intermediates", required_argument, NULL, 'i' },
		{ "kephs", required_argument, NULL, 'K' },
		{ "crl", required_argument, NULL, 'C' },
		{ "revocation", required_argument, NULL, 'r' },
		{ "at", required_argument, NULL, 'A' },
		{ "original", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vopts v = { .rev = "offline" };
	struct verify_opts vo = { 0 };
	struct revocation *rv = NULL;
	struct pkg_report rep;
	struct kbuf b = { 0 }, orig = { 0 };
	struct kerr err;
	const char *file, *kind;
	int c, rc, mode, explicit = 0;
	char *end;

	v.ts = trust_new();
	v.tf = trust_files_new(v.ts);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		enum trust_kind k = TRUST_ANCHOR;
		switch (c) {
		case 'j':
			v.json = 1;
			continue;
		case 'r':
			v.rev = optarg;
			continue;
		case 'O':
			v.original = optarg;
			continue;
		case 'C':
			if (trust_files_add_crl(v.tf, optarg, &err) < 0) {
				log_error("verify: --crl %s", err.msg);
				vopts_free(&v);
				return KEXIT_CONFIG;
			}
			continue;
		case 'A':
			v.at = (time_t)strtoll(optarg, &end, 10);
			if (*end != '\0' || v.at <= 0) {
				vopts_free(&v);
				return cmd_usage_error("verify", "--at wants seconds since the epoch");
			}
			continue;
		case 'a':
		case 'k':
			k = TRUST_ANCHOR;
			break;
		case 't':
			k = TRUST_TSA_ANCHOR;
			break;
		case 'i':
			k = TRUST_INTERMEDIATE;
			break;
		case 'K':
			k = TRUST_KEPHS;
			break;
		default:
			vopts_free(&v);
			return cmd_help(c, usage);
		}
		explicit = 1;
		if (k == TRUST_KEPHS ? trust_load_kephs(v.ts, NULL, optarg, &err) < 0
				     : trust_files_add(v.tf, k, optarg, &err) < 0) {
			log_error("verify: %s", err.msg);
			vopts_free(&v);
			return KEXIT_CONFIG;
		}
	}
	mode = rev_mode_from_name(v.rev);
	if (optind != argc - 1 || mode < 0) {
		vopts_free(&v);
		return cmd_usage_error("verify", mode < 0 ? "--revocation: offline, online or require"
					       : "exactly one FILE expected");
	}
	file = argv[optind];
	if (v.original != NULL && !ends_with(file, ".xml") && !ends_with(file, ".zip")) {
		vopts_free(&v);
		return cmd_usage_error("verify", "--original is for an evidence document (.xml, .zip)");
	}
	if (!explicit && trust_from_config(ctx, &v, &err) < 0) {
		log_error("verify: no --anchors given and the configuration's trust cannot be "
			  "used: %s", err.msg);
		vopts_free(&v);
		return KEXIT_CONFIG;
	}
	if (trust_files_done(&v.tf, &err) < 0) {
		log_error("verify: %s", err.msg);
		vopts_free(&v);
		return KEXIT_CONFIG;
	}
	if (trust_count(v.ts, TRUST_ANCHOR) == 0) {
		vopts_free(&v);
		return cmd_usage_error("verify", "no trust anchor configured (--anchors PATH)");
	}
	rv = revocation_new((enum rev_mode)mode, NULL);
	vo.trust = v.ts;
	vo.rev = rv;
	vo.validation_time = v.at;
	if (read_file(file, VERIFY_MAX_FILE, &b, &err) < 0 ||
	    (v.original != NULL && read_file(v.original, VERIFY_MAX_FILE, &orig, &err) < 0)) {
		rc = -1;
	} else if (ends_with(file, ".xml") || ends_with(file, ".zip")) {
		kind = "evidence";
		rc = verify_evidence_file(&vo, &b, v.original ? &orig : NULL, &rep, &err);
	} else {
		char *spool = path_dir(file); /* no store: beside the file (mime.h) */

		kind = "package";
		rc = verify_package(&vo, b.data, b.len, spool, &rep, &err);
		free(spool);
	}
	if (rc < 0) {
		log_error("verify %s: %s", file, err.msg);
		rc = kerr_exit_code(&err);
	} else {
		print_report(file, kind, &rep, v.json);
		rc = verdict_acceptable(rep.overall) ? KEXIT_OK : KEXIT_FAILURE;
		pkg_report_free(&rep);
	}
	kbuf_free(&b);
	kbuf_free(&orig);
	revocation_free(&rv);
	vopts_free(&v);
	return rc;
}
