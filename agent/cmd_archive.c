/* cmd_archive.c: `kepagent archive`: applies the retention policy now (or,
 * with --dry-run, shows what it would move) and prints each package. */

#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include <jansson.h>

#include "commands.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "retention.h"
#include "store.h"

struct out {
	int json, dry_run;
	json_t *items;
};

static void print_item(void *arg, const struct store_archive_item *it)
{
	struct out *o = arg;

	if (o->json) {
		json_array_append_new(o->items, json_pack(
			"{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:s?, s:s?}",
			"id", (json_int_t)it->package_id, "account", it->account,
			"folder", it->folder, "kepId", it->kep_id,
			"storedAt", (json_int_t)it->stored_at, "size", (json_int_t)it->raw_size,
			"parts", (json_int_t)it->n_parts, "partsSize", (json_int_t)it->parts_size,
			"archive", it->archive, "error", it->error));
		return;
	}
	if (it->error != NULL)
		printf("kept package %lld (%s %s %s): %s\n", (long long)it->package_id,
		       it->account, it->folder, it->kep_id, it->error);
	else
		printf("%s package %lld (%s %s %s, %lld bytes, %zu part(s))%s%s\n",
		       o->dry_run ? "would archive" : "archived", (long long)it->package_id,
		       it->account, it->folder, it->kep_id, (long long)it->raw_size, it->n_parts,
		       it->archive ? " to " : "", it->archive ? it->archive : "");
}

static void print_summary(const struct out *o, const struct config *cfg, int64_t cutoff,
			  const struct store_archive_report *rep, int ok)
{
	char day[16];
	time_t t = (time_t)(cutoff / 1000);
	struct tm tm;
	json_t *j, *files;
	size_t i;

	gmtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (!o->json) {
		printf("%s %zu package(s), %lld bytes, stored before %s (UTC)%s%s; %zu failed\n",
		       o->dry_run ? "would archive" : "archived", rep->n_archived,
		       (long long)rep->bytes, day, o->dry_run ? "" : " into ",
		       o->dry_run ? "" : cfg->retention_archive_dir, rep->n_failed);
		return;
	}
	files = json_array();
	for (i = 0; i < rep->n_archives; i++)
		json_array_append_new(files, json_string(rep->archives[i]));
	j = json_pack("{s:b, s:b, s:I, s:s, s:s, s:I, s:I, s:I, s:o, s:O}",
		      "ok", ok, "dryRun", o->dry_run, "cutoff", (json_int_t)cutoff,
		      "cutoffDate", day, "archiveDir", cfg->retention_archive_dir,
		      "archived", (json_int_t)rep->n_archived, "failed", (json_int_t)rep->n_failed,
		      "bytes", (json_int_t)rep->bytes, "archives", files, "packages", o->items);
	json_dumpf(j, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(j);
}

static int usage(const struct cmd_ctx *ctx)
{
	printf("Usage: kepagent archive [--dry-run] [--json]\n\n"
	       "Applies the retention policy of the configuration (%s) now: the raw\n"
	       "content of packages stored more than retention: archive_after_years ago\n"
	       "is moved to a ZIP archive in retention: archive_dir, verified, and the\n"
	       "store then points at it. Metadata, digests, evidence and the audit log\n"
	       "stay in the store; each move is recorded in the audit log. Refuses to\n"
	       "run when retention is not configured (the default: keep everything).\n\n"
	       "  -n, --dry-run  only list what would be archived; change nothing\n"
	       "  -j, --json     print a machine-readable report on stdout\n"
	       "  -h, --help     show this help\n", ctx->config_path);
	return KEXIT_OK;
}

int cmd_archive(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct out o = { 0 };
	struct store_archive_report rep = { .on_item = print_item, .arg = &o };
	struct config *cfg = NULL;
	struct store *s = NULL;
	struct kerr err = { 0 };
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "njh", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			o.dry_run = 1;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'h':
			return usage(ctx);
		default:
			return cmd_usage_error("archive", "see 'kepagent archive --help'");
		}
	}
	if (optind < argc)
		return cmd_usage_error("archive", "unexpected argument '%s'", argv[optind]);
	if (config_load(ctx->config_path, &cfg, &err) < 0) {
		log_error("%s", err.msg);
		return kerr_exit_code(&err);
	}
	if (retention_cutoff(cfg, now_ms()) == 0) {
		log_error("%s: retention is not configured (retention: archive_after_years is 0):"
			  " packages and evidence are kept in the store forever; nothing to do",
			  cfg->path);
		config_free(&cfg);
		return KEXIT_CONFIG;
	}
	if (store_open(cfg->store_path, &s, &err) < 0) {
		log_error("%s", err.msg);
		config_free(&cfg);
		return kerr_exit_code(&err);
	}
	o.items = json_array();
	rc = retention_apply(cfg, s, o.dry_run, &rep, &err);
	print_summary(&o, cfg, retention_cutoff(cfg, now_ms()), &rep, rc == 0);
	if (rc < 0)
		log_error("%s", err.msg);
	json_decref(o.items);
	store_archive_report_free(&rep);
	store_close(&s);
	config_free(&cfg);
	return rc < 0 ? (err.cls == KERR_IO ? KEXIT_FAILURE : kerr_exit_code(&err)) : KEXIT_OK;
}
