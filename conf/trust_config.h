/* trust_config.h: the trust store a configuration describes.
 *
 * Loads trust.anchors and trust.kamusm_stores as anchors, trust.intermediates
 * as untrusted helpers, trust.tsa_anchors as time-stamp anchors and
 * trust.kephs as each provider's signing identities (signer_role.h) into ts
 * (see kep/trust.h). The one place that maps configuration to trust, for the
 * sync, `kepagent verify` and evidence bundles alike. */
#ifndef KEP_TRUST_CONFIG_H
#define KEP_TRUST_CONFIG_H

#include "config.h"
#include "err.h"
#include "trust.h"

/* On failure err names the path that did not load (KERR_CONFIG). */
int trust_load_config(const struct config *cfg, struct trust_store *ts, struct kerr *err);

#endif
