/* draft.h: the messages MimeYap built and SmimeGonder has not yet sent.
 *
 * MAILBOX/state/mimeyap/<hex>/ holds draft.json (account, mesajid, ePaketTur,
 * ePaketId, kime, bilgi, konu, eOzetAlg, eHash, created; kepId once sent),
 * entity.mime (the exact bytes eHash is the digest of: what the signature
 * covers; a test signer that cannot sign a bare digest signs these) and
 * ekler/NN-<fileName>. mesajid is "<hex@mimeyap.kepsim.hs01.kep.tr>" and
 * becomes the Message-ID (OrgMesajId) of the original. Not thread-safe by
 * itself: callers serialise load-check-send-mark (ops_send.c). */
#ifndef KEPSIM_DRAFT_H
#define KEPSIM_DRAFT_H

#include <jansson.h>

#include "gen/gen.h"
#include "mailbox.h"

struct draft {
	char *dir;
	json_t *json;               /* draft.json */
	struct kbuf entity;
	struct attachment *att;     /* names borrowed from json */
	size_t natt;
};

/* Stores a new draft (fields: the draft.json members above, taken) and
 * returns its mesajid (allocated). */
int draft_create(const char *mailbox, json_t *fields, const struct kbuf *entity,
		 const struct attachment *att, size_t natt, char **mesajid, struct kerr *err);
/* The account's draft with that mesajid (with or without <>): KERR_NOTFOUND
 * when there is none. */
int draft_load(const char *mailbox, const struct account *a, const char *mesajid,
	       struct draft *d, struct kerr *err);
/* Records that the draft was sent as kep_id. */
int draft_mark_sent(struct draft *d, const char *kep_id, struct kerr *err);
void draft_free(struct draft *d);

#endif
