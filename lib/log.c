/* log.c: see log.h. */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <syslog.h>
#include <unistd.h>

/* Erase the terminal line the cursor is on (carriage return, EL). */
#define ERASE_LINE "\r\033[K"

static int log_to_stderr = 1;
static const char *log_ident = "kepagent";
static int log_verbosity = LOG_LVL_INFO;
static _Thread_local char log_ctx[128];

static int follow_config, cli_verbose, cli_quiet;

/* The status line: its text while shown. log_mu orders every stderr write
 * while one can be shown, so a line is never cut by a redraw. */
static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char status_text[512];
static int status_shown;

void log_init(const char *ident, int to_stderr, int verbosity)
{
	log_ident = ident;
	log_to_stderr = to_stderr;
	log_verbosity = verbosity;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_verbosity(int verbosity)
{
	log_verbosity = verbosity;
}

int log_get_verbosity(void)
{
	return log_verbosity;
}

static int clamp_level(int v)
{
	return v < LOG_LVL_ERROR ? LOG_LVL_ERROR : v > LOG_LVL_DEBUG ? LOG_LVL_DEBUG : v;
}

void log_follow_config(int verbose, int quiet)
{
	follow_config = 1;
	cli_verbose = verbose;
	cli_quiet = quiet;
	log_config_level(LOG_LVL_INFO);
}

void log_config_level(int level)
{
	int v;

	if (!follow_config)
		return;
	v = clamp_level(level + cli_verbose);
	if (cli_quiet && v > LOG_LVL_WARN)
		v = LOG_LVL_WARN;
	log_verbosity = v;
}

void log_set_context(const char *ctx)
{
	if (ctx == NULL)
		log_ctx[0] = '\0';
	else
		snprintf(log_ctx, sizeof(log_ctx), "%s", ctx);
}

/* Writes buf to stderr in one call (stderr is unbuffered). */
static void put(const char *buf, size_t len)
{
	(void)fwrite(buf, 1, len, stderr);
}

__attribute__((format(printf, 2, 0)))
static void vlog(int level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[2048], out[2048 + 1024];
	int n;

	if (level > log_verbosity)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_to_stderr) {
		pthread_mutex_lock(&log_mu);
		/* Above the status line: erase it, print the line, redraw it. */
		n = snprintf(out, sizeof(out), "%s%s: %s: %s%s%s%s\n%s",
			     status_shown ? ERASE_LINE : "", log_ident, names[level],
			     log_ctx[0] ? "[" : "", log_ctx, log_ctx[0] ? "] " : "", line,
			     status_shown ? status_text : "");
		put(out, n < 0 ? 0 : (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1);
		pthread_mutex_unlock(&log_mu);
	} else if (log_ctx[0] != '\0') {
		syslog(prio[level], "[%s] %s", log_ctx, line);
	} else {
		syslog(prio[level], "%s", line);
	}
}

#define LOG_FN(name, level) \
	void name(const char *fmt, ...) \
	{ \
		va_list ap; \
		va_start(ap, fmt); \
		vlog(level, fmt, ap); \
		va_end(ap); \
	}

LOG_FN(log_error, LOG_LVL_ERROR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

int log_status_available(void)
{
	return log_to_stderr && isatty(STDERR_FILENO);
}

/* Cuts s to fewer than cols characters (UTF-8 code points), so the line
 * never wraps: a wrapped line cannot be redrawn with a carriage return. */
static void fit_width(char *s)
{
	struct winsize ws;
	size_t cols = 80, chars = 0;
	char *p;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		cols = ws.ws_col;
	for (p = s; *p != '\0'; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		if (++chars >= cols) {
			*p = '\0';
			return;
		}
	}
}

void log_status(const char *fmt, ...)
{
	char out[sizeof(status_text) + 8];
	va_list ap;
	int n;

	if (!log_status_available())
		return;
	pthread_mutex_lock(&log_mu);
	va_start(ap, fmt);
	vsnprintf(status_text, sizeof(status_text), fmt, ap);
	va_end(ap);
	fit_width(status_text);
	n = snprintf(out, sizeof(out), ERASE_LINE "%s", status_text);
	put(out, n < 0 ? 0 : (size_t)n < sizeof(out) ? (size_t)n : sizeof(out) - 1);
	status_shown = 1;
	pthread_mutex_unlock(&log_mu);
}

void log_status_end(int keep)
{
	pthread_mutex_lock(&log_mu);
	if (status_shown) {
		if (keep)
			put("\n", 1);
		else
			put(ERASE_LINE, strlen(ERASE_LINE));
		status_shown = 0;
		status_text[0] = '\0';
	}
	pthread_mutex_unlock(&log_mu);
}
