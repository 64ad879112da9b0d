/* trust_config.c: see trust_config.h. */
#include "trust_config.h"

static int load_list(struct trust_store *ts, enum trust_kind k, char **paths, size_t n,
		     struct kerr *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (trust_load(ts, k, paths[i], err) < 0)
			return -1;
	return 0;
}

int trust_load_config(const struct config *cfg, struct trust_store *ts, struct kerr *err)
{
	if (load_list(ts, TRUST_ANCHOR, cfg->trust_anchors, cfg->n_trust_anchors, err) < 0 ||
	    load_list(ts, TRUST_ANCHOR, cfg->trust_kamusm_stores, cfg->n_trust_kamusm_stores,
		      err) < 0 ||
	    load_list(ts, TRUST_INTERMEDIATE, cfg->trust_intermediates,
		      cfg->n_trust_intermediates, err) < 0 ||
	    load_list(ts, TRUST_TSA_ANCHOR, cfg->trust_tsa_anchors, cfg->n_trust_tsa_anchors,
		      err) < 0) {
		if (err != NULL)
			err->cls = KERR_CONFIG;
		return kerr_prefix(err, "trust");
	}
	return 0;
}
