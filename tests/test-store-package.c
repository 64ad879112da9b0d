/* Unit tests of package and evidence writes: one transaction each, nothing
 * left behind on failure, idempotent, lookups, and streaming large content. */
#include "test-store-util.h"

#include <fcntl.h>

#include <openssl/evp.h>

#include "store_archive.h"
#include "store_audit.h"
#include "store_part.h"
#include "store_evidence.h"
#include "store_queue.h"

static const char *const derived_tables[] = {
	"packages", "package_seq", "parts", "eyp_metadata", "verification_results", "import_queue",
	"audit_log",
};

static void assert_nothing_stored(struct tstore *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(derived_tables); i++)
		if (tstore_count(t, derived_tables[i]) != 0)
			fail_msg("table %s has rows after a failed write", derived_tables[i]);
}

static void test_insert_and_read_back(void **state)
{
	struct tstore *t = *state;
	struct tsample s;
	struct store_package_row *row = NULL;
	struct store_part_row *prow = NULL;
	struct store_verification_row *vrow = NULL;
	struct store_eyp *e = NULL;
	struct kerr err = { 0 };
	struct kbuf buf = { 0 };
	unsigned char sha[32];
	int64_t id = 0, id2 = 0, sent, *ids = NULL;
	size_t n;
	int inserted = -1;

	tstore_sample(&s, "<kep-1>", "raw package bytes\r\n");
	if (store_package_insert(t->st, &s.p, &id, &inserted, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(inserted, 1);
	assert_true(id > 0);

	assert_int_equal(store_package_get(t->st, id, &row, &err), 0);
	assert_string_equal(row->meta.subject, "Resmi yazı ğüşiöç");
	assert_string_equal(row->meta.ileti_id, "ILETI-42");
	assert_int_equal(row->meta.received_at, 1762360700000);
	assert_null(row->meta.tur_id);
	assert_int_equal(row->meta.provider_seq, 17);
	assert_null(row->meta.provider_seq_text);
	assert_int_equal(row->meta.ack, STORE_ACK_DUE);
	assert_int_equal(row->raw_size, 19);
	EVP_Digest("raw package bytes\r\n", 19, sha, NULL, EVP_sha256(), NULL);
	assert_memory_equal(row->raw_sha256, sha, 32);
	store_package_row_free(&row);
	assert_null(row);

	assert_int_equal(store_part_list(t->st, id, &prow, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(prow[1].meta.role, "eyp");
	assert_string_equal(prow[1].meta.file_name, "../../etc/yazi.eyp");
	assert_string_equal(prow[1].meta.safe_name, "yazi.eyp");
	assert_int_equal(prow[1].size, 7);
	assert_int_equal(store_blob_read_mem(t->st, STORE_BLOB_PART, prow[1].id, 100, &buf, &err), 0);
	assert_memory_equal(buf.data, "PK\3\4eyp", 7);
	assert_int_equal(store_blob_read_mem(t->st, STORE_BLOB_PART, prow[0].id, 3, &buf, &err), -1);
	assert_int_equal(err.cls, KERR_LIMIT);
	kbuf_free(&buf);
	store_part_rows_free(&prow, n);

	assert_int_equal(store_eyp_get(t->st, id, &e, &err), 1);
	assert_string_equal(e->konu, "Toplantı");
	store_eyp_free(&e);
	assert_int_equal(store_verification_list(t->st, STORE_VERIF_PACKAGE, id, &vrow, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(vrow[0].v.check, "envelope-signature");
	assert_string_equal(vrow[0].v.details_json, "{\"chain\":2}");
	store_verification_rows_free(&vrow, n);

	/* Idempotent on (account, folder, kepId). */
	if (store_package_insert(t->st, &s.p, &id2, &inserted, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(inserted, 0);
	assert_int_equal(id2, id);
	assert_int_equal(tstore_count(t, "packages"), 1);
	assert_int_equal(tstore_count(t, "parts"), 2);
	assert_int_equal(tstore_count(t, "audit_log"), 1);
	assert_int_equal(tstore_count(t, "import_queue"), 1);
	/* Another folder is another package. */
	s.p.meta.folder = "INBOX.Sent";
	assert_int_equal(store_package_insert(t->st, &s.p, &id2, &inserted, &err), 0);
	assert_int_equal(inserted, 1);
	assert_true(id2 != id);
	sent = id2;

	/* Lookups. */
	assert_int_equal(store_package_exists(t->st, "acc1", "INBOX", "<kep-1>", &id2, &err), 1);
	assert_int_equal(id2, id);
	assert_int_equal(store_package_exists(t->st, "acc1", "INBOX", "<nope>", NULL, &err), 0);
	assert_int_equal(store_package_exists(t->st, "nobody", "INBOX", "<kep-1>", NULL, &err), 0);
	assert_int_equal(store_package_find(t->st, STORE_PKG_BY_MESSAGE_ID, "acc1", "<msg-1@example>",
					    &ids, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ids[0], id);
	free(ids);
	assert_int_equal(store_package_find(t->st, STORE_PKG_BY_MESSAGE_ID, NULL, "<org-1@example>",
					    &ids, &n, &err), 0);
	assert_int_equal(n, 2);
	free(ids);
	assert_int_equal(store_package_find(t->st, STORE_PKG_BY_ILETI_ID, "other", "ILETI-42",
					    &ids, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_package_find(t->st, STORE_PKG_BY_BELGE_NO, NULL, "E-12345",
					    &ids, &n, &err), 0);
	assert_int_equal(n, 2);
	free(ids);
	assert_int_equal(store_package_find(t->st, STORE_PKG_BY_KEP_ID, NULL, "<kep-1>",
					    &ids, &n, &err), 0);
	assert_int_equal(n, 2);
	free(ids);
	assert_int_equal(store_package_get(t->st, 12345, &row, &err), -1);
	assert_int_equal(err.cls, KERR_NOTFOUND);

	/* Provider acknowledgement. */
	assert_int_equal(store_package_ack_due(t->st, "acc1", 0, &ids, &n, &err), 0);
	assert_int_equal(n, 2);
	free(ids);
	assert_int_equal(store_package_set_ack(t->st, id, STORE_ACK_DONE, 0, &err), 0);
	assert_int_equal(store_package_ack_due(t->st, NULL, 0, &ids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], sent);
	free(ids);
	assert_int_equal(store_package_get(t->st, id, &row, &err), 0);
	assert_int_equal(row->meta.ack, STORE_ACK_DONE);
	assert_true(row->meta.ack_time > 0);
	store_package_row_free(&row);
}

static void test_constraint_leaves_nothing(void **state)
{
	struct tstore *t = *state;
	struct tsample s;
	struct kerr err = { 0 };
	int64_t id = 0;

	tstore_sample(&s, "<kep-bad>", "raw");
	s.parts[1].meta.role = "no-such-role";
	assert_int_equal(store_package_insert(t->st, &s.p, &id, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "CHECK"));
	assert_nothing_stored(t);

	/* Invalid JSON in a verification result, the last derived row but one. */
	tstore_sample(&s, "<kep-bad>", "raw");
	s.v.details_json = "{not json";
	assert_int_equal(store_package_insert(t->st, &s.p, &id, NULL, &err), -1);
	assert_nothing_stored(t);

	/* An unknown account. */
	tstore_sample(&s, "<kep-bad>", "raw");
	s.p.meta.account = "nobody";
	assert_int_equal(store_package_insert(t->st, &s.p, &id, NULL, &err), -1);
	assert_int_equal(err.cls, KERR_NOTFOUND);
	assert_nothing_stored(t);
}

/* The provider's sequence number (schema v14): an INTEGER, so it sorts as a
 * number; a value that is not one is kept as text; none is no row. */
static void test_sequence_number(void **state)
{
	static const struct { int64_t n; const char *text; } in[] = {
		{ 10, NULL }, { 9, NULL }, { -1, "A-7" }, { -1, NULL }, { 0, NULL },
	};
	struct tstore *t = *state;
	struct tsample s;
	struct store_package_row *row = NULL;
	struct kerr err = { 0 };
	int64_t id[ARRAY_SIZE(in)];
	char kep[32];
	sqlite3 *db;
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(in); i++) {
		snprintf(kep, sizeof(kep), "<kep-seq-%zu>", i);
		tstore_sample(&s, kep, "raw");
		s.p.meta.provider_seq = in[i].n;
		s.p.meta.provider_seq_text = in[i].text;
		if (store_package_insert(t->st, &s.p, &id[i], NULL, &err) < 0)
			fail_msg("%s", err.msg);
	}
	for (i = 0; i < ARRAY_SIZE(in); i++) {
		assert_int_equal(store_package_get(t->st, id[i], &row, &err), 0);
		assert_int_equal(row->meta.provider_seq, in[i].n);
		if (in[i].text != NULL)
			assert_string_equal(row->meta.provider_seq_text, in[i].text);
		else
			assert_null(row->meta.provider_seq_text);
		store_package_row_free(&row);
	}
	assert_int_equal(tstore_count(t, "package_seq"), 4);
	/* Numeric order, stored as integers: 0, 9, 10 (as text: "0", "10", "9"). */
	assert_int_equal(sqlite3_open_v2(t->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(kep_sira_no || ':' ||"
		" typeof(kep_sira_no)) FROM (SELECT kep_sira_no FROM package_seq"
		" WHERE kep_sira_no IS NOT NULL ORDER BY kep_sira_no)", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0),
			    "0:integer,9:integer,10:integer");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_injected_failure_each_step(void **state)
{
	struct tstore *t = *state;
	struct tsample s;
	struct kerr err = { 0 };
	int64_t id = 0;
	int step, inserted = 0;

	tstore_sample(&s, "<kep-fail>", "raw");
	/* Fail at step 1, 2, ... until the write gets through: every failed
	 * attempt must leave the database as it was. */
	for (step = 1; step < 50; step++) {
		store_test_fail_at_step(t->st, step);
		if (store_package_insert(t->st, &s.p, &id, &inserted, &err) == 0)
			break;
		assert_non_null(strstr(err.msg, "injected failure"));
		assert_nothing_stored(t);
	}
	store_test_fail_at_step(t->st, 0);
	/* package, raw, sequence number, 2 parts, eyp, verification, evidence
	 * link, queue, audit. */
	assert_int_equal(step, 11);
	assert_int_equal(inserted, 1);
	assert_int_equal(tstore_count(t, "packages"), 1);
	assert_int_equal(tstore_count(t, "parts"), 2);
	assert_int_equal(tstore_count(t, "import_queue"), 1);
	assert_int_equal(tstore_count(t, "audit_log"), 1);
}

static void test_caller_transaction(void **state)
{
	struct tstore *t = *state;
	struct tsample s;
	struct kerr err = { 0 };
	int64_t id = 0;

	tstore_sample(&s, "<kep-tx>", "raw");
	assert_int_equal(store_begin(t->st, &err), 0);
	assert_int_equal(store_begin(t->st, &err), -1);
	assert_int_equal(store_package_insert(t->st, &s.p, &id, NULL, &err), 0);
	assert_int_equal(store_audit_append(t->st, "test", "composite", "acc1", NULL, NULL, &err), 0);
	store_rollback(t->st);
	assert_nothing_stored(t);

	assert_int_equal(store_begin(t->st, &err), 0);
	assert_int_equal(store_package_insert(t->st, &s.p, &id, NULL, &err), 0);
	/* A failing write inside the caller's transaction undoes only itself. */
	s.p.meta.kep_id = "<kep-tx-2>";
	s.parts[0].meta.role = "bad";
	assert_int_equal(store_package_insert(t->st, &s.p, &id, NULL, &err), -1);
	assert_int_equal(store_commit(t->st, &err), 0);
	assert_int_equal(tstore_count(t, "packages"), 1);
	assert_int_equal(tstore_count(t, "parts"), 2);
}

static void test_evidence(void **state)
{
	struct tstore *t = *state;
	struct store_verification ev_v = { .check = "evidence-signature", .verdict = "untrusted",
					   .reason = "no path to a trust anchor" };
	struct store_evidence ev = {
		.meta = { .account = "acc1", .kep_id = "<kep-ev>", .provider_seq = 3,
			  .delil_id = "D-100", .delil_tur_id = 10, .description = "Kabul Edildi",
			  .event_time = 1762360000000, .issuer = "hs01", .verdict = "untrusted" },
		.verifications = &ev_v, .n_verifications = 1,
	};
	struct store_evidence_row *rows = NULL;
	struct store_verification_row *vr = NULL;
	struct tsample s;
	struct kerr err = { 0 };
	char **ids = NULL;
	int64_t eid = 0, eid2 = 0, pid = 0;
	size_t n;
	int inserted = -1;

	ev.raw = store_content_mem("<Evidence/>", 11);
	/* Evidence for a package the store does not know yet. */
	assert_int_equal(store_evidence_insert(t->st, &ev, &eid, &inserted, &err), 0);
	assert_int_equal(inserted, 1);
	assert_int_equal(store_evidence_insert(t->st, &ev, &eid2, &inserted, &err), 0);
	assert_int_equal(inserted, 0);
	assert_int_equal(eid2, eid);
	assert_int_equal(store_evidence_exists(t->st, "acc1", "D-100", NULL, &err), 1);
	assert_int_equal(store_evidence_exists(t->st, "acc1", "D-999", NULL, &err), 0);
	assert_int_equal(store_evidence_delil_ids(t->st, "acc1", "<kep-ev>", &ids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "D-100");
	store_evidence_delil_ids_free(&ids, n);

	/* The package arrives: the evidence is linked to it. */
	tstore_sample(&s, "<kep-ev>", "raw");
	assert_int_equal(store_package_insert(t->st, &s.p, &pid, NULL, &err), 0);
	assert_int_equal(store_evidence_list_for_package(t->st, pid, &rows, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].id, eid);
	assert_int_equal(rows[0].package_id, pid);
	assert_int_equal(rows[0].meta.delil_tur_id, 10);
	assert_string_equal(rows[0].meta.description, "Kabul Edildi");
	assert_int_equal(rows[0].raw_size, 11);
	assert_int_equal(rows[0].meta.provider_seq, 3);   /* v17: an INTEGER in evidence_seq */
	assert_null(rows[0].meta.provider_seq_text);
	store_evidence_rows_free(&rows, n);

	/* Later evidence finds its package by kepId. */
	ev.meta.delil_id = "D-101";
	ev.meta.delil_tur_id = 77;   /* unknown codes are kept */
	ev.meta.provider_seq = -1;   /* and a number that is not one, as its text */
	ev.meta.provider_seq_text = "007";
	assert_int_equal(store_evidence_insert(t->st, &ev, &eid2, &inserted, &err), 0);
	assert_int_equal(store_evidence_list_for_package(t->st, pid, &rows, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(rows[1].meta.delil_tur_id, 77);
	assert_int_equal(rows[1].meta.provider_seq, -1);
	assert_string_equal(rows[1].meta.provider_seq_text, "007");
	store_evidence_rows_free(&rows, n);
	assert_int_equal(store_verification_list(t->st, STORE_VERIF_EVIDENCE, eid2, &vr, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(vr[0].v.verdict, "untrusted");
	store_verification_rows_free(&vr, n);

	/* Judged again (twice): each check replaces its earlier row. */
	{
		size_t ne;
		struct store_verification rj[2] = {
			{ .check = "evidence-signature", .verdict = "valid" },
			{ .check = "evidence-digest", .verdict = "invalid", .reason = "first" },
		};
		size_t k;

		assert_int_equal(store_evidence_list_for_package(t->st, pid, &rows, &ne, &err), 0);
		assert_int_equal(rows[0].id, eid);

		assert_int_equal(store_evidence_rejudge(t->st, &rows[0], "invalid", "first", rj, 2,
							NULL, &err), 0);
		rj[1].verdict = "valid";
		rj[1].reason = "second";
		assert_int_equal(store_evidence_rejudge(t->st, &rows[0], "valid", NULL, rj, 2, NULL,
							&err), 0);
		assert_int_equal(store_verification_list(t->st, STORE_VERIF_EVIDENCE, eid, &vr, &n,
							 &err), 0);
		assert_int_equal(n, 2);
		for (k = 0; k < n; k++)
			if (strcmp(vr[k].v.check, "evidence-digest") == 0)
				assert_string_equal(vr[k].v.reason, "second");
			else
				assert_string_equal(vr[k].v.verdict, "valid");
		store_verification_rows_free(&vr, n);
		store_evidence_rows_free(&rows, ne);
	}
	assert_int_equal(store_evidence_list_for_package(t->st, pid, &rows, &n, &err), 0);
	assert_string_equal(rows[0].meta.verdict, "valid");
	store_evidence_rows_free(&rows, n);

	/* A failed evidence write leaves nothing (step 3: its sequence number). */
	ev.meta.delil_id = "D-102";
	store_test_fail_at_step(t->st, 3);
	assert_int_equal(store_evidence_insert(t->st, &ev, &eid2, &inserted, &err), -1);
	store_test_fail_at_step(t->st, 0);
	assert_int_equal(store_evidence_exists(t->st, "acc1", "D-102", NULL, &err), 0);
	assert_int_equal(tstore_count(t, "evidence"), 2);
	assert_int_equal(tstore_count(t, "evidence_seq"), 2);
}

struct chunk_stats {
	size_t calls, max;
	EVP_MD_CTX *md;
};

static int count_chunk(void *arg, const void *chunk, size_t len, struct kerr *err)
{
	struct chunk_stats *c = arg;

	(void)err;
	c->calls++;
	if (len > c->max)
		c->max = len;
	EVP_DigestUpdate(c->md, chunk, len);
	return 0;
}

#define BIG (25 * 1024 * 1024 + 12345)

static void test_stream_large(void **state)
{
	struct tstore *t = *state;
	struct tsample s;
	struct store_package_row *row = NULL;
	struct chunk_stats cs = { 0 };
	struct kerr err = { 0 };
	unsigned char sha_in[32], sha_out[32], block[4096];
	char *in = xasprintf("%s/big.in", t->dir), *out = xasprintf("%s/big.out", t->dir);
	sqlite3_int64 cur, high;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t done, i;
	int64_t id = 0;
	int fd;

	/* A 25 MB file with content that is not all zeros. */
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	fd = open(in, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (done = 0; done < BIG; done += sizeof(block)) {
		size_t len = BIG - done < sizeof(block) ? BIG - done : sizeof(block);

		for (i = 0; i < len; i++)
			block[i] = (unsigned char)((done + i) * 2654435761u >> 13);
		assert_int_equal(write(fd, block, len), (ssize_t)len);
		EVP_DigestUpdate(md, block, len);
	}
	close(fd);
	EVP_DigestFinal_ex(md, sha_in, NULL);
	assert_true(BIG > 4 * STORE_BLOB_CHUNK);

	tstore_sample(&s, "<kep-big>", "");
	s.p.raw = store_content_path(in);
	s.parts[0].content = store_content_path(in);   /* the original, as large */
	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &high, 1), SQLITE_OK);
	if (store_package_insert(t->st, &s.p, &id, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &high, 1), SQLITE_OK);
	/* SQLite never held the content: it was written in chunks. */
	assert_true(high > 0);
	if (high >= 8 * 1024 * 1024)
		fail_msg("SQLite's memory peaked at %lld bytes while storing", (long long)high);

	assert_int_equal(store_package_get(t->st, id, &row, &err), 0);
	assert_int_equal(row->raw_size, BIG);
	assert_memory_equal(row->raw_sha256, sha_in, 32);
	store_package_row_free(&row);

	fd = open(out, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(store_blob_read_to_fd(t->st, STORE_BLOB_PACKAGE_RAW, id, fd, &err), 0);
	close(fd);
	assert_int_equal(sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &cur, &high, 1), SQLITE_OK);
	assert_true(high < 8 * 1024 * 1024);

	/* Read the copy back from disk and compare digests. */
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	fd = open(out, O_RDONLY);
	for (;;) {
		ssize_t r = read(fd, block, sizeof(block));

		assert_true(r >= 0);
		if (r == 0)
			break;
		EVP_DigestUpdate(md, block, (size_t)r);
	}
	close(fd);
	EVP_DigestFinal_ex(md, sha_out, NULL);
	assert_memory_equal(sha_in, sha_out, 32);

	/* The callback sees bounded chunks. */
	cs.md = md;
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	assert_int_equal(store_blob_read(t->st, STORE_BLOB_PART, 1, count_chunk, &cs, &err), 0);
	EVP_DigestFinal_ex(md, sha_out, NULL);
	assert_memory_equal(sha_in, sha_out, 32);
	assert_true(cs.calls >= BIG / STORE_BLOB_CHUNK);
	assert_true(cs.max <= STORE_BLOB_CHUNK);
	assert_int_equal(store_blob_read(t->st, STORE_BLOB_PART, 9999, count_chunk, &cs, &err), -1);
	assert_int_equal(err.cls, KERR_NOTFOUND);

	EVP_MD_CTX_free(md);
	free(in);
	free(out);
}

/* How many statements the store's connection has prepared since
 * store_forget_statements() (store_explain_statements() lists each, its
 * plan's lines indented). */
static int statements(struct tstore *t)
{
	struct kerr err;
	char *plans = store_explain_statements(t->st, &err), *line;
	int n = 0;

	assert_non_null(plans);
	for (line = plans; *line != '\0'; line = strchr(line, '\n') + 1)
		if (*line != ' ')
			n++;
	free(plans);
	return n;
}

/* A part whose bytes are a slice of the raw package (the original inside
 * the envelope) is held as that range, not a second copy (schema v16): it
 * reads back byte for byte, digest checked, through the content layer and
 * the part_bytes view; a range outside the package is refused and nothing
 * is stored. */
static void test_raw_slice_part(void **state)
{
	struct tstore *t = *state;
	static const char raw[] = "Content-Type: multipart/mixed\r\n\r\nFrom: a\r\n\r\nthe original";
	const char *orig = strstr(raw, "From:");
	size_t off = (size_t)(orig - raw), n = strlen(orig);
	struct tsample s;
	struct store_part_row *rows = NULL;
	struct kbuf b = { 0 };
	struct kerr err = { 0 };
	char hex[2 * sizeof(raw) + 1], *q;
	int64_t id;
	size_t nrows;
	int isnew;

	tstore_sample(&s, "<slice@k>", raw);
	s.parts[0].content = store_content_raw_slice(orig, n, off);
	assert_int_equal(store_package_insert(t->st, &s.p, &id, &isnew, &err), 0);
	assert_int_equal(store_part_list(t->st, id, &rows, &nrows, &err), 0);
	assert_int_equal(nrows, 2);
	assert_int_equal(rows[0].size, (int64_t)n);
	/* Its location and its range are one query (store_content_location):
	 * the only statement the read prepares. */
	store_forget_statements(t->st);
	assert_int_equal(store_content_read_mem(t->st, STORE_BLOB_PART, rows[0].id, 1000, &b, &err), 0);
	assert_int_equal(b.len, n);
	assert_memory_equal(b.data, orig, n);
	assert_int_equal(statements(t), 1);
	b.len = 0;
	store_forget_statements(t->st);
	assert_int_equal(store_blob_read_mem(t->st, STORE_BLOB_PART, rows[0].id, 1000, &b, &err), 0);
	assert_memory_equal(b.data, orig, n);
	assert_int_equal(statements(t), 1);
	b.len = 0;
	assert_int_equal(store_content_read_mem(t->st, STORE_BLOB_PART, rows[1].id, 1000, &b, &err), 0);
	assert_memory_equal(b.data, "PK\3\4eyp", 7);
	store_part_rows_free(&rows, nrows);
	kbuf_free(&b);
	assert_int_equal(tstore_count(t, "part_ranges"), 1);
	assert_int_equal(tstore_count(t, "parts WHERE role = 'original' AND length(content) = 0"), 1);
	hex_encode(orig, n, hex);
	q = xasprintf("part_bytes WHERE package_id = %lld AND content = X'%s'", (long long)id, hex);
	assert_int_equal(tstore_count(t, q), 1);
	free(q);

	/* Past the end of the package: refused, the whole package with it. */
	tstore_sample(&s, "<slice-bad@k>", raw);
	s.parts[0].content = store_content_raw_slice(orig, n, off + 1);
	assert_int_equal(store_package_insert(t->st, &s.p, &id, &isnew, &err), -1);
	assert_int_equal(tstore_count(t, "packages"), 1);
	assert_int_equal(tstore_count(t, "parts"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_insert_and_read_back, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_constraint_leaves_nothing, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_sequence_number, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_injected_failure_each_step, tstore_setup,
						tstore_teardown),
		cmocka_unit_test_setup_teardown(test_caller_transaction, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_evidence, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_stream_large, tstore_setup, tstore_teardown),
		cmocka_unit_test_setup_teardown(test_raw_slice_part, tstore_setup, tstore_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
