/* trust_config.c: see trust_config.h. */
#include "trust_config.h"

#include "signer_role.h"

static int load_list(struct trust_store *ts, enum trust_kind k, char **paths, size_t n,
		     struct kerr *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (trust_load(ts, k, paths[i], err) < 0)
			return -1;
	return 0;
}

/* trust.kephs: each provider's signing certificates and subject rules. */
static int load_kephs(const struct config *cfg, struct trust_store *ts, struct kerr *err)
{
	size_t i, j;

	for (i = 0; i < cfg->n_trust_kephs; i++) {
		const struct kephs_config *k = &cfg->trust_kephs[i];
		const char *prov = k->provider;

		for (j = 0; j < k->n_certificates; j++)
			if (trust_load_kephs(ts, prov, k->certificates[j], err) < 0)
				return -1;
		if (k->subject != NULL &&
		    kephs_signers_add_rule(trust_kephs(ts), prov, k->subject, k->issuer, err) < 0)
			return kerr_prefix(err, "kephs");
	}
	return 0;
}

int trust_load_config(const struct config *cfg, struct trust_store *ts, struct kerr *err)
{
	if (load_kephs(cfg, ts, err) < 0 ||
	    load_list(ts, TRUST_ANCHOR, cfg->trust_anchors, cfg->n_trust_anchors, err) < 0 ||
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
