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
#include "i18n.h"
#include "log.h"
#include "sync.h"
#include "util.h"
#include "verdict.h"

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

/* The terminal display: one status line per folder (log.h owns it: log
 * lines go above it), counts of what this folder brought so far. */
struct ui {
	int live;           /* redraw a status line (stderr is a terminal, not -q) */
	int plain;          /* not a terminal: a plain line when a folder starts and ends */
	int in_folder;      /* between a folder's first and last progress call */
	char folder[128];
	size_t done, total, new_packages, new_evidence, flagged;
	uint64_t bytes;     /* downloaded in this folder */
	int64_t started_ms;
};

static void eta_text(const struct ui *u, char *buf, size_t sz)
{
	int64_t elapsed = now_ms() - u->started_ms, left;

	buf[0] = '\0';
	if (u->done == 0 || u->done >= u->total || elapsed < 1000)
		return;
	left = elapsed * (int64_t)(u->total - u->done) / (int64_t)u->done / 1000;
	/* TRANSLATORS: time left, minutes:seconds. */
	snprintf(buf, sz, _(", %lld:%02lld left"), (long long)(left / 60), (long long)(left % 60));
}

/* Bytes downloaded and the rate, once there are any. */
static void bytes_text(const struct ui *u, char *buf, size_t sz)
{
	int64_t ms = now_ms() - u->started_ms;
	double mb = (double)u->bytes / 1e6;

	buf[0] = '\0';
	if (u->bytes == 0)
		return;
	/* TRANSLATORS: megabytes downloaded, then megabytes per second. */
	snprintf(buf, sz, _(", %.1f MB at %.1f MB/s"), mb, ms > 0 ? mb * 1000.0 / (double)ms : 0.0);
}

static void show(struct ui *u, const char *account, int final)
{
	char eta[64], bytes[64], tail[128];

	eta_text(u, eta, sizeof(eta));
	bytes_text(u, bytes, sizeof(bytes));
	snprintf(tail, sizeof(tail), "%s%s", bytes, final ? "" : eta);
	/* TRANSLATORS: account folder: examined/listed packages, then counts. */
	if (u->live)
		log_status(_("%s %s: %zu/%zu examined, %zu new, %zu evidence, %zu flagged%s"),
			   account, u->folder, u->done, u->total, u->new_packages,
			   u->new_evidence, u->flagged, tail);
	else if (u->plain) {
		fprintf(stderr, _("%s %s: %zu/%zu examined, %zu new, %zu evidence, %zu flagged%s"),
			account, u->folder, u->done, u->total, u->new_packages, u->new_evidence,
			u->flagged, tail);
		fputc('\n', stderr);
	}
}

static void on_progress(void *arg, const char *account, const char *folder, size_t done,
			size_t total)
{
	struct ui *u = arg;

	if (!u->in_folder || strcmp(folder, u->folder) != 0) {
		snprintf(u->folder, sizeof(u->folder), "%s", folder);
		u->new_packages = u->new_evidence = u->flagged = 0;
		u->bytes = 0;
		u->started_ms = now_ms();
		u->in_folder = 1;
		if (u->plain)
			fprintf(stderr, _("%s %s: %zu package(s) listed\n"), account, folder, total);
	}
	u->done = done;
	u->total = total;
	if (done < total) {
		if (u->live)
			show(u, account, 0);
		return;
	}
	/* The folder's last line stays on the screen. */
	show(u, account, 1);
	log_status_end(1);
	u->in_folder = 0;
}

static void on_downloaded(void *arg, const char *account, const char *folder, uint64_t bytes)
{
	struct ui *u = arg;

	(void)folder;
	if (!u->in_folder)
		return;
	u->bytes += bytes;
	if (u->live)
		show(u, account, 0);
}

static void on_stored(void *arg, const char *account, const char *what, const char *verdict)
{
	struct ui *u = arg;
	int v = verdict_from_name(verdict);

	if (!u->in_folder)
		return;
	if (strcmp(what, "package") == 0)
		u->new_packages++;
	else
		u->new_evidence++;
	if (v < 0 || !verdict_acceptable((enum verdict)v))
		u->flagged++;
	if (u->live)
		show(u, account, 0);
}

static json_t *flags_json(const struct sync_report *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->n_flags; i++) {
		const struct sync_flag *f = &r->flags[i];

		json_array_append_new(a, json_pack("{s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
						   "what", f->what, "folder", f->folder,
						   "kep_id", f->kep_id, "delil_id", f->item,
						   "subject", f->subject, "verdict", f->verdict,
						   "reason", f->reason));
	}
	return a;
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
	int stopped = rc < 0 && err->cls == KERR_INTERRUPTED;
	size_t i;

	for (i = 0; i < r->n_failures; i++)
		json_array_append_new(f, json_pack("{s:s?, s:s?, s:s, s:s}", "folder",
						   r->failures[i].folder, "item", r->failures[i].item,
						   "class", kerr_class_name(r->failures[i].cls),
						   "reason", r->failures[i].reason));
	return json_pack("{s:s, s:b, s:b, s:s?, s:s?, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:o, "
			 "s:o, s:I, s:o}",
			 "account", r->account, "ok", rc == 0, "interrupted", stopped,
			 "error", rc == 0 ? NULL : err->msg,
			 "inbox", r->inbox, "sent", r->sent, "listed", (json_int_t)r->listed,
			 "new_packages", (json_int_t)r->new_packages,
			 "new_evidence", (json_int_t)r->new_evidence,
			 "acknowledged", (json_int_t)r->acknowledged,
			 "deleted", (json_int_t)r->deleted, "flagged", (json_int_t)r->flagged,
			 "flagged_items", flags_json(r),
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

static void print_flag(const struct sync_flag *f)
{
	const char *subject = f->subject ? f->subject : "";

	if (f->item != NULL)
		/* TRANSLATORS: delilId, kepId, subject, verdict, reason. */
		printf(_("  flagged: evidence %s of %s \"%s\": %s: %s\n"), f->item,
		       f->kep_id ? f->kep_id : "?", subject, f->verdict ? f->verdict : "?",
		       f->reason ? f->reason : "");
	else
		/* TRANSLATORS: kepId, subject, verdict, reason. */
		printf(_("  flagged: package %s \"%s\": %s: %s\n"), f->kep_id ? f->kep_id : "?",
		       subject, f->verdict ? f->verdict : "?", f->reason ? f->reason : "");
}

static void print_summary(const struct sync_report *r, const struct kerr *err, int rc)
{
	int stopped = rc < 0 && err->cls == KERR_INTERRUPTED;
	size_t i;

	/* An interrupted run says so first: its counts are what got done. */
	printf(_("%s%s: %zu new package(s), %zu new evidence item(s), %zu acknowledged, "
		 "%zu flagged by verification, %zu failure(s)\n"), r->account,
	       stopped ? _(" (interrupted)") : "", r->new_packages, r->new_evidence,
	       r->acknowledged, r->flagged, r->n_failures);
	for (i = 0; i < r->n_flags; i++)
		print_flag(&r->flags[i]);
	for (i = 0; i < r->n_failures; i++)
		printf(_("  failed: %s%s%s%s%s\n"),
		       r->failures[i].folder ? r->failures[i].folder : "",
		       r->failures[i].folder ? " " : "", r->failures[i].item ? r->failures[i].item : "",
		       r->failures[i].item ? ": " : "", r->failures[i].reason);
	if (rc < 0 && r->n_failures == 0 && !stopped)
		printf(_("  failed: %s\n"), err->msg);
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
	struct ui u = { 0 };
	struct sync_hooks hooks = { .arg = &u, .progress = on_progress,
				   .downloaded = on_downloaded, .stored = on_stored };
	struct sigaction sa;
	json_t *all = json_array();
	struct kerr err;
	int c, json = 0, code = KEXIT_OK, ran = 0;
	size_t i, wanted = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			only = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			json_decref(all);
			return cmd_help(c, usage);
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
	u.live = !ctx->quiet && log_status_available();
	u.plain = !ctx->quiet && !u.live;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (i = 0; i < cfg->n_accounts; i++)
		if (only != NULL ? strcmp(cfg->accounts[i].name, only) == 0 : cfg->accounts[i].enabled)
			wanted++;
	for (i = 0; i < cfg->n_accounts && !stop_flag; i++) {
		const struct account_config *a = &cfg->accounts[i];
		struct sync_report rep;
		int rc;

		if (only != NULL ? strcmp(a->name, only) != 0 : !a->enabled)
			continue;
		ran++;
		kerr_clear(&err);
		rc = sync_account(env, a, &hooks, &rep, &err);
		/* An interrupted folder's line stays as it got. */
		log_status_end(1);
		u.in_folder = 0;
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
	if (wanted == 0)
		log_warn("refresh: no enabled account in %s", cfg->path);
	else if (stop_flag && ran < (int)wanted && !json)
		printf(_("interrupted: %zu account(s) not synced\n"), wanted - (size_t)ran);
	if (stop_flag)
		code = KEXIT_INTERRUPTED;
	if (json) {
		json_t *o = json_pack("{s:O, s:b, s:b, s:I}", "accounts", all, "ok",
				      code == KEXIT_OK, "interrupted", stop_flag != 0,
				      "not_synced", (json_int_t)(wanted - (size_t)ran));
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
