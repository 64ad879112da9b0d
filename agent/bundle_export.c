/* bundle_export.c: writes the evidence bundle of one message (see bundle.h). */
#include "bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <zip.h>

#include "cert_info.h"
#include "signer_role.h"
#include "trust.h"
#include "mime.h"
#include "package_view.h"
#include "store.h"
#include "store_archive.h"
#include "store_evidence.h"
#include "store_package.h"
#include "store_verification.h"
#include "reply.h"
#include "evidence_query.h"
#include "util.h"

#define CONTENT_MAX (64u << 20)

struct entry {
	char *name;
	struct kbuf data;
};

struct files {
	struct entry *e;
	size_t n;
	const struct kephs_signers *kephs;  /* borrowed: the exporting trust's */
};

static struct kbuf *add(struct files *f, char *name)
{
	f->e = xrealloc(f->e, (f->n + 1) * sizeof(*f->e));
	f->e[f->n].name = name;
	memset(&f->e[f->n].data, 0, sizeof(f->e[f->n].data));
	return &f->e[f->n++].data;
}

static int has(const struct files *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->e[i].name, name) == 0)
			return 1;
	return 0;
}

static void files_free(struct files *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->e[i].name);
		kbuf_free(&f->e[i].data);
	}
	free(f->e);
}

/* certs/<digest>.pem for one certificate, once, and what a reader needs of
 * it in certs_json; "kephs" when the exporting trust lets it sign envelopes
 * and delils (what `evidence verify` uses when its own trust names none). */
static void add_cert(struct files *f, X509 *x, json_t *certs_json)
{
	unsigned char *der = NULL;
	int len = i2d_X509(x, &der);
	char h[65], *name, t1[32], t2[32];
	struct cert_info ci;
	BIO *bio;
	BUF_MEM *mem;

	if (len <= 0)
		return;
	sha256_hex(der, (size_t)len, h);
	OPENSSL_free(der);
	name = xasprintf("certs/%.16s.pem", h);
	if (has(f, name)) {
		free(name);
		return;
	}
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_X509(bio, x);
	BIO_get_mem_ptr(bio, &mem);
	kbuf_append(add(f, name), mem->data, mem->length);
	BIO_free(bio);
	if (cert_info_get(x, &ci) == 0)
		json_array_append_new(certs_json, json_pack(
			"{s:s, s:o, s:o, s:s, s:s?, s:s?, s:s, s:b, s:b}", "file", name,
			"subject", reply_text(ci.subject), "issuer", reply_text(ci.issuer),
			"serial", ci.serial,
			"not_before", reply_time((int64_t)ci.not_before * 1000, t1),
			"not_after", reply_time((int64_t)ci.not_after * 1000, t2),
			"sha256", ci.sha256, "self_issued", ci.self_issued,
			"kephs", f->kephs != NULL && kephs_signers_match(f->kephs, NULL, x)));
}

static void add_certs(struct files *f, CMS_ContentInfo *cms, json_t *certs_json)
{
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	int i;

	for (i = 0; certs != NULL && i < sk_X509_num(certs); i++)
		add_cert(f, sk_X509_value(certs, i), certs_json);
	sk_X509_pop_free(certs, X509_free);
}

/* timestamps/<which>-<n>.tst: the RFC 3161 tokens in the signers' unsigned
 * attributes (id-smime-aa-timeStampToken), and the TSA certificates they
 * carry. */
static void add_timestamps(struct files *f, CMS_ContentInfo *cms, const char *which,
			   json_t *certs_json)
{
	STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
	ASN1_OBJECT *oid = OBJ_txt2obj("1.2.840.113549.1.9.16.2.14", 1);
	int i, idx;

	for (i = 0; sis != NULL && i < sk_CMS_SignerInfo_num(sis); i++) {
		CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, i);

		idx = CMS_unsigned_get_attr_by_OBJ(si, oid, -1);
		for (; idx >= 0; idx = CMS_unsigned_get_attr_by_OBJ(si, oid, idx)) {
			X509_ATTRIBUTE *a = CMS_unsigned_get_attr(si, idx);
			ASN1_TYPE *t = a ? X509_ATTRIBUTE_get0_type(a, 0) : NULL;

			if (t == NULL || t->type != V_ASN1_SEQUENCE)
				continue;
			const unsigned char *p = t->value.sequence->data;
			CMS_ContentInfo *tst;

			kbuf_append(add(f, xasprintf("timestamps/%s-%d-%d.tst", which, i, idx)),
				    t->value.sequence->data, (size_t)t->value.sequence->length);
			tst = d2i_CMS_ContentInfo(NULL, &p, t->value.sequence->length);
			if (tst != NULL)
				add_certs(f, tst, certs_json);
			CMS_ContentInfo_free(tst);
		}
	}
	ASN1_OBJECT_free(oid);
}

static void add_signatures(struct files *f, const struct mime_message *m, const char *which,
			   json_t *certs_json)
{
	size_t i;

	for (i = 0; i < m->n_sigs; i++) {
		const unsigned char *p = m->sigs[i].sig;
		CMS_ContentInfo *cms;
		char tag[48];

		snprintf(tag, sizeof(tag), "%s-%zu", which, i);
		kbuf_append(add(f, xasprintf("signatures/%s.p7s", tag)), m->sigs[i].sig,
			    m->sigs[i].sig_len);
		cms = d2i_CMS_ContentInfo(NULL, &p, (long)m->sigs[i].sig_len);
		if (cms == NULL)
			continue; /* kept as received; verification reports it malformed */
		add_certs(f, cms, certs_json);
		add_timestamps(f, cms, tag, certs_json);
		CMS_ContentInfo_free(cms);
	}
}

static const char *ev_ext(const struct kbuf *b)
{
	return b->len >= 2 && b->data[0] == 'P' && b->data[1] == 'K' ? "zip" : "xml";
}

static int add_evidence(struct store *st, struct files *f, int64_t pkg, json_t *stored,
			struct kerr *err)
{
	struct store_evidence_row *ev = NULL;
	size_t n = 0, i;

	if (store_evidence_list_for_package(st, pkg, &ev, &n, err) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct store_verification_row *vr = NULL;
		struct kbuf *b;
		size_t nv = 0;
		char *name;
		json_t *j;

		/* Names come from the store, not the provider: only the index and
		 * the (sanitised) delilId's safe characters. */
		name = xasprintf("evidence/%02zu-%lld", i, (long long)ev[i].id);
		b = add(f, name);
		if (store_content_read_mem(st, STORE_BLOB_EVIDENCE_RAW, ev[i].id, CONTENT_MAX, b,
					err) < 0 ||
		    store_verification_list(st, STORE_VERIF_EVIDENCE, ev[i].id, &vr, &nv, err) < 0)
			goto fail;
		f->e[f->n - 1].name = xasprintf("%s.%s", name, ev_ext(b));
		free(name);
		j = evidence_query_json(&ev[i]);
		json_object_set_new(j, "file", json_string(f->e[f->n - 1].name));
		json_object_set_new(j, "checks", evidence_query_checks_json(vr, nv));
		json_array_append_new(stored, j);
		store_verification_rows_free(&vr, nv);
	}
	store_evidence_rows_free(&ev, n);
	return 0;
fail:
	store_evidence_rows_free(&ev, n);
	return -1;
}

/* The ZIP is built in memory and written with write_file_atomic(): a new
 * temporary file that never follows a link planted beside path. */
static int write_zip(const struct files *f, const char *path, struct kerr *err)
{
	zip_source_t *out;
	zip_error_t ze;
	zip_stat_t zst;
	unsigned char *buf = NULL;
	zip_t *za;
	size_t i;
	int rc = -1;

	zip_error_init(&ze);
	out = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (out == NULL)
		goto zerr;
	zip_source_keep(out);
	za = zip_open_from_source(out, ZIP_TRUNCATE, &ze);
	if (za == NULL)
		goto zerr;
	for (i = 0; i < f->n; i++) {
		zip_source_t *src = zip_source_buffer(za, f->e[i].data.data ? f->e[i].data.data
						      : (const void *)"", f->e[i].data.len, 0);

		if (src == NULL || zip_file_add(za, f->e[i].name, src, ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(src);
			kerr_set(err, KERR_IO, "cannot add %s to %s: %s", f->e[i].name, path,
				 zip_strerror(za));
			zip_discard(za);
			goto out;
		}
	}
	if (zip_close(za) < 0) {
		kerr_set(err, KERR_IO, "cannot build %s: %s", path, zip_strerror(za));
		zip_discard(za);
		goto out;
	}
	if (zip_source_stat(out, &zst) < 0 || !(zst.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(out) < 0) {
		kerr_set(err, KERR_IO, "cannot read back %s: %s", path,
			 zip_error_strerror(zip_source_error(out)));
		goto out;
	}
	buf = xmalloc(zst.size ? (size_t)zst.size : 1);
	if (zip_source_read(out, buf, zst.size) != (zip_int64_t)zst.size) {
		kerr_set(err, KERR_IO, "cannot read back %s", path);
		zip_source_close(out);
		goto out;
	}
	zip_source_close(out);
	rc = write_file_atomic(path, buf, (size_t)zst.size, 0600, err);
	goto out;
zerr:
	kerr_set(err, KERR_IO, "cannot create %s: %s", path, zip_error_strerror(&ze));
out:
	free(buf);
	zip_source_free(out);
	zip_error_fini(&ze);
	return rc;
}

int bundle_export(struct store *st, const struct trust_store *ts, int64_t id, const char *path,
		  int *unavailable_r, struct kerr *err)
{
	struct store_verification_row *vr = NULL;
	struct store_package_row *p = NULL;
	struct files f = { 0 };
	struct pkg_view v = { 0 };
	struct bundle_file *evf = NULL;
	json_t *report = NULL, *stored_ev = json_array(), *rv = NULL, *files, *pj = NULL;
	json_t *certs = json_array();
	struct kbuf *raw, txt = { 0 }, html = { 0 };
	size_t nv = 0, i, n_ev = 0;
	time_t at = time(NULL);
	char t[32], h[65], raw_hex[65];
	STACK_OF(X509) *signers = sk_X509_new_null();
	char *spool = path_dir(store_path(st)); /* a large part decodes beside the store */
	int rc = -1;

	f.kephs = trust_kephs(ts);
	if (unavailable_r != NULL)
		*unavailable_r = 0;
	if (store_package_get(st, id, &p, err) < 0)
		goto out;
	raw = add(&f, xstrdup("package.eml"));
	if (store_content_read_mem(st, STORE_BLOB_PACKAGE_RAW, id, CONTENT_MAX, raw, err) < 0) {
		/* The row is there: its bytes must be too. */
		if (unavailable_r != NULL && err->cls != KERR_LIMIT && err->cls != KERR_BUSY)
			*unavailable_r = 1;
		goto out;
	}
	if (store_verification_list(st, STORE_VERIF_PACKAGE, id, &vr, &nv, err) < 0)
		goto out;
	/* One parse for the bundle's files and its re-verification; the
	 * view borrows raw's bytes, which stay put while f grows. */
	pkg_view_open(raw->data, raw->len, spool, &v);
	if (v.parsed) {
		if (v.mp.has_original)
			kbuf_append(add(&f, xstrdup("original.eml")), v.mp.original.data,
				    v.mp.original.len);
		add_signatures(&f, &v.mp.envelope, "envelope", certs);
		if (v.mp.has_original)
			add_signatures(&f, &v.mp.original, "original", certs);
	}
	if (add_evidence(st, &f, id, stored_ev, err) < 0)
		goto out;
	/* f.e moves while adding: take the pointers only now. */
	evf = xcalloc(f.n, sizeof(*evf));
	for (i = 0; i < f.n; i++)
		if (strncmp(f.e[i].name, "evidence/", 9) == 0)
			evf[n_ev++] = (struct bundle_file){
				f.e[i].name, f.e[i].data.data, f.e[i].data.len,
				bundle_listed_code(stored_ev, f.e[i].name) };
	if (bundle_reverify(ts, at, &v, evf, n_ev, signers, &rv, err) < 0)
		goto out;
	/* The delils' signers beside the envelope's: a bundle carries the
	 * KEPHS certificates its verdicts rest on. */
	for (i = 0; i < (size_t)sk_X509_num(signers); i++)
		add_cert(&f, sk_X509_value(signers, i), certs);
	files = json_array();
	for (i = 0; i < f.n; i++) {
		sha256_hex(f.e[i].data.data ? (const void *)f.e[i].data.data : "", f.e[i].data.len, h);
		json_array_append_new(files, json_pack("{s:s, s:s, s:I}", "name", f.e[i].name,
						       "sha256", h, "size",
						       (json_int_t)f.e[i].data.len));
	}
	/* The Package object (doc/openapi.yaml) and what a bundle adds. */
	if (evidence_query_package(st, id, &pj, err) < 0)
		goto out;
	hex_encode(p->raw_sha256, 32, raw_hex);
	json_object_update_new(pj, json_pack("{s:o, s:o, s:o, s:s, s:I}",
			   "org_mesaj_id", reply_text(p->meta.org_mesaj_id),
			   "ileti_id", reply_text(p->meta.ileti_id),
			   "belge_no", reply_text(p->meta.belge_no), "sha256", raw_hex,
			   "size", (json_int_t)p->raw_size));
	report = json_pack("{s:s, s:i, s:s, s:o, s:{s:s?, s:s?, s:o, s:o}, s:o, s:o, s:o}",
			   "format", BUNDLE_FORMAT, "reports", BUNDLE_REPORTS_VERSION,
			   "created_at", reply_time((int64_t)at * 1000, t),
			   "package", pj,
			   "stored", "overall", p->meta.verdict, "reason", p->meta.verdict_reason,
			   "checks", evidence_query_checks_json(vr, nv), "evidence", stored_ev,
			   "reverified", rv, "certificates", certs, "files", files);
	pj = NULL;
	certs = NULL;
	stored_ev = NULL;
	rv = NULL;
	bundle_report_txt(&txt, report);
	bundle_report_html(&html, report);
	{
		char *s = json_dumps(report, JSON_INDENT(2) | JSON_ENSURE_ASCII);

		kbuf_append_str(add(&f, xstrdup("report.json")), s);
		free(s);
	}
	kbuf_append(add(&f, xstrdup("report.txt")), txt.data, txt.len);
	kbuf_append(add(&f, xstrdup("report.html")), html.data, html.len);
	rc = write_zip(&f, path, err);
out:
	pkg_view_free(&v);
	free(spool);
	json_decref(report);
	json_decref(pj);
	json_decref(certs);
	kbuf_free(&html);
	json_decref(stored_ev);
	json_decref(rv);
	kbuf_free(&txt);
	free(evf);
	files_free(&f);
	store_verification_rows_free(&vr, nv);
	store_package_row_free(&p);
	sk_X509_pop_free(signers, X509_free);
	return rc;
}
