/* cmd_send.c: `kepagent send`: puts a message into the outbox from the
 * command line, with the same checks and the same idempotency as
 * POST /v1/outbox (outbox.h). The daemon (seal) or `kepagent refresh`
 * submits it; an officer signs it first with `kepagent outbox sign`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli_store.h"
#include "commands.h"
#include "config.h"
#include "outbox.h"
#include "reply.h"
#include "store.h"
#include "util.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kepagent send [options] --to ADDRESS --subject TEXT\n"
		"\n"
		"Puts a message into the outbox. It is checked now (addresses, sizes, file\n"
		"types, an .eyp's digests and signature) and signed and submitted exactly once\n"
		"later: by the daemon for a seal account, after `kepagent outbox sign` for an\n"
		"officer's account. Repeating the command with the same --idempotency-key or\n"
		"--ileti-id shows the first item instead of making a second one.\n"
		"\n"
		"  --account NAME          the sending account (default: the only one that sends)\n"
		"  --to ADDRESS            a recipient (repeatable)\n"
		"  --cc ADDRESS            a copy recipient (repeatable)\n"
		"  --subject TEXT          the subject\n"
		"  --body TEXT | --body-file FILE   the text (UTF-8)\n"
		"  --html                  the body is HTML\n"
		"  --attach FILE           an attachment (repeatable)\n"
		"  --eyp FILE              an e-Yazisma package (ileti_tip eYazisma)\n"
		"  --ileti-tip standart|eYazisma\n"
		"  --ileti-id ID           EBYS's own id (X-TR-REM-iletiID)\n"
		"  --idempotency-key KEY   makes a repeat return the same item\n"
		"  --json                  print the Outbox item as the local API does\n"
		"  -h, --help              show this help\n"
		"\n"
		"Exit: 0 accepted (or already there), 2 refused (the field is named), 3 config.\n");
}

struct files {
	struct outbox_upload *u;
	struct kbuf *b;
	size_t n;
};

static int add_file(struct files *f, const char *field, const char *path, struct kerr *err)
{
	const char *slash = strrchr(path, '/');

	f->u = xrealloc(f->u, (f->n + 1) * sizeof(*f->u));
	f->b = xrealloc(f->b, (f->n + 1) * sizeof(*f->b));
	memset(&f->b[f->n], 0, sizeof(f->b[f->n]));
	if (read_file(path, OUTBOX_MAX_MESSAGE + 1, &f->b[f->n], err) < 0) {
		kbuf_free(&f->b[f->n]);
		return -1;
	}
	f->u[f->n] = (struct outbox_upload){ field, slash ? slash + 1 : path, NULL,
					     f->b[f->n].data, f->b[f->n].len };
	f->n++;
	return 0;
}

static void print_item(const json_t *it, int existing)
{
	printf("outbox item %lld: %s%s (Message-ID %s)\n",
	       (long long)json_integer_value(json_object_get(it, "id")),
	       json_string_value(json_object_get(it, "state")),
	       existing ? ", already in the outbox" : "",
	       json_string_value(json_object_get(it, "message_id")));
}

int cmd_send(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "to", required_argument, NULL, 't' },
		{ "cc", required_argument, NULL, 'C' },
		{ "subject", required_argument, NULL, 's' },
		{ "body", required_argument, NULL, 'b' },
		{ "body-file", required_argument, NULL, 'B' },
		{ "html", no_argument, NULL, 'H' },
		{ "attach", required_argument, NULL, 'f' },
		{ "eyp", required_argument, NULL, 'e' },
		{ "ileti-tip", required_argument, NULL, 'T' },
		{ "ileti-id", required_argument, NULL, 'i' },
		{ "idempotency-key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *msg = json_object(), *to = json_array(), *cc = json_array(), *item = NULL;
	struct outbox_request q = { .actor = "cli" };
	struct files files = { 0 };
	struct config *cfg = NULL;
	struct store *st = NULL;
	struct kbuf body = { 0 };
	const char *code;
	char field[64];
	struct kerr err;
	int c, json = 0, existing, rc = KEXIT_OK;
	size_t i;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a': json_object_set_new(msg, "account", json_string(optarg)); break;
		case 't': json_array_append_new(to, json_string(optarg)); break;
		case 'C': json_array_append_new(cc, json_string(optarg)); break;
		case 's': json_object_set_new(msg, "subject", json_string(optarg)); break;
		case 'b': json_object_set_new(msg, "body", json_string(optarg)); break;
		case 'B':
			if (read_file(optarg, OUTBOX_MAX_MESSAGE + 1, &body, &err) < 0) {
				rc = cli_fail("send", NULL, &err);
				goto out;
			}
			json_object_set_new(msg, "body", json_string(kbuf_cstr(&body)));
			break;
		case 'H': json_object_set_new(msg, "body_type", json_string("html")); break;
		case 'f':
		case 'e':
			if (add_file(&files, c == 'e' ? "eyp" : "attachment", optarg, &err) < 0) {
				rc = cli_fail("send", NULL, &err);
				goto out;
			}
			break;
		case 'T': json_object_set_new(msg, "ileti_tip", json_string(optarg)); break;
		case 'i': json_object_set_new(msg, "ileti_id", json_string(optarg)); break;
		case 'k': q.idem_key = optarg; break;
		case 'j': json = 1; break;
		default: rc = cmd_help(c, usage); goto out;
		}
	}
	if (optind < argc) {
		rc = cmd_usage_error("send", "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	if (json_object_get(msg, "body") != NULL && !json_is_string(json_object_get(msg, "body"))) {
		rc = cmd_usage_error("send", "the body is not UTF-8 text");
		goto out;
	}
	json_object_set(msg, "to", to);
	if (json_array_size(cc) > 0)
		json_object_set(msg, "cc", cc);
	if ((rc = cli_store_open(ctx->config_path, "send", &cfg, &st)) != 0)
		goto out;
	q.message = msg;
	q.files = files.u;
	q.n_files = files.n;
	if (outbox_submit(st, cfg, &q, &item, &existing, &code, field, &err) < 0) {
		rc = cli_fail("send", code, &err);
	} else if (json) {
		reply_print_json(item);
	} else {
		print_item(item, existing);
	}
out:
	json_decref(item);
	json_decref(msg);
	json_decref(to);
	json_decref(cc);
	for (i = 0; i < files.n; i++)
		kbuf_free(&files.b[i]);
	free(files.u);
	free(files.b);
	kbuf_free(&body);
	cli_store_close(&cfg, &st);
	return rc;
}
