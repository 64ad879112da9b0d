/* mailbox.c: see mailbox.h. */
#include "mailbox.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "log.h"
#include "mailbox_state.h"

/* Package and evidence bytes are capped like a KEP message (~25 MB). */
#define MAX_ITEM (64u * 1024 * 1024)

int safe_component(const char *name)
{
	return name != NULL && name[0] != '\0' && name[0] != '.' && strchr(name, '/') == NULL &&
	       strlen(name) < 256;
}

static json_t *load_json(const char *path, struct kerr *err)
{
	json_error_t je;
	json_t *j = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (j == NULL)
		kerr_set(err, errno == ENOENT ? KERR_NOTFOUND : KERR_MALFORMED, "%s: %s", path, je.text);
	else if (!json_is_object(j)) {
		json_decref(j);
		j = NULL;
		kerr_set(err, KERR_MALFORMED, "%s: not a JSON object", path);
	}
	return j;
}

/* The only accounts/<hesap>@... entry for a hesap given without domain. */
static char *match_local_part(const char *accounts, const char *hesap)
{
	DIR *d = opendir(accounts);
	struct dirent *e;
	size_t hl = strlen(hesap);
	char *found = NULL;
	int n = 0;

	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, hesap, hl) == 0 && e->d_name[hl] == '@') {
			free(found);
			found = xstrdup(e->d_name);
			n++;
		}
	}
	closedir(d);
	if (n != 1) {
		free(found);
		return NULL;
	}
	return found;
}

int account_load(const char *mailbox, const char *hesap, struct account **out, struct kerr *err)
{
	char *accounts, *name = NULL, *path;
	struct account *a;
	struct stat st;
	json_t *j;

	*out = NULL;
	if (!safe_component(hesap))
		return kerr_set(err, KERR_NOTFOUND, "no such account");
	accounts = xasprintf("%s/accounts", mailbox);
	path = xasprintf("%s/%s/account.json", accounts, hesap);
	if (stat(path, &st) == 0)
		name = xstrdup(hesap);
	else if (strchr(hesap, '@') == NULL && (name = match_local_part(accounts, hesap)) != NULL) {
		free(path);
		path = xasprintf("%s/%s/account.json", accounts, name);
	}
	if (name == NULL) {
		free(accounts);
		free(path);
		return kerr_set(err, KERR_NOTFOUND, "no such account '%s'", hesap);
	}
	j = load_json(path, err);
	free(path);
	if (j == NULL) {
		free(accounts);
		free(name);
		return -1;
	}
	a = xcalloc(1, sizeof(*a));
	a->name = name;
	a->dir = xasprintf("%s/%s", accounts, name);
	a->json = j;
	free(accounts);
	*out = a;
	return 0;
}

void account_free(struct account **ap)
{
	struct account *a = *ap;

	if (a == NULL)
		return;
	free(a->name);
	free(a->dir);
	json_decref(a->json);
	free(a);
	*ap = NULL;
}

const char *account_str(const struct account *a, const char *key)
{
	return json_string_value(json_object_get(a->json, key));
}

long long account_int(const struct account *a, const char *key, long long def)
{
	json_t *v = json_object_get(a->json, key);

	return json_is_integer(v) ? (long long)json_integer_value(v) : def;
}

X509 *account_cert(const char *mailbox, const struct account *a, const char *key)
{
	const char *rel = account_str(a, key);
	char *path;
	FILE *f;
	X509 *x = NULL;

	if (rel == NULL)
		return NULL;
	path = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", mailbox, rel);
	f = fopen(path, "re");
	if (f == NULL && rel[0] != '/') {
		free(path);
		path = xasprintf("%s/%s", a->dir, rel);
		f = fopen(path, "re");
	}
	if (f != NULL) {
		x = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (x == NULL)
		log_warn("cannot read %s %s", key, path);
	free(path);
	return x;
}

const char *account_sent_folder(const struct account *a)
{
	static const char *const usual[] = { "OUTBOX", "INBOX.Sent" };
	json_t *fs = json_object_get(a->json, "folders"), *v;
	const char *want = account_str(a, "sent_folder");
	size_t i;

	if (want != NULL && account_has_folder(a, want))
		return want;
	for (i = 0; i < ARRAY_SIZE(usual); i++)
		if (account_has_folder(a, usual[i]))
			return usual[i];
	json_array_foreach(fs, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), "INBOX") != 0 &&
		    safe_component(json_string_value(v)))
			return json_string_value(v);
	return NULL;
}

int account_exists(const char *mailbox, const char *addr)
{
	struct stat st;
	char *path;
	int ok;

	if (!safe_component(addr))
		return 0;
	path = xasprintf("%s/accounts/%s/account.json", mailbox, addr);
	ok = stat(path, &st) == 0;
	free(path);
	return ok;
}

int account_has_folder(const struct account *a, const char *folder)
{
	json_t *fs = json_object_get(a->json, "folders"), *v;
	size_t i;

	json_array_foreach(fs, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), folder) == 0)
			return 1;
	return 0;
}

const char *meta_text(json_t *meta, const char *key, char buf[32])
{
	json_t *v = json_object_get(meta, key);

	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v)) {
		snprintf(buf, 32, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_true(v))
		return "true";
	if (json_is_false(v))
		return "false";
	return "";
}

void pkg_free(struct pkg *p)
{
	free(p->folder);
	free(p->dir);
	json_decref(p->meta);
	memset(p, 0, sizeof(*p));
}

void pkg_list_free(struct pkg_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		pkg_free(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int parse_sirano(const char *s, long long *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return (*end != '\0' || errno != 0) ? -1 : 0;
}

static int by_sirano(const void *a, const void *b)
{
	const struct pkg *x = a, *y = b;

	return (x->sirano > y->sirano) - (x->sirano < y->sirano);
}

int mailbox_packages(const char *mailbox, const struct account *a, const char *folder,
		     int with_deleted, struct pkg_list *out, struct kerr *err)
{
	char *fdir;
	DIR *d;
	struct dirent *e;
	long long n;

	memset(out, 0, sizeof(*out));
	if (!safe_component(folder))
		return kerr_set(err, KERR_NOTFOUND, "bad folder name");
	fdir = xasprintf("%s/%s", a->dir, folder);
	d = opendir(fdir);
	if (d == NULL) {
		free(fdir);
		return 0; /* a listed folder without a directory is simply empty */
	}
	while ((e = readdir(d)) != NULL) {
		struct pkg p = { 0 };
		char *mpath;

		if (parse_sirano(e->d_name, &n) < 0)
			continue;
		if (!with_deleted && state_has(mailbox, STATE_DELETED, a->name, folder, n))
			continue;
		p.dir = xasprintf("%s/%s", fdir, e->d_name);
		mpath = xasprintf("%s/meta.json", p.dir);
		p.meta = load_json(mpath, NULL);
		free(mpath);
		if (p.meta == NULL) {
			free(p.dir);
			continue; /* not a complete package (yet) */
		}
		p.folder = xstrdup(folder);
		p.sirano = n;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = p;
	}
	closedir(d);
	free(fdir);
	if (out->n > 1)     /* qsort(NULL, 0, ...) is undefined (every package deleted) */
		qsort(out->v, out->n, sizeof(*out->v), by_sirano);
	return 0;
}

int mailbox_find(const char *mailbox, const struct account *a, const char *folder,
		 const char *kep_id, const char *sirano, int with_deleted, struct pkg *out,
		 struct kerr *err)
{
	struct pkg_list l;
	long long want = -1;
	size_t i;
	int found = -1;

	memset(out, 0, sizeof(*out));
	if (sirano != NULL && *sirano != '\0' && parse_sirano(sirano, &want) < 0)
		return kerr_set(err, KERR_NOTFOUND, "bad kepSiraNo");
	if (kep_id != NULL && *kep_id == '\0')
		kep_id = NULL;
	if (want < 0 && kep_id == NULL)
		return kerr_set(err, KERR_NOTFOUND, "neither kepId nor kepSiraNo");
	if (mailbox_packages(mailbox, a, folder, with_deleted, &l, err) < 0)
		return -1;
	for (i = 0; i < l.n && found < 0; i++) {
		const char *id = json_string_value(json_object_get(l.v[i].meta, "kepId"));

		if (want >= 0 && l.v[i].sirano != want)
			continue;
		if (kep_id != NULL && (id == NULL || strcmp(id, kep_id) != 0))
			continue;
		found = (int)i;
	}
	if (found >= 0) {
		*out = l.v[found];
		memset(&l.v[found], 0, sizeof(l.v[found]));
	}
	pkg_list_free(&l);
	return found >= 0 ? 0 : kerr_set(err, KERR_NOTFOUND, "no such package");
}

static int by_delil_id(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "delilId"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "delilId"));

	return strcmp(x != NULL ? x : "", y != NULL ? y : "");
}

int mailbox_delils(const struct pkg *p, struct delil_list *out, struct kerr *err)
{
	char *ddir = xasprintf("%s/delil", p->dir);
	DIR *d = opendir(ddir);
	struct dirent *e;

	memset(out, 0, sizeof(*out));
	if (d == NULL) {
		free(ddir);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		char *path;
		json_t *j;

		if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
			continue;
		path = xasprintf("%s/%s", ddir, e->d_name);
		j = load_json(path, NULL);
		free(path);
		if (j == NULL)
			continue;
		if (!json_is_string(json_object_get(j, "delilId")))
			json_object_set_new(j, "delilId", json_stringn(e->d_name, len - 5));
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		out->v[out->n++] = j;
	}
	closedir(d);
	free(ddir);
	if (out->n > 1) /* qsort(NULL, 0) is undefined: an empty delil folder */
		qsort(out->v, out->n, sizeof(*out->v), by_delil_id);
	return 0;
}

void delil_list_free(struct delil_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		json_decref(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

/* Looks for <folder>/<N>/delil/<delilId>.json in every folder. */
int mailbox_delil_bytes(const struct account *a, const char *delil_id, struct kbuf *out,
			struct kerr *err)
{
	json_t *fs = json_object_get(a->json, "folders"), *v;
	size_t i;

	if (!safe_component(delil_id))
		return kerr_set(err, KERR_NOTFOUND, "bad delilId");
	json_array_foreach(fs, i, v) {
		const char *folder = json_string_value(v);
		char *fdir;
		DIR *d;
		struct dirent *e;
		int rc = 1;

		if (!safe_component(folder))
			continue;
		fdir = xasprintf("%s/%s", a->dir, folder);
		d = opendir(fdir);
		while (d != NULL && rc == 1 && (e = readdir(d)) != NULL) {
			char *jpath, *fpath;
			const char *file;
			json_t *j;

			if (e->d_name[0] == '.')
				continue;
			jpath = xasprintf("%s/%s/delil/%s.json", fdir, e->d_name, delil_id);
			j = load_json(jpath, NULL);
			free(jpath);
			if (j == NULL)
				continue;
			file = json_string_value(json_object_get(j, "file"));
			if (!safe_component(file)) {
				json_decref(j);
				rc = kerr_set(err, KERR_MALFORMED, "evidence %s: bad \"file\"", delil_id);
				break;
			}
			fpath = xasprintf("%s/%s/delil/%s", fdir, e->d_name, file);
			rc = read_file(fpath, MAX_ITEM, out, err);
			free(fpath);
			json_decref(j);
		}
		if (d != NULL)
			closedir(d);
		free(fdir);
		if (rc != 1)
			return rc;
	}
	return kerr_set(err, KERR_NOTFOUND, "no such evidence");
}
