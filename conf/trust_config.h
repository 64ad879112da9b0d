/* trust_config.h: the trust store a configuration describes.
 *
 * Loads trust.anchors and trust.kamusm_stores as anchors, trust.intermediates
 * as untrusted helpers, trust.tsa_anchors as time-stamp anchors and
 * trust.kephs as each provider's signing identities (signer_role.h) into ts
 * (see kep/trust.h). The one place that maps configuration to trust, for the
 * sync, `kepagent verify` and evidence bundles alike; trust_files below
 * is the same loading for trust files named on a command line. */
#ifndef KEP_TRUST_CONFIG_H
#define KEP_TRUST_CONFIG_H

#include "config.h"
#include "err.h"
#include "trust.h"

/* On failure err names the path that did not load (KERR_CONFIG). */
int trust_load_config(const struct config *cfg, struct trust_store *ts, struct kerr *err);

/* Trust files named one by one (`kepagent verify --anchors`...), loaded as
 * the configuration's are: a path's certificates as kind, and the CRLs
 * among the files (PEM CRL blocks in a file, which may hold nothing else;
 * *.crl files, PEM or DER, in a directory) kept until trust_files_done adds
 * them to the anchors' and time-stamp anchors' stores, where
 * revocation_check finds them offline. trust_files_add_crl takes a file
 * that must hold CRLs only (PEM or DER). The set borrows ts; done and free
 * release the set (done also on failure) and NULL the pointer. Each
 * function returns 0, or -1 with err naming the path (KERR_CONFIG or
 * KERR_IO). */
struct trust_files;
struct trust_files *trust_files_new(struct trust_store *ts);
int trust_files_add(struct trust_files *tf, enum trust_kind k, const char *path,
		    struct kerr *err);
int trust_files_add_crl(struct trust_files *tf, const char *path, struct kerr *err);
int trust_files_done(struct trust_files **tf, struct kerr *err);
void trust_files_free(struct trust_files **tf);

#endif
