/* Helpers shared by the store's unit tests: a temporary directory per test,
 * a fresh store in it, and a small sample package. Static, header-only. */
#ifndef KEP_TEST_STORE_UTIL_H
#define KEP_TEST_STORE_UTIL_H

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "store_account.h"
#include "store_migrate.h"
#include "store_package.h"
#include "store.h"
#include "util.h"

struct tstore {
	char dir[64];
	char *path;
	struct store *st;
};

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(p);
}

static inline void tstore_mkdir(struct tstore *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/kep-store-test.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	t->path = xasprintf("%s/kepagent.db", t->dir);
	t->st = NULL;
}

/* A fresh temporary directory with an opened, fully migrated store with the
 * account "acc1". */
static inline int tstore_setup(void **state)
{
	struct tstore *t = xcalloc(1, sizeof(*t));
	struct kerr err = { 0 };

	tstore_mkdir(t);
	if (store_open(t->path, &t->st, &err) < 0)
		fail_msg("store_open: %s", err.msg);
	if (store_account_ensure(t->st, "acc1", "birim@hs01.kep.tr", "ptt", NULL, &err) < 0)
		fail_msg("account: %s", err.msg);
	*state = t;
	return 0;
}

static inline int tstore_teardown(void **state)
{
	struct tstore *t = *state;

	store_close(&t->st);
	nftw(t->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(t->path);
	free(t);
	return 0;
}

/* Counts rows of a table through a second, raw connection (table is a
 * test constant). */
static inline long long tstore_count(struct tstore *t, const char *table)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *sql = xasprintf("SELECT count(*) FROM %s", table);
	long long n = -1;

	assert_int_equal(sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(sql);
	return n;
}

/* Runs sql through a second, raw connection (sql is a test constant). */
static inline void tstore_sql(struct tstore *t, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	assert_int_equal(sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The sample package with the rows it points at. */
struct tsample {
	struct store_package p;
	struct store_part parts[2];
	struct store_verification v;
	struct store_eyp eyp;
};

/* A package with two parts, e-Yazisma metadata and one verification result
 * (s->p, pointing at s's other members); the strings are static, content
 * points at `raw`. */
static inline void tstore_sample(struct tsample *s, const char *kep_id, const char *raw)
{
	struct store_package *p = &s->p;
	struct store_part *parts = s->parts;
	struct store_verification *v = &s->v;
	struct store_eyp *eyp = &s->eyp;

	memset(p, 0, sizeof(*p));
	p->meta.account = "acc1";
	p->meta.folder = "INBOX";
	p->meta.kep_id = kep_id;
	p->meta.provider_seq = 17;
	p->meta.org_mesaj_id = "<org-1@example>";
	p->meta.message_id = "<msg-1@example>";
	p->meta.sender = "Ali <ali@hs02.kep.tr>";
	p->meta.sender_kep = "ali@hs02.kep.tr";
	p->meta.subject = "Resmi yazı ğüşiöç";
	p->meta.received_at = 1762360700000;
	p->meta.tur = "eYazisma";
	p->meta.ileti_tip = "eYazisma";
	p->meta.ileti_id = "ILETI-42";
	p->meta.belge_no = "E-12345";
	p->meta.verdict = "valid";
	p->meta.ack = STORE_ACK_DUE;
	p->raw = store_content_mem(raw, strlen(raw));
	memset(parts, 0, 2 * sizeof(*parts));
	parts[0].meta.role = "original";
	parts[0].meta.content_type = "message/rfc822";
	parts[0].content = store_content_mem("original bytes", 14);
	parts[1].meta.role = "eyp";
	parts[1].meta.content_type = "application/eyazisma";
	parts[1].meta.file_name = "../../etc/yazi.eyp";
	parts[1].meta.safe_name = "yazi.eyp";
	parts[1].content = store_content_mem("PK\3\4eyp", 7);
	p->parts = parts;
	p->n_parts = 2;
	memset(v, 0, sizeof(*v));
	v->check = "envelope-signature";
	v->verdict = "valid";
	v->signer_subject = "CN=PTT KEP";
	v->details_json = "{\"chain\":2}";
	p->verifications = v;
	p->n_verifications = 1;
	memset(eyp, 0, sizeof(*eyp));
	eyp->belge_id = "b7d1c7e2";
	eyp->konu = "Toplantı";
	eyp->belge_no = "E-12345";
	eyp->attachments_json = "[{\"ad\":\"ek1.pdf\"}]";
	p->eyp = eyp;
	p->enqueue = 1;
	p->actor = "test";
}

/* Stores the sample package under kep_id with raw as its content; its id. */
static inline int64_t tstore_add(struct tstore *t, const char *kep_id, const char *raw)
{
	struct tsample s;
	struct kerr err = { 0 };
	int64_t id;

	tstore_sample(&s, kep_id, raw);
	if (store_package_insert(t->st, &s.p, &id, NULL, &err) < 0)
		fail_msg("insert: %s", err.msg);
	return id;
}

#endif
