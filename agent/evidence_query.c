/* evidence_query.c: see evidence_query.h. */
#include "evidence_query.h"

#include <stdlib.h>

#include "delil.h"
#include "store_package.h"
#include "store_search.h"
#include "store_verification.h"
#include "reply.h"

json_t *evidence_query_json(const struct store_evidence_row *r)
{
	const struct store_evidence_meta *m = &r->meta;
	char label[64], t[32];

	delil_label((int)m->delil_tur_id, label, sizeof(label));
	return json_pack("{s:I, s:s, s:I, s:s, s:b, s:s?, s:s?, s:s, s:s?, s:s, s:s?, s:o}",
			 "id", (json_int_t)r->id, "delil_id", m->delil_id,
			 "delil_tur_id", (json_int_t)m->delil_tur_id, "label", label,
			 "known", delil_by_code((int)m->delil_tur_id) != NULL,
			 "event_time", reply_time(m->event_time, t), "issuer", m->issuer,
			 "verdict", m->verdict ? m->verdict : "unverified",
			 "reason", m->verdict_reason, "account", m->account,
			 "kep_id", m->kep_id,
			 "package_id", r->package_id ? json_integer(r->package_id) : json_null());
}

json_t *evidence_query_checks_json(const struct store_verification_row *rows, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++) {
		const struct store_verification *v = &rows[i].v;
		char t1[32], t2[32], t3[32];

		json_array_append_new(a, json_pack(
			"{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
			"check", v->check, "verdict", v->verdict, "reason", v->reason ? v->reason : "",
			"signer_subject", v->signer_subject, "signer_serial", v->signer_serial,
			"signer_issuer", v->signer_issuer,
			"signing_time", reply_time(v->signing_time, t1),
			"timestamp_time", reply_time(v->timestamp_time, t2),
			"validation_time", reply_time(v->validation_time, t3)));
	}
	return a;
}

int evidence_query_search(struct store *st, const struct store_search *q, json_t **out,
			struct kerr *err)
{
	struct store_evidence_row *rows = NULL;
	size_t n = 0, i;
	json_t *items;

	if (store_search_evidence(st, q, &rows, &n, err) < 0)
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, evidence_query_json(&rows[i]));
	store_evidence_rows_free(&rows, n);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static json_t *package_json(const struct store_package_row *p)
{
	char t[32];

	return json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "id", (json_int_t)p->id,
			 "account", p->meta.account, "folder", p->meta.folder,
			 "kep_id", p->meta.kep_id, "subject", p->meta.subject,
			 "sender", p->meta.sender, "received_at", reply_time(p->meta.received_at, t),
			 "verdict", p->meta.verdict);
}

int evidence_query_packages(struct store *st, const struct store_search *q, json_t **out,
		       struct kerr *err)
{
	int64_t *ids = NULL;
	size_t n = 0, i;
	json_t *items;

	if (store_search_packages(st, q, &ids, &n, err) < 0)
		return -1;
	items = json_array();
	for (i = 0; i < n; i++) {
		struct store_package_row *p = NULL;

		if (store_package_get(st, ids[i], &p, err) < 0) {
			json_decref(items);
			free(ids);
			return -1;
		}
		json_array_append_new(items, package_json(p));
		store_package_row_free(&p);
	}
	free(ids);
	*out = json_pack("{s:o}", "items", items);
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
