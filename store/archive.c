/* archive.c: retention runs: choosing old content, archiving it batch by
 * batch, and pointing the store at the archive (see store_archive.h). */
#include "store_archive.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "crashpoint.h"
#include "log.h"
#include "store_archive_p.h"
#include "store_audit.h"
#include "util.h"

/* One package of a batch: its entries are ents[first .. first + n_ents). */
struct cand {
	struct store_archive_item item;
	char *account, *folder, *kep_id;
	size_t first, n_ents;
	char *error;
	int done;
};

struct batch {
	struct cand *c;
	size_t n;
	struct sa_entry *ents;
	size_t n_ents, cap_ents;
	json_t *manifest_pkgs;
};

static void batch_free(struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->c[i].account);
		free(b->c[i].folder);
		free(b->c[i].kep_id);
		free(b->c[i].error);
	}
	for (i = 0; i < b->n_ents; i++)
		free(b->ents[i].name);
	free(b->c);
	free(b->ents);
	json_decref(b->manifest_pkgs);
	memset(b, 0, sizeof(*b));
}

static struct sa_entry *add_ent(struct batch *b)
{
	if (b->n_ents == b->cap_ents) {
		b->cap_ents = b->cap_ents ? 2 * b->cap_ents : 64;
		b->ents = xrealloc(b->ents, b->cap_ents * sizeof(*b->ents));
	}
	memset(&b->ents[b->n_ents], 0, sizeof(b->ents[0]));
	return &b->ents[b->n_ents++];
}

/* Adds the package's parts still in the store as entries (and to pj). */
static int load_parts(struct store *s, struct batch *b, struct cand *c, json_t *pj,
		      struct kerr *err)
{
	json_t *parts = json_array();
	sqlite3_stmt *st;
	char hex[65];
	int rc;

	if (st_prepare(s, "SELECT p.id, p.idx, p.role, p.size, p.sha256, r.raw_offset FROM parts p"
		       " LEFT JOIN part_ranges r ON r.part_id = p.id"
		       " WHERE p.package_id = :pkg AND p.archived_to IS NULL ORDER BY p.idx", &st,
		       err) < 0) {
		json_decref(parts);
		return -1;
	}
	st_bind_int64(st, ":pkg", c->item.package_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sa_entry *e = add_ent(b);

		e->id = e->rowid = st_col_int64(st, 0);
		e->table = "parts", e->col = "content";
		if (sqlite3_column_type(st, 5) != SQLITE_NULL) {
			/* Held as a range of the package's raw content. */
			e->table = "packages", e->col = "raw";
			e->rowid = c->item.package_id;
			e->ranged = 1;
			e->offset = st_col_int64(st, 5);
		}
		e->size = st_col_int64(st, 3);
		e->mtime_ms = c->item.stored_at;
		st_col_sha256(st, 4, e->sha256);
		hex_encode(e->sha256, 32, hex);
		e->name = xasprintf("parts/%lld-%d-%s", (long long)c->item.package_id,
				    sqlite3_column_int(st, 1), hex);
		c->n_ents++;
		c->item.n_parts++;
		c->item.parts_size += e->size;
		json_array_append_new(parts, json_pack("{s:I, s:i, s:s, s:s, s:I, s:s}",
			"id", (json_int_t)e->id, "idx", sqlite3_column_int(st, 1),
			"role", (const char *)sqlite3_column_text(st, 2), "entry", e->name,
			"size", (json_int_t)e->size, "sha256", hex));
	}
	st_finalize(s, st);
	json_object_set_new(pj, "parts", parts);
	if (rc != SQLITE_DONE)
		return st_err(s, err, "cannot list parts to archive");
	return 0;
}

/* The next at most STORE_ARCHIVE_BATCH packages older than cutoff with id >
 * after, whose content is still in the store, with their entries. */
static int load_batch(struct store *s, int64_t cutoff, int64_t after, struct batch *b,
		      struct kerr *err)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	memset(b, 0, sizeof(*b));
	b->manifest_pkgs = json_array();
	if (st_prepare(s, "SELECT p.id, a.name, p.folder, p.kep_id, p.stored_at, p.raw_size,"
		       " p.raw_sha256 FROM packages p JOIN accounts a ON a.id = p.account_id"
		       " WHERE p.archived_to IS NULL AND p.stored_at < :cutoff AND p.id > :after"
		       " ORDER BY p.id LIMIT :limit", &st, err) < 0)
		return -1;
	st_bind_int64(st, ":cutoff", cutoff);
	st_bind_int64(st, ":after", after);
	st_bind_int64(st, ":limit", STORE_ARCHIVE_BATCH);
	b->c = xcalloc(STORE_ARCHIVE_BATCH, sizeof(*b->c));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct cand *c = &b->c[b->n++];

		c->item.package_id = st_col_int64(st, 0);
		c->account = st_col_str(st, 1);
		c->folder = st_col_str(st, 2);
		c->kep_id = st_col_str(st, 3);
		c->item.stored_at = st_col_int64(st, 4);
		c->item.raw_size = st_col_int64(st, 5);
		st_col_sha256(st, 6, c->item.raw_sha256);
	}
	st_finalize(s, st);
	if (rc != SQLITE_DONE)
		return st_err(s, err, "cannot list packages to archive");
	for (i = 0; i < b->n; i++) {
		struct cand *c = &b->c[i];
		struct sa_entry *e = add_ent(b);
		char hex[65];
		json_t *pj;

		c->item.account = c->account;
		c->item.folder = c->folder;
		c->item.kep_id = c->kep_id;
		c->first = b->n_ents - 1;
		c->n_ents = 1;
		e->table = "packages", e->col = "raw";
		e->id = e->rowid = c->item.package_id;
		e->size = c->item.raw_size;
		e->mtime_ms = c->item.stored_at;
		memcpy(e->sha256, c->item.raw_sha256, 32);
		hex_encode(e->sha256, 32, hex);
		e->name = xasprintf("packages/%lld-%s.eml", (long long)c->item.package_id, hex);
		pj = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:s}",
			       "id", (json_int_t)c->item.package_id, "account", c->account,
			       "folder", c->folder, "kepId", c->kep_id,
			       "storedAt", (json_int_t)c->item.stored_at, "entry", e->name,
			       "size", (json_int_t)e->size, "sha256", hex);
		json_array_append_new(b->manifest_pkgs, pj);
		if (load_parts(s, b, c, pj, err) < 0)
			return -1;
	}
	return 0;
}

/* Re-reads every entry of the written archive; a package with any entry
 * that does not match its recorded digest keeps its content in the store. */
static int verify(const char *path, struct batch *b, struct kerr *err)
{
	zip_t *za;
	size_t i, j;

	if (sa_open(path, &za, err) < 0)
		return kerr_prefix(err, "cannot verify the new archive");
	for (i = 0; i < b->n; i++) {
		struct cand *c = &b->c[i];

		for (j = c->first; j < c->first + c->n_ents && c->error == NULL; j++) {
			const struct sa_entry *e = &b->ents[j];
			struct kerr e2 = { 0 };

			if (sa_entry_read(za, path, e->name, e->size, e->sha256, NULL, NULL, &e2) < 0)
				c->error = xstrdup(e2.msg);
		}
	}
	zip_discard(za);
	return 0;
}

static int point_at_archive(struct store *s, const char *table, const char *col,
			    int64_t id, const struct sa_entry *e, const char *path,
			    int64_t now, int *changed_r, struct kerr *err)
{
	/* table/col are constants of this file. Only content still in the store
	 * and still matching what was archived is replaced. */
	char *sql = xasprintf("UPDATE %s SET %s = X'', archived_to = :path, archive_entry = :entry,"
			      " archived_at = :now WHERE id = :id AND archived_to IS NULL"
			      " AND %s = :sha", table, col,
			      strcmp(table, "packages") == 0 ? "raw_sha256" : "sha256");
	sqlite3_stmt *st;
	int ret;

	ret = st_prepare(s, sql, &st, err);
	free(sql);
	if (ret < 0)
		return -1;
	st_bind_text(st, ":path", path);
	st_bind_text(st, ":entry", e->name);
	st_bind_int64(st, ":now", now);
	st_bind_int64(st, ":id", id);
	st_bind_blob(st, ":sha", e->sha256, 32);
	ret = st_run(s, st, "cannot record archived content", err);
	*changed_r = sqlite3_changes(s->db) > 0;
	return ret;
}

static int record_package(struct store *s, struct cand *c, const struct batch *b,
			  const char *path, int64_t now, struct kerr *err)
{
	const struct sa_entry *pe = &b->ents[c->first];
	char hex[65], id[32], *detail;
	int changed, ret;
	size_t j;

	if (st_fault(s, "archive: record package", err) < 0 ||
	    point_at_archive(s, "packages", "raw", c->item.package_id, pe, path, now, &changed,
			     err) < 0)
		return -1;
	if (!changed)   /* archived meanwhile by another run: leave that record */
		return 0;
	for (j = c->first + 1; j < c->first + c->n_ents; j++)
		if (point_at_archive(s, "parts", "content", b->ents[j].id, &b->ents[j], path,
				     now, &changed, err) < 0)
			return -1;
	hex_encode(c->item.raw_sha256, 32, hex);
	snprintf(id, sizeof(id), "%lld", (long long)c->item.package_id);
	detail = xasprintf("%s entry=%s sha256=%s parts=%zu", path, pe->name, hex,
			   c->item.n_parts);
	ret = store_audit_append(s, "retention", "archive", c->account, id, detail, err);
	free(detail);
	c->done = ret == 0;
	return ret;
}

/* One transaction for the whole batch: all verified packages or none. */
static int record_batch(struct store *s, struct batch *b, const char *path, struct kerr *err)
{
	int64_t now = now_ms();
	struct st_tx tx;
	size_t i;

	if (st_tx_begin(s, &tx, err) < 0)
		return -1;
	for (i = 0; i < b->n; i++)
		if (b->c[i].error == NULL && record_package(s, &b->c[i], b, path, now, err) < 0) {
			st_tx_rollback(s, &tx);
			goto fail;
		}
	crashpoint("archive-before-commit");
	if (st_tx_commit(s, &tx, err) < 0)
		goto fail;
	crashpoint("archive-recorded");
	return 0;
fail:
	for (i = 0; i < b->n; i++)
		b->c[i].done = 0;
	return -1;
}

static void report_batch(struct store_archive_report *rep, struct batch *b, const char *path,
			 int planned)
{
	size_t i, used = 0;

	for (i = 0; i < b->n; i++) {
		struct cand *c = &b->c[i];

		if (!planned && !c->done && c->error == NULL)
			continue;   /* archived by another run meanwhile */
		c->item.archive = c->done ? path : NULL;
		c->item.error = c->error;
		if (c->error != NULL) {
			rep->n_failed++;
		} else {
			rep->n_archived++;
			rep->bytes += c->item.raw_size + c->item.parts_size;
			used += c->done;
		}
		if (rep->on_item != NULL)
			rep->on_item(rep->arg, &c->item);
	}
	if (used > 0) {
		rep->archives = xrealloc(rep->archives, (rep->n_archives + 1) * sizeof(char *));
		rep->archives[rep->n_archives++] = xstrdup(path);
	}
}

static char *manifest_text(struct batch *b)
{
	json_t *m = json_pack("{s:s, s:I, s:O}", "format", "kepagent-archive/1",
			      "createdAt", (json_int_t)now_ms(), "packages", b->manifest_pkgs);
	char *text = json_dumps(m, JSON_INDENT(1) | JSON_SORT_KEYS);

	json_decref(m);
	if (text == NULL)
		abort();   /* jansson fails only when out of memory */
	return text;
}

static int archive_batch(struct store *s, const char *dir, struct batch *b,
			 struct store_archive_report *rep, struct kerr *err)
{
	char *manifest = manifest_text(b), *path = NULL;
	int ret;

	ret = sa_write(s, dir, b->ents, b->n_ents, manifest, &path, err);
	free(manifest);
	if (ret < 0)
		return -1;
	crashpoint("archive-written");
	if (verify(path, b, err) < 0 || record_batch(s, b, path, err) < 0) {
		log_warn("retention: %s was written but the store does not refer to it; the"
			 " content stays in the store (the file may be removed)", path);
		free(path);
		return -1;
	}
	report_batch(rep, b, path, 0);
	if (rep->n_archives == 0 || strcmp(rep->archives[rep->n_archives - 1], path) != 0)
		log_warn("retention: %s holds no content the store refers to (see the errors"
			 " above; the file may be removed)", path);
	free(path);
	return 0;
}

/* archive_dir made absolute, created (0700) when missing. */
static int prepare_dir(const char *dir, char **abs_r, struct kerr *err)
{
	char abs[PATH_MAX];
	struct stat sb;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return kerr_errno(err, KERR_IO, errno, "cannot create archive directory %s", dir);
	if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return kerr_set(err, KERR_IO, "archive directory %s is not a directory", dir);
	if (realpath(dir, abs) == NULL)
		return kerr_errno(err, KERR_IO, errno, "cannot resolve %s", dir);
	*abs_r = xstrdup(abs);
	return 0;
}

static int run(struct store *s, const char *archive_dir, int64_t cutoff,
	       struct store_archive_report *rep, struct kerr *err)
{
	char *dir = NULL;
	int64_t after = 0;
	int ret = 0;

	if (archive_dir != NULL && prepare_dir(archive_dir, &dir, err) < 0)
		return -1;
	for (;;) {
		struct batch b;

		if (load_batch(s, cutoff, after, &b, err) < 0) {
			ret = -1;
		} else if (b.n > 0 && dir == NULL) {
			report_batch(rep, &b, NULL, 1);
		} else if (b.n > 0 && archive_batch(s, dir, &b, rep, err) < 0) {
			ret = -1;
		}
		if (b.n > 0)
			after = b.c[b.n - 1].item.package_id;
		if (ret < 0 || b.n < STORE_ARCHIVE_BATCH) {
			batch_free(&b);
			break;
		}
		batch_free(&b);
	}
	free(dir);
	return ret;
}

int store_archive_old_content(struct store *s, const char *archive_dir, int64_t older_than_ms,
			      struct store_archive_report *rep, struct kerr *err)
{
	if (archive_dir == NULL || archive_dir[0] == '\0')
		return kerr_set(err, KERR_USAGE, "retention: no archive directory given");
	if (run(s, archive_dir, older_than_ms, rep, err) < 0)
		return kerr_prefix(err, "retention");
	return 0;
}

int store_archive_plan(struct store *s, int64_t older_than_ms, struct store_archive_report *rep,
		       struct kerr *err)
{
	return run(s, NULL, older_than_ms, rep, err);
}

void store_archive_report_free(struct store_archive_report *rep)
{
	size_t i;

	for (i = 0; i < rep->n_archives; i++)
		free(rep->archives[i]);
	free(rep->archives);
	rep->archives = NULL;
	rep->n_archives = 0;
}
