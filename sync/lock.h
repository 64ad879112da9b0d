/* lock.h: per-account locks that a crash releases.
 *
 * Two syncs of one account must never run at once, whether started by
 * `kepagent refresh` or by the daemon. The lock is an flock(2) on a file
 * next to the store (DIR/locks/ACCOUNT.lock): the kernel drops it when the
 * process dies, so a SIGKILLed refresh never leaves a stale lock. Each
 * holder writes its pid into the file for diagnostics. Not shared between
 * threads of one process: the daemon serialises per account itself. */
#ifndef KEP_LOCK_H
#define KEP_LOCK_H

#include "err.h"

struct account_lock;

/* Takes the lock for `account` under `dir` (created 0700 if missing). With
 * wait == 0 a held lock fails at once with KERR_BUSY naming the holder's pid. */
int account_lock_acquire(const char *dir, const char *account, int wait,
			 struct account_lock **lock_r, struct kerr *err);
/* Releases and frees; sets *lock to NULL. NULL is a no-op. */
void account_lock_release(struct account_lock **lock);

#endif
