/* daemon_sync.h: how the daemon's schedulers run the sync engine. */
#ifndef KEP_DAEMON_SYNC_H
#define KEP_DAEMON_SYNC_H

#include "daemon_p.h"

/* A daemon_sync_fn: one unattended refresh of acct through the sync engine,
 * reporting provider requests to /metrics. */
daemon_sync_fn daemon_sync_account;

#endif
