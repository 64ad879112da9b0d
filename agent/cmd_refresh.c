/* cmd_refresh.c: `kepagent refresh [--account NAME] [--json]`: what the KEP
 * officer's "refresh from provider" does: one sync now of one or every
 * enabled account (sync.h), with progress on the terminal and a summary.
 * OTP codes and PINs are asked on the terminal unless files are configured.
 * Exit codes by error class (kerr_exit_code), the first failing account's:
 * 0 all synced, 1 single items failed, 3 configuration, 4 login refused,
 * 5 provider unreachable, 6 store, 7 another sync holds the account, 130
 * interrupted (whatever else happened). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "config.h"
#include "err.h"
#include "log.h"
#include "sync.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: kepagent refresh [--account NAME] [--json]\n"
		"\n"
		"Pulls new packages and evidence from the KEP provider now, verifies and stores\n"
		"them, and acknowledges them per the account's ack_policy.\n"
		"\n"
		"  -a, --account NAME  only this account (default: every enabled account)\n"
		"      --json          print the summary as JSON on stdout\n"
		"  -h, --help          show this help\n"
		"\n"
		"Exit: 0 ok, 1 some items failed, 2 usage, 3 configuration, 4 login refused,\n"
		"5 provider unreachable, 6 store, 7 another sync of the account is running,\n"
		"130 interrupted.\n");
}

struct ui {
	int tty;          /* stderr is a terminal: update lines in place */
	int open_line;    /* a \r line is being updated */
};

static void on_progress(void *arg, const char *account, const char *folder, size_t done,
			size_t total)
{
	struct ui *u = arg;

	if (u->tty) {
		fprintf(stderr, "\r%s %s: %zu/%zu packages", account, folder, done, total);
		u->open_line = 1;
		if (done == total) {
			fputc('\n', stderr);
			u->open_line = 0;
		}
	} else if (done == 0 || done == total) {
		fprintf(stderr, "%s %s: %zu/%zu packages\n", account, folder, done, total);
	}
	fflush(stderr);
}

/* A figure the provider did not answer is null; the whole object is null
 * when the quota was not asked or not answered. */
static json_t *quota_json(const struct sync_report *r)
{
	const struct kep_quota *q = &r->quota;
	int pct = kep_quota_percent(q);

	if (!r->quota_known)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o, s:b}",
			 "used_kb", q->used_kb >= 0 ? json_integer(q->used_kb) : json_null(),
			 "total_kb", q->total_kb >= 0 ? json_integer(q->total_kb) : json_null(),
			 "percent", pct >= 0 ? json_integer(pct) : json_null(),
			 "credit", q->credit >= 0 ? json_integer(q->credit) : json_null(),
			 "warning", r->quota_over);
}

static json_t *report_json(const struct sync_report *r, const struct kerr *err, int rc)
{
	json_t *f = json_array();
	size_t i;

	for (i = 0; i < r->n_failures; i++)
		json_array_append_new(f, json_pack("{s:s?, s:s?, s:s, s:s}", "folder",
						   r->failures[i].folder, "item", r->failures[i].item,
						   "class", kerr_class_name(r->failures[i].cls),
						   "reason", r->failures[i].reason));
	return json_pack("{s:s, s:b, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:o}",
			 "account", r->account, "ok", rc == 0, "error", rc == 0 ? NULL : err->msg,
			 "inbox", r->inbox, "sent", r->sent, "listed", (json_int_t)r->listed,
			 "new_packages", (json_int_t)r->new_packages,
			 "new_evidence", (json_int_t)r->new_evidence,
			 "acknowledged", (json_int_t)r->acknowledged,
			 "deleted", (json_int_t)r->deleted, "flagged", (json_int_t)r->flagged,
			 "failures", f, "duration_ms", (json_int_t)(r->finished - r->started),
			 "quota", quota_json(r));
}

static void print_quota(const struct sync_report *r, const struct config *cfg)
{
	const struct account_config *a = config_find_account(cfg, r->account);
	char line[512];

	if (!r->quota_known || a == NULL)
		return;
	kep_quota_describe(&r->quota, a->quota_warn_percent, line, sizeof(line));
	printf("  quota: %s%s\n", r->quota_over ? "WARNING: " : "", line);
}

static void print_summary(const struct sync_report *r, const struct kerr *err, int rc)
{
	size_t i;

	int stopped = rc < 0 && err->cls == KERR_INTERRUPTED;

	/* An interrupted run says so first: its counts are what got done. */
	printf("%s%s: %zu new package(s), %zu new evidence item(s), %zu acknowledged, "
	       "%zu flagged by verification, %zu failure(s)\n", r->account,
	       stopped ? " (interrupted)" : "", r->new_packages, r->new_evidence,
	       r->acknowledged, r->flagged, r->n_failures);
	for (i = 0; i < r->n_failures; i++)
		printf("  failed: %s%s%s%s%s\n", r->failures[i].folder ? r->failures[i].folder : "",
		       r->failures[i].folder ? " " : "", r->failures[i].item ? r->failures[i].item : "",
		       r->failures[i].item ? ": " : "", r->failures[i].reason);
	if (rc < 0 && r->n_failures == 0 && !stopped)
		printf("  failed: %s\n", err->msg);
}

int cmd_refresh(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *only = NULL;
	struct config *cfg = NULL;
	struct sync_env *env = NULL;
	struct ui u = { isatty(STDERR_FILENO), 0 };
	struct sync_hooks hooks = { .arg = &u, .progress = on_progress };
	struct sigaction sa;
	json_t *all = json_array();
	struct kerr err;
	int c, json = 0, code = KEXIT_OK, ran = 0;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			only = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			usage(stdout);
			json_decref(all);
			return KEXIT_OK;
		default:
			usage(stderr);
			json_decref(all);
			return KEXIT_USAGE;
		}
	}
	if (optind != argc) {
		json_decref(all);
		return cmd_usage_error("refresh", "unexpected argument '%s'", argv[optind]);
	}
	if (config_load(ctx->config_path, &cfg, &err) < 0) {
		log_error("refresh: %s", err.msg);
		json_decref(all);
		return kerr_exit_code(&err);
	}
	if (only != NULL && config_find_account(cfg, only) == NULL) {
		log_error("refresh: no account called '%s' in %s", only, cfg->path);
		config_free(&cfg);
		json_decref(all);
		return KEXIT_USAGE;
	}
	if (sync_env_new(cfg, isatty(STDIN_FILENO) || isatty(STDERR_FILENO), &stop_flag, &env,
			 &err) < 0) {
		log_error("refresh: %s", err.msg);
		config_free(&cfg);
		json_decref(all);
		return kerr_exit_code(&err);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; i < cfg->n_accounts && !stop_flag; i++) {
		const struct account_config *a = &cfg->accounts[i];
		struct sync_report rep;
		int rc;

		if (only != NULL ? strcmp(a->name, only) != 0 : !a->enabled)
			continue;
		ran++;
		kerr_clear(&err);
		rc = sync_account(env, a, &hooks, &rep, &err);
		if (u.open_line) {
			fputc('\n', stderr);
			u.open_line = 0;
		}
		if (rc < 0) {
			log_error("refresh %s: %s", a->name, err.msg);
			if (code == KEXIT_OK)
				code = kerr_exit_code(&err);
		}
		if (json)
			json_array_append_new(all, report_json(&rep, &err, rc));
		else
			print_summary(&rep, &err, rc);
		if (!json)
			print_quota(&rep, cfg);
		sync_report_free(&rep);
	}
	if (ran == 0)
		log_warn("refresh: no enabled account in %s", cfg->path);
	if (stop_flag)
		code = KEXIT_INTERRUPTED;
	if (json) {
		json_t *o = json_pack("{s:O, s:b, s:b}", "accounts", all, "ok", code == KEXIT_OK,
					"interrupted", stop_flag != 0);
		char *s = json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII);

		printf("%s\n", s);
		free(s);
		json_decref(o);
	}
	json_decref(all);
	sync_env_free(&env);
	config_free(&cfg);
	return code;
}
