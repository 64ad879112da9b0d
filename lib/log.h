/* log.h: the one log module.
 *
 * In the foreground (CLI, `kepagent run -d`) lines go to stderr with a level
 * prefix; as a service they go to syslog, which journald collects. A
 * per-thread context (the account name) is put in front of each line.
 * Never log secrets. Thread-safe: each line is written with one call. */
#ifndef KEP_LOG_H
#define KEP_LOG_H

enum log_level { LOG_LVL_ERROR = 0, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* ident: program name for stderr lines and syslog (a static string); to_stderr: 1 for the foreground; verbosity: a log_level. */
void log_init(const char *ident, int to_stderr, int verbosity);
void log_set_verbosity(int verbosity);
int log_get_verbosity(void);
/* Context shown as "[ctx] " on this thread's lines; NULL clears it. Copied. */
void log_set_context(const char *ctx);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
