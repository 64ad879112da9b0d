/* cmd_outbox.c: `kepagent outbox list|show|sign|resubmit|abandon`: the
 * outbox for the officer and the operator (resubmit and abandon decide a
 * parked item, outbox.h). `sign` is the officer's signature at a terminal: each item of an
 * officer account waiting in needs-signature (or the ids given) is signed
 * with the card (PIN from sending.pkcs11.pin_file, else asked on the
 * terminal); a refused PIN stops at once and is never tried again. The
 * daemon or `kepagent refresh` submits what was signed. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_store.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "outbox.h"
#include "reply.h"
#include "send.h"
#include "store.h"
#include "store_outbox.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kepagent outbox list [--account NAME] [--state STATE] [--json]\n"
		"       kepagent outbox show [--json] ID|ILETI-ID|MESSAGE-ID\n"
		"       kepagent outbox sign [--account NAME] [ID...]\n"
		"       kepagent outbox resubmit ID\n"
		"       kepagent outbox abandon [--reason TEXT] ID\n"
		"\n"
		"list   the outbox, oldest first: id, state, account, iletiID, subject\n"
		"       (states: accepted, needs-signature, signed, submitting, submitted,\n"
		"       failed, parked)\n"
		"show   one item with its files and, once submitted, its delivery status\n"
		"sign   signs the items waiting for the officer's signature (all of them, or\n"
		"       the ids given) with the card of the account's sending.pkcs11; the PIN\n"
		"       is read from its pin_file or asked on the terminal, once per item, and\n"
		"       never retried\n"
		"resubmit\n"
		"       a parked item is submitted once more at the next run (the sent\n"
		"       folder is asked first); check the provider's web mailbox before\n"
		"abandon\n"
		"       a parked item is given up (failed, with --reason) and never submitted\n"
		"\n"
		"Exit: 0 done, 2 the item is not parked (resubmit, abandon), 4 the card or\n"
		"PIN was refused, 8 no such item.\n");
}

static void print_list(const json_t *out)
{
	const json_t *it;
	size_t i;

	json_array_foreach(json_object_get(out, "items"), i, it) {
		printf("%-6lld %-16s %-12s %-20s ",
		       (long long)json_integer_value(json_object_get(it, "id")),
		       json_string_value(json_object_get(it, "state")),
		       json_string_value(json_object_get(it, "account")),
		       json_string_value(json_object_get(it, "ileti_id")) ?: "-");
		printf("%s\n", json_string_value(json_object_get(it, "subject")) ?: "");
	}
}

static void print_item(const json_t *it)
{
	const json_t *d = json_object_get(it, "delivery");

	printf("outbox item %lld: %s\n", (long long)json_integer_value(json_object_get(it, "id")),
	       json_string_value(json_object_get(it, "state")));
	printf("  account     %s (%s, %s)\n", json_string_value(json_object_get(it, "account")),
	       json_string_value(json_object_get(it, "sign_mode")),
	       json_string_value(json_object_get(it, "path")));
	printf("  Message-ID  %s\n", json_string_value(json_object_get(it, "message_id")));
	printf("  iletiID     %s\n", json_string_value(json_object_get(it, "ileti_id")) ?: "-");
	printf("  kepId       %s\n", json_string_value(json_object_get(it, "kep_id")) ?: "-");
	printf("  subject     %s\n", json_string_value(json_object_get(it, "subject")) ?: "");
	if (json_string_value(json_object_get(it, "provider_text")))
		printf("  reason      %s\n", json_string_value(json_object_get(it, "provider_text")));
	if (json_is_object(d) && json_is_true(json_object_get(d, "found")))
		printf("  delivery    %s\n", json_string_value(json_object_get(d, "label")) ?:
		       "no evidence yet");
}

static int resolve(struct store *st, const char *key, int64_t *id, struct kerr *err)
{
	char *end;
	long long v = strtoll(key, &end, 10);
	int rc;

	if (*end == '\0' && v > 0) {
		*id = v;
		return 0;
	}
	rc = outbox_find(st, key, id, err);
	if (rc == 0)
		return kerr_set(err, KERR_NOTFOUND, "no outbox item '%s'", key);
	return rc < 0 ? -1 : 0;
}

static int sign_one(struct store *st, const struct config *cfg, int64_t id, struct kerr *err)
{
	struct store_outbox_item it;
	const struct account_config *a;
	int rc;

	if (store_outbox_get(st, id, &it, err) < 0)
		return -1;
	a = config_find_account(cfg, it.account);
	if (a == NULL)
		rc = kerr_set(err, KERR_CONFIG, "outbox item %lld: account %s is not configured",
			      (long long)id, it.account);
	else if (a->sending.mode != SEND_OFFICER)
		rc = kerr_set(err, KERR_USAGE, "outbox item %lld: account %s signs with its seal "
			      "(the daemon signs it)", (long long)id, it.account);
	else
		rc = send_sign(st, a, id, "cli", err);
	if (rc == 0)
		printf("outbox item %lld signed: %s\n", (long long)id, it.message_id);
	store_outbox_item_clear(&it);
	return rc;
}

static int cmd_sign(struct store *st, const struct config *cfg, const char *account, int argc,
		    char **argv)
{
	struct store_outbox_filter f = { .account = account, .state = STORE_OB_NEEDS_SIGNATURE,
					 .limit = 1000 };
	struct store_outbox_item *items = NULL;
	struct kerr err;
	size_t n = 0, i, done = 0;
	int64_t id;
	int k;

	for (k = 0; k < argc; k++) {
		if (resolve(st, argv[k], &id, &err) < 0 || sign_one(st, cfg, id, &err) < 0)
			return cli_fail("outbox sign", NULL, &err);
		done++;
	}
	if (argc > 0)
		return KEXIT_OK;
	if (store_outbox_list(st, &f, &items, &n, &err) < 0)
		return cli_fail("outbox sign", NULL, &err);
	for (i = 0; i < n; i++) {
		const struct account_config *a = config_find_account(cfg, items[i].account);

		if (a == NULL || a->sending.mode != SEND_OFFICER)
			continue;
		if (sign_one(st, cfg, items[i].id, &err) < 0) {
			store_outbox_items_free(&items, n);
			/* A refused PIN or a missing card: stop, never try again. */
			return cli_fail("outbox sign", NULL, &err);
		}
		done++;
	}
	store_outbox_items_free(&items, n);
	if (done == 0)
		printf("no outbox item waits for an officer's signature\n");
	return KEXIT_OK;
}

/* resubmit / abandon of one parked item. */
static int cmd_decide(struct store *st, const char *sub, const char *key, const char *reason)
{
	enum outbox_decision d = strcmp(sub, "resubmit") == 0 ? OUTBOX_RESUBMIT : OUTBOX_ABANDON;
	const char *what = d == OUTBOX_RESUBMIT ? "outbox resubmit" : "outbox abandon", *code;
	struct kerr err;
	int64_t id;

	if (resolve(st, key, &id, &err) < 0 ||
	    outbox_decide(st, id, d, "cli", reason, NULL, NULL, &code, &err) < 0)
		return cli_fail(what, NULL, &err);
	if (d == OUTBOX_RESUBMIT)
		printf("outbox item %lld: submitted once more at the next run (the sent folder "
		       "is asked first)\n", (long long)id);
	else
		printf("outbox item %lld abandoned: it is never submitted\n", (long long)id);
	return KEXIT_OK;
}

int cmd_outbox(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "state", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *account = NULL, *state = NULL, *reason = NULL, *sub;
	struct config *cfg = NULL;
	struct store *st = NULL;
	json_t *out = NULL;
	struct kerr err;
	int c, json = 0, rc;
	int64_t id;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'a') {
			account = optarg;
		} else if (c == 's') {
			state = optarg;
		} else if (c == 'j') {
			json = 1;
		} else if (c == 'r') {
			reason = optarg;
		} else {
			return cmd_help(c, usage);
		}
	}
	if (optind >= argc)
		return cmd_usage_error("outbox", "list, show, sign, resubmit or abandon expected");
	sub = argv[optind++];
	if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "sign") &&
	    strcmp(sub, "resubmit") && strcmp(sub, "abandon"))
		return cmd_usage_error("outbox", "unknown subcommand '%s'", sub);
	if ((strcmp(sub, "show") == 0 || strcmp(sub, "resubmit") == 0 ||
	     strcmp(sub, "abandon") == 0) && argc - optind != 1)
		return cmd_usage_error("outbox", "%s takes one item", sub);
	if (reason != NULL && strcmp(sub, "abandon") != 0)
		return cmd_usage_error("outbox", "--reason is for abandon");
	if (strcmp(sub, "list") == 0 && argc != optind)
		return cmd_usage_error("outbox", "list takes no arguments");
	if ((rc = cli_store_open(ctx->config_path, "outbox", &cfg, &st)) != 0)
		return rc;
	if (strcmp(sub, "sign") == 0) {
		rc = cmd_sign(st, cfg, account, argc - optind, argv + optind);
	} else if (strcmp(sub, "resubmit") == 0 || strcmp(sub, "abandon") == 0) {
		rc = cmd_decide(st, sub, argv[optind], reason);
	} else if (strcmp(sub, "list") == 0) {
		if (outbox_list_json(st, account, state, 1000, &out, &err) < 0)
			rc = cli_fail("outbox list", NULL, &err);
		else if (json)
			reply_print_json(out);
		else
			print_list(out);
	} else {
		if (resolve(st, argv[optind], &id, &err) < 0 ||
		    outbox_get_json(st, id, &out, &err) < 0)
			rc = cli_fail("outbox show", NULL, &err);
		else if (json)
			reply_print_json(out);
		else
			print_item(out);
	}
	json_decref(out);
	cli_store_close(&cfg, &st);
	return rc;
}
