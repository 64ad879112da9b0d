/* send.h: sending the outbox (store_outbox.h has the state machine).
 *
 * The sender runs inside sync_account() once the folders are mapped and
 * before the sent folder is synced, so what it submitted is stored and its
 * evidence followed by the same run. For each item of the account, oldest
 * first, it takes the next step and commits it before the one after:
 *   accepted        Yukle: the MIME entity is built and stored;
 *                   MimeYap: the provider builds it; mesajid and eHash stored
 *   needs-signature seal: signed here with the seal's token (PIN from its
 *                   0600 file); officer: left for `kepagent outbox sign`
 *   signed          "submitting" is committed, then Yukle/SmimeGonder called
 *                   (once submitted before, the sent folder is asked first)
 *   submitting      found at the start of a run (a crash, or an answer that
 *                   broke off): the sent folder named by DizinSorgula is
 *                   searched (PaketSorgula) for the item's Message-ID or
 *                   mesajid; one match is adopted as submitted, several park
 *                   the item; none leaves it waiting, and parks it once
 *                   reconcile_park_after_seconds have passed since the
 *                   submission. It is never submitted again by itself.
 * Only a submission that provably took no effect (err->not_performed: it
 * never left, or the provider refused it) goes back to signed, to be
 * submitted at the next run (at most max_attempts); a permanent refusal
 * fails the item with the provider's text. A PIN the
 * seal refuses stops sending for the account (store_send_block_set) until
 * its PIN file changes; it is never tried twice.
 *
 * send_sign() is the officer's step, run by `kepagent outbox sign` at a
 * terminal (PIN from the card's pin_file or asked on the terminal); it is
 * also what the sender calls in seal mode. It needs no provider session.
 * Thread safety: one store connection per thread. */
#ifndef KEP_SEND_H
#define KEP_SEND_H

#include <stdint.h>

#include "config.h"
#include "err.h"

struct store;

/* Signs item id (needs-signature -> signed). KERR_BUSY when it is in another
 * state, KERR_AUTH when the token refused the PIN (never retried). */
int send_sign(struct store *st, const struct account_config *acct, int64_t id,
	      const char *actor, struct kerr *err);

/* Builds and stores the MIME entity of a Yukle item (accepted ->
 * needs-signature). */
int send_prepare_entity(struct store *st, const struct account_config *acct, int64_t id,
			const char *actor, struct kerr *err);

#endif
