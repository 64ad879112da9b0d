/* cmd_run.c: `kepagent run`: the background agent.
 *
 * Loads the configuration, checks the store, starts one scheduler per
 * account and the local API, tells systemd it is ready, then waits for
 * signals in this thread (every other thread blocks them): SIGHUP reloads
 * the configuration (an invalid file is reported and the old one kept),
 * SIGTERM/SIGINT stop cleanly, SIGPIPE is ignored (main.c). */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api_routes.h"
#include "api_server.h"
#include "commands.h"
#include "config.h"
#include "daemon.h"
#include "daemon_sync.h"
#include "log.h"
#include "sd_notify.h"
#include "secret_file.h"
#include "store.h"

static void run_usage(FILE *out)
{
	fprintf(out,
		"Usage: kepagent run [-d|--foreground] [--help]\n"
		"\n"
		"Runs the background agent: refreshes every enabled account on its\n"
		"poll_interval (with jitter and per-account backoff on errors) and serves\n"
		"the local API (import queue, status lookup, evidence, /healthz, /metrics).\n"
		"\n"
		"  -d, --foreground  log to standard error instead of syslog/journald\n"
		"  -h, --help        show this help\n"
		"\n"
		"Signals: SIGHUP reloads the configuration (an invalid one is reported and\n"
		"the running one kept); SIGTERM and SIGINT stop at once (a provider request\n"
		"in flight is abandoned; nothing is half stored).\n");
}

/* Reads the API token: a 0600 file, first line, surrounding blanks removed. */
static char *load_token(const char *path, struct kerr *err)
{
	struct kbuf b = { 0 };
	char *tok, *end;

	if (secret_file_read(path, 4096, &b, err) < 0) {
		kerr_prefix(err, "API token file");
		secret_kbuf_free(&b);
		return NULL;
	}
	tok = (char *)kbuf_cstr(&b);
	tok += strspn(tok, " \t\r\n");
	end = tok + strcspn(tok, "\r\n");
	while (end > tok && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	tok = xstrndup(tok, (size_t)(end - tok));
	secret_kbuf_free(&b);
	return tok;
}

static int check_store(const struct config *cfg, struct kerr *err)
{
	struct store *s;

	if (store_open(cfg->store_path, &s, err) < 0)
		return -1;
	store_close(&s);
	return 0;
}

static void reload(struct daemon *d, const char *path, const struct config *old)
{
	struct config *cfg;
	struct kerr err = { 0 };

	log_info("SIGHUP: reloading %s", path);
	if (config_load(path, &cfg, &err) < 0) {
		log_error("new configuration rejected, keeping the running one: %s", err.msg);
		return;
	}
	if (strcmp(cfg->store_path, old->store_path) != 0 ||
	    strcmp(cfg->api_listen, old->api_listen) != 0 || cfg->api_port != old->api_port)
		log_warn("store and API listen settings change only on restart");
	daemon_reload(d, cfg);
	log_info("configuration reloaded: %zu accounts", cfg->n_accounts);
}

static int serve(struct cmd_ctx *ctx, struct config *cfg)
{
	struct api_server_opts ao = { 0 };
	struct api_server *srv = NULL;
	struct daemon *d = NULL;
	struct kerr err = { 0 };
	const struct config *cur;
	char *token = NULL;
	sigset_t set;
	int64_t wd_ms = notify_watchdog_interval_ms();
	int rc = KEXIT_OK, sig;

	token = load_token(cfg->api_token_file, &err);
	/* The TLS key is a secret: the same owner-only rule as the token. */
	if (token == NULL ||
	    (cfg->api_tls_key != NULL && secret_file_check(cfg->api_tls_key, &err) < 0) ||
	    check_store(cfg, &err) < 0) {
		log_error("%s", err.msg);
		secret_free(&token);
		config_free(&cfg);
		return kerr_exit_code(&err);
	}

	/* Every thread created from here on inherits the blocked set. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (daemon_start(cfg, daemon_sync_account, &d, &err) < 0)
		goto fail;
	ao.listen = cfg->api_listen;
	ao.port = (unsigned short)cfg->api_port;
	ao.token = token;
	ao.tls_cert_file = cfg->api_tls_cert;
	ao.tls_key_file = cfg->api_tls_key;
	ao.max_body = cfg->api_max_request_size;
	ao.allow_plain_http = cfg->api_insecure_plain_http;
	ao.routes = api_routes;
	ao.user = d;
	if (api_server_start(&ao, &srv, &err) < 0)
		goto fail;
	secret_free(&token);
	log_info("kepagent %s running: %zu accounts, API on %s%s:%u", PACKAGE_VERSION,
		 cfg->n_accounts, cfg->api_tls_cert != NULL ? "https://" : "http://",
		 cfg->api_listen, api_server_port(srv));
	notify_systemd_status("READY=1", "running: %zu account(s), API on %s:%u", cfg->n_accounts,
			      cfg->api_listen, api_server_port(srv));

	for (;;) {
		int64_t wait_ms = wd_ms > 0 ? wd_ms / 2 : 1000;
		struct timespec ts = { .tv_sec = wait_ms / 1000, .tv_nsec = (wait_ms % 1000) * 1000000 };

		sig = sigtimedwait(&set, NULL, &ts);
		if (wd_ms > 0)
			notify_systemd("WATCHDOG=1");
		if (sig < 0)
			continue;
		if (sig == SIGHUP) {
			notify_systemd_status("RELOADING=1", "reloading %s", ctx->config_path);
			cur = daemon_config_get(d);
			reload(d, ctx->config_path, cur);
			daemon_config_put(d, cur);
			cur = daemon_config_get(d);
			notify_systemd_status("READY=1", "running: %zu account(s), API on %s:%u",
					      cur->n_accounts, cur->api_listen, api_server_port(srv));
			daemon_config_put(d, cur);
			continue;
		}
		log_info("%s: stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	}
	notify_systemd_status("STOPPING=1", "stopping");
	api_server_stop(&srv);
	daemon_free(&d);
	log_info("stopped");
	return rc;

fail:
	log_error("%s", err.msg);
	secret_free(&token);
	api_server_stop(&srv);
	if (d != NULL)
		daemon_free(&d);
	else
		config_free(&cfg);
	return kerr_exit_code(&err);
}

int cmd_run(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config *cfg;
	struct kerr err = { 0 };
	int foreground = 0, c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			foreground = 1;
			break;
		case 'h':
			run_usage(stdout);
			return KEXIT_OK;
		default:
			return cmd_usage_error("run", "see 'kepagent run --help'");
		}
	}
	if (optind < argc)
		return cmd_usage_error("run", "unexpected argument '%s'", argv[optind]);
	if (config_load(ctx->config_path, &cfg, &err) < 0) {
		log_error("%s", err.msg);
		return kerr_exit_code(&err);
	}
	/* config_load applied log.level, -v and -q. */
	log_init("kepagent", foreground, log_get_verbosity());
	return serve(ctx, cfg);
}
