/* cmd_check_config.c: `kepagent check-config`: validates the configuration
 * file and the files it refers to, and prints a summary. Secrets files are
 * parsed to prove they work, but nothing read from them is ever printed. */

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "commands.h"
#include "config.h"
#include "config_check.h"
#include "err.h"
#include "log.h"

struct check {
	const struct config *cfg;
	json_t *errors;   /* array of strings */
	json_t *warnings; /* array of strings */
};

static void add_lines(json_t *list, struct kbuf *lines)
{
	const char *s = kbuf_cstr(lines), *nl;

	for (; *s != '\0'; s = nl + 1) {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s) - 1;
		json_array_append_new(list, json_stringn(s, (size_t)(nl - s)));
	}
}

static void on_finding(void *arg, enum kep_check_level lv, const char *check, const char *msg)
{
	struct check *c = arg;

	(void)check;
	if (lv != KEP_CHECK_OK)
		json_array_append_new(lv == KEP_CHECK_FAIL ? c->errors : c->warnings,
				      json_string(msg));
}

/* The generic files and directories (config_check.h), then each account's
 * own (secrets, PIN, module: its driver knows them). */
static void check_files(struct check *c)
{
	struct kep_check_sink sink = { on_finding, c };
	size_t i;

	config_check_paths(c->cfg, &sink);
	for (i = 0; i < c->cfg->n_accounts; i++)
		c->cfg->accounts[i].driver->conf_check(c->cfg->accounts[i].driver_conf, 0, &sink);
}

static json_t *summary_json(const struct config *cfg)
{
	json_t *accounts = json_array();
	size_t i;

	for (i = 0; i < cfg->n_accounts; i++) {
		const struct account_config *a = &cfg->accounts[i];
		struct kep_login_info li = { 0 };

		config_login_info(a, &li);
		json_array_append_new(accounts, json_pack(
			"{s:s, s:s, s:s, s:s, s:s?, s:s, s:b, s:I, s:s, s:s?, s:s?}",
			"name", a->name, "provider", a->driver->name, "address", a->mailbox,
			"kep_hesap", a->mailbox,
			"endpoint", li.endpoint, "login", li.mode,
			"enabled", a->enabled, "poll_interval", (json_int_t)a->poll_interval,
			"ack_policy", config_ack_policy_name(a->ack_policy),
			"folder_inbox", a->folder_inbox, "folder_sent", a->folder_sent));
	}
	return json_pack("{s:s, s:{s:s, s:i, s:s, s:b}, s:{s:I, s:s}, s:o}",
			 "store", cfg->store_path,
			 "api", "listen", cfg->api_listen, "port", cfg->api_port,
			 "token_file", cfg->api_token_file, "tls", cfg->api_tls_cert != NULL,
			 "trust", "anchors", (json_int_t)cfg->n_trust_anchors,
			 "revocation", config_revocation_name(cfg->revocation),
			 "accounts", accounts);
}

static void summary_text(const struct config *cfg)
{
	size_t i, enabled = 0;

	for (i = 0; i < cfg->n_accounts; i++)
		enabled += cfg->accounts[i].enabled != 0;
	printf("%s: configuration OK\n", cfg->path);
	printf("store: %s\n", cfg->store_path);
	printf("api: %s port %d (%s), token file %s\n", cfg->api_listen, cfg->api_port,
	       cfg->api_tls_cert ? "TLS" : "plain HTTP", cfg->api_token_file);
	printf("trust: %zu anchor path(s), %zu Kamu SM store(s), revocation %s\n",
	       cfg->n_trust_anchors, cfg->n_trust_kamusm_stores,
	       config_revocation_name(cfg->revocation));
	printf("accounts: %zu (%zu enabled)\n", cfg->n_accounts, enabled);
	for (i = 0; i < cfg->n_accounts; i++) {
		const struct account_config *a = &cfg->accounts[i];
		struct kep_login_info li = { 0 };

		config_login_info(a, &li);
		printf("  %s: %s, login %s, poll every %lds, ack %s%s\n", a->name, a->mailbox,
		       li.mode, a->poll_interval,
		       config_ack_policy_name(a->ack_policy), a->enabled ? "" : " (disabled)");
		/* What the provider gets, so an officer who typed the address as
		 * the EBYS asks for it (without the domain) sees the whole one. */
		printf("    sends kepHesap %s%s%s%s\n", a->mailbox,
		       strcmp(a->address, a->mailbox) != 0 ? " (written as " : "",
		       strcmp(a->address, a->mailbox) != 0 ? a->address : "",
		       strcmp(a->address, a->mailbox) != 0 ? ")" : "");
	}
}

static void print_lines(const char *prefix, json_t *list)
{
	size_t i;
	json_t *s;

	json_array_foreach(list, i, s)
		fprintf(stderr, "%s%s\n", prefix, json_string_value(s));
}

int cmd_check_config(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check c = { NULL, json_array(), json_array() };
	struct kbuf report = { 0 };
	struct kerr err = { 0 };
	struct config *cfg = NULL;
	json_t *out;
	int json = 0, opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = 1;
			break;
		case 'h':
			printf("Usage: kepagent check-config [--json]\n\n"
			       "Validates the configuration file (kepagent -c FILE, default %s):\n"
			       "syntax, types, required keys, referenced files, and the permissions\n"
			       "and format of every secrets file. Prints a summary and exits 0, or\n"
			       "prints every problem as FILE:LINE:COLUMN: message and exits 3.\n"
			       "Secrets are never printed.\n\n"
			       "  -j, --json  print a machine-readable summary on stdout\n"
			       "  -h, --help  show this help\n", ctx->config_path);
			json_decref(c.errors);
			json_decref(c.warnings);
			return KEXIT_OK;
		default:
			json_decref(c.errors);
			json_decref(c.warnings);
			return cmd_usage_error("check-config", "see 'kepagent check-config --help'");
		}
	}
	if (optind < argc) {
		json_decref(c.errors);
		json_decref(c.warnings);
		return cmd_usage_error("check-config", "unexpected argument '%s'", argv[optind]);
	}

	if (config_load_report(ctx->config_path, &cfg, &report, &err) < 0) {
		add_lines(c.errors, &report);
	} else {
		c.cfg = cfg;
		check_files(&c);
	}
	kbuf_free(&report);

	rc = json_array_size(c.errors) ? KEXIT_CONFIG : KEXIT_OK;
	print_lines("", c.errors);
	print_lines("warning: ", c.warnings);
	if (json) {
		out = json_pack("{s:s, s:b, s:O, s:O}", "config",
				cfg ? cfg->path : ctx->config_path, "valid", rc == KEXIT_OK,
				"errors", c.errors, "warnings", c.warnings);
		if (cfg != NULL && rc == KEXIT_OK) {
			json_t *sum = summary_json(cfg);

			json_object_update(out, sum);
			json_decref(sum);
		}
		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(out);
	} else if (rc == KEXIT_OK) {
		summary_text(cfg);
	}
	if (rc != KEXIT_OK)
		log_error("%s: %zu problem(s) found", cfg ? cfg->path : ctx->config_path,
			  json_array_size(c.errors));
	json_decref(c.errors);
	json_decref(c.warnings);
	config_free(&cfg);
	return rc;
}
