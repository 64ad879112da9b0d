/* config_check.h: what check-config (and doctor) find in the files and
 * directories the generic configuration names, before a run fails on them:
 * a path that does not exist or has the wrong type, a file the running user
 * (the service user, when run as it: ExecStartPre does) cannot read, a
 * directory it cannot write or create (the store's, the archive's: their
 * parent must exist), a file of
 * secrets others may read (`kepagent run` refuses it), an enabled account
 * still holding the sample's placeholder values. Each account's own keys
 * (secrets, PIN, module) are its driver's conf_check().
 *
 * Findings go to sink, one line each naming the configuration file, the
 * key, the path and the fix; never a secret. Reads the file system only. */
#ifndef KEP_CONFIG_CHECK_H
#define KEP_CONFIG_CHECK_H

#include "config.h"
#include "provider.h"

void config_check_paths(const struct config *cfg, const struct kep_check_sink *sink);
/* trust.kephs (part of config_check_paths, and doctor's): its certificate
 * files readable, and a warning for every enabled account whose provider it
 * names no signer of (a configuration from before trust.kephs would
 * otherwise mark every envelope and delil untrusted, silently). */
void config_check_kephs(const struct config *cfg, const struct kep_check_sink *sink);

#endif
