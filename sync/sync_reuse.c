/* sync_reuse.c: a kepId listed again with another kepSiraNo than the
 * stored package's (see sync_p.h). Packages are known by (folder, kepId),
 * so such a row looked stored and was skipped without a word: a second
 * package lost behind the first. The stored bytes are never overwritten
 * (they are the legal record); the listed package is downloaded by its
 * kepSiraNo and kept beside it (store_kep_id_reuse.h), warned about,
 * audited and flagged, for a person to look at. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "store_kep_id_reuse.h"
#include "store_package.h"
#include "sync_p.h"
#include "util.h"

/* The listed number as the store keeps one: decimal, or the provider's text
 * when it is not a number; NULL when the row has none. */
static char *listed_seq(const struct kep_package_info *pi)
{
	if (pi->seq >= 0)
		return xasprintf("%lld", (long long)pi->seq);
	return pi->seq_text != NULL ? xstrdup(pi->seq_text) : NULL;
}

int sync_kep_id_reused(struct sync_ctx *c, const struct kep_package_info *pi, int64_t id,
		       struct kerr *err)
{
	char *listed = listed_seq(pi), *stored = NULL;
	int rc;

	/* Without both numbers nothing says it is another package. */
	if (listed == NULL)
		return 0;
	if (store_package_seq(c->store, id, &stored, err) < 0) {
		free(listed);
		return -1;
	}
	rc = stored != NULL && strcmp(stored, listed) != 0;
	free(stored);
	free(listed);
	return rc;
}

int sync_kep_id_reuse(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		      int64_t id, struct kerr *err)
{
	struct kep_package_info by_seq = *pi;
	struct store_content raw;
	char *listed = listed_seq(pi), *stored = NULL, reason[400];
	int kept, fd = -1, isnew = 0, rc;

	kept = store_kep_id_reuse_kept(c->store, id, listed, err);
	if (kept != 0) {
		if (kept > 0)
			log_debug("%s: %s #%s: kept already beside the stored package", folder,
				  pi->kep_id, listed);
		free(listed);
		return kept < 0 ? -1 : 0;
	}
	if (store_package_seq(c->store, id, &stored, err) < 0) {
		free(listed);
		return -1;
	}
	snprintf(reason, sizeof(reason), "the kepId is listed again as #%s; the stored package "
		 "with it is #%s: the listed package is kept beside it, never over it, "
		 "and not verified", listed, stored != NULL ? stored : "?");
	log_warn("%s: %s: %s", folder, pi->kep_id, reason);
	/* By its number alone: by the kepId the provider may answer with either. */
	if (pi->seq >= 0) {
		by_seq.kep_id = NULL;
		fd = sync_fetch_one(c, folder, &by_seq, err);
	}
	raw = store_content_fd(fd);
	rc = store_kep_id_reuse_record(c->store, SYNC_ACTOR, c->acct->name, pi->kep_id, id, listed,
				       fd >= 0 ? &raw : NULL, &isnew, fd >= 0 || pi->seq < 0 ? err
									  : NULL);
	if (fd >= 0)
		close(fd);
	if (isnew)
		sync_flagged(c, "package", folder, pi->kep_id, NULL, pi->subject, "kep-id-reused",
			     reason);
	if (rc == 0 && pi->seq >= 0 && fd < 0)
		/* Recorded without its bytes: the next listing downloads it again. */
		rc = kerr_prefix(err, "%s #%s (a second package under a stored kepId)",
				 pi->kep_id, listed);
	free(stored);
	free(listed);
	return rc;
}
