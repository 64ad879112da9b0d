/* commands.h: the subcommands of kepagent.
 *
 * Each subcommand is one function in its own cmd_*.c. It parses its own
 * options (getopt_long, always with --help) from argv, where argv[0] is the
 * subcommand name, reports errors once through the log module and returns a
 * process exit code from enum kexit (err.h). */
#ifndef KEP_COMMANDS_H
#define KEP_COMMANDS_H

#include <stdio.h>

struct cmd_ctx {
	const char *config_path; /* -c, $KEPAGENT_CONFIG, or the default */
	int verbose;             /* number of -v */
	int quiet;               /* -q: warnings and errors only, no progress display */
};

typedef int cmd_fn(struct cmd_ctx *ctx, int argc, char **argv);

struct command {
	const char *name;
	cmd_fn *fn;
	const char *summary;
};

/* The table of built subcommands, NULL-terminated (main.c). */
extern const struct command commands[];

/* Prints "kepagent: usage error: ..." style messages and returns KEXIT_USAGE. */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The end of an option loop, for -h or an unknown option c: prints usage to
 * stdout and returns KEXIT_OK for 'h', to stderr and KEXIT_USAGE otherwise. */
int cmd_help(int c, void (*usage)(FILE *out));

cmd_fn cmd_version;
cmd_fn cmd_verify;
cmd_fn cmd_check_config;
cmd_fn cmd_refresh;
cmd_fn cmd_doctor;
cmd_fn cmd_run;

cmd_fn cmd_queue;
cmd_fn cmd_status;
cmd_fn cmd_evidence;
cmd_fn cmd_archive;
cmd_fn cmd_send;
cmd_fn cmd_outbox;
#endif
