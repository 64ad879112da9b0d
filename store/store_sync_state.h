/* store_sync_state.h: per account and folder, how far syncing got.
 *
 * window_end is the end of the last window (PaketSorgula sontarih) that was
 * synced completely; the next run starts from there. A failure keeps
 * window_end and counts consecutive failures until the next success.
 * store_sync_get() fills a struct whose last_error the caller frees with
 * store_sync_state_clear(). Thread safety: as struct store. */
#ifndef KEP_STORE_SYNC_STATE_H
#define KEP_STORE_SYNC_STATE_H

#include <stdint.h>

#include "err.h"

struct store;

struct store_sync_state {
	int64_t window_end;             /* 0: never synced */
	int64_t last_run;
	char *last_error;               /* NULL after a success */
	int64_t consecutive_failures;
};

/* 1 when a state is stored, 0 when not (then *state is zeroed). */
int store_sync_get(struct store *store, const char *account, const char *folder,
		   struct store_sync_state *state, struct kerr *err);
/* A complete sync up to window_end at run_time: clears the error count. */
int store_sync_success(struct store *store, const char *account, const char *folder,
		       int64_t window_end, int64_t run_time, struct kerr *err);
/* A failed run: keeps window_end, records the error, failures + 1. */
int store_sync_failure(struct store *store, const char *account, const char *folder,
		       int64_t run_time, const char *error, struct kerr *err);
void store_sync_state_clear(struct store_sync_state *state);

#endif
