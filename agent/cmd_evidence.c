/* cmd_evidence.c: `kepagent evidence search|show|export|verify`: auditor
 * queries over the store (evidence_query.h), evidence bundles of one message,
 * and their offline re-verification without the store (bundle.h). */

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bundle.h"
#include "trust_config.h"
#include "cli_store.h"
#include "csv_out.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "store_search.h"
#include "reply.h"
#include "verdict.h"
#include "evidence_query.h"
#include "trust.h"

struct eopts {
	int json, csv, packages;
	struct store_search q;
	const char *output;
	struct trust_store *ts;   /* --anchors, --kephs or --crl given */
	struct trust_files *tf;   /* their certificates and CRLs until parsed */
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kepagent evidence search [--packages] [--csv] [--from TIME] [--to TIME]\n"
		"                [--account NAME] [--counterpart ADDR] [--stage CODE]\n"
		"                [--verdict V] [--folder F] [--limit N] [--offset N]\n"
		"       kepagent evidence show EVIDENCE-ID\n"
		"       kepagent evidence export PACKAGE-ID -o BUNDLE.zip\n"
		"       kepagent evidence verify [--anchors PATH]... [--kephs PATH]... [--crl FILE]...\n"
		"                BUNDLE.zip\n"
		"\n"
		"Auditor queries. search lists evidence items (or, with --packages, packages)\n"
		"by time (RFC 3339 or YYYY-MM-DD), account, counterpart address, stage\n"
		"(delilTurId) and verdict. export writes one message's evidence bundle: its\n"
		"bytes, every evidence file, certificates, time stamps and a report. verify\n"
		"re-verifies a bundle offline without the store, with the configuration's\n"
		"trust anchors (or --anchors, with --kephs naming the KEPHS signing\n"
		"certificates, CRLs among the anchors' files or given by --crl), and\n"
		"compares with the bundle's report.\n"
		"\n"
		"  --json        print JSON (the shapes of the local API)\n"
		"  --csv         search: print CSV for spreadsheets (RFC 4180, UTF-8, the\n"
		"                JSON field names as the header row)\n"
		"  -h, --help    show this help\n"
		"\n"
		"Exit (verify): 0 intact, the same verdicts and all valid; 1 tampered or a\n"
		"verdict differs; 9 intact and the same, but a verdict is not valid.\n");
}

static int parse(int argc, char **argv, struct eopts *o)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'C' },
		{ "packages", no_argument, NULL, 'P' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "account", required_argument, NULL, 'a' },
		{ "counterpart", required_argument, NULL, 'c' },
		{ "stage", required_argument, NULL, 's' },
		{ "verdict", required_argument, NULL, 'V' },
		{ "folder", required_argument, NULL, 'F' },
		{ "limit", required_argument, NULL, 'l' },
		{ "offset", required_argument, NULL, 'O' },
		{ "output", required_argument, NULL, 'o' },
		{ "anchors", required_argument, NULL, 'A' },
		{ "kephs", required_argument, NULL, 'K' },
		{ "crl", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kerr err;
	char *end;
	long v;
	int c;

	/* 0, not 1: glibc then re-initialises fully, so options may follow
	 * the subcommand word (argument permutation). */
	optind = 0;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case 'j': o->json = 1; break;
		case 'C': o->csv = 1; break;
		case 'P': o->packages = 1; break;
		case 'a': o->q.account = optarg; break;
		case 'c': o->q.counterpart = optarg; break;
		case 'V':
			if (verdict_from_name(optarg) < 0)
				return cmd_usage_error("evidence", "--verdict: unknown verdict '%s'",
						       optarg);
			o->q.verdict = optarg;
			break;
		case 'F': o->q.folder = optarg; break;
		case 'o': o->output = optarg; break;
		case 'f':
		case 't':
			if (reply_parse_time(optarg, c == 'f' ? &o->q.from : &o->q.to, &err) < 0)
				return cmd_usage_error("evidence", "%s", err.msg);
			break;
		case 's':
		case 'l':
		case 'O':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 0 || (c == 'l' && v > 1000))
				return cmd_usage_error("evidence", "'%s' is not a valid number", optarg);
			if (c == 's')
				o->q.stage = v;
			else if (c == 'l')
				o->q.limit = (size_t)v;
			else
				o->q.offset = (size_t)v;
			break;
		case 'A':
		case 'K':
		case 'R':
			/* Read as `kepagent verify` reads them (trust_config.h). */
			if (o->ts == NULL) {
				o->ts = trust_new();
				o->tf = trust_files_new(o->ts);
			}
			if ((c == 'K' ? trust_load_kephs(o->ts, NULL, optarg, &err)
			     : c == 'R' ? trust_files_add_crl(o->tf, optarg, &err)
			     : trust_files_add(o->tf, TRUST_ANCHOR, optarg, &err)) < 0) {
				log_error("evidence: %s%s", c == 'R' ? "--crl " : "", err.msg);
				return KEXIT_CONFIG;
			}
			break;
		default: return cmd_help(c, usage);
		}
	}
	if (o->tf != NULL && trust_files_done(&o->tf, &err) < 0) {
		log_error("evidence: %s", err.msg);
		return KEXIT_CONFIG;
	}
	return -1;
}

/* The CSV columns: the fields of the Evidence and Package objects. */
static const char *const evidence_columns[] = {
	"id", "delil_id", "delil_tur_id", "label", "known", "event_time", "provider_time",
	"issuer", "verdict", "reason", "account", "kep_id", "package_id", "carrier_package_id",
	NULL,
};
static const char *const package_columns[] = {
	"id", "account", "folder", "kep_id", "subject", "sender", "sender_kep", "recipients",
	"date", "provider_time", "stored_at", "verdict", NULL,
};

static void print_items(json_t *j, int packages)
{
	json_t *x;
	size_t i;

	json_array_foreach(json_object_get(j, "items"), i, x) {
		if (packages) {
			printf("%-6lld %-12s %-8s %-36s %-18s %s\n",
			       (long long)json_integer_value(json_object_get(x, "id")),
			       json_string_value(json_object_get(x, "account")),
			       json_string_value(json_object_get(x, "folder")),
			       json_string_value(json_object_get(x, "kep_id")),
			       json_string_value(json_object_get(x, "verdict")) ?: "-",
			       json_string_value(json_object_get(x, "subject")) ?: "");
		} else {
			printf("%-6lld %-4lld ", (long long)json_integer_value(json_object_get(x, "id")),
			       (long long)json_integer_value(json_object_get(x, "delil_tur_id")));
			reply_print_column(json_string_value(json_object_get(x, "label")), 28);
			printf("%-20s %-18s %-36s %s\n",
			       json_string_value(json_object_get(x, "event_time")) ?: "-",
			       json_string_value(json_object_get(x, "verdict")),
			       json_string_value(json_object_get(x, "kep_id")) ?: "-",
			       json_string_value(json_object_get(x, "issuer")) ?: "-");
		}
	}
}

/* One evidence record as "key value" lines, then its checks. */
static void print_show(json_t *j)
{
	reply_print_fields(j, 0);
	reply_print_checks(json_object_get(j, "checks"));
}

static void print_verify(json_t *r)
{
	json_t *x;
	size_t i;

	printf("bundle: %s\n", json_string_value(json_object_get(r, "bundle")));
	json_array_foreach(json_object_get(r, "tampered"), i, x)
		printf("  TAMPERED %s\n", json_string_value(x));
	json_array_foreach(json_object_get(r, "differences"), i, x)
		printf("  DIFFERS  %s\n", json_string_value(x));
	x = json_object_get(json_object_get(r, "reverified"), "package");
	printf("package overall: %s\n", json_string_value(json_object_get(x, "overall")) ?: "-");
	json_array_foreach(json_object_get(json_object_get(r, "reverified"), "evidence"), i, x)
		printf("evidence %s: %s (%s)\n", json_string_value(json_object_get(x, "file")) ?: "",
		       json_string_value(json_object_get(x, "verdict")) ?: "-",
		       json_string_value(json_object_get(x, "reason")) ?: "");
	printf("files: %s\nverdicts: %s\n",
	       json_is_true(json_object_get(r, "intact")) ? "intact" : "TAMPERED",
	       json_is_true(json_object_get(r, "same_verdicts")) ?
	       "the same as the bundle's report" : "DIFFERENT from the bundle's report");
	printf("valid: %s\n", json_is_true(json_object_get(r, "verdicts_valid")) ? "yes" :
	       "NO (a verdict above is not valid: this evidence does not prove the message)");
	if (strcmp(json_string_value(json_object_get(r, "kephs_from")) ?: "", "bundle") == 0)
		printf("note: no KEPHS signer configured: signer roles were judged against the "
		       "KEPHS certificates the bundle names; give --kephs PATH to judge them "
		       "independently\n");
}

static int verify(struct cmd_ctx *ctx, struct eopts *o, const char *path)
{
	struct config *cfg = NULL;
	json_t *r = NULL;
	struct kerr err;
	int ok = 0, valid;

	/* Offline and without the store: trust comes from --anchors or the
	 * configuration's trust section only. */
	if (o->ts == NULL) {
		o->ts = trust_new();
		if (config_load(ctx->config_path, &cfg, &err) < 0 ||
		    trust_load_config(cfg, o->ts, &err) < 0) {
			log_error("evidence verify: no --anchors and no usable configuration: %s",
				  err.msg);
			config_free(&cfg);
			return KEXIT_CONFIG;
		}
		config_free(&cfg);
	}
	if (bundle_verify(path, o->ts, &r, &ok, &err) < 0)
		return cli_fail("evidence verify", NULL, &err);
	if (o->json)
		reply_print_json(r);
	else
		print_verify(r);
	valid = json_is_true(json_object_get(r, "verdicts_valid"));
	json_decref(r);
	return !ok ? KEXIT_FAILURE : valid ? KEXIT_OK : KEXIT_NOT_VALID;
}

static int with_store(struct cmd_ctx *ctx, struct eopts *o, const char *sub, int64_t id)
{
	struct config *cfg = NULL;
	struct store *st = NULL;
	json_t *j = NULL;
	struct kerr err;
	int rc;

	if ((rc = cli_store_open(ctx->config_path, "evidence", &cfg, &st)) != 0)
		return rc;
	if (strcmp(sub, "export") == 0) {
		struct trust_store *ts = trust_new();

		rc = trust_load_config(cfg, ts, &err);
		if (rc == 0)
			rc = bundle_export(st, ts, id, o->output, NULL, &err);
		trust_free(&ts);
		if (rc == 0 && !o->json)
			printf("%s\n", o->output);
		else if (rc == 0)
			j = json_pack("{s:s, s:I}", "bundle", o->output, "package_id", (json_int_t)id);
	} else if (strcmp(sub, "show") == 0) {
		rc = evidence_query_show(st, id, &j, &err);
	} else if (o->packages) {
		rc = evidence_query_packages(st, &o->q, &j, &err);
	} else {
		rc = evidence_query_search(st, &o->q, &j, &err);
	}
	cli_store_close(&cfg, &st);
	if (rc < 0)
		return cli_fail("evidence", NULL, &err);
	if (j != NULL && o->json)
		reply_print_json(j);
	else if (j != NULL && o->csv)
		csv_write_items(stdout, json_object_get(j, "items"),
				o->packages ? package_columns : evidence_columns);
	else if (j != NULL && strcmp(sub, "show") == 0)
		print_show(j);
	else if (j != NULL)
		print_items(j, o->packages);
	json_decref(j);
	return KEXIT_OK;
}

int cmd_evidence(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct eopts o = { 0 };
	const char *sub;
	int64_t id = 0;
	char *end;
	int rc;

	if ((rc = parse(argc, argv, &o)) >= 0)
		goto out;
	rc = KEXIT_USAGE;
	if (optind >= argc) {
		cmd_usage_error("evidence", "search, show, export or verify expected");
		goto out;
	}
	sub = argv[optind++];
	if (o.csv && (strcmp(sub, "search") != 0 || o.json)) {
		cmd_usage_error("evidence", "--csv is for search, without --json");
		goto out;
	}
	if (strcmp(sub, "verify") == 0) {
		if (optind != argc - 1)
			cmd_usage_error("evidence", "verify needs exactly one BUNDLE");
		else
			rc = verify(ctx, &o, argv[optind]);
		goto out;
	}
	if (strcmp(sub, "show") == 0 || strcmp(sub, "export") == 0) {
		if (optind != argc - 1 || (id = strtoll(argv[optind], &end, 10)) <= 0 || *end) {
			cmd_usage_error("evidence", "%s needs one numeric id", sub);
			goto out;
		}
		if (strcmp(sub, "export") == 0 && o.output == NULL) {
			cmd_usage_error("evidence", "export needs -o BUNDLE.zip");
			goto out;
		}
	} else if (strcmp(sub, "search") != 0 || optind != argc) {
		cmd_usage_error("evidence", "unknown evidence command or extra argument");
		goto out;
	}
	rc = with_store(ctx, &o, sub, id);
out:
	trust_files_free(&o.tf);
	trust_free(&o.ts);
	return rc;
}
