/* ops_mark.c: AlindiOnay and PaketSil, the operations that change state.
 * Both are idempotent: a repeat answers durum=0 again and is logged. The
 * first AlindiOnay of a package kepsim delivered from another account gives
 * that sender its 60 "Okundu" evidence (submit.h). */
#include "ops_p.h"

#include <stdlib.h>

#include "log.h"
#include "mailbox_state.h"
#include "submit.h"
#include "util.h"

static struct soap_resp *mark(struct op_ctx *c, enum state_kind kind)
{
	char *id = op_field(c, "kepId"), *no = op_field(c, "kepSiraNo"), *folder;
	struct soap_resp *resp = NULL;
	struct kerr err;
	struct pkg p;
	int dup = 0;

	folder = op_find(c, id, no, kind == STATE_DELETED, &p, &resp);
	if (folder == NULL)
		goto out;
	if (state_record(c->conf->mailbox, kind, c->acct->name, &p, &dup, &err) < 0) {
		log_error("%s: %s", c->op, err.msg);
		resp = op_error(c, "İşlem kaydedilemedi");
	} else {
		if (dup)
			log_info("%s repeated for %s/%lld (already recorded)", c->op, folder, p.sirano);
		json_object_set_new(c->log, "duplicate", json_boolean(dup));
		/* The first acknowledgement of a copy kepsim delivered tells its sender. */
		if (kind == STATE_ACK && !dup &&
		    submit_read_receipt(c->conf, c->acct, &p, c->log, &err) < 0)
			log_error("AlindiOnay: read receipt: %s", err.msg);
		resp = soap_resp_new(c->op);
		soap_resp_add(resp, "durum", "0");
		soap_resp_add(resp, "hataaciklama", "");
	}
	pkg_free(&p);
out:
	free(folder);
	free(id);
	free(no);
	return resp;
}

struct soap_resp *op_alindi_onay(struct op_ctx *c)
{
	return mark(c, STATE_ACK);
}

struct soap_resp *op_paket_sil(struct op_ctx *c)
{
	return mark(c, STATE_DELETED);
}
