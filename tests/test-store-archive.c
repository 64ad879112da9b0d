/* Unit tests of retention (store_archive.h, agent/retention.h): old content
 * moves to a verified archive, recent content and evidence stay, the store
 * points at the archive, audit lines, idempotent reruns, dry runs, and
 * failures that leave the content in the store. */
#include "test-store-util.h"

#include <dirent.h>
#include <sys/stat.h>

#include <openssl/sha.h>
#include <zip.h>

#include "retention.h"
#include "store_archive.h"
#include "store_audit.h"
#include "store_evidence.h"

#define OLD_MS 1262304000000LL     /* 2010-01-01 */
#define CUTOFF_MS 1420070400000LL  /* 2015-01-01 */

static const char raw_old[] = "From: a@hs01.kep.tr\r\nSubject: eski\r\n\r\nold body\r\n";
static const char raw_new[] = "From: b@hs01.kep.tr\r\nSubject: yeni\r\n\r\nnew body\r\n";
static const char evidence_xml[] = "<delil>kept forever</delil>";

static void backdate(struct tstore *t, int64_t id)
{
	char *sql = xasprintf("UPDATE packages SET stored_at = %lld WHERE id = %lld", OLD_MS,
			      (long long)id);

	tstore_sql(t, sql);
	free(sql);
}

/* Two packages (1 old, 2 recent) and evidence of the old one. */
static int setup(void **state)
{
	struct store_evidence ev = { 0 };
	struct tstore *t;
	struct kerr err = { 0 };
	int64_t eid;

	tstore_setup(state);
	t = *state;
	assert_int_equal(tstore_add(t, "<old@kep>", raw_old), 1);
	assert_int_equal(tstore_add(t, "<new@kep>", raw_new), 2);
	backdate(t, 1);
	ev.meta.account = "acc1";
	ev.meta.kep_id = "<old@kep>";
	ev.meta.delil_id = "D-OLD";
	ev.package_id = 1;
	ev.raw = store_content_mem(evidence_xml, strlen(evidence_xml));
	if (store_evidence_insert(t->st, &ev, &eid, NULL, &err) < 0)
		fail_msg("evidence: %s", err.msg);
	return 0;
}

static char *archive_dir(struct tstore *t)
{
	return xasprintf("%s/archive", t->dir);
}

static size_t count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int to_kbuf(void *arg, const void *chunk, size_t len, struct kerr *err)
{
	(void)err;
	kbuf_append(arg, chunk, len);
	return 0;
}

static void content(struct tstore *t, enum store_blob_kind kind, int64_t id, struct kbuf *b)
{
	struct kerr err = { 0 };

	kbuf_reset(b);
	if (store_content_read(t->st, kind, id, to_kbuf, b, &err) < 0)
		fail_msg("content_read %d/%lld: %s", (int)kind, (long long)id, err.msg);
}

static int is_archived(struct tstore *t, enum store_blob_kind kind, int64_t id)
{
	struct store_content_location loc;
	struct kerr err = { 0 };
	int a;

	if (store_content_location(t->st, kind, id, &loc, &err) < 0)
		fail_msg("location: %s", err.msg);
	a = loc.archived;
	store_content_location_free(&loc);
	return a;
}

static size_t audit_archive_lines(struct tstore *t, const char *object)
{
	struct store_audit_filter f = { .limit = 1000 };
	struct store_audit_row *rows = NULL;
	struct kerr err = { 0 };
	size_t n, i, hits = 0;

	assert_int_equal(store_audit_list(t->st, &f, &rows, &n, &err), 0);
	for (i = 0; i < n; i++)
		hits += strcmp(rows[i].action, "archive") == 0 &&
			(object == NULL || strcmp(rows[i].object, object) == 0);
	store_audit_rows_free(&rows, n);
	return hits;
}

/* The bytes of entry `name` in the archive, read with libzip directly. */
static void zip_entry(const char *path, const char *name, struct kbuf *b)
{
	zip_t *za = zip_open(path, ZIP_RDONLY, NULL);
	zip_file_t *zf;
	char buf[4096];
	zip_int64_t n;

	assert_non_null(za);
	zf = zip_fopen(za, name, 0);
	if (zf == NULL)
		fail_msg("no entry %s in %s", name, path);
	kbuf_reset(b);
	while ((n = zip_fread(zf, buf, sizeof(buf))) > 0)
		kbuf_append(b, buf, (size_t)n);
	zip_fclose(zf);
	zip_discard(za);
}

static void test_archives_old_only(void **state)
{
	struct tstore *t = *state;
	struct store_archive_report rep = { 0 };
	struct store_content_location loc;
	struct store_package_row *row = NULL;
	struct store_part_row *parts = NULL;
	struct kbuf b = { 0 };
	struct kerr err = { 0 };
	unsigned char md[32];
	char *dir = archive_dir(t);
	struct stat sb;
	size_t n, i;

	if (store_archive_old_content(t->st, dir, CUTOFF_MS, &rep, &err) < 0)
		fail_msg("archive: %s", err.msg);
	assert_int_equal(rep.n_archived, 1);
	assert_int_equal(rep.n_failed, 0);
	assert_int_equal(rep.n_archives, 1);
	assert_non_null(strstr(rep.archives[0], "/archive/kepagent-archive-"));
	assert_int_equal(stat(rep.archives[0], &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(count_files(dir), 1);    /* no temporary file left */

	/* The store keeps size and digest but no longer the bytes. */
	assert_int_equal(store_package_get(t->st, 1, &row, &err), 0);
	assert_int_equal(row->raw_size, (int64_t)strlen(raw_old));
	SHA256((const unsigned char *)raw_old, strlen(raw_old), md);
	assert_memory_equal(row->raw_sha256, md, 32);
	store_package_row_free(&row);
	kbuf_reset(&b);
	assert_int_equal(store_blob_read_mem(t->st, STORE_BLOB_PACKAGE_RAW, 1, 1000, &b, &err), 0);
	assert_int_equal(b.len, 0);

	/* It points at the archive, whose entry is byte-identical. */
	assert_int_equal(store_content_location(t->st, STORE_BLOB_PACKAGE_RAW, 1, &loc, &err), 0);
	assert_true(loc.archived);
	assert_string_equal(loc.archive, rep.archives[0]);
	assert_true(loc.archived_at > 0);
	zip_entry(loc.archive, loc.entry, &b);
	assert_int_equal(b.len, strlen(raw_old));
	assert_memory_equal(b.data, raw_old, b.len);
	store_content_location_free(&loc);
	content(t, STORE_BLOB_PACKAGE_RAW, 1, &b);
	assert_int_equal(b.len, strlen(raw_old));
	assert_memory_equal(b.data, raw_old, b.len);

	/* Parts went with it, each with its digest. */
	assert_int_equal(store_part_list(t->st, 1, &parts, &n, &err), 0);
	assert_int_equal(n, 2);
	for (i = 0; i < n; i++) {
		assert_true(is_archived(t, STORE_BLOB_PART, parts[i].id));
		content(t, STORE_BLOB_PART, parts[i].id, &b);
		SHA256(b.data, b.len, md);
		assert_memory_equal(md, parts[i].sha256, 32);
	}
	store_part_rows_free(&parts, n);

	/* The manifest lists it. */
	zip_entry(rep.archives[0], "manifest.json", &b);
	assert_non_null(strstr(kbuf_cstr(&b), "\"kepId\": \"<old@kep>\""));
	assert_non_null(strstr(kbuf_cstr(&b), "\"account\": \"acc1\""));
	assert_null(strstr(kbuf_cstr(&b), "<new@kep>"));

	/* The recent package and all evidence stay in the store. */
	assert_false(is_archived(t, STORE_BLOB_PACKAGE_RAW, 2));
	kbuf_reset(&b);
	assert_int_equal(store_blob_read_mem(t->st, STORE_BLOB_PACKAGE_RAW, 2, 1000, &b, &err), 0);
	assert_int_equal(b.len, strlen(raw_new));
	kbuf_reset(&b);
	assert_false(is_archived(t, STORE_BLOB_EVIDENCE_RAW, 1));
	assert_int_equal(store_blob_read_mem(t->st, STORE_BLOB_EVIDENCE_RAW, 1, 1000, &b, &err), 0);
	assert_int_equal(b.len, strlen(evidence_xml));
	assert_memory_equal(b.data, evidence_xml, b.len);
	assert_int_equal(tstore_count(t, "evidence"), 1);

	/* One audit line, for the package, naming the archive. */
	assert_int_equal(audit_archive_lines(t, "1"), 1);
	assert_int_equal(audit_archive_lines(t, NULL), 1);
	kbuf_free(&b);
	store_archive_report_free(&rep);
	free(dir);
}

static void test_rerun_is_idempotent(void **state)
{
	struct tstore *t = *state;
	struct store_archive_report rep = { 0 }, rep2 = { 0 };
	struct kerr err = { 0 };
	struct kbuf b = { 0 };
	char *dir = archive_dir(t);

	assert_int_equal(store_archive_old_content(t->st, dir, CUTOFF_MS, &rep, &err), 0);
	assert_int_equal(store_archive_old_content(t->st, dir, CUTOFF_MS, &rep2, &err), 0);
	assert_int_equal(rep2.n_archived, 0);
	assert_int_equal(rep2.n_archives, 0);
	assert_int_equal(count_files(dir), 1);
	assert_int_equal(audit_archive_lines(t, NULL), 1);
	content(t, STORE_BLOB_PACKAGE_RAW, 1, &b);
	assert_memory_equal(b.data, raw_old, strlen(raw_old));
	kbuf_free(&b);
	store_archive_report_free(&rep);
	store_archive_report_free(&rep2);
	free(dir);
}

static void count_item(void *arg, const struct store_archive_item *it)
{
	assert_null(it->archive);
	assert_string_equal(it->kep_id, "<old@kep>");
	assert_int_equal(it->n_parts, 2);
	(*(int *)arg)++;
}

static void test_dry_run_changes_nothing(void **state)
{
	struct tstore *t = *state;
	int seen = 0;
	struct store_archive_report rep = { .on_item = count_item, .arg = &seen };
	struct kerr err = { 0 };
	char *dir = archive_dir(t);

	assert_int_equal(store_archive_plan(t->st, CUTOFF_MS, &rep, &err), 0);
	assert_int_equal(seen, 1);
	assert_int_equal(rep.n_archived, 1);
	assert_int_equal(rep.bytes, (int64_t)strlen(raw_old) + 14 + 7);
	assert_int_equal(rep.n_archives, 0);
	assert_false(is_archived(t, STORE_BLOB_PACKAGE_RAW, 1));
	assert_int_equal(audit_archive_lines(t, NULL), 0);
	assert_int_equal(access(dir, F_OK), -1);
	store_archive_report_free(&rep);
	free(dir);
}

static void assert_in_store(struct tstore *t, int64_t id, const char *raw)
{
	struct kbuf b = { 0 };
	struct kerr err = { 0 };

	assert_false(is_archived(t, STORE_BLOB_PACKAGE_RAW, id));
	assert_int_equal(store_blob_read_mem(t->st, STORE_BLOB_PACKAGE_RAW, id, 1000, &b, &err), 0);
	assert_int_equal(b.len, strlen(raw));
	assert_memory_equal(b.data, raw, b.len);
	kbuf_free(&b);
}

/* A failure while the store is updated: the archive exists, but the store
 * still holds the content (of every package of the batch) and says so. */
static void test_failure_in_transaction_keeps_content(void **state)
{
	struct tstore *t = *state;
	struct store_archive_report rep = { 0 };
	struct kerr err = { 0 };
	char *dir = archive_dir(t);
	int step;

	backdate(t, 2);
	for (step = 1; step <= 2; step++) {
		store_test_fail_at_step(t->st, step);
		assert_int_equal(store_archive_old_content(t->st, dir, CUTOFF_MS, &rep, &err), -1);
		assert_non_null(strstr(err.msg, "injected failure"));
		assert_int_equal(rep.n_archived, 0);
		assert_in_store(t, 1, raw_old);
		assert_in_store(t, 2, raw_new);
		assert_int_equal(audit_archive_lines(t, NULL), 0);
	}
	store_test_fail_at_step(t->st, 0);
	/* The next run completes the work. */
	assert_int_equal(store_archive_old_content(t->st, dir, CUTOFF_MS, &rep, &err), 0);
	assert_int_equal(rep.n_archived, 2);
	assert_true(is_archived(t, STORE_BLOB_PACKAGE_RAW, 1));
	assert_true(is_archived(t, STORE_BLOB_PACKAGE_RAW, 2));
	assert_int_equal(audit_archive_lines(t, NULL), 2);
	store_archive_report_free(&rep);
	free(dir);
}

/* An archive that cannot be written: nothing changes in the store. */
static void test_unwritable_archive_keeps_content(void **state)
{
	struct tstore *t = *state;
	struct store_archive_report rep = { 0 };
	struct kerr err = { 0 };
	char *file = xasprintf("%s/not-a-dir", t->dir);
	char *dir = xasprintf("%s/sub", file);
	FILE *f = fopen(file, "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(store_archive_old_content(t->st, file, CUTOFF_MS, &rep, &err), -1);
	assert_int_equal(err.cls, KERR_IO);
	assert_int_equal(store_archive_old_content(t->st, dir, CUTOFF_MS, &rep, &err), -1);
	assert_int_equal(err.cls, KERR_IO);
	if (geteuid() != 0) {   /* root writes into a read-only directory anyway */
		char *ro = archive_dir(t);

		assert_int_equal(mkdir(ro, 0500), 0);
		assert_int_equal(store_archive_old_content(t->st, ro, CUTOFF_MS, &rep, &err), -1);
		assert_int_equal(count_files(ro), 0);
		free(ro);
	}
	assert_in_store(t, 1, raw_old);
	assert_int_equal(rep.n_archived, 0);
	assert_int_equal(audit_archive_lines(t, NULL), 0);
	store_archive_report_free(&rep);
	free(file);
	free(dir);
}

/* Content that does not match its recorded digest is not archived (the
 * archive could not prove it holds the record); others still are. */
static void test_digest_mismatch_stays(void **state)
{
	struct tstore *t = *state;
	struct store_archive_report rep = { 0 };
	struct kerr err = { 0 };
	char *dir = archive_dir(t);
	int64_t id3 = tstore_add(t, "<bad@kep>", "bad bytes");

	backdate(t, id3);
	tstore_sql(t, "UPDATE packages SET raw_sha256 = zeroblob(32) WHERE kep_id = '<bad@kep>'");
	assert_int_equal(store_archive_old_content(t->st, dir, CUTOFF_MS, &rep, &err), 0);
	assert_int_equal(rep.n_archived, 1);
	assert_int_equal(rep.n_failed, 1);
	assert_true(is_archived(t, STORE_BLOB_PACKAGE_RAW, 1));
	assert_in_store(t, id3, "bad bytes");
	store_archive_report_free(&rep);
	free(dir);
}

/* More packages than one batch: several archives, all recorded. */
static void test_several_batches(void **state)
{
	struct tstore *t = *state;
	struct store_archive_report rep = { 0 };
	struct kerr err = { 0 };
	char *dir = archive_dir(t);
	int i;

	for (i = 0; i < STORE_ARCHIVE_BATCH + 10; i++) {
		char kep[32];

		snprintf(kep, sizeof(kep), "<bulk-%d@kep>", i);
		tstore_add(t, kep, raw_old);
	}
	tstore_sql(t, "UPDATE packages SET stored_at = 1262304000000 WHERE kep_id LIKE '<bulk-%'");
	assert_int_equal(store_archive_old_content(t->st, dir, CUTOFF_MS, &rep, &err), 0);
	assert_int_equal(rep.n_archived, STORE_ARCHIVE_BATCH + 11);
	assert_int_equal(rep.n_archives, 2);
	assert_int_equal(count_files(dir), 2);
	assert_int_equal(audit_archive_lines(t, NULL), STORE_ARCHIVE_BATCH + 11);
	assert_false(is_archived(t, STORE_BLOB_PACKAGE_RAW, 2));
	store_archive_report_free(&rep);
	free(dir);
}

static void test_cutoff_in_calendar_years(void **state)
{
	struct config cfg = { 0 };

	(void)state;
	assert_int_equal(retention_cutoff(&cfg, 1709164800000LL), 0);   /* off by default */
	cfg.retention_archive_after_years = 10;
	/* 2024-02-29 12:00:00.5 UTC -> 2014-03-01 12:00:00.5 UTC */
	assert_int_equal(retention_cutoff(&cfg, 1709208000500LL), 1393675200500LL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_archives_old_only, setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_rerun_is_idempotent, setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_dry_run_changes_nothing, setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_failure_in_transaction_keeps_content, setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_unwritable_archive_keeps_content, setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_digest_mismatch_stays, setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_several_batches, setup, tstore_teardown),
		cmocka_unit_test(test_cutoff_in_calendar_years),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
