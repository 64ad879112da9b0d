/* main.c: kepagent's entry point: global options and subcommand dispatch. */

#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "err.h"
#include "i18n.h"
#include "log.h"

#define DEFAULT_CONFIG SYSCONFDIR "/kepagent/kepagent.yaml"

/* Only subcommands that are built are listed: no placeholders. */
const struct command commands[] = {
	{ "version", cmd_version, "print version information" },
	{ "verify", cmd_verify, "verify a package or evidence file offline" },
	{ "check-config", cmd_check_config, "validate the configuration file" },
	{ "refresh", cmd_refresh, "sync accounts from the KEP provider now" },
	{ "run", cmd_run, "run the background agent and the local API" },
	{ "doctor", cmd_doctor, "check a deployment and say how to fix what is wrong" },
	{ "queue", cmd_queue, "the import queue: list, claim, show, fetch, ack, reject" },
	{ "status", cmd_status, "delivery status of sent messages (Kabul Edildi, ...)" },
	{ "evidence", cmd_evidence, "auditor search, evidence bundles and their offline check" },
	{ "archive", cmd_archive, "apply the retention policy: move old content to archives" },
	{ "send", cmd_send, "put a message into the outbox (signed and submitted exactly once)" },
	{ "outbox", cmd_outbox, "the outbox: list, show, sign; resubmit or abandon a parked item" },
	{ NULL, NULL, NULL },
};

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cmd != NULL)
		fprintf(stderr, "kepagent %s: %s\n", cmd, msg);
	else
		fprintf(stderr, "kepagent: %s\n", msg);
	return KEXIT_USAGE;
}

int cmd_help(int c, void (*usage)(FILE *out))
{
	usage(c == 'h' ? stdout : stderr);
	return c == 'h' ? KEXIT_OK : KEXIT_USAGE;
}

static void usage(FILE *out)
{
	const struct command *c;

	fprintf(out,
		"Usage: kepagent [-c FILE] [-v|-q] COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Keeps a KEP (registered e-mail) mailbox in sync for an EBYS, verifies every\n"
		"signature, time stamp and delil, and serves an import queue and status lookup.\n"
		"\n"
		"Global options:\n"
		"  -c, --config FILE  configuration file (default $KEPAGENT_CONFIG, else\n"
		"                     %s)\n"
		"  -v, --verbose      more log output than log.level (repeat for debug)\n"
		"  -q, --quiet        warnings and errors only, no progress display\n"
		"  -h, --help         show this help\n"
		"  -V, --version      show the version\n"
		"\n"
		"Commands:\n", DEFAULT_CONFIG);
	for (c = commands; c->name != NULL; c++)
		fprintf(out, "  %-14s %s\n", c->name, c->summary);
	fprintf(out,
		"\n"
		"Run 'kepagent COMMAND --help' for a command's options. Exit codes: 0 ok,\n"
		"1 failure, 2 usage, 3 configuration, 4 authentication, 5 provider, 6 store,\n"
		"7 busy (another refresh holds the lock), 8 not found, 9 not valid (an intact\n"
		"evidence bundle whose verdicts are not all valid), 130 interrupted.\n"
		"See kepagent(8).\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx = { 0 };
	const struct command *cmd;
	int c;

	signal(SIGPIPE, SIG_IGN);
	i18n_init();
	ctx.config_path = getenv("KEPAGENT_CONFIG");
	if (ctx.config_path == NULL || ctx.config_path[0] == '\0')
		ctx.config_path = DEFAULT_CONFIG;

	/* '+' stops at the first non-option: the rest belongs to the subcommand. */
	while ((c = getopt_long(argc, argv, "+c:vqhV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ctx.config_path = optarg;
			break;
		case 'v':
			ctx.verbose++;
			break;
		case 'q':
			ctx.quiet = 1;
			break;
		case 'V':
			printf("kepagent %s\n", PACKAGE_VERSION);
			return KEXIT_OK;
		default:
			return cmd_help(c, usage);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return KEXIT_USAGE;
	}
	log_init("kepagent", 1, LOG_LVL_INFO);
	log_follow_config(ctx.verbose, ctx.quiet);
	for (cmd = commands; cmd->name != NULL; cmd++) {
		if (strcmp(cmd->name, argv[optind]) == 0)
			return cmd->fn(&ctx, argc - optind, argv + optind);
	}
	return cmd_usage_error(NULL, "unknown command '%s'; run 'kepagent --help' for the list",
			       argv[optind]);
}
