/* log.h: the one log module.
 *
 * In the foreground (CLI, `kepagent run -d`) lines go to stderr with a level
 * prefix; as a service they go to syslog, which journald collects. A
 * per-thread context (the account name) is put in front of each line.
 * Never log secrets. Thread-safe: each line is written with one call.
 *
 * On a terminal the module also owns one status line (refresh's progress):
 * log lines are printed above it and it is redrawn below them, so a log
 * line never lands on the progress line. */
#ifndef KEP_LOG_H
#define KEP_LOG_H

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* ident: program name for stderr lines and syslog (a static string); to_stderr: 1 for the foreground; verbosity: a log_level. */
void log_init(const char *ident, int to_stderr, int verbosity);
void log_set_verbosity(int verbosity);
int log_get_verbosity(void);

/* The command line's say (kepagent -v/-q): from now on the verbosity is
 * log.level of each configuration loaded (log_config_level(), called by
 * config_load), raised one step per -v; quiet caps it at warnings. Until a
 * configuration is loaded the base is info. A program that never calls this
 * keeps the verbosity it set itself whatever configuration it loads. */
void log_follow_config(int verbose, int quiet);
void log_config_level(int level);

/* Context shown as "[ctx] " on this thread's lines; NULL clears it. Copied. */
void log_set_context(const char *ctx);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 when lines go to stderr and stderr is a terminal: a status line can be
 * redrawn in place. Otherwise log_status() does nothing and the caller
 * prints plain lines instead. */
int log_status_available(void);
/* Replaces the status line (cut to the terminal's width; no newline). */
void log_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Ends the status line: keep 1 leaves its last text as an ordinary line,
 * 0 erases it. Nothing when none is shown. */
void log_status_end(int keep);

#endif
