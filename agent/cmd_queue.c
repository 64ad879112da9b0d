/* cmd_queue.c: `kepagent queue list|claim|show|fetch|ack|reject`: the import
 * queue from the command line, reading the store directly (safe alongside
 * the running daemon). Same semantics and JSON as /v1/queue (import_queue.h). */

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli_store.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "store_queue.h"
#include "reply.h"
#include "import_queue.h"

struct qopts {
	int json;
	const char *account, *state, *lease, *reason, *what, *output;
	long count, lease_seconds, limit, offset, retry_after, index;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kepagent queue list [--account NAME] [--state STATE] [--limit N] [--offset N]\n"
		"       kepagent queue claim [--account NAME] [--count N] [--lease-seconds S]\n"
		"       kepagent queue show ID --lease TOKEN\n"
		"       kepagent queue fetch ID --lease TOKEN [--what original|package|eyp|attachment]\n"
		"                            [--index N] [-o FILE]\n"
		"       kepagent queue ack ID --lease TOKEN\n"
		"       kepagent queue reject ID --lease TOKEN --reason TEXT [--retry-after S]\n"
		"\n"
		"The import queue EBYS takes received messages from. ID is the package id.\n"
		"A claim leases items to the claimer (a random token) for lease-seconds\n"
		"(default: queue.lease_seconds); show, fetch, ack and reject need that lease.\n"
		"Acknowledging is final and idempotent; a rejected item comes back after\n"
		"--retry-after seconds (default 60) until queue.max_attempts, then it is parked.\n"
		"\n"
		"  --state STATE   pending (default), claimed, acked, rejected, parked or all\n"
		"  --json          print JSON (the shapes of the local API)\n"
		"  -h, --help      show this help\n");
}

static void print_items(json_t *j)
{
	json_t *items = json_object_get(j, "items"), *it;
	size_t i;

	json_array_foreach(items, i, it) {
		printf("%-6lld %-8s %-12s %-36s attempts %lld  %s\n",
		       (long long)json_integer_value(json_object_get(it, "id")),
		       json_string_value(json_object_get(it, "state")),
		       json_string_value(json_object_get(it, "account")),
		       json_string_value(json_object_get(it, "kep_id")),
		       (long long)json_integer_value(json_object_get(it, "attempts")),
		       json_string_value(json_object_get(it, "subject")) ?: "");
		if (json_object_get(it, "lease") != NULL && !json_is_null(json_object_get(it, "lease")))
			printf("       lease %s until %s\n",
			       json_string_value(json_object_get(it, "lease")),
			       json_string_value(json_object_get(it, "lease_until")) ?: "-");
	}
	if (json_object_get(j, "total") != NULL)
		printf("%zu shown, %lld in all\n", json_array_size(items),
		       (long long)json_integer_value(json_object_get(j, "total")));
}

/* Scalars as "key: value" lines, then attachments and checks. */
static void print_detail(json_t *j)
{
	const char *k;
	json_t *v, *x;
	size_t i;

	reply_print_fields(j, 1);
	json_object_foreach(json_object_get(j, "ustveri"), k, v)
		if (json_is_string(v))
			printf("ustveri.%-6s %s\n", k, json_string_value(v));
	json_array_foreach(json_object_get(j, "attachments"), i, x)
		printf("attachment %lld  %s  %lld bytes  %s\n",
		       (long long)json_integer_value(json_object_get(x, "index")),
		       json_string_value(json_object_get(x, "safe_name")),
		       (long long)json_integer_value(json_object_get(x, "size")),
		       json_string_value(json_object_get(x, "content_type")) ?: "");
	/* ack and reject answer without a verification: nothing to print. */
	if ((v = json_object_get(j, "verification")) == NULL)
		return;
	printf("verification   %s\n", json_string_value(json_object_get(v, "overall")) ?: "");
	reply_print_checks(json_object_get(v, "checks"));
}

static int parse(int argc, char **argv, struct qopts *o)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "account", required_argument, NULL, 'a' },
		{ "state", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ "offset", required_argument, NULL, 'O' },
		{ "count", required_argument, NULL, 'n' },
		{ "lease-seconds", required_argument, NULL, 'S' },
		{ "lease", required_argument, NULL, 'L' },
		{ "reason", required_argument, NULL, 'r' },
		{ "retry-after", required_argument, NULL, 'R' },
		{ "what", required_argument, NULL, 'w' },
		{ "index", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long *num;
	char *end;
	int c;

	/* 0, not 1: glibc then re-initialises fully, so options may follow
	 * the subcommand word (argument permutation). */
	optind = 0;
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		num = NULL;
		switch (c) {
		case 'j': o->json = 1; break;
		case 'a': o->account = optarg; break;
		case 's': o->state = optarg; break;
		case 'L': o->lease = optarg; break;
		case 'r': o->reason = optarg; break;
		case 'w': o->what = optarg; break;
		case 'o': o->output = optarg; break;
		case 'l': num = &o->limit; break;
		case 'O': num = &o->offset; break;
		case 'n': num = &o->count; break;
		case 'S': num = &o->lease_seconds; break;
		case 'R': num = &o->retry_after; break;
		case 'i': num = &o->index; break;
		default: return cmd_help(c, usage);
		}
		if (num != NULL) {
			*num = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || *num < 0)
				return cmd_usage_error("queue", "'%s' is not a non-negative integer",
						       optarg);
		}
	}
	return -1;
}

static int write_out(const char *path, const struct kbuf *b)
{
	struct kerr err;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
			return KEXIT_FAILURE;
		return KEXIT_OK;
	}
	if (write_file_atomic(path, b->data ? (const void *)b->data : "", b->len, 0600, &err) < 0) {
		log_error("queue fetch: %s", err.msg);
		return KEXIT_FAILURE;
	}
	return KEXIT_OK;
}

static int run(const char *sub, int64_t id, struct qopts *o, struct config *cfg,
	       struct store *st)
{
	const char *code = NULL;
	struct kbuf b = { 0 };
	json_t *j = NULL;
	struct kerr err;
	int rc = -1, state;

	if (strcmp(sub, "list") == 0) {
		state = o->state == NULL ? STORE_Q_PENDING :
			strcmp(o->state, "all") == 0 ? -1 : store_queue_state_from_name(o->state);
		if (o->state != NULL && strcmp(o->state, "all") != 0 && state < 0)
			return cmd_usage_error("queue", "unknown state '%s'", o->state);
		rc = import_queue_list(st, o->account, state, (size_t)(o->limit ? o->limit : 100),
				    (size_t)o->offset, &j, &err);
	} else if (strcmp(sub, "claim") == 0) {
		rc = import_queue_claim(st, cfg, o->account, (size_t)(o->count ? o->count : 1),
				     o->lease_seconds, &j, &err);
	} else if (strcmp(sub, "show") == 0) {
		rc = import_queue_detail(st, id, o->lease, &j, &code, &err);
	} else if (strcmp(sub, "ack") == 0) {
		rc = import_queue_ack(st, cfg, id, o->lease, "cli", &j, &code, &err);
	} else if (strcmp(sub, "reject") == 0) {
		rc = import_queue_reject(st, cfg, id, o->lease, o->reason, o->retry_after, "cli", &j,
				      &code, &err);
	} else {
		static const char *const names[] = { "original", "package", "eyp", "attachment" };
		struct import_content_meta meta;
		size_t w;

		for (w = 0; w < 4 && strcmp(names[w], o->what ? o->what : "original") != 0; w++)
			;
		if (w == 4)
			return cmd_usage_error("queue", "--what: original, package, eyp or attachment");
		rc = import_queue_content(st, id, o->lease, (enum import_content)w, (int)o->index, &b,
				       &meta, &code, &err);
		if (rc == 0) {
			import_content_meta_free(&meta);
			rc = write_out(o->output, &b);
		}
		else
			rc = cli_fail("queue fetch", code, &err);
		kbuf_free(&b);
		return rc;
	}
	if (rc < 0)
		return cli_fail("queue", code, &err);
	if (o->json)
		reply_print_json(j);
	else if (json_object_get(j, "items") != NULL)
		print_items(j);
	else
		print_detail(j);
	json_decref(j);
	return KEXIT_OK;
}

int cmd_queue(struct cmd_ctx *ctx, int argc, char **argv)
{
	struct qopts o = { .retry_after = -1 };
	struct config *cfg = NULL;
	struct store *st = NULL;
	const char *sub;
	int64_t id = 0;
	char *end;
	int rc, need_id;

	if ((rc = parse(argc, argv, &o)) >= 0)
		return rc;
	if (optind >= argc)
		return cmd_usage_error("queue", "list, claim, show, fetch, ack or reject expected");
	sub = argv[optind++];
	need_id = strcmp(sub, "list") != 0 && strcmp(sub, "claim") != 0;
	if (need_id && strcmp(sub, "show") && strcmp(sub, "fetch") && strcmp(sub, "ack") &&
	    strcmp(sub, "reject"))
		return cmd_usage_error("queue", "unknown queue command '%s'", sub);
	if (need_id) {
		if (optind >= argc || (id = strtoll(argv[optind], &end, 10)) <= 0 || *end != '\0')
			return cmd_usage_error("queue", "%s needs an item ID", sub);
		optind++;
		if (o.lease == NULL)
			return cmd_usage_error("queue", "%s needs --lease TOKEN (from queue claim)",
					       sub);
	}
	if (optind != argc)
		return cmd_usage_error("queue", "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_store_open(ctx->config_path, "queue", &cfg, &st)) != 0)
		return rc;
	rc = run(sub, id, &o, cfg, st);
	cli_store_close(&cfg, &st);
	return rc;
}
