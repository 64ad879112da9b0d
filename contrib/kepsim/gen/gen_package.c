/* gen_package.c: one KEP package: the sender's original message (S/MIME) and
 * the KEPHS envelope around it, written as FORMAT.md describes. Faults are
 * planted at the step where a real-world failure would happen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "gen.h"

static const char *const subjects[] = {
	"Görüş talebi: Çevre düzenlemesi hakkında",
	"Şubat ayı ödemeleri ile ilgili bilgi notu",
	"Öğrenci işleri duyurusu (Ğ, Ü, Ş, İ, Ö, Ç)",
	"Üst yazı: Işıklandırma ihalesi sonucu",
	"Çağrı merkezi şikâyet özeti",
	"İl Müdürlüğü toplantı daveti - öğle arası",
	"Güvenlik soruşturması hk. gizlidir",
	"Ödenek aktarımı: ŞUBAT-ÇARŞAMBA",
};
static const char *const ileti_names[] = {"standart", "eYazisma", "eTebligat"};
static const char *const tur_names[] = {"Standart", "EYazisma", "ETebligat"};

static void pdf_bytes(struct grand *r, size_t size, struct kbuf *out, const char *title)
{
	kbuf_printf(out, "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
		    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
		    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >> endobj\n"
		    "4 0 obj << /Title (%s) /Length %zu >>\nstream\n", title, size);
	unsigned char *fill = xmalloc(size ? size : 1);
	grand_bytes(r, fill, size);
	kbuf_append(out, fill, size);
	free(fill);
	kbuf_append_str(out, "\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
}

/* Flips one base64 character at data[off]: the decoded bytes change, the MIME
 * structure does not. */
static void tamper_b64(unsigned char *data, size_t off)
{
	data[off] = data[off] == 'A' ? 'B' : 'A';
}

void original_entity(struct grand *r, const char *text, const char *text_ctype,
		     const struct attachment *att, size_t natt, struct kbuf *e, size_t *text_off)
{
	char bnd[64];
	mime_boundary(r, bnd, sizeof(bnd));
	kbuf_printf(e, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
		    "This is a multi-part message in MIME format.\r\n"
		    "--%s\r\nContent-Type: %s; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", bnd, bnd, text_ctype);
	*text_off = e->len;
	mime_base64(e, text, strlen(text));
	for (size_t i = 0; i < natt; i++) {
		kbuf_printf(e, "--%s\r\nContent-Type: %s; name=\"%s\"\r\n"
			    "Content-Transfer-Encoding: base64\r\n"
			    "Content-Disposition: attachment; filename=\"%s\"\r\n\r\n",
			    bnd, att[i].ctype, att[i].name, att[i].name);
		mime_base64(e, att[i].body.data, att[i].body.len);
	}
	kbuf_printf(e, "--%s--\r\n", bnd);
}

void smime_wrap(struct grand *r, const struct kbuf *der, const struct kbuf *entity, int variant,
		const char *micalg, struct kbuf *out)
{
	if (variant == 2) {
		kbuf_append_str(out, "Content-Type: application/pkcs7-mime; smime-type=signed-data; "
				"name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n"
				"Content-Disposition: attachment; filename=\"smime.p7m\"\r\n\r\n");
		mime_base64(out, der->data, der->len);
		return;
	}
	const char *proto = variant == 1 ? "application/x-pkcs7-signature" : "application/pkcs7-signature";
	char bnd[64];
	mime_boundary(r, bnd, sizeof(bnd));
	kbuf_printf(out, "Content-Type: multipart/signed; protocol=\"%s\"; micalg=%s;\r\n"
		    " boundary=\"%s\"\r\n\r\nThis is an S/MIME signed message\r\n\r\n--%s\r\n",
		    proto, micalg, bnd, bnd);
	kbuf_append(out, entity->data, entity->len);
	kbuf_printf(out, "\r\n--%s\r\nContent-Type: %s; name=\"smime.p7s\"\r\n"
		    "Content-Transfer-Encoding: base64\r\n"
		    "Content-Disposition: attachment; filename=\"smime.p7s\"\r\n\r\n", bnd, proto);
	mime_base64(out, der->data, der->len);
	kbuf_printf(out, "\r\n--%s--\r\n", bnd);
}

/* Signs an entity and wraps it (smime_wrap). */
static int wrap_signed(struct grand *r, const struct signer *s, const struct kbuf *entity,
		       const struct cms_opts *o, int variant, struct kbuf *out, struct kerr *err)
{
	struct kbuf der = {0};
	struct cms_opts oo = *o;
	oo.detached = variant != 2;
	/* The forger's mismatches: an encapsulating SignedData as the detached
	 * signature of multipart/signed, a detached one as opaque signed-data. */
	if (o->forgery == CF_ATTACHED_AS_DETACHED || o->forgery == CF_DETACHED_AS_OPAQUE)
		oo.detached = !oo.detached;
	if (cms_sign(s, entity->data, entity->len, &oo, &der, err) < 0)
		return -1;
	smime_wrap(r, &der, entity, variant, o->md == EVP_sha1() ? "sha1" : "sha-256", out);
	kbuf_free(&der);
	return 0;
}

/* out = multipart/mixed { a, b }: an attacker's wrapper around entities. */
static void mixed_of_two(struct grand *r, const struct kbuf *a, const struct kbuf *b,
			 struct kbuf *out)
{
	char bnd[64];
	mime_boundary(r, bnd, sizeof(bnd));
	kbuf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n--%s\r\n", bnd, bnd);
	kbuf_append(out, a->data, a->len);
	kbuf_printf(out, "\r\n--%s\r\n", bnd);
	kbuf_append(out, b->data, b->len);
	kbuf_printf(out, "\r\n--%s--\r\n", bnd);
}

/* A PDF attachment entity that no one signed. */
static void unsigned_pdf(struct grand *r, const char *name, struct kbuf *out)
{
	struct kbuf pdf = {0};
	pdf_bytes(r, 2000, &pdf, name);
	kbuf_printf(out, "Content-Type: application/pdf; name=\"%s\"\r\n"
		    "Content-Transfer-Encoding: base64\r\n"
		    "Content-Disposition: attachment; filename=\"%s\"\r\n\r\n", name, name);
	mime_base64(out, pdf.data, pdf.len);
	kbuf_free(&pdf);
}

/* Faults planted in the sender's original after it was signed, before the
 * KEPHS signs the envelope honestly: body (the signed entity) is wrapped in
 * a multipart/mixed with an unsigned attachment, or with a second signed
 * entity whose signature is broken. */
static int original_attack(struct gen *g, const struct pkg_spec *p, const struct signer *s,
			   struct kbuf *body, struct kerr *err)
{
	struct kbuf extra = {0}, out = {0};
	if (p->fault == F_UNSIGNED_EXTRA_ATTACHMENT) {
		unsigned_pdf(&g->rnd, "ek-imzasiz.pdf", &extra);
	} else {
		struct kbuf entity = {0};
		struct cms_opts o = { .md = EVP_sha256(), .signing_time = p->tarih };
		kbuf_append_str(&entity, "Content-Type: multipart/mixed; boundary=\"ikinci\"\r\n\r\n--ikinci\r\n");
		unsigned_pdf(&g->rnd, "ek-ikinci.pdf", &entity);
		kbuf_append_str(&entity, "--ikinci--\r\n");
		int rc = wrap_signed(&g->rnd, s, &entity, &o, 0, &extra, err);
		if (rc == 0) {
			/* Break it: one base64 character of its attachment. */
			const char *hit = strstr((const char *)extra.data, "\r\n\r\nJVBER");
			if (hit)
				tamper_b64(extra.data, (size_t)(hit - (const char *)extra.data) + 6);
			else
				rc = kerr_set(err, KERR_INTERNAL, "second entity's attachment not found");
		}
		kbuf_free(&entity);
		if (rc < 0) {
			kbuf_free(&extra);
			return -1;
		}
	}
	mixed_of_two(&g->rnd, body, &extra, &out);
	kbuf_free(body);
	*body = out;
	kbuf_free(&extra);
	return 0;
}

static const struct signer *original_signer(struct gen *g, const struct pkg_spec *p)
{
	int h = gen_hier_index(p->hier);
	switch (p->fault) {
	case F_UNTRUSTED_SIGNER: return &g->untrusted;
	case F_EXPIRED_SIGNER:
	case F_EXPIRED_SIGNER_TIMESTAMPED:
	case F_SIGNER_NOT_YET_VALID: return &g->expired[h];
	case F_REVOKED_SIGNER: return &g->revoked[h];
	default: return strcmp(p->sender_name, "mali") == 0 ? &g->mali[h] : &g->eimza[h];
	}
}

int publish(const char *tmp, const char *final, struct kerr *err)
{
	struct stat st;
	if (stat(final, &st) == 0)
		return kerr_set(err, KERR_USAGE, "%s exists already", final);
	if (rename(tmp, final) < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot rename %s to %s", tmp, final);
	return 0;
}

static int write_in(const char *dir, const char *name, const void *d, size_t n, struct kerr *err)
{
	char *path = xasprintf("%s/%s", dir, name);
	int rc = write_file_plain(path, d, n, err);
	free(path);
	return rc;
}

static json_t *make_meta(const struct pkg_spec *p, const struct pkg_result *r, const char *from_name)
{
	char tarih[32];
	mime_iso_time(tarih, sizeof(tarih), p->tarih);
	return json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:s}",
		"kepId", r->kep_id, "kepSiraNo", p->sira, "OrgMesajId", r->msg_id,
		"from", from_name, "fromKep", r->sender, "konu", r->subject,
		"tur", tur_names[p->ileti], "turId", p->ileti + 1, "tarih", tarih);
}

int package_dir_write(const char *folder_dir, long long sira, const struct kbuf *envelope,
		      const struct kbuf *original, const struct attachment *att, size_t natt,
		      void *meta, struct kerr *err)
{
	char *dir = xasprintf("%s/%lld", folder_dir, sira);
	char *tmp = xasprintf("%s/.%lld.tmp", folder_dir, sira);
	char *attdir = xasprintf("%s/attachments", tmp);
	char *deldir = xasprintf("%s/delil", tmp);
	char *mpath = xasprintf("%s/meta.json", tmp);
	int rc = -1;
	int ok = mkdir_p(attdir, err) == 0 && mkdir_p(deldir, err) == 0 &&
		 write_in(tmp, "package.eml", envelope->data, envelope->len, err) == 0 &&
		 write_in(tmp, "original.eml", original->data, original->len, err) == 0;
	for (size_t i = 0; ok && i < natt; i++) {
		char name[300];
		snprintf(name, sizeof(name), "%02zu-%s", i + 1, att[i].name);
		ok = write_in(attdir, name, att[i].body.data, att[i].body.len, err) == 0;
	}
	if (ok && json_write_atomic(mpath, meta, err) == 0 && publish(tmp, dir, err) == 0)
		rc = 0;
	else
		rm_tree(tmp);
	free(dir);
	free(tmp);
	free(attdir);
	free(deldir);
	free(mpath);
	return rc;
}

void pkg_result_free(struct pkg_result *r)
{
	free(r->kep_id);
	free(r->msg_id);
	free(r->subject);
	free(r->sender);
	free(r->recipient);
	kbuf_free(&r->original);
	memset(r, 0, sizeof(*r));
}

void original_headers(struct kbuf *out, const char *from, const char *to, const char *cc,
		      time_t date, const char *msg_id, const char *subject, enum subj_enc enc,
		      const char *ileti_tip, const char *ileti_id)
{
	char d[64];
	mime_date(d, sizeof(d), date);
	kbuf_printf(out, "From: %s\r\nTo: %s\r\n", from, to);
	if (cc != NULL && *cc != '\0')
		kbuf_printf(out, "Cc: %s\r\n", cc);
	kbuf_printf(out, "Date: %s\r\nMessage-ID: %s\r\n", d, msg_id);
	mime_header_encoded(out, "Subject", subject, enc);
	kbuf_printf(out, "X-TR-REM-iletiTip: %s\r\nX-TR-REM-iletiID: %s\r\nMIME-Version: 1.0\r\n",
		    ileti_tip, ileti_id);
}

/* The sender's original message, complete with headers. */
static int build_original(struct gen *g, const struct pkg_spec *p, struct pkg_result *res,
			  const struct attachment *att, size_t natt, const char *ileti_id, struct kerr *err)
{
	const struct signer *s = original_signer(g, p);
	char *text = xasprintf("Sayın ilgili,\n\n\"%s\" konulu yazımız ekte sunulmuştur.\n"
			       "Bilgilerinize arz ederim.\n\nÖrnek Kurum - Yazı İşleri\n", res->subject);
	struct kbuf entity = {0}, body = {0};
	size_t text_off;
	original_entity(&g->rnd, text, "text/plain", att, natt, &entity, &text_off);
	free(text);
	int rc = -1;
	struct cms_opts o = { .md = EVP_sha256(), .signing_time = p->tarih };
	if (p->fault == F_SHA1_SIGNATURE)
		o.md = EVP_sha1();
	if (p->fault == F_EXPIRED_SIGNER_TIMESTAMPED) {
		/* Inside the expired certificate's validity: 2024-06-03T10:00:00Z. */
		o.signing_time = o.ts_time = 1717408800;
		o.tsa = &g->tsa[gen_hier_index(p->hier)];
	}
	if (p->fault == F_SIGNER_NOT_YET_VALID) {
		/* A genuine time stamp dated before the certificate's notBefore
		 * (2023-01-01): 2022-06-01T10:00:00Z, inside its CA's validity. */
		o.signing_time = o.ts_time = 1654077600;
		o.tsa = &g->tsa[gen_hier_index(p->hier)];
	}
	if (p->fault == F_UNSIGNED_ORIGINAL) {
		kbuf_append(&body, entity.data, entity.len);
	} else if (p->fault == F_TAMPERED_ORIGINAL && p->variant == 2) {
		/* Opaque: the signed bytes are the SignedData's encapsulated
		 * content; one base64 character of its text changes in the DER. */
		struct kbuf der = {0};
		const unsigned char *hit;
		if (cms_sign(s, entity.data, entity.len, &o, &der, err) < 0)
			goto out;
		hit = memmem(der.data, der.len, entity.data, entity.len);
		if (!hit) {
			kbuf_free(&der);
			kerr_set(err, KERR_INTERNAL, "encapsulated content not found");
			goto out;
		}
		tamper_b64(der.data, (size_t)(hit - der.data) + text_off);
		smime_wrap(&g->rnd, &der, &entity, 2, "sha-256", &body);
		kbuf_free(&der);
	} else {
		if (wrap_signed(&g->rnd, s, &entity, &o, p->variant, &body, err) < 0)
			goto out;
		if (p->fault == F_TAMPERED_ORIGINAL) {
			/* After the sender signed, before the KEPHS signs the envelope. */
			const char *hit = strstr((const char *)body.data, (const char *)entity.data);
			if (!hit) {
				kerr_set(err, KERR_INTERNAL, "signed entity not found");
				goto out;
			}
			tamper_b64(body.data, (size_t)(hit - (const char *)body.data) + text_off);
		}
		if ((p->fault == F_UNSIGNED_EXTRA_ATTACHMENT || p->fault == F_SECOND_SIGNED_ENTITY) &&
		    original_attack(g, p, s, &body, err) < 0)
			goto out;
	}
	original_headers(&res->original, res->sender, res->recipient, NULL, p->tarih, res->msg_id,
			 res->subject, p->subj_enc, ileti_names[p->ileti], ileti_id);
	kbuf_append(&res->original, body.data, body.len);
	rc = 0;
out:
	kbuf_free(&entity);
	kbuf_free(&body);
	return rc;
}

/* Faults planted after the KEPHS signed: the genuine signed envelope entity
 * (body) is wrapped in a new multipart/mixed with a foreign original placed
 * beside it: a forged unsigned message before it (wrapped-envelope), or the
 * genuinely signed original of another message after it (swapped-original). */
static int envelope_attack(struct gen *g, const struct pkg_spec *p, const struct pkg_result *res,
			   struct kbuf *body, struct kerr *err)
{
	struct kbuf foreign = {0}, out = {0};
	kbuf_append_str(&foreign, "Content-Type: message/rfc822; name=\"ileti.eml\"\r\n"
			"Content-Disposition: attachment; filename=\"ileti.eml\"\r\n\r\n");
	if (p->fault == F_WRAPPED_ENVELOPE) {
		char date[64], bnd[64];
		mime_date(date, sizeof(date), p->tarih);
		mime_boundary(&g->rnd, bnd, sizeof(bnd));
		kbuf_printf(&foreign, "From: %s\r\nTo: %s\r\nDate: %s\r\n"
			    "Message-ID: <sahte.%d@kepsim.hs01.kep.tr>\r\n", res->sender,
			    res->recipient, date, p->sira);
		mime_header_encoded(&foreign, "Subject", "Sahte yazı: ödeme talimatı", SUBJ_UTF8_B);
		kbuf_printf(&foreign, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"%s\"\r\n"
			    "\r\n--%s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSahte.\r\n--%s\r\n",
			    bnd, bnd, bnd);
		unsigned_pdf(&g->rnd, "sahte.pdf", &foreign);
		kbuf_printf(&foreign, "--%s--\r\n", bnd);
		mixed_of_two(&g->rnd, &foreign, body, &out);
	} else {
		/* Another message, signed by the same sender, as its own package would hold it. */
		struct pkg_spec q = *p;
		struct pkg_result other = {0};
		struct attachment att[1];
		memset(att, 0, sizeof(att));
		att[0].name = "baska-belge.pdf";
		att[0].ctype = "application/pdf";
		pdf_bytes(&g->rnd, 3000, &att[0].body, "baska");
		q.fault = F_NONE;
		other.sender = xstrdup(res->sender);
		other.recipient = xstrdup(res->recipient);
		other.subject = xasprintf("Başka bir yazı [G-%d]", p->sira + 1000);
		other.msg_id = xasprintf("<baska.%d@kepsim.hs01.kep.tr>", p->sira);
		int rc = build_original(g, &q, &other, att, 1, "EBYS-2026-000000", err);
		if (rc == 0) {
			kbuf_append(&foreign, other.original.data, other.original.len);
			mixed_of_two(&g->rnd, body, &foreign, &out);
		}
		kbuf_free(&att[0].body);
		pkg_result_free(&other);
		if (rc < 0) {
			kbuf_free(&foreign);
			return -1;
		}
	}
	kbuf_free(body);
	*body = out;
	kbuf_free(&foreign);
	return 0;
}

int envelope_build(struct grand *r, const struct envelope_spec *e, struct kbuf *out,
		   struct kerr *err)
{
	char date[64], bnd[64];
	mime_date(date, sizeof(date), e->tarih);
	mime_boundary(r, bnd, sizeof(bnd));
	char *text = xasprintf("Bu ileti %s tarafından %s adresine Kayıtlı Elektronik Posta ile "
			       "gönderilmiştir. Özgün ileti ektedir.\n", e->sender, e->recipients);
	struct kbuf entity = {0}, body = {0};
	kbuf_printf(&entity, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
		    "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		    "Content-Transfer-Encoding: base64\r\n\r\n", bnd, bnd);
	mime_base64(&entity, text, strlen(text));
	free(text);
	kbuf_printf(&entity, "--%s\r\nContent-Type: message/rfc822; name=\"ileti.eml\"\r\n"
		    "Content-Disposition: attachment; filename=\"ileti.eml\"\r\n\r\n", bnd);
	kbuf_append(&entity, e->original->data, e->original->len);
	if (e->relabel_message) {
		/* a data XML of the provider's (as PEC's daticert.xml), no delil */
		static const char info[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\r\n"
			"<KepBilgi xmlns=\"urn:kepsim:kepbilgi\"><Tur>Dispatch</Tur></KepBilgi>\r\n";
		kbuf_printf(&entity, "\r\n--%s\r\nContent-Type: application/xml; name=\"kepbilgi.xml\"\r\n"
			    "Content-Disposition: attachment; filename=\"kepbilgi.xml\"\r\n\r\n", bnd);
		kbuf_append(&entity, info, sizeof(info) - 1);
	}
	/* The CRLF before the delimiter belongs to it: the part stays byte-identical. */
	kbuf_printf(&entity, "\r\n--%s--\r\n", bnd);

	struct cms_opts o = { .md = EVP_sha256(), .signing_time = e->tarih,
			      .tsa = e->tsa, .ts_time = e->tarih + 5,
			      .ts_bad_imprint = e->ts_bad_imprint, .ts_signer = e->ts_signer,
			      .alter_signing_time = e->alter_signing_time,
			      .ts_alter_time = e->ts_alter_time,
			      .forgery = e->forgery, .forge_other = e->forge_other };
	int opaque = e->opaque || e->forgery == CF_DETACHED_AS_OPAQUE;
	int rc = wrap_signed(r, e->kephs, &entity, &o, opaque ? 2 : 0, &body, err);
	if (rc == 0 && e->tamper_text && opaque)
		rc = kerr_set(err, KERR_INTERNAL, "a tampered opaque envelope is not made");
	else if (rc == 0 && e->tamper_text) {
		/* The first base64 body in the envelope is its own text part. */
		static const char cte[] = "Content-Transfer-Encoding: base64\r\n\r\n";
		const char *hit = strstr((const char *)body.data, cte);
		if (hit)
			tamper_b64(body.data, (size_t)(hit - (const char *)body.data) + strlen(cte));
		else
			rc = kerr_set(err, KERR_INTERNAL, "envelope text part not found");
	}
	if (rc == 0 && e->after_sign != NULL)
		rc = e->after_sign(e->after_sign_arg, &body, err);
	if (rc == 0) {
		kbuf_printf(out, "X-REM-Msg-Type: %s\r\nX-REM-UAMessageIdentifier: %s\r\n"
			    "X-REM-MessageIdentifierByREMMD: %s\r\nX-TR-REM-iletiTip: %s\r\n"
			    "X-TR-REM-iletiID: %s\r\n", e->relabel_message ? "Message" : "Dispatch",
			    e->msg_id, e->kep_id, e->ileti_tip, e->ileti_id);
		mime_header_encoded(out, "Subject", e->subject, e->subj_enc);
		kbuf_printf(out, "From: %s\r\nTo: %s\r\nDate: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n",
			    e->sender, e->recipients, date, e->kep_id);
		kbuf_append(out, body.data, body.len);
	}
	kbuf_free(&entity);
	kbuf_free(&body);
	return rc;
}

int pkg_envelope_opaque(const struct pkg_spec *p)
{
	return p->fault == F_OPAQUE_ENVELOPE || p->fault == F_OPAQUE_ENVELOPE_BY_EIMZA;
}

struct attack_arg {
	struct gen *g;
	const struct pkg_spec *p;
	const struct pkg_result *res;
};

static int attack_cb(void *arg, struct kbuf *body, struct kerr *err)
{
	const struct attack_arg *a = arg;
	return envelope_attack(a->g, a->p, a->res, body, err);
}

/* The generated package's envelope, with the envelope faults planted. */
static int build_envelope(struct gen *g, const struct pkg_spec *p, const struct pkg_result *res,
			  const char *ileti_id, struct kbuf *out, struct kerr *err)
{
	int h = gen_hier_index(p->hier);
	struct attack_arg arg = { g, p, res };
	int attack = p->fault == F_WRAPPED_ENVELOPE || p->fault == F_SWAPPED_ORIGINAL;
	struct envelope_spec e = {
		/* envelope-by-eimza: a person's e-imza under the same anchors, posing
		 * as the provider; timestamp-not-by-tsa: the token signed by the
		 * KEPHS key (chains to the TSA root, no timeStamping EKU). */
		.kephs = p->fault == F_ENVELOPE_BY_EIMZA || p->fault == F_OPAQUE_ENVELOPE_BY_EIMZA
			 ? &g->eimza[h] : &g->kephs[h],
		.tsa = p->fault == F_WRONG_TSA ? &g->wrongtsa : &g->tsa[h],
		.ts_signer = p->fault == F_TIMESTAMP_NOT_BY_TSA ? &g->kephs[h] : NULL,
		.sender = res->sender, .recipients = res->recipient, .subject = res->subject,
		.subj_enc = p->subj_enc, .msg_id = res->msg_id, .kep_id = res->kep_id,
		.ileti_tip = ileti_names[p->ileti], .ileti_id = ileti_id, .tarih = p->tarih,
		.original = &res->original, .ts_bad_imprint = p->fault == F_TS_IMPRINT_MISMATCH,
		.tamper_text = p->fault == F_TAMPERED_ENVELOPE ||
			       p->fault == F_ENVELOPE_ATTACHED_AS_DETACHED,
		/* the ESS forgeries name the forger's own certificate in the
		 * envelope, the KEPHS's in the time-stamp token */
		.forgery = fault_cms_forgery(p->fault),
		.forge_other = p->fault == F_TIMESTAMP_ESS_MISMATCH ? g->kephs[h].cert
								     : g->eimza[h].cert,
		.opaque = pkg_envelope_opaque(p),
		.alter_signing_time = p->fault == F_ENVELOPE_SIGNING_TIME_CHANGED,
		.ts_alter_time = p->fault == F_TIMESTAMP_TIME_CHANGED,
		.relabel_message = p->fault == F_RELABELLED_AS_EVIDENCE,
		.after_sign = attack ? attack_cb : NULL, .after_sign_arg = &arg,
	};
	return envelope_build(&g->rnd, &e, out, err);
}

char *kep_id_make(struct grand *r, time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%d%m%Y%H%M%S", &tm);
	uint64_t a = grand_next(r), b = grand_next(r);
	return xasprintf("<EYWS%08llx-%04llx-%04llx-%04llx-%012llx.%s.pttkepMimeyap>",
		(unsigned long long)(a >> 32), (unsigned long long)(a >> 16 & 0xffff),
		(unsigned long long)(a & 0xffff), (unsigned long long)(b >> 48),
		(unsigned long long)(b & 0xffffffffffffULL), stamp);
}

int package_write(struct gen *g, const struct pkg_spec *p, struct pkg_result *res,
		  struct kerr *err)
{
	struct grand *r = &g->rnd;
	int inbox = strcmp(p->folder, "INBOX") == 0;
	const struct signer *s = original_signer(g, p);
	memset(res, 0, sizeof(*res));
	res->tarih = p->tarih;
	res->sender = xstrdup(inbox ? (s->email ? s->email : p->peer) : p->account);
	res->recipient = xstrdup(inbox ? p->account : p->peer);
	res->subject = xasprintf("%s [%s-%d]", subjects[grand_next(r) % ARRAY_SIZE(subjects)],
				 inbox ? "G" : "S", p->sira);
	res->kep_id = kep_id_make(r, p->tarih);
	res->msg_id = xasprintf("<%016llx.%d@kepsim.hs01.kep.tr>",
				(unsigned long long)grand_next(r), p->sira);
	char *ileti_id = xasprintf("EBYS-%04d-%06llu", 2026, (unsigned long long)grand_range(r, 1, 999999));

	/* Attachments: a PDF-like document, and the .eyp for eYazisma. */
	struct attachment att[2];
	memset(att, 0, sizeof(att));
	size_t natt = 1;
	size_t pdf_size = p->big ? p->big : (size_t)grand_range(r, 1500, 150000);
	char pdfname[64];
	snprintf(pdfname, sizeof(pdfname), "belge-%d.pdf", p->sira);
	att[0].name = pdfname;
	att[0].ctype = "application/pdf";
	pdf_bytes(r, pdf_size, &att[0].body, "kepsim");
	int rc = -1;
	struct kbuf env = {0};
	if (p->ileti == 1) {
		char belge_no[64], belge_id[64];
		snprintf(belge_no, sizeof(belge_no), "E-12345678-%03d.01-%d", (int)grand_range(r, 100, 999), p->sira);
		snprintf(belge_id, sizeof(belge_id), "%08llx-4a1e-4c2b-9d3f-%012llx",
			 (unsigned long long)(grand_next(r) & 0xffffffff),
			 (unsigned long long)(grand_next(r) & 0xffffffffffffULL));
		int h = gen_hier_index(p->hier);
		struct eyp_spec e = {
			.belge_id = belge_id, .konu = res->subject, .belge_no = belge_no,
			.olusturan = "Örnek Kurum", .hedef = res->recipient, .pdf_name = "ustyazi.pdf",
			.tarih = p->tarih, .pdf = att[0].body.data, .pdf_len = att[0].body.len,
			.imza = &g->eimza[h], .muhur = &g->mali[h],
			.alter_part = p->fault == F_EYP_ALTERED_PART,
			/* both layouts occur in the wild: 2.x (attached CAdES) and 1.x;
			 * the forgeries are of 2.x packages */
			.version = p->sira % 3 == 0 && fault_eyp_forgery(p->fault) == EYP_HONEST
				   ? 1 : 2,
			.forgery = fault_eyp_forgery(p->fault),
		};
		att[1].name = "paket.eyp";
		att[1].ctype = "application/eyazisma";
		if (eyp_build(&e, &att[1].body, err) < 0)
			goto out;
		natt = 2;
		res->has_eyp = 1;
	}
	if (build_original(g, p, res, att, natt, ileti_id, err) < 0 ||
	    build_envelope(g, p, res, ileti_id, &env, err) < 0)
		goto out;
	res->size = env.len;

	const char *from_name = strcmp(p->sender_name, "mali") == 0 ? "Örnek Belediyesi" : "Ayşe Yılmaz";
	char *fdir = xasprintf("%s/accounts/%s/%s", g->mailbox, p->account, p->folder);
	json_t *meta = make_meta(p, res, from_name);
	int w = package_dir_write(fdir, p->sira, &env, &res->original, att, natt, meta, err);
	json_decref(meta);
	free(fdir);
	if (w < 0)
		goto out;
	rc = 0;
out:
	free(ileti_id);
	kbuf_free(&env);
	for (size_t i = 0; i < ARRAY_SIZE(att); i++)
		kbuf_free(&att[i].body);
	return rc;
}
