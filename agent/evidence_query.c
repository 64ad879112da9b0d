/* evidence_query.c: see evidence_query.h. */
#include "evidence_query.h"

#include <stdlib.h>

#include "delil.h"
#include "store_package.h"
#include "store_package_details.h"
#include "store_search.h"
#include "store_verification.h"
#include "json_text.h"
#include "reply.h"
#include "util.h"

void evidence_query_write(struct kbuf *b, const struct store_evidence_row *r)
{
	const struct store_evidence_meta *m = &r->meta;
	char label[64], t[32];

	jt_begin(b, '{');
	jt_kint(b, "id", r->id);
	jt_kstr(b, "delil_id", m->delil_id);
	jt_kint(b, "delil_tur_id", m->delil_tur_id);
	jt_kstr(b, "label", delil_label((int)m->delil_tur_id, label, sizeof(label)));
	jt_kbool(b, "known", delil_by_code((int)m->delil_tur_id) != NULL);
	jt_kstr(b, "event_time", reply_time(m->event_time, t));
	jt_kstr(b, "provider_time", m->event_time_text);
	jt_kstr(b, "issuer", m->issuer);
	jt_kstr(b, "verdict", m->verdict ? m->verdict : "unverified");
	jt_kstr(b, "reason", m->verdict_reason);
	jt_kstr(b, "account", m->account);
	jt_kstr(b, "kep_id", m->kep_id);
	jt_kid(b, "package_id", r->package_id);
	jt_kid(b, "carrier_package_id", r->carrier_id);
	jt_end(b, '}');
}

json_t *evidence_query_json(const struct store_evidence_row *r)
{
	struct kbuf b = { 0 };
	json_t *j;

	evidence_query_write(&b, r);
	j = json_loadb((const char *)b.data, b.len, 0, NULL);
	kbuf_free(&b);
	return j;
}

json_t *evidence_query_checks_json(const struct store_verification_row *rows, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const struct store_verification *v = &rows[i].v;
		struct reply_check c = { v->check, v->verdict, v->reason, v->signer_subject,
					 v->signer_serial, v->signer_issuer, v->signing_time,
					 v->timestamp_time, v->validation_time, NULL };

		json_array_append_new(a, reply_check_json(&c));
	}
	return a;
}

int evidence_query_search(struct store *st, const struct store_search *q, json_t **out,
			struct kerr *err)
{
	struct store_evidence_row *rows = NULL;
	size_t n = 0, i;
	int64_t total;
	json_t *items;

	if (store_search_evidence(st, q, &rows, &n, err) < 0)
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, evidence_query_json(&rows[i]));
	store_evidence_rows_free(&rows, n);
	if (store_search_evidence_count(st, q, &total, err) < 0) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	return 0;
}

json_t *evidence_query_package_json(const struct store_package_row *p,
				    const struct store_package_details *d)
{
	json_t *rcpt = json_array();
	char t1[32], t2[32], t3[32];
	size_t i;

	for (i = 0; d != NULL && i < d->n_recipients; i++)
		json_array_append_new(rcpt, json_pack("{s:s, s:o, s:o}", "role", d->recipients[i].role,
						      "address", reply_text(d->recipients[i].address),
						      "name", reply_text(d->recipients[i].name)));
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s?, s:s?, s:s?, s:s?}",
			 "id", (json_int_t)p->id, "account", p->meta.account,
			 "folder", p->meta.folder, "kep_id", p->meta.kep_id,
			 "subject", reply_text(p->meta.subject), "sender", reply_text(p->meta.sender),
			 "sender_kep", reply_text(p->meta.sender_kep), "recipients", rcpt,
			 "date", d ? reply_time(d->message_date, t1) : NULL,
			 "provider_time", d ? reply_time(d->provider_time, t2) : NULL,
			 "stored_at", reply_time(p->stored_at, t3), "verdict", p->meta.verdict);
}

int evidence_query_package(struct store *st, int64_t id, json_t **out, struct kerr *err)
{
	struct store_package_row *p = NULL;
	struct store_package_details d;
	struct kerr e;
	int has;

	if (store_package_get(st, id, &p, err) < 0)
		return -1;
	has = store_package_details_get(st, id, &d, &e) == 0;
	if (!has && e.cls != KERR_NOTFOUND) {
		store_package_row_free(&p);
		if (err != NULL)
			*err = e;
		return -1;
	}
	*out = evidence_query_package_json(p, has ? &d : NULL);
	if (has)
		store_package_details_free(&d);
	store_package_row_free(&p);
	return 0;
}

int evidence_query_packages(struct store *st, const struct store_search *q, json_t **out,
		       struct kerr *err)
{
	int64_t *ids = NULL, total;
	size_t n = 0, i;
	json_t *items, *j;

	if (store_search_packages(st, q, &ids, &n, err) < 0)
		return -1;
	items = json_array();
	for (i = 0; i < n; i++) {
		if (evidence_query_package(st, ids[i], &j, err) < 0) {
			json_decref(items);
			free(ids);
			return -1;
		}
		json_array_append_new(items, j);
	}
	free(ids);
	if (store_search_packages_count(st, q, &total, err) < 0) {
		json_decref(items);
		return -1;
	}
	*out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	return 0;
}

int evidence_query_show(struct store *st, int64_t id, json_t **out, struct kerr *err)
{
	struct store_verification_row *vr = NULL;
	struct store_evidence_row *r = NULL;
	size_t nv = 0;
	json_t *j;

	if (store_evidence_get(st, id, &r, err) < 0)
		return -1;
	if (store_verification_list(st, STORE_VERIF_EVIDENCE, id, &vr, &nv, err) < 0) {
		store_evidence_rows_free(&r, 1);
		return -1;
	}
	j = evidence_query_json(r);
	json_object_set_new(j, "description", r->meta.description ?
			    json_string(r->meta.description) : json_null());
	json_object_set_new(j, "checks", evidence_query_checks_json(vr, nv));
	store_evidence_rows_free(&r, 1);
	store_verification_rows_free(&vr, nv);
	*out = j;
	return 0;
}
