/* cmd_status.c: `kepagent status [--json] KEY...`: delivery status of sent
 * messages ("KEP Delili Durumu") by kepId, OrgMesajId/Message-ID,
 * X-TR-REM-iletiID or BelgeNo, read from the store (status_lookup.h). Exit 0
 * when every key was found, 8 when one was not. */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli_store.h"
#include "commands.h"
#include "config.h"
#include "store.h"
#include "reply.h"
#include "status_lookup.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kepagent status [--json] KEY...\n"
		"\n"
		"Shows how far each sent message got: the furthest stage reached (10 Kabul\n"
		"Edildi < 20 < 40 Teslim Edildi < 60 Okundu), any failure (11, 21, 31, 41) and\n"
		"every evidence item with its time, issuer and verification verdict. KEY is a\n"
		"kepId, OrgMesajId/Message-ID, X-TR-REM-iletiID or e-Yazisma BelgeNo.\n"
		"\n"
		"  --json        print JSON ({\"results\": [...]}, one per KEY, as the local API)\n"
		"  -h, --help    show this help\n"
		"\n"
		"Exit: 0 every KEY found, 8 some KEY unknown.\n");
}

static void print_text(json_t *r)
{
	json_t *ev;
	size_t i;

	if (!json_is_true(json_object_get(r, "found"))) {
		printf("%s: not found: %s\n", json_string_value(json_object_get(r, "key")),
		       json_string_value(json_object_get(r, "message")));
		return;
	}
	printf("%s: %s", json_string_value(json_object_get(r, "key")),
	       json_string_value(json_object_get(r, "label")) ?: "no evidence yet");
	if (json_is_integer(json_object_get(r, "stage")))
		printf(" (%lld)", (long long)json_integer_value(json_object_get(r, "stage")));
	if (json_is_integer(json_object_get(r, "failure")))
		printf("; failure: %s (%lld)",
		       json_string_value(json_object_get(r, "failure_label")),
		       (long long)json_integer_value(json_object_get(r, "failure")));
	if (json_is_object(json_object_get(r, "outbox"))) {
		json_t *o = json_object_get(r, "outbox");

		/* Not a stored package yet: where the outbox item stands. */
		printf("%s  [outbox item %lld %s, account %s]\n",
		       json_is_true(json_object_get(r, "final")) ? "; final" : "",
		       (long long)json_integer_value(json_object_get(o, "id")),
		       json_string_value(json_object_get(o, "state")),
		       json_string_value(json_object_get(r, "account")));
		return;
	}
	printf("%s  [kepId %s, account %s]\n",
	       json_is_true(json_object_get(r, "final")) ? "; final" : "",
	       json_string_value(json_object_get(r, "kep_id")) ?: "-",
	       json_string_value(json_object_get(r, "account")));
	json_array_foreach(json_object_get(r, "evidence"), i, ev) {
		printf("  %-4lld ", (long long)json_integer_value(json_object_get(ev, "delil_tur_id")));
		reply_print_column(json_string_value(json_object_get(ev, "label")), 28);
		printf("%-20s %-18s %s\n",
		       json_string_value(json_object_get(ev, "event_time")) ?: "-",
		       json_string_value(json_object_get(ev, "verdict")),
		       json_string_value(json_object_get(ev, "issuer")) ?: "-");
	}
}

int cmd_status(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg = NULL;
	struct store *st = NULL;
	json_t *out = NULL, *r;
	struct kerr err;
	int c, json = 0, rc;
	size_t i;

	/* 0, not 1: glibc then re-initialises fully, so options may follow
	 * the subcommand word (argument permutation). */
	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j') {
			json = 1;
		} else {
			return cmd_help(c, usage);
		}
	}
	if (optind >= argc)
		return cmd_usage_error("status", "at least one KEY expected");
	if ((rc = cli_store_open(ctx->config_path, "status", &cfg, &st)) != 0)
		return rc;
	if (status_lookup_batch(st, (const char *const *)argv + optind, (size_t)(argc - optind),
			     &out, &err) < 0) {
		rc = cli_fail("status", NULL, &err);
	} else {
		if (json)
			reply_print_json(out);
		json_array_foreach(json_object_get(out, "results"), i, r) {
			if (!json)
				print_text(r);
			if (!json_is_true(json_object_get(r, "found")))
				rc = KEXIT_NOTFOUND;
		}
	}
	json_decref(out);
	cli_store_close(&cfg, &st);
	return rc;
}
