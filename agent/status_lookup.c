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
#include "json_text.h"
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

const char status_lookup_unknown[] =
	"no sent message or evidence is known under this key (tried kepId, "
	"OrgMesajId/Message-ID, X-TR-REM-iletiID and BelgeNo)";

/* Appends the Status object of key to out for package p (NULL: orphan
 * evidence only, nev > 0) and its evidence. */
static void write_known(struct kbuf *out, const char *key, const struct store_package_row *p,
			const struct store_evidence_row *ev, size_t nev)
{
	struct evidence_stage es = { 0 };
	size_t i;

	/* Only verified evidence counts; every delil stays listed. */
	for (i = 0; i < nev; i++)
		evidence_stage_add(&es, (int)ev[i].meta.delil_tur_id, ev[i].meta.verdict);
	jt_begin(out, '{');
	jt_kstr(out, "key", key);
	jt_kbool(out, "found", 1);
	jt_kstr(out, "kep_id", p ? p->meta.kep_id : ev[0].meta.kep_id ? ev[0].meta.kep_id : key);
	jt_kstr(out, "account", p ? p->meta.account : ev[0].meta.account);
	/* Codes are never 0: no stage is null. */
	jt_kid(out, "stage", es.stage ? es.stage->code : 0);
	jt_kstr(out, "label", es.stage ? es.stage->label : NULL);
	jt_kid(out, "failure", es.failure ? es.failure->code : 0);
	jt_kstr(out, "failure_label", es.failure ? es.failure->label : NULL);
	/* Nothing follows a verified failure or the recipient reading it. */
	jt_kbool(out, "final", evidence_stage_final(&es));
	jt_key(out, "evidence");
	jt_begin(out, '[');
	for (i = 0; i < nev; i++)
		evidence_query_write(out, &ev[i]);
	jt_end(out, ']');
	if (p != NULL)
		jt_kint(out, "package_id", p->id);
	jt_end(out, '}');
}

/* Appends the Status object of key to out; *found_r 1 when something is
 * known under it. */
static int lookup_one(struct store *st, const char *key, struct kbuf *out, int *found_r,
		      struct kerr *err)
{
	struct store_evidence_row *ev = NULL;
	struct store_package_row *p = NULL;
	size_t nev = 0;
	int64_t pkg;

	*found_r = 0;
	if (find(st, key, &pkg, &ev, &nev, err) < 0)
		return -1;
	if (pkg == 0 && nev == 0) {
		/* Sent by this agent but not yet a stored package: its outbox state. */
		json_t *ob = NULL;
		int rc = outbox_status_json(st, key, &ob, err);

		if (rc < 0)
			return -1;
		if (rc > 0) {
			char *text = ob != NULL ? json_dumps(ob, JSON_COMPACT) : NULL;

			json_decref(ob);
			if (text == NULL)
				return kerr_set(err, KERR_INTERNAL, "cannot write the outbox status");
			jt_raw(out, text, strlen(text));
			free(text);
			*found_r = 1;
			return 0;
		}
		jt_begin(out, '{');
		jt_kstr(out, "key", key);
		jt_kbool(out, "found", 0);
		jt_kstr(out, "message", status_lookup_unknown);
		jt_end(out, '}');
		return 0;
	}
	if (pkg != 0 && store_package_get(st, pkg, &p, err) < 0) {
		store_evidence_rows_free(&ev, nev);
		return -1;
	}
	write_known(out, key, p, ev, nev);
	store_package_row_free(&p);
	store_evidence_rows_free(&ev, nev);
	*found_r = 1;
	return 0;
}

int status_lookup_write(struct store *st, const char *key, struct kbuf *out, int *found_r,
			struct kerr *err)
{
	int rc;

	if (store_read_begin(st, err) < 0)
		return -1;
	rc = lookup_one(st, key, out, found_r, err);
	store_read_end(st);
	return rc;
}

/* Of the kepId hits from *j on, those of key i (they come in key order):
 * the one find_as() would choose, the first package with evidence, else the
 * first; *j is moved past them. NULL when key i has none. */
static const struct store_kep_id_hit *chosen_hit(const struct store_kep_id_hit *hits,
						 size_t nh, size_t *j, size_t i,
						 const char *kep_id)
{
	const struct store_kep_id_hit *c = NULL;

	for (; *j < nh && hits[*j].key == i; (*j)++) {
		const struct store_kep_id_hit *h = &hits[*j];

		/* The JSON text of a key that is not UTF-8 differs from it. */
		if (h->pkg->meta.kep_id == NULL || strcmp(h->pkg->meta.kep_id, kep_id) != 0)
			continue;
		if (c == NULL || (c->nev == 0 && h->nev > 0))
			c = h;
	}
	return c;
}

int status_lookup_batch_write(struct store *st, const char *const *keys, size_t n,
			      struct kbuf *out, struct kerr *err)
{
	struct store_kep_id_hit *hits = NULL;
	char **t;
	size_t i, j = 0, nh = 0;
	int found, rc = 0;

	if (n > SVC_STATUS_MAX_BATCH)
		return kerr_set(err, KERR_USAGE, "at most %d keys at once", SVC_STATUS_MAX_BATCH);
	if (store_read_begin(st, err) < 0)
		return -1;
	/* Every key that is a stored kepId, as most are, in one statement;
	 * the others one by one as a single lookup takes them. */
	t = xcalloc(n + 1, sizeof(*t));
	for (i = 0; i < n; i++)
		t[i] = trimmed(keys[i]);
	if (store_packages_by_kep_ids(st, (const char *const *)t, n, &hits, &nh, err) < 0) {
		rc = -1;
		goto out;
	}
	jt_begin(out, '{');
	jt_key(out, "results");
	jt_begin(out, '[');
	for (i = 0; i < n; i++) {
		const struct store_kep_id_hit *h = chosen_hit(hits, nh, &j, i, t[i]);

		if (h != NULL)
			write_known(out, keys[i], h->pkg, h->ev, h->nev);
		else if (lookup_one(st, keys[i], out, &found, err) < 0) {
			rc = -1;
			goto out;
		}
	}
	jt_end(out, ']');
	jt_end(out, '}');
out:
	store_kep_id_hits_free(&hits, nh);
	for (i = 0; i < n; i++)
		free(t[i]);
	free(t);
	store_read_end(st);
	return rc;
}

/* The text parsed, for the callers that keep a tree (the CLI, the outbox). */
static int parsed(int rc, struct kbuf *b, json_t **out)
{
	if (rc == 0)
		*out = json_loadb((const char *)b->data, b->len, 0, NULL);
	kbuf_free(b);
	return rc < 0 ? -1 : 0;
}

int status_lookup(struct store *st, const char *key, json_t **out, struct kerr *err)
{
	struct kbuf b = { 0 };
	int found;

	return parsed(status_lookup_write(st, key, &b, &found, err), &b, out);
}

int status_lookup_batch(struct store *st, const char *const *keys, size_t n, json_t **out,
		     struct kerr *err)
{
	struct kbuf b = { 0 };

	return parsed(status_lookup_batch_write(st, keys, n, &b, err), &b, out);
}
