/* draft.c: see draft.h. */
#include "draft.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/rand.h>

#define MESAJID_DOMAIN "@mimeyap.kepsim.hs01.kep.tr"
#define HEX_LEN 32

/* The hex part of a mesajid, or NULL when it is not one of ours. */
static char *mesajid_hex(const char *id)
{
	size_t n, i;
	int bracket;

	if (id == NULL)
		return NULL;
	bracket = *id == '<';
	id += bracket;
	n = strcspn(id, "@");
	if (n != HEX_LEN || strncmp(id + n, MESAJID_DOMAIN, strlen(MESAJID_DOMAIN)) != 0)
		return NULL;
	if (strcmp(id + n + strlen(MESAJID_DOMAIN), bracket ? ">" : "") != 0)
		return NULL;
	for (i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
			return NULL;
	return xstrndup(id, n);
}

int draft_create(const char *mailbox, json_t *fields, const struct kbuf *entity,
		 const struct attachment *att, size_t natt, char **mesajid, struct kerr *err)
{
	unsigned char r[HEX_LEN / 2];
	char hex[HEX_LEN + 1], *base, *tmp, *dir = NULL, *sub = NULL, *path = NULL;
	size_t i;
	int rc = -1;

	*mesajid = NULL;
	if (RAND_bytes(r, sizeof(r)) != 1) {
		json_decref(fields);
		return kerr_set(err, KERR_INTERNAL, "no randomness for a mesajid");
	}
	for (i = 0; i < sizeof(r); i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	base = xasprintf("%s/state/mimeyap", mailbox);
	tmp = xasprintf("%s/.%s.tmp", base, hex);
	*mesajid = xasprintf("<%s" MESAJID_DOMAIN ">", hex);
	json_object_set_new(fields, "mesajid", json_string(*mesajid));
	sub = xasprintf("%s/ekler", tmp);
	if (mkdir_p(sub, err) < 0)
		goto out;
	path = xasprintf("%s/entity.mime", tmp);
	if (write_file_plain(path, entity->data, entity->len, err) < 0)
		goto out;
	for (i = 0; i < natt; i++) {
		free(path);
		path = xasprintf("%s/%02zu-%s", sub, i + 1, att[i].name);
		if (write_file_plain(path, att[i].body.data, att[i].body.len, err) < 0)
			goto out;
	}
	free(path);
	path = xasprintf("%s/draft.json", tmp);
	dir = xasprintf("%s/%s", base, hex);
	if (json_write_atomic(path, fields, err) < 0 || publish(tmp, dir, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0) {
		rm_tree(tmp);
		free(*mesajid);
		*mesajid = NULL;
	}
	json_decref(fields);
	free(base);
	free(tmp);
	free(dir);
	free(sub);
	free(path);
	return rc;
}

int draft_load(const char *mailbox, const struct account *a, const char *mesajid,
	       struct draft *d, struct kerr *err)
{
	char *hex = mesajid_hex(mesajid), *path;
	json_t *ekler, *v;
	const char *owner;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (hex == NULL)
		return kerr_set(err, KERR_NOTFOUND, "not a kepsim mesajid");
	d->dir = xasprintf("%s/state/mimeyap/%s", mailbox, hex);
	free(hex);
	path = xasprintf("%s/draft.json", d->dir);
	d->json = json_load_file(path, JSON_REJECT_DUPLICATES, NULL);
	free(path);
	owner = json_string_value(json_object_get(d->json, "account"));
	if (owner == NULL || strcmp(owner, a->name) != 0) {
		draft_free(d);
		return kerr_set(err, KERR_NOTFOUND, "no such mesajid for this account");
	}
	path = xasprintf("%s/entity.mime", d->dir);
	if (read_file(path, 64u << 20, &d->entity, err) < 0) {
		free(path);
		draft_free(d);
		return -1;
	}
	free(path);
	ekler = json_object_get(d->json, "ekler");
	d->att = xcalloc(json_array_size(ekler) + 1, sizeof(*d->att));
	json_array_foreach(ekler, i, v) {
		struct attachment *t = &d->att[d->natt];

		t->name = json_string_value(json_object_get(v, "fileName"));
		t->ctype = json_string_value(json_object_get(v, "contentType"));
		if (t->name == NULL || t->ctype == NULL || !safe_component(t->name)) {
			draft_free(d);
			return kerr_set(err, KERR_MALFORMED, "draft: bad ekler entry");
		}
		path = xasprintf("%s/ekler/%02zu-%s", d->dir, i + 1, t->name);
		d->natt++;
		if (read_file(path, 64u << 20, &t->body, err) < 0) {
			free(path);
			draft_free(d);
			return -1;
		}
		free(path);
	}
	return 0;
}

int draft_mark_sent(struct draft *d, const char *kep_id, struct kerr *err)
{
	char *path = xasprintf("%s/draft.json", d->dir);
	int rc;

	json_object_set_new(d->json, "kepId", json_string(kep_id));
	rc = json_write_atomic(path, d->json, err);
	free(path);
	return rc;
}

void draft_free(struct draft *d)
{
	size_t i;

	for (i = 0; i < d->natt; i++)
		kbuf_free(&d->att[i].body);
	free(d->att);
	kbuf_free(&d->entity);
	json_decref(d->json);
	free(d->dir);
	memset(d, 0, sizeof(*d));
}
