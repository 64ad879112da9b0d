/* retention.c: applying the retention policy (see retention.h). */
#include "retention.h"

#include <time.h>

#include "log.h"

int64_t retention_cutoff(const struct config *cfg, int64_t now)
{
	time_t t = (time_t)(now / 1000);
	struct tm tm;

	if (cfg->retention_archive_after_years <= 0)
		return 0;
	/* Calendar years: 29 February becomes 1 March in a common year. */
	gmtime_r(&t, &tm);
	tm.tm_year -= (int)cfg->retention_archive_after_years;
	return (int64_t)timegm(&tm) * 1000 + now % 1000;
}

int retention_apply(const struct config *cfg, struct store *s, int dry_run,
		    struct store_archive_report *rep, struct kerr *err)
{
	int64_t cutoff = retention_cutoff(cfg, now_ms());

	if (cutoff == 0 || cfg->retention_archive_dir == NULL)
		return kerr_set(err, KERR_CONFIG, "%s: retention is not configured (retention:"
				" archive_after_years and archive_dir): content is kept in the"
				" store forever", cfg->path);
	if (dry_run)
		return store_archive_plan(s, cutoff, rep, err);
	if (store_archive_old_content(s, cfg->retention_archive_dir, cutoff, rep, err) < 0)
		return -1;
	if (rep->n_failed > 0)
		return kerr_set(err, KERR_IO, "retention: %zu package(s) could not be archived and"
				" stay in the store", rep->n_failed);
	return 0;
}

static void log_failure(void *arg, const struct store_archive_item *it)
{
	(void)arg;
	if (it->error != NULL)
		log_warn("retention: package %lld stays in the store: %s",
			 (long long)it->package_id, it->error);
}

int retention_run(const struct config *cfg, struct store *s, struct kerr *err)
{
	struct store_archive_report rep = { .on_item = log_failure };
	int ret;

	if (retention_cutoff(cfg, now_ms()) == 0)
		return 0;
	ret = retention_apply(cfg, s, 0, &rep, err);
	if (rep.n_archived > 0)
		log_info("retention: archived the content of %zu package(s), %lld bytes, to %zu"
			 " archive file(s) in %s", rep.n_archived, (long long)rep.bytes,
			 rep.n_archives, cfg->retention_archive_dir);
	store_archive_report_free(&rep);
	return ret;
}
