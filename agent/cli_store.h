/* cli_store.h: what the store-reading commands (queue, status, evidence)
 * share: load the configuration and open its store (SQLite WAL with a busy
 * timeout, so they are safe alongside a running daemon), and report an
 * error once with its exit code. */
#ifndef KEP_CLI_STORE_H
#define KEP_CLI_STORE_H

struct config;
struct store;
struct kerr;

/* 0, or an exit code (already reported) when either cannot be opened. The
 * caller frees both with cli_store_close(). */
int cli_store_open(const char *config_path, const char *cmd, struct config **cfg_r,
		   struct store **st_r);
void cli_store_close(struct config **cfg, struct store **st);
/* Logs "cmd: message" and returns the exit code; lease problems (code
 * lease_*) exit 1, others by error class. */
int cli_fail(const char *cmd, const char *code, const struct kerr *err);

#endif
