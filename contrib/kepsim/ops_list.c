/* ops_list.c: the query operations (lists as parallel arrays, counters). */
#include "ops_p.h"

#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "log.h"
#include "util.h"

struct rows {
	json_t **v;   /* borrowed or owned per row: all are decref'ed */
	size_t n;
};

static void rows_push(struct rows *r, json_t *row)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = row;
}

static void rows_free(struct rows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		json_decref(r->v[i]);
	free(r->v);
}

/* duplicate-list-entries: some rows again at the end (at least one). */
static void duplicate(struct op_ctx *c, struct rows *r)
{
	size_t i, n = r->n;
	int any = 0;

	for (i = 0; i < n; i++)
		if (faults_random(c->seq, 100 + i) % 3 == 0) {
			rows_push(r, json_incref(r->v[i]));
			any = 1;
		}
	if (!any && n > 0)
		rows_push(r, json_incref(r->v[faults_random(c->seq, 99) % n]));
}

/* reordered-list-entries: a shuffle that differs from the original order. */
static void reorder(struct op_ctx *c, struct rows *r)
{
	size_t i, j, moved = 0;
	json_t *t, **orig;

	if (r->n < 2)
		return;
	orig = xmalloc(r->n * sizeof(*orig));
	memcpy(orig, r->v, r->n * sizeof(*orig));
	for (i = r->n - 1; i > 0; i--) {
		j = faults_random(c->seq, 200 + i) % (i + 1);
		t = r->v[i];
		r->v[i] = r->v[j];
		r->v[j] = t;
	}
	for (i = 0; i < r->n; i++)
		moved += orig[i] != r->v[i];
	if (moved == 0) {
		t = r->v[0];
		r->v[0] = r->v[r->n - 1];
		r->v[r->n - 1] = t;
	}
	free(orig);
}

/* Writes the rows as parallel arrays: all of field 1, then all of field 2...
 * durum and hataaciklama are per row ("0" and ""); tarih in the dialect's
 * time form. An empty list answers (--empty-list=nil-first) durum "1", the
 * key field (fields[1]) nil and empty_text, or (empty) a single durum "0"
 * and an empty hataaciklama. */
static struct soap_resp *emit(struct op_ctx *c, const char *const *fields, struct rows *r,
			      const char *empty_text)
{
	struct soap_resp *resp = soap_resp_new(c->op);
	char buf[32];
	size_t f, i;

	if (c->fault == FAULT_DUPLICATE)
		duplicate(c, r);
	else if (c->fault == FAULT_REORDER)
		reorder(c, r);
	json_object_set_new(c->log, "count", json_integer((json_int_t)r->n));
	if (r->n == 0 && kepsim_dialect.empty_nil_first) {
		/* The public clients' empty answer: the key's first item nil,
		 * durum[0] set, the official client's message. */
		soap_resp_add(resp, "durum", "1");
		soap_resp_add_nil(resp, fields[1]);
		soap_resp_add(resp, "hataaciklama", empty_text);
		return resp;
	}
	if (r->n == 0) {
		soap_resp_add(resp, "durum", "0");
		soap_resp_add(resp, "hataaciklama", "");
		return resp;
	}
	for (f = 0; fields[f] != NULL; f++)
		for (i = 0; i < r->n; i++) {
			const char *v = strcmp(fields[f], "durum") == 0 ? "0"
				      : strcmp(fields[f], "hataaciklama") == 0 ? ""
				      : meta_text(r->v[i], fields[f], buf);
			char t[32];

			if (strcmp(fields[f], "tarih") == 0) {
				dialect_time(v, t);
				v = t;
			}
			soap_resp_add(resp, fields[f], v);
		}
	return resp;
}

struct soap_resp *op_paket_sorgula(struct op_ctx *c)
{
	static const char *const fields[] = { "durum", "kepId", "OrgMesajId", "kepSiraNo", "from",
					      "fromKep", "konu", "tur", "turId", "hataaciklama", NULL };
	char *ilk = op_field(c, "ilktarih"), *son = op_field(c, "sontarih"), *folder;
	struct soap_resp *resp = NULL;
	struct pkg_list l;
	struct rows rows = { 0 };
	size_t i;

	char ilk_utc[20] = "", son_utc[20] = "";

	/* The window is on the wire (naive = Turkish time, or Z, or an offset);
	 * the mailbox's tarih is UTC text, which compares as text. */
	if ((ilk != NULL && *ilk != '\0' && dialect_request_time(ilk, ilk_utc) < 0) ||
	    (son != NULL && *son != '\0' && dialect_request_time(son, son_utc) < 0)) {
		resp = op_error(c, "Tarih formatı hatalı (YYYY-MM-DDThh:mm:ss)");
		goto out;
	}
	folder = op_folder(c, &resp);
	if (folder == NULL)
		goto out;
	if (mailbox_packages(c->conf->mailbox, c->acct, folder, 0, &l, NULL) < 0) {
		resp = op_error(c, "Dizin okunamadı");
	} else {
		for (i = 0; i < l.n; i++) {
			const char *t = json_string_value(json_object_get(l.v[i].meta, "tarih"));
			json_t *after = json_object_get(l.v[i].meta, "listAfterMs");

			if (t == NULL)
				t = "";
			/* --sent-list-delay-ms: taken, not listed yet. */
			if (json_is_integer(after) && json_integer_value(after) > now_ms())
				continue;
			/* The fixed-width format compares as text. */
			if ((*ilk_utc != '\0' && strcmp(t, ilk_utc) < 0) ||
			    (*son_utc != '\0' && strcmp(t, son_utc) > 0))
				continue;
			if (!json_is_string(json_object_get(l.v[i].meta, "kepSiraNo")) &&
			    !json_is_integer(json_object_get(l.v[i].meta, "kepSiraNo")))
				json_object_set_new(l.v[i].meta, "kepSiraNo", json_integer(l.v[i].sirano));
			rows_push(&rows, json_incref(l.v[i].meta));
		}
		resp = emit(c, fields, &rows, "Verilen Tarihler Arasında Paket Bulunamadı");
		pkg_list_free(&l);
	}
	free(folder);
out:
	rows_free(&rows);
	free(ilk);
	free(son);
	return resp;
}

struct soap_resp *op_paket_delil_sorgula(struct op_ctx *c)
{
	static const char *const fields[] = { "durum", "delilId", "delilTurId", "delilaciklama",
					      "tarih", "kephs", "hataaciklama", NULL };
	char *id = op_field(c, "kepId"), *no = op_field(c, "kepSiraNo"), *folder;
	struct soap_resp *resp = NULL;
	struct delil_list d = { 0 };
	struct rows rows = { 0 };
	struct pkg p;
	char now[20], orphan[64];
	size_t i;

	folder = op_find(c, id, no, 0, &p, &resp);
	if (folder == NULL)
		goto out;
	if (mailbox_delils(&p, &d, NULL) == 0) {
		for (i = 0; i < d.n; i++)
			rows_push(&rows, json_incref(d.v[i]));
		if (c->fault == FAULT_UNKNOWN_EVIDENCE) {
			jsonl_now(now);
			snprintf(orphan, sizeof(orphan), ORPHAN_PREFIX "%llu", (unsigned long long)c->seq);
			rows_push(&rows, json_pack("{s:s, s:i, s:s, s:s, s:s}", "delilId", orphan,
						   "delilTurId", 40, "delilaciklama", "Teslim Edildi",
						   "tarih", now, "kephs", "hs01.kep.tr"));
		}
		resp = emit(c, fields, &rows, "Pakete Ait Delil Bulunamadı");
	} else {
		resp = op_error(c, "Deliller okunamadı");
	}
	delil_list_free(&d);
	pkg_free(&p);
out:
	rows_free(&rows);
	free(folder);
	free(id);
	free(no);
	return resp;
}

struct soap_resp *op_dizin_sorgula(struct op_ctx *c)
{
	struct soap_resp *r = soap_resp_new(c->op);
	json_t *fs = json_object_get(c->acct->json, "folders"), *v;
	const char **names = NULL;
	size_t i, n = 0;

	if (kepsim_dialect.folders_strings) {
		/* string[] DizinSorgula: one bare return per folder, no durum. */
		json_array_foreach(fs, i, v)
			if (json_is_string(v)) {
				names = xrealloc(names, (n + 1) * sizeof(*names));
				names[n++] = json_string_value(v);
			}
		soap_resp_strings(r, names, n);
		free(names);
		return r;
	}
	soap_resp_add(r, "durum", "0");
	json_array_foreach(fs, i, v)
		if (json_is_string(v))
			soap_resp_add(r, "dizin", json_string_value(v));
	soap_resp_add(r, "hataaciklama", "");
	return r;
}

static struct soap_resp *counters(struct op_ctx *c, const char *const *keys, const long long *defs)
{
	struct soap_resp *r = soap_resp_new(c->op);
	char buf[32];
	size_t i;

	soap_resp_add(r, "durum", "0");
	for (i = 0; keys[i] != NULL; i++) {
		snprintf(buf, sizeof(buf), "%lld", account_int(c->acct, keys[i], defs[i]));
		soap_resp_add(r, keys[i], buf);
	}
	soap_resp_add(r, "hataaciklama", "");
	return r;
}

struct soap_resp *op_kontor_sorgula(struct op_ctx *c)
{
	static const char *const keys[] = { "kontor", NULL };
	static const long long defs[] = { 1000 };

	return counters(c, keys, defs);
}

struct soap_resp *op_kota_sorgula(struct op_ctx *c)
{
	static const char *const keys[] = { "kota", "kullanilan", NULL };
	static const long long defs[] = { 102400, 0 }; /* KB: PTT's 100 MB, empty */

	return counters(c, keys, defs);
}
