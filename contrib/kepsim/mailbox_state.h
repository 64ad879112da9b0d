/* mailbox_state.h: what clients changed: MAILBOX/state/{acks,deleted}.jsonl.
 *
 * Append-only JSON lines {"time","account","dizin","kepId","kepSiraNo"}.
 * Thread-safe (jsonl serialises access). */
#ifndef KEPSIM_MAILBOX_STATE_H
#define KEPSIM_MAILBOX_STATE_H

#include "err.h"
#include "mailbox.h"

enum state_kind { STATE_ACK, STATE_DELETED };

/* 1 when the package is already recorded in kind's file, else 0. */
int state_has(const char *mailbox, enum state_kind kind, const char *account,
	      const char *folder, long long sirano);
/* Records the package unless already recorded; *dup says which happened. */
int state_record(const char *mailbox, enum state_kind kind, const char *account,
		 const struct pkg *p, int *dup, struct kerr *err);

#endif
