/* ptt_quota.c: KotaSorgula and KontorSorgula (provider.h's quota).
 *
 * Both take the credentials block as param0 (ptt_call_creds). Answers seen
 * or assumed (kep-domain.md section 2), all accepted:
 *   KotaSorgula   a bare integer in the `return` (KB in use: assumed), or
 *                 children kota (total) and kullanilan (in use), in KB, with
 *                 durum/hataaciklama
 *   KontorSorgula children miktar (or kontor) and cins; the server puts an
 *                 error text into cins, so a miktar that is not a number is
 *                 "not answered", never zero.
 * KontorSorgula is best effort (many mailboxes have no credit): its failure
 * is logged and leaves credit at -1. */
#include "ptt_eyws_p.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "util.h"

/* A non-negative decimal integer, or -1. */
static int64_t number_of(const char *text)
{
	char *end;
	long long v;

	if (text == NULL)
		return -1;
	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	if (*text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoll(text, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (errno != 0 || *end != '\0' || v < 0)
		return -1;
	return (int64_t)v;
}

static int64_t field_number(xmlNodePtr ret, const char *name)
{
	char *t = soap_field(ret, name);
	int64_t v = number_of(t);

	free(t);
	return v;
}

static int has_element_child(xmlNodePtr n)
{
	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return 1;
	return 0;
}

/* durum present and not zero: the provider's refusal, graded as usual. */
static int durum_failed(xmlNodePtr ret, const char *op, struct kerr *err)
{
	char *d = soap_field(ret, "durum");
	int bad = d != NULL && !soap_num_is_zero(d);

	free(d);
	return bad ? ptt_check_durum(ret, op, KERR_PERMANENT, err) : 0;
}

static int kota(struct kep_session *s, struct kep_quota *q, struct kerr *err)
{
	struct ptt_reply r;
	char ex[260];
	int rc = 0;

	if (ptt_call_creds(s, "KotaSorgula", &r, err) < 0)
		return -1;
	if (!has_element_child(r.ret)) {
		char *t = soap_text(r.ret);

		q->used_kb = number_of(t);
		free(t);
	} else if (durum_failed(r.ret, "KotaSorgula", err) < 0) {
		rc = -1;
	} else {
		q->total_kb = field_number(r.ret, "kota");
		q->used_kb = field_number(r.ret, "kullanilan");
	}
	if (rc == 0 && q->used_kb < 0 && q->total_kb < 0) {
		ptt_reply_excerpt(&r, ex, sizeof(ex));
		rc = kerr_set(err, KERR_PERMANENT, "KotaSorgula: no figure in the answer "
			      "(excerpt: %s)", ex);
	}
	ptt_reply_free(&r);
	return rc;
}

static void kontor(struct kep_session *s, struct kep_quota *q)
{
	struct ptt_reply r;
	struct kerr err;
	char *cins;

	if (ptt_call_creds(s, "KontorSorgula", &r, &err) < 0) {
		log_debug("KontorSorgula: %s", err.msg);
		return;
	}
	if (durum_failed(r.ret, "KontorSorgula", &err) < 0) {
		log_debug("%s", err.msg);
	} else {
		q->credit = field_number(r.ret, "miktar");
		if (q->credit < 0)
			q->credit = field_number(r.ret, "kontor");
		if (q->credit < 0) {
			cins = soap_field(r.ret, "cins");
			log_debug("KontorSorgula: no credit figure%s%s", cins ? ": " : "",
				  cins ? cins : "");
			free(cins);
		}
	}
	ptt_reply_free(&r);
}

int ptt_quota(struct kep_session *s, struct kep_quota *q, struct kerr *err)
{
	q->used_kb = q->total_kb = q->credit = -1;
	if (kota(s, q, err) < 0)
		return -1;
	kontor(s, q);
	return 0;
}
