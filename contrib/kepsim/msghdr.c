/* msghdr.c: see msghdr.h. */
#include "msghdr.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libetpan/libetpan.h>

static int add_mailboxes(struct msghdr *h, struct mailimf_mailbox_list *l)
{
	clistiter *it;

	for (it = l != NULL ? clist_begin(l->mb_list) : NULL; it != NULL; it = clist_next(it)) {
		struct mailimf_mailbox *mb = clist_content(it);

		if (h->nrcpt >= MSGHDR_MAX_RCPT)
			return -1;
		h->rcpt = xrealloc(h->rcpt, (h->nrcpt + 1) * sizeof(*h->rcpt));
		h->rcpt[h->nrcpt++] = xstrdup(mb->mb_addr_spec);
	}
	return 0;
}

static int add_addresses(struct msghdr *h, struct mailimf_address_list *l)
{
	clistiter *it;

	for (it = clist_begin(l->ad_list); it != NULL; it = clist_next(it)) {
		struct mailimf_address *a = clist_content(it);
		int rc;

		if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
			struct mailimf_mailbox_list one;
			clist *c = clist_new();

			clist_append(c, a->ad_data.ad_mailbox);
			one.mb_list = c;
			rc = add_mailboxes(h, &one);
			clist_free(c);
		} else {
			rc = add_mailboxes(h, a->ad_data.ad_group->grp_mb_list);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

static char *decode_subject(const char *raw)
{
	size_t idx = 0;
	char *out = NULL;

	if (mailmime_encoded_phrase_parse("utf-8", raw, strlen(raw), &idx, "utf-8", &out) !=
	    MAILIMF_NO_ERROR || out == NULL)
		return xstrdup(raw);
	return out;
}

int msghdr_parse(const struct kbuf *msg, struct msghdr *h, struct kerr *err)
{
	struct mailimf_fields *f = NULL;
	size_t idx = 0;
	clistiter *it;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	if (mailimf_envelope_and_optional_fields_parse((const char *)msg->data, msg->len, &idx, &f) !=
	    MAILIMF_NO_ERROR)
		return kerr_set(err, KERR_MALFORMED, "the message header does not parse");
	for (it = clist_begin(f->fld_list); it != NULL && rc == 0; it = clist_next(it)) {
		struct mailimf_field *fl = clist_content(it);

		switch (fl->fld_type) {
		case MAILIMF_FIELD_FROM:
			if (h->from == NULL && fl->fld_data.fld_from->frm_mb_list != NULL &&
			    clist_begin(fl->fld_data.fld_from->frm_mb_list->mb_list) != NULL) {
				struct mailimf_mailbox *mb =
					clist_content(clist_begin(fl->fld_data.fld_from->frm_mb_list->mb_list));

				h->from = xstrdup(mb->mb_addr_spec);
			}
			break;
		case MAILIMF_FIELD_TO:
			rc = add_addresses(h, fl->fld_data.fld_to->to_addr_list);
			break;
		case MAILIMF_FIELD_CC:
			rc = add_addresses(h, fl->fld_data.fld_cc->cc_addr_list);
			break;
		case MAILIMF_FIELD_MESSAGE_ID:
			if (h->msg_id == NULL)
				h->msg_id = xasprintf("<%s>", fl->fld_data.fld_message_id->mid_value);
			break;
		case MAILIMF_FIELD_SUBJECT:
			if (h->subject == NULL)
				h->subject = decode_subject(fl->fld_data.fld_subject->sbj_value);
			break;
		case MAILIMF_FIELD_OPTIONAL_FIELD: {
			struct mailimf_optional_field *o = fl->fld_data.fld_optional_field;

			if (strcasecmp(o->fld_name, "X-TR-REM-iletiTip") == 0 && h->ileti_tip == NULL)
				h->ileti_tip = xstrdup(o->fld_value);
			else if (strcasecmp(o->fld_name, "X-TR-REM-iletiID") == 0 && h->ileti_id == NULL)
				h->ileti_id = xstrdup(o->fld_value);
			break;
		}
		default:
			break;
		}
	}
	mailimf_fields_free(f);
	if (rc < 0) {
		msghdr_free(h);
		return kerr_set(err, KERR_LIMIT, "more than %d recipients", MSGHDR_MAX_RCPT);
	}
	return 0;
}

void msghdr_free(struct msghdr *h)
{
	size_t i;

	for (i = 0; i < h->nrcpt; i++)
		free(h->rcpt[i]);
	free(h->rcpt);
	free(h->from);
	free(h->msg_id);
	free(h->subject);
	free(h->ileti_tip);
	free(h->ileti_id);
	memset(h, 0, sizeof(*h));
}
