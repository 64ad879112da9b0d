/* status_lookup.c: see status_lookup.h. */
#include "status_lookup.h"

#include <stdlib.h>
#include <string.h>

#include "evidence_stage.h"
#include "store_evidence.h"
#include "store_package.h"
#include "store.h"
#include "store_search.h"
#include "util.h"
#include "evidence_query.h"
#include "outbox.h"

static const enum store_package_key key_order[] = {
	STORE_PKG_BY_KEP_ID, STORE_PKG_BY_MESSAGE_ID, STORE_PKG_BY_ILETI_ID,
	STORE_PKG_BY_BELGE_NO,
};

/* The package the key names and its evidence; *pkg_r 0 when only orphan
 * evidence (or nothing) was found. */
static int find_as(struct store *st, const char *key, int64_t *pkg_r,
		struct store_evidence_row **ev_r, size_t *nev_r, struct kerr *err)
{
	size_t k, i, n = 0;
	int64_t *ids = NULL;

	*pkg_r = 0;
	*ev_r = NULL;
	*nev_r = 0;
	for (k = 0; k < sizeof(key_order) / sizeof(key_order[0]); k++) {
		if (store_package_find(st, key_order[k], NULL, key, &ids, &n, err) < 0)
			return -1;
		if (n > 0)
			break;
	}
	/* The same message can be stored in several folders or accounts (sent
	 * here, received there): the status is the one with evidence. */
	for (i = 0; i < n; i++) {
		struct store_evidence_row *ev = NULL;
		size_t nev = 0;

		if (store_evidence_list_for_package(st, ids[i], &ev, &nev, err) < 0) {
			free(ids);
			store_evidence_rows_free(ev_r, *nev_r);
			return -1;
		}
		if (*pkg_r == 0 || (nev > 0 && *nev_r == 0)) {
			store_evidence_rows_free(ev_r, *nev_r);
			*pkg_r = ids[i];
			*ev_r = ev;
			*nev_r = nev;
		} else {
			store_evidence_rows_free(&ev, nev);
		}
	}
	free(ids);
	if (*pkg_r == 0)
		return store_evidence_orphans(st, key, ev_r, nev_r, err);
	return 0;
}

/* The key without blanks around it (people paste them), xmalloc'd. */
static char *trimmed(const char *key)
{
	size_t n;

	while (*key == ' ' || *key == '\t')
		key++;
	n = strlen(key);
	while (n > 0 && (key[n - 1] == ' ' || key[n - 1] == '\t' || key[n - 1] == '\n' ||
			 key[n - 1] == '\r'))
		n--;
	return xasprintf("%.*s", (int)n, key);
}

/* A kepId and a Message-ID are "<...>" on the wire, but people copy them
 * with or without the angle brackets: the other bracket form of a trimmed
 * key, or NULL when there is none. */
static char *other_form(const char *key)
{
	size_t n = strlen(key);

	if (n == 0)
		return NULL;
	if (n >= 2 && key[0] == '<' && key[n - 1] == '>')
		return n > 2 ? xasprintf("%.*s", (int)(n - 2), key + 1) : NULL;
	if (memchr(key, '<', n) != NULL || memchr(key, '>', n) != NULL)
		return NULL;
	return xasprintf("<%.*s>", (int)n, key);
}

static int find(struct store *st, const char *key, int64_t *pkg_r,
		struct store_evidence_row **ev_r, size_t *nev_r, struct kerr *err)
{
	char *t = trimmed(key), *alt = NULL;
	int rc;

	rc = find_as(st, t, pkg_r, ev_r, nev_r, err);
	if (rc == 0 && *pkg_r == 0 && *nev_r == 0 && (alt = other_form(t)) != NULL) {
		store_evidence_rows_free(ev_r, *nev_r);
		rc = find_as(st, alt, pkg_r, ev_r, nev_r, err);
	}
	free(alt);
	free(t);
	return rc;
}

static json_t *not_found(const char *key)
{
	return json_pack("{s:s, s:b, s:s}", "key", key, "found", 0, "message",
			 "no sent message or evidence is known under this key (tried kepId, "
			 "OrgMesajId/Message-ID, X-TR-REM-iletiID and BelgeNo)");
}

static int lookup_one(struct store *st, const char *key, json_t **out, struct kerr *err)
{
	struct store_evidence_row *ev = NULL;
	struct evidence_stage es = { 0 };
	struct store_package_row *p = NULL;
	size_t nev = 0, i;
	int64_t pkg;
	json_t *items, *j;

	if (find(st, key, &pkg, &ev, &nev, err) < 0)
		return -1;
	if (pkg == 0 && nev == 0) {
		/* Sent by this agent but not yet a stored package: its outbox state. */
		int rc = outbox_status_json(st, key, out, err);

		if (rc == 0)
			*out = not_found(key);
		return rc < 0 ? -1 : 0;
	}
	if (pkg != 0 && store_package_get(st, pkg, &p, err) < 0) {
		store_evidence_rows_free(&ev, nev);
		return -1;
	}
	items = json_array();
	for (i = 0; i < nev; i++) {
		json_array_append_new(items, evidence_query_json(&ev[i]));
		/* Only verified evidence counts; every delil stays listed. */
		evidence_stage_add(&es, (int)ev[i].meta.delil_tur_id, ev[i].meta.verdict);
	}
	j = json_pack("{s:s, s:b, s:s, s:s, s:o, s:o, s:o, s:o, s:b, s:o}",
		      "key", key, "found", 1,
		      "kep_id", p ? p->meta.kep_id : ev[0].meta.kep_id ? ev[0].meta.kep_id : key,
		      "account", p ? p->meta.account : ev[0].meta.account,
		      "stage", es.stage ? json_integer(es.stage->code) : json_null(),
		      "label", es.stage ? json_string(es.stage->label) : json_null(),
		      "failure", es.failure ? json_integer(es.failure->code) : json_null(),
		      "failure_label", es.failure ? json_string(es.failure->label) : json_null(),
		      /* Nothing follows a verified failure or the recipient reading it. */
		      "final", evidence_stage_final(&es),
		      "evidence", items);
	if (p != NULL)
		json_object_set_new(j, "package_id", json_integer(p->id));
	store_package_row_free(&p);
	store_evidence_rows_free(&ev, nev);
	*out = j;
	return 0;
}

int status_lookup(struct store *st, const char *key, json_t **out, struct kerr *err)
{
	int rc;

	if (store_read_begin(st, err) < 0)
		return -1;
	rc = lookup_one(st, key, out, err);
	store_read_end(st);
	return rc;
}

int status_lookup_batch(struct store *st, const char *const *keys, size_t n, json_t **out,
		     struct kerr *err)
{
	json_t *results = json_array(), *one;
	size_t i;

	if (n > SVC_STATUS_MAX_BATCH) {
		json_decref(results);
		return kerr_set(err, KERR_USAGE, "at most %d keys at once", SVC_STATUS_MAX_BATCH);
	}
	if (store_read_begin(st, err) < 0) {
		json_decref(results);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (lookup_one(st, keys[i], &one, err) < 0) {
			store_read_end(st);
			json_decref(results);
			return -1;
		}
		json_array_append_new(results, one);
	}
	store_read_end(st);
	*out = json_pack("{s:o}", "results", results);
	return 0;
}
