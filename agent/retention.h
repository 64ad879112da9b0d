/* retention.h: the retention policy of kepagent.yaml(5) (retention:
 * archive_after_years, archive_dir), shared by `kepagent archive` and the
 * daemon's daily run.
 *
 * Packages and evidence are kept forever by default. With
 * archive_after_years N > 0, the raw content of packages stored more than N
 * calendar years ago is moved to archive files in archive_dir by
 * store_archive_old_content() (store_archive.h): durable and verified before
 * the store changes, recorded in the audit log, evidence never touched.
 * Thread safety: as struct store; the config is only read. */
#ifndef KEP_RETENTION_H
#define KEP_RETENTION_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "store_archive.h"

struct store;

/* The stored_at (ms) before which content is archived: `now` minus the
 * configured years, in calendar years (UTC). 0 when retention is off. */
int64_t retention_cutoff(const struct config *cfg, int64_t now);

/* Applies the policy now (or, with dry_run, only reports what it would
 * move); rep is filled as by store_archive_old_content() (zero it first,
 * set on_item to see each package; free with store_archive_report_free()).
 * KERR_CONFIG when retention is not configured. Packages that could not be
 * archived are logged and make it return -1 (KERR_IO) after the others
 * were archived. */
int retention_apply(const struct config *cfg, struct store *s, int dry_run,
		    struct store_archive_report *rep, struct kerr *err);

/* For the daemon: applies the policy when configured (returns 0 at once
 * when it is not), logs one summary line, and reports failures in err. */
int retention_run(const struct config *cfg, struct store *s, struct kerr *err);

#endif
