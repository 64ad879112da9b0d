/* formats-tool: drives kep/mime, kep/evidence and kep/eyp from shell tests.
 *   formats-tool mime FILE OUTDIR       prints what was found; writes the
 *                                       signed ranges and signatures to OUTDIR
 *   formats-tool evidence FILE [-a ANCHOR.pem]... [-o ORIGINAL] [-c CODE]
 *   formats-tool eyp FILE [-a ANCHOR.pem]  contents, digests (and signatures with -a)
 * Output lines are "key=value" so tests can grep them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "evidence.h"
#include "eyp.h"
#include "eyp_verify.h"
#include "trust.h"
#include "mime.h"
#include "util.h"

static int dump(const char *dir, const char *name, const void *d, size_t n)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	int ok = f && fwrite(d, 1, n, f) == n;

	if (f)
		ok = (fclose(f) == 0) && ok;
	free(p);
	return ok ? 0 : -1;
}

static void print_msg(const char *pfx, const struct mime_message *m, const char *dir)
{
	printf("%s.state=%s\n", pfx, mime_signed_state(m));
	printf("%s.subject=%s\n", pfx, m->subject ? m->subject : "");
	printf("%s.from=%s\n", pfx, m->from ? m->from : "");
	printf("%s.message_id=%s\n", pfx, m->message_id ? m->message_id : "");
	printf("%s.date=%s\n", pfx, m->date ? m->date : "");
	printf("%s.ileti_tip=%s\n", pfx, m->ileti_tip ? m->ileti_tip : "");
	printf("%s.ileti_id=%s\n", pfx, m->ileti_id ? m->ileti_id : "");
	printf("%s.lf_only=%d\n", pfx, m->lf_only);
	for (size_t i = 0; i < m->n_rem; i++)
		printf("%s.hdr.%s=%s\n", pfx, m->rem[i].name, m->rem[i].value);
	for (size_t i = 0; i < m->n_sigs; i++) {
		const struct mime_sig *s = &m->sigs[i];
		char name[64];

		printf("%s.sig%zu.kind=%s protocol=%s micalg=%s off=%zu len=%zu\n", pfx, i,
		       s->kind == MIME_SIG_OPAQUE ? "opaque" : "detached", s->protocol,
		       s->micalg ? s->micalg : "", s->content_off, s->content_len);
		snprintf(name, sizeof(name), "%s-sig%zu.der", pfx, i);
		dump(dir, name, s->sig, s->sig_len);
		if (mime_signed_bytes(m, i) != NULL) {
			snprintf(name, sizeof(name), "%s-content%zu.bin", pfx, i);
			dump(dir, name, mime_signed_bytes(m, i), s->content_len);
		}
	}
	if (m->content_error != NULL)
		printf("%s.content_error=%s\n", pfx, m->content_error);
	for (size_t i = 0; i < m->n_extra; i++) {
		const struct mime_extra *x = &m->extra[i];

		printf("%s.extra%zu=%s type=%s name=%s off=%zu len=%zu signed=%d\n", pfx, i, x->path,
		       x->content_type, x->filename ? x->filename : "", x->off, x->len, x->is_signed);
	}
	for (size_t i = 0; i < m->n_att; i++) {
		const struct mime_attachment *a = &m->att[i];
		char name[64];

		printf("%s.att%zu=%s type=%s size=%zu eyp=%d message=%d\n", pfx, i, a->filename,
		       a->content_type, a->len, a->is_eyp, a->is_message);
		snprintf(name, sizeof(name), "%s-att%zu.bin", pfx, i);
		dump(dir, name, a->data, a->len);
	}
}

static int cmd_mime(const char *file, const char *dir)
{
	struct kbuf b = { 0 };
	struct kerr err = { 0 };
	struct mime_package p;

	if (read_file(file, 100u << 20, &b, &err) < 0 || mime_package_parse(b.data, b.len, NULL, &p, &err) < 0) {
		printf("error=%s: %s\n", kerr_class_name(err.cls), err.msg);
		kbuf_free(&b);
		return 1;
	}
	print_msg("envelope", &p.envelope, dir);
	if (p.original_error[0])
		printf("original_error=%s\n", p.original_error);
	if (p.has_original) {
		printf("original.in_package=%d off=%zu len=%zu\n", p.orig_in_package, p.orig_off,
		       p.orig_len);
		dump(dir, "original.eml", p.original.data, p.original.len);
		print_msg("original", &p.original, dir);
	}
	mime_package_free(&p);
	kbuf_free(&b);
	return 0;
}

static void load_anchors(X509_STORE *st, const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *c;

	if (!f)
		return;
	while ((c = PEM_read_X509(f, NULL, NULL, NULL))) {
		X509_STORE_add_cert(st, c);
		X509_free(c);
	}
	ERR_clear_error();
	fclose(f);
}

static int cmd_evidence(int argc, char **argv)
{
	struct evidence_opts o = { 0 };
	struct kbuf b = { 0 }, orig = { 0 };
	struct kerr err = { 0 };
	struct evidence ev;
	int64_t t0;

	o.anchors = X509_STORE_new();
	for (int i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-a") == 0)
			load_anchors(o.anchors, argv[i + 1]);
		else if (strcmp(argv[i], "-o") == 0 && read_file(argv[i + 1], 100u << 20, &orig, &err) == 0)
			o.original = orig.data, o.original_len = orig.len;
		else if (strcmp(argv[i], "-c") == 0)
			o.provider_code = atoi(argv[i + 1]);
	}
	if (read_file(argv[2], 100u << 20, &b, &err) < 0) {
		printf("error=%s\n", err.msg);
		return 1;
	}
	t0 = now_ms();
	if (evidence_verify(b.data, b.len, &o, &ev, &err) < 0) {
		printf("error=%s: %s\n", kerr_class_name(err.cls), err.msg);
		return 1;
	}
	printf("ms=%lld\n", (long long)(now_ms() - t0));
	printf("verdict=%s\nreason=%s\n", verdict_name(ev.verdict), ev.reason);
	printf("digest=%s\ndigest_reason=%s\n", evidence_digest_name(ev.digest), ev.digest_reason);
	printf("type=%s\nevent=%s\ndelil=%d\nprovider_code=%d\n", ev.type ? ev.type : "",
	       ev.event_code ? ev.event_code : "", ev.delil_code, ev.provider_code);
	printf("evidence_id=%s\nissuer=%s\nsender=%s\nrecipients=%s\nsubject=%s\n",
	       ev.evidence_id ? ev.evidence_id : "", ev.issuer ? ev.issuer : "",
	       ev.sender ? ev.sender : "", ev.recipients ? ev.recipients : "",
	       ev.subject ? ev.subject : "");
	printf("ua_message_id=%s\nevent_time=%s\nreasons=%s\n",
	       ev.ua_message_id ? ev.ua_message_id : "", ev.event_time ? ev.event_time : "",
	       ev.event_reasons ? ev.event_reasons : "");
	printf("signer_subject=%s\nsigner_serial=%s\nsigner_issuer=%s\n", ev.signer_subject,
	       ev.signer_serial, ev.signer_issuer);
	evidence_free(&ev);
	kbuf_free(&b);
	kbuf_free(&orig);
	X509_STORE_free(o.anchors);
	return 0;
}

static void print_cms(const char *what, const struct cms_result *r)
{
	printf("%s=%s\n%s_reason=%s\n", what, verdict_name(r->verdict), what, r->reason);
	for (size_t i = 0; i < r->nsigners; i++)
		printf("%s_signer%zu=%s\n", what, i, r->signers[i].subject);
}

static int cmd_eyp(int argc, char **argv)
{
	struct kbuf b = { 0 };
	struct kerr err = { 0 };
	struct eyp e;
	int64_t t0;

	if (read_file(argv[2], 2000u << 20, &b, &err) < 0) {
		printf("error=%s\n", err.msg);
		return 1;
	}
	t0 = now_ms();
	if (eyp_open(b.data, b.len, &e, &err) < 0) {
		printf("ms=%lld\nerror=%s: %s\n", (long long)(now_ms() - t0),
		       kerr_class_name(err.cls), err.msg);
		kbuf_free(&b);
		return 1;
	}
	printf("version=%s\nmajor=%d\nversion_source=%s\n", e.version ? e.version : "",
	       e.major, e.version_source);
	printf("belge_id=%s\nkonu=%s\ntarih=%s\nbelge_no=%s\nolusturan=%s\n",
	       e.belge_id ? e.belge_id : "", e.konu ? e.konu : "", e.tarih ? e.tarih : "",
	       e.belge_no ? e.belge_no : "", e.olusturan ? e.olusturan : "");
	for (size_t i = 0; i < e.n_ekler; i++)
		printf("ek%zu=%s|%s|%s\n", i, e.ekler[i].dosya_adi ? e.ekler[i].dosya_adi : "",
		       e.ekler[i].ad ? e.ekler[i].ad : "", e.ekler[i].mime ? e.ekler[i].mime : "");
	for (size_t i = 0; i < e.n_files; i++)
		printf("file%zu=%s main=%d size=%zu safe=%s\n", i, e.files[i].part,
		       e.files[i].main_doc, e.files[i].size, e.files[i].safe);
	printf("digests=%s\ndigests_reason=%s\n", verdict_name(e.digests), e.digests_reason);
	printf("warnings=%s\n", e.warnings);
	printf("nihai_ozet=%s\nnihai_ozet_reason=%s\n", verdict_name(e.nihai_ozet),
	       e.nihai_ozet_reason);
	if (argc == 5 && strcmp(argv[3], "-a") == 0) {
		struct trust_store *ts = trust_new();
		struct verify_opts o = { .trust = ts };
		struct cms_result r;

		if (trust_load(ts, TRUST_ANCHOR, argv[4], &err) < 0 ||
		    eyp_verify_signature(&e, &o, &r, &err) < 0) {
			printf("error=%s\n", err.msg);
		} else {
			print_cms("signature", &r);
			cms_result_free(&r);
			if (eyp_verify_seal(&e, &o, &r, &err) == 0) {
				print_cms("seal", &r);
				cms_result_free(&r);
			}
		}
		trust_free(&ts);
	}
	eyp_free(&e);
	kbuf_free(&b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "eyp") == 0)
		return cmd_eyp(argc, argv);
	if (argc == 4 && strcmp(argv[1], "mime") == 0)
		return cmd_mime(argv[2], argv[3]);
	if (argc >= 3 && strcmp(argv[1], "evidence") == 0)
		return cmd_evidence(argc, argv);
	fprintf(stderr, "usage: formats-tool mime FILE OUTDIR | evidence FILE [-a PEM] [-o ORIG] [-c N]\n");
	return 2;
}
