/* cli_store.c: see cli_store.h. */
#include "cli_store.h"

#include <string.h>

#include "config.h"
#include "log.h"
#include "store.h"

int cli_store_open(const char *config_path, const char *cmd, struct config **cfg_r,
		   struct store **st_r)
{
	struct kerr err;

	*st_r = NULL;
	if (config_load(config_path, cfg_r, &err) < 0) {
		log_error("%s: %s", cmd, err.msg);
		return kerr_exit_code(&err);
	}
	if (store_open((*cfg_r)->store_path, st_r, &err) < 0) {
		log_error("%s: %s", cmd, err.msg);
		config_free(cfg_r);
		return kerr_exit_code(&err);
	}
	return 0;
}

void cli_store_close(struct config **cfg, struct store **st)
{
	store_close(st);
	config_free(cfg);
}

int cli_fail(const char *cmd, const char *code, const struct kerr *err)
{
	log_error("%s: %s", cmd, err->msg);
	if (code != NULL && strncmp(code, "lease_", 6) == 0)
		return KEXIT_FAILURE;
	return kerr_exit_code(err);
}
