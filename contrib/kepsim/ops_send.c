/* ops_send.c: the sending operations Yukle, MimeYap and SmimeGonder.
 *
 * Each refusal is durum=1 with a Turkish hataaciklama and changes nothing;
 * the request log gets "performed": true only when the operation took effect
 * (a package submitted, or a MimeYap draft stored), so tests can count
 * submissions even when the answer was lost (the drop / performed-* faults). */
#include "ops_p.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <libetpan/libetpan.h>

#include "draft.h"
#include "jsonl.h"
#include "log.h"
#include "msghdr.h"
#include "sigcheck.h"
#include "submit.h"
#include "util.h"

#define E_TUR "Geçersiz ePaketTur (Standart, ETebligat ya da EYazisma)"
#define E_NO_RCPT "Alıcı (kime) belirtilmedi"
#define E_UNKNOWN_MESAJ "Mesaj bulunamadı (mesajid)"
#define E_INTERNAL "İşlem şu anda gerçekleştirilemiyor"
#define MAX_IMZA (1u << 20)
#define MAX_EKLER 100

/* SmimeGonder's check-send-mark of one draft is atomic. */
static pthread_mutex_t draft_lock = PTHREAD_MUTEX_INITIALIZER;

static void performed(struct op_ctx *c, int yes)
{
	json_object_set_new(c->log, "performed", json_boolean(yes));
}

static struct soap_resp *bad_address(struct op_ctx *c, const char *addr)
{
	char *msg = xasprintf("Geçersiz KEP adresi: %.200s", addr);
	struct soap_resp *r = op_error(c, msg);

	free(msg);
	return r;
}

/* Refuses a recipient list that is empty or has an address that is not KEP. */
static struct soap_resp *check_rcpt(struct op_ctx *c, char **rcpt, size_t n)
{
	size_t i;

	if (n == 0)
		return op_error(c, E_NO_RCPT);
	for (i = 0; i < n; i++)
		if (!kep_address_ok(rcpt[i]))
			return bad_address(c, rcpt[i]);
	return NULL;
}

static void log_rcpt(struct op_ctx *c, char **rcpt, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(rcpt[i]));
	json_object_set_new(c->log, "recipients", a);
}

/* The performed-no-kepid fault: taken, but the answer names no package. */
static struct soap_resp *answer_kep_id(struct op_ctx *c, const char *kep_id)
{
	struct soap_resp *r = soap_resp_new(c->op);

	soap_resp_add(r, "durum", "0");
	if (c->fault != FAULT_PERFORMED_NO_KEPID)
		soap_resp_add(r, "kepId", kep_id);
	soap_resp_add(r, "hataaciklama", "");
	return r;
}

/* ---- Yukle's attachments ---- */

#define MAX_MIME_DEPTH 32

static int is_signature(struct mailmime_content *ct)
{
	return ct != NULL && ct->ct_subtype != NULL &&
	       (strcasecmp(ct->ct_subtype, "pkcs7-signature") == 0 ||
		strcasecmp(ct->ct_subtype, "x-pkcs7-signature") == 0);
}

static int has_param(clist *l, const char *name)
{
	clistiter *it;

	for (it = l != NULL ? clist_begin(l) : NULL; it != NULL; it = clist_next(it)) {
		struct mailmime_parameter *p = clist_content(it);

		if (p->pa_name != NULL && strcasecmp(p->pa_name, name) == 0)
			return 1;
	}
	return 0;
}

/* A part is an attachment when its disposition says so or it is named. */
static int is_attachment(struct mailmime *mm, int *base64)
{
	clistiter *it;
	int att = mm->mm_content_type != NULL &&
		  has_param(mm->mm_content_type->ct_parameters, "name");

	*base64 = 0;
	for (it = mm->mm_mime_fields != NULL ? clist_begin(mm->mm_mime_fields->fld_list) : NULL;
	     it != NULL; it = clist_next(it)) {
		struct mailmime_field *f = clist_content(it);

		if (f->fld_type == MAILMIME_FIELD_TRANSFER_ENCODING && f->fld_data.fld_encoding)
			*base64 = f->fld_data.fld_encoding->enc_type == MAILMIME_MECHANISM_BASE64;
		if (f->fld_type == MAILMIME_FIELD_DISPOSITION && f->fld_data.fld_disposition) {
			struct mailmime_disposition *d = f->fld_data.fld_disposition;
			clistiter *p;

			if (d->dsp_type != NULL &&
			    d->dsp_type->dsp_type == MAILMIME_DISPOSITION_TYPE_ATTACHMENT)
				att = 1;
			for (p = clist_begin(d->dsp_parms); p != NULL; p = clist_next(p))
				if (((struct mailmime_disposition_parm *)clist_content(p))->pa_type ==
				    MAILMIME_DISPOSITION_PARM_FILENAME)
					att = 1;
		}
	}
	return att && !is_signature(mm->mm_content_type);
}

/* Decoded bytes of base64 text: its alphabet characters, 3 per 4. */
static size_t base64_bytes(const char *s, size_t n)
{
	size_t i, k = 0, pad = 0;

	for (i = 0; i < n; i++)
		if (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '/')
			k++;
		else if (s[i] == '=')
			pad++;
	return (k + pad) / 4 * 3 - (pad > 2 ? 2 : pad);
}

struct sizes {
	size_t content;      /* every part's decoded bytes but the signature's */
	size_t attachments;  /* the attachments' */
};

/* Adds the decoded sizes of the parts under mm; -1 when too deep. */
static int sum_parts(struct mailmime *mm, int depth, struct sizes *z)
{
	clistiter *it;
	int b64;

	if (depth > MAX_MIME_DEPTH)
		return -1;
	switch (mm->mm_type) {
	case MAILMIME_SINGLE:
		if (mm->mm_data.mm_single != NULL && !is_signature(mm->mm_content_type)) {
			struct mailmime_data *d = mm->mm_data.mm_single;
			int att = is_attachment(mm, &b64);
			size_t n = b64 ? base64_bytes(d->dt_data.dt_text.dt_data,
						      d->dt_data.dt_text.dt_length)
				       : d->dt_data.dt_text.dt_length;

			z->content += n;
			if (att)
				z->attachments += n;
		}
		return 0;
	case MAILMIME_MULTIPLE:
		for (it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list); it != NULL;
		     it = clist_next(it))
			if (sum_parts(clist_content(it), depth + 1, z) < 0)
				return -1;
		return 0;
	case MAILMIME_MESSAGE:
		return mm->mm_data.mm_message.mm_msg_mime == NULL
			       ? 0 : sum_parts(mm->mm_data.mm_message.mm_msg_mime, depth + 1, z);
	default:
		return 0;
	}
}

/* KEP's limits are on what the message carries, decoded: 25 MB in all and
 * 20 MB of attachments (base64 makes a 20 MB attachment about 27 MB on the
 * wire). NULL when within them. */
static const char *check_sizes(struct op_ctx *c, const struct kbuf *pkt)
{
	struct mailmime *mm = NULL;
	struct sizes z = { 0 };
	size_t idx = 0;
	int rc = 0;

	if (mailmime_parse((const char *)pkt->data, pkt->len, &idx, &mm) != MAILIMF_NO_ERROR) {
		z.content = pkt->len; /* not MIME: all of it counts */
	} else {
		rc = sum_parts(mm, 0, &z);
		mailmime_free(mm);
	}
	json_object_set_new(c->log, "contentBytes", json_integer((json_int_t)z.content));
	json_object_set_new(c->log, "attachmentBytes", json_integer((json_int_t)z.attachments));
	if (rc < 0)
		return "ePaket MIME yapısı çok derin";
	if (z.attachments > KEP_MAX_ATTACHMENTS)
		return E_ATT_TOO_LARGE;
	return z.content > KEP_MAX_MESSAGE ? E_TOO_LARGE : NULL;
}

struct soap_resp *op_yukle(struct op_ctx *c)
{
	char *tur_name = op_field(c, "ePaketTur");
	const struct tur_info *tur = tur_lookup(tur_name);
	xmlNodePtr f = soap_req_next(c->req, NULL, "ePaket");
	struct kbuf pkt = { 0 };
	struct msghdr h = { 0 };
	struct soap_resp *r = NULL;
	const char *fail;
	char *kep_id = NULL;
	long long sira;
	struct kerr err;

	performed(c, 0);
	if (tur == NULL) {
		r = op_error(c, E_TUR);
		goto out;
	}
	if (f == NULL) {
		r = op_error(c, "ePaket alanı boş");
		goto out;
	}
	if (soap_req_binary(c->req, f, KEP_MAX_WIRE, &pkt, &err) < 0) {
		r = op_error(c, err.cls == KERR_LIMIT ? E_TOO_LARGE : "ePaket okunamadı (base64 ya da MTOM bekleniyor)");
		goto out;
	}
	json_object_set_new(c->log, "ePaketBytes", json_integer((json_int_t)pkt.len));
	if ((fail = check_sizes(c, &pkt)) != NULL) {
		r = op_error(c, fail);
		goto out;
	}
	/* Signed bytes must be the bytes sent: OpenSSL's S/MIME reader would
	 * accept bare LFs by canonicalising, recipients' exact verifiers not. */
	for (size_t i = 0; i < pkt.len; i++)
		if (pkt.data[i] == '\n' && (i == 0 || pkt.data[i - 1] != '\r')) {
			r = op_error(c, "ePaket satır sonları CRLF olmalıdır");
			goto out;
		}
	if (msghdr_parse(&pkt, &h, &err) < 0) {
		r = op_error(c, "ePaket bir e-posta iletisi değil (başlıklar okunamadı)");
		goto out;
	}
	if (h.msg_id != NULL)
		json_object_set_new(c->log, "messageId", json_string(h.msg_id));
	if (h.ileti_id != NULL)
		json_object_set_new(c->log, "iletiID", json_string(h.ileti_id));
	log_rcpt(c, h.rcpt, h.nrcpt);
	if (h.from == NULL || strcasecmp(h.from, c->acct->name) != 0) {
		r = op_error(c, "Gönderen (From) adresi KEP hesabıyla uyuşmuyor");
		goto out;
	}
	if (h.msg_id == NULL || strlen(h.msg_id) > 250) {
		r = op_error(c, "Message-ID başlığı eksik ya da geçersiz");
		goto out;
	}
	if ((r = check_rcpt(c, h.rcpt, h.nrcpt)) != NULL)
		goto out;
	if (h.ileti_tip != NULL && strcasecmp(h.ileti_tip, tur->ileti_tip) != 0) {
		r = op_error(c, "ePaketTur ile X-TR-REM-iletiTip uyuşmuyor");
		goto out;
	}
	if ((fail = sigcheck_smime(c->conf->mailbox, c->acct, &pkt)) != NULL) {
		r = op_error(c, fail);
		goto out;
	}
	{
		struct submission s = {
			.tur = tur, .ileti_id = h.ileti_id != NULL ? h.ileti_id : "",
			.msg_id = h.msg_id, .subject = h.subject != NULL ? h.subject : "",
			.rcpt = h.rcpt, .nrcpt = h.nrcpt, .original = &pkt,
		};

		if (submit_package(c->conf, c->acct, &s, &kep_id, &sira, c->log, &err) < 0) {
			r = op_error(c, E_INTERNAL);
			goto out;
		}
	}
	performed(c, 1);
	r = answer_kep_id(c, kep_id);
out:
	free(tur_name);
	free(kep_id);
	kbuf_free(&pkt);
	msghdr_free(&h);
	return r;
}

/* Addresses of every repeated field name, each split at , ; and blanks. */
static void split_addresses(struct op_ctx *c, const char *name, char ***v, size_t *n)
{
	xmlNodePtr e = NULL;

	while ((e = soap_req_next(c->req, e, name)) != NULL && *n <= MSGHDR_MAX_RCPT) {
		xmlChar *t = xmlNodeGetContent(e);
		const char *p = t != NULL ? (const char *)t : "";

		while (*p != '\0' && *n <= MSGHDR_MAX_RCPT) {
			size_t len;

			p += strspn(p, ",; \t\r\n");
			len = strcspn(p, ",; \t\r\n");
			if (len == 0)
				break;
			*v = xrealloc(*v, (*n + 1) * sizeof(**v));
			(*v)[(*n)++] = xstrndup(p, len);
			p += len;
		}
		xmlFree(t);
	}
}

static void free_strv(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static json_t *strv_json(char **v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static const EVP_MD *digest_named(const char *alg, const char **canon)
{
	static const struct {
		const char *name, *alt;
		const char *canon;
	} algs[] = {
		{ "SHA256", "SHA-256", "SHA256" },
		{ "SHA384", "SHA-384", "SHA384" },
		{ "SHA512", "SHA-512", "SHA512" },
	};
	size_t i;

	if (alg == NULL || *alg == '\0')
		alg = "SHA256";
	for (i = 0; i < ARRAY_SIZE(algs); i++)
		if (strcasecmp(alg, algs[i].name) == 0 || strcasecmp(alg, algs[i].alt) == 0) {
			*canon = algs[i].canon;
			return EVP_get_digestbyname(algs[i].alt);
		}
	return NULL;
}

/* One ekler element: the bytes are the element itself (fileName and
 * contentType attributes) or its dosya child (fileName child). */
static const char *read_ek(struct op_ctx *c, xmlNodePtr e, struct attachment *a, char **name,
			   char **ctype, size_t budget)
{
	xmlNodePtr bin = e, n;
	struct kerr err;

	*name = soap_attr(e, "fileName");
	*ctype = soap_attr(e, "contentType");
	if (*name == NULL) {
		*name = soap_child_text(e, "fileName");
		for (n = e->children; n != NULL; n = n->next)
			if (n->type == XML_ELEMENT_NODE && xmlStrcmp(n->name, BAD_CAST "dosya") == 0)
				bin = n;
		if (*ctype == NULL)
			*ctype = soap_child_text(e, "contentType");
	}
	if (*name == NULL || !safe_component(*name) || strlen(*name) > 200 || strchr(*name, '"') ||
	    strchr(*name, '\\') != NULL || strpbrk(*name, "\r\n") != NULL)
		return "Ek dosya adı (fileName) eksik ya da geçersiz";
	if (*ctype == NULL || **ctype == '\0' || strpbrk(*ctype, "\r\n\";") != NULL) {
		free(*ctype);
		*ctype = xstrdup("application/octet-stream");
	}
	a->name = *name;
	a->ctype = *ctype;
	if (soap_req_binary(c->req, bin, budget, &a->body, &err) < 0)
		return err.cls == KERR_LIMIT ? E_ATT_TOO_LARGE : "Ek okunamadı (base64 ya da MTOM bekleniyor)";
	return NULL;
}

struct soap_resp *op_mime_yap(struct op_ctx *c)
{
	char *tur_name = op_field(c, "ePaketTur"), *ileti_id = op_field(c, "ePaketId");
	char *konu = op_field(c, "konu"), *icerik = soap_req_field(c->req, "icerik");
	char *ic_tur = op_field(c, "eIcerikTur"), *alg = op_field(c, "eOzetAlg");
	const struct tur_info *tur = tur_lookup(tur_name);
	char **kime = NULL, **bilgi = NULL, *mesajid = NULL;
	char *names[MAX_EKLER], *ctypes[MAX_EKLER];
	struct attachment att[MAX_EKLER];
	size_t nkime = 0, nbilgi = 0, natt = 0, total = 0, i, off;
	const char *fail = NULL, *canon = NULL, *text_ctype;
	struct kbuf entity = { 0 };
	struct soap_resp *r = NULL;
	const EVP_MD *md;
	unsigned char dig[EVP_MAX_MD_SIZE], b64[2 * EVP_MAX_MD_SIZE];
	unsigned dlen;
	xmlNodePtr e = NULL;
	struct grand rnd;
	uint64_t seed;
	json_t *ekler, *fields;
	struct kerr err;

	memset(att, 0, sizeof(att));
	performed(c, 0);
	split_addresses(c, "kime", &kime, &nkime);
	split_addresses(c, "bilgi", &bilgi, &nbilgi);
	json_object_set_new(c->log, "kime", strv_json(kime, nkime));
	if (tur == NULL) {
		r = op_error(c, E_TUR);
		goto out;
	}
	if ((r = check_rcpt(c, kime, nkime)) != NULL)
		goto out;
	for (i = 0; i < nbilgi; i++)
		if (!kep_address_ok(bilgi[i])) {
			r = bad_address(c, bilgi[i]);
			goto out;
		}
	if (nkime + nbilgi > MSGHDR_MAX_RCPT) {
		r = op_error(c, "Alıcı sayısı sınırı aşıldı");
		goto out;
	}
	if (konu == NULL || *konu == '\0' || strlen(konu) > 1000 || strpbrk(konu, "\r\n") != NULL) {
		r = op_error(c, "Konu (konu) boş ya da geçersiz");
		goto out;
	}
	if (ic_tur == NULL || *ic_tur == '\0' || strcasecmp(ic_tur, "TEXT") == 0)
		text_ctype = "text/plain";
	else if (strcasecmp(ic_tur, "HTML") == 0)
		text_ctype = "text/html";
	else {
		r = op_error(c, "Geçersiz eIcerikTur (TEXT ya da HTML)");
		goto out;
	}
	if (alg != NULL && (strcasecmp(alg, "SHA1") == 0 || strcasecmp(alg, "SHA-1") == 0)) {
		r = op_error(c, SIGCHECK_SHA1);
		goto out;
	}
	if ((md = digest_named(alg, &canon)) == NULL) {
		r = op_error(c, "Geçersiz eOzetAlg (SHA256 ya da SHA512)");
		goto out;
	}
	if (icerik == NULL)
		icerik = xstrdup("");
	total = strlen(icerik);
	while ((e = soap_req_next(c->req, e, "ekler")) != NULL) {
		size_t room = KEP_MAX_ATTACHMENTS - (total - strlen(icerik));

		if (natt == MAX_EKLER) {
			fail = "Ek sayısı sınırı aşıldı";
			break;
		}
		names[natt] = ctypes[natt] = NULL;
		fail = read_ek(c, e, &att[natt], &names[natt], &ctypes[natt], room);
		natt++;
		if (fail != NULL)
			break;
		total += att[natt - 1].body.len;
	}
	if (fail == NULL && total > KEP_MAX_MESSAGE)
		fail = E_TOO_LARGE;
	if (fail != NULL) {
		r = op_error(c, fail);
		goto out;
	}
	json_object_set_new(c->log, "ekler", json_integer((json_int_t)natt));
	if (RAND_bytes((unsigned char *)&seed, sizeof(seed)) != 1)
		seed = (uint64_t)now_ms();
	grand_seed(&rnd, seed);
	original_entity(&rnd, icerik, text_ctype, att, natt, &entity, &off);
	EVP_Digest(entity.data, entity.len, dig, &dlen, md, NULL);
	EVP_EncodeBlock(b64, dig, (int)dlen);
	ekler = json_array();
	for (i = 0; i < natt; i++)
		json_array_append_new(ekler, json_pack("{s:s, s:s, s:I}", "fileName", att[i].name,
						       "contentType", att[i].ctype,
						       "size", (json_int_t)att[i].body.len));
	{
		char now[20];

		jsonl_now(now);
		fields = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:o}",
				   "account", c->acct->name, "ePaketTur", tur->name,
				   "ePaketId", ileti_id != NULL ? ileti_id : "",
				   "kime", strv_json(kime, nkime), "bilgi", strv_json(bilgi, nbilgi),
				   "konu", konu, "eIcerikTur", text_ctype, "eOzetAlg", canon,
				   "eHash", (const char *)b64, "created", now, "ekler", ekler);
	}
	if (draft_create(c->conf->mailbox, fields, &entity, att, natt, &mesajid, &err) < 0) {
		log_error("MimeYap: %s", err.msg);
		r = op_error(c, E_INTERNAL);
		goto out;
	}
	performed(c, 1);
	json_object_set_new(c->log, "mesajid", json_string(mesajid));
	r = soap_resp_new(c->op);
	soap_resp_add(r, "durum", "0");
	soap_resp_add(r, "hataaciklama", "");
	soap_resp_add(r, "eHash", (const char *)b64);
	soap_resp_add(r, "mesajid", mesajid);
out:
	for (i = 0; i < natt; i++) {
		kbuf_free(&att[i].body);
		free(names[i]);
		free(ctypes[i]);
	}
	free_strv(kime, nkime);
	free_strv(bilgi, nbilgi);
	kbuf_free(&entity);
	free(tur_name);
	free(ileti_id);
	free(konu);
	free(icerik);
	free(ic_tur);
	free(alg);
	free(mesajid);
	return r;
}

static char **json_strv(json_t *a, size_t *n, char **v)
{
	json_t *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (json_is_string(x)) {
			v = xrealloc(v, (*n + 1) * sizeof(*v));
			v[(*n)++] = xstrdup(json_string_value(x));
		}
	return v;
}

/* The original SmimeGonder sends: the draft's header and entity, signed. */
static void build_original(const struct draft *d, const struct account *a, const struct kbuf *der,
			   int detached, const EVP_MD *md, const struct tur_info *tur,
			   struct kbuf *out)
{
	json_t *j = d->json;
	char **to = NULL, **cc = NULL;
	size_t nto = 0, ncc = 0, i;
	struct kbuf tos = { 0 }, ccs = { 0 };
	struct grand rnd;
	uint64_t seed;
	char micalg[16];

	to = json_strv(json_object_get(j, "kime"), &nto, to);
	cc = json_strv(json_object_get(j, "bilgi"), &ncc, cc);
	for (i = 0; i < nto; i++)
		kbuf_printf(&tos, "%s%s", i ? ", " : "", to[i]);
	for (i = 0; i < ncc; i++)
		kbuf_printf(&ccs, "%s%s", i ? ", " : "", cc[i]);
	original_headers(out, a->name, kbuf_cstr(&tos), kbuf_cstr(&ccs), time(NULL),
			 json_string_value(json_object_get(j, "mesajid")),
			 json_string_value(json_object_get(j, "konu")), SUBJ_UTF8_B, tur->ileti_tip,
			 json_string_value(json_object_get(j, "ePaketId")));
	if (RAND_bytes((unsigned char *)&seed, sizeof(seed)) != 1)
		seed = (uint64_t)now_ms();
	grand_seed(&rnd, seed);
	snprintf(micalg, sizeof(micalg), "sha-%d", EVP_MD_get_size(md) * 8);
	smime_wrap(&rnd, der, &d->entity, detached ? 0 : 2, micalg, out);
	free_strv(to, nto);
	free_strv(cc, ncc);
	kbuf_free(&tos);
	kbuf_free(&ccs);
}

struct soap_resp *op_smime_gonder(struct op_ctx *c)
{
	char *mesajid = op_field(c, "mesajid"), *kep_id = NULL, **rcpt = NULL;
	xmlNodePtr f = soap_req_next(c->req, NULL, "imza");
	struct kbuf der = { 0 }, original = { 0 };
	struct soap_resp *r = NULL;
	struct draft d = { 0 };
	const struct tur_info *tur;
	const EVP_MD *md;
	const char *fail, *canon;
	size_t nrcpt = 0;
	long long sira;
	int detached = 1, locked = 0;
	struct kerr err;

	performed(c, 0);
	if (f == NULL || soap_req_binary(c->req, f, MAX_IMZA, &der, &err) < 0 || der.len == 0) {
		r = op_error(c, "imza alanı boş ya da okunamadı (base64 DER CMS bekleniyor)");
		goto out;
	}
	pthread_mutex_lock(&draft_lock);
	locked = 1;
	if (draft_load(c->conf->mailbox, c->acct, mesajid, &d, &err) < 0) {
		if (err.cls != KERR_NOTFOUND)
			log_error("SmimeGonder: %s", err.msg);
		r = op_error(c, E_UNKNOWN_MESAJ);
		goto out;
	}
	if (json_object_get(d.json, "kepId") != NULL) {
		json_object_set_new(c->log, "duplicate", json_true());
		r = op_error(c, "Bu mesajid ile ileti zaten gönderilmiş");
		goto out;
	}
	tur = tur_lookup(json_string_value(json_object_get(d.json, "ePaketTur")));
	md = digest_named(json_string_value(json_object_get(d.json, "eOzetAlg")), &canon);
	if (tur == NULL || md == NULL) {
		r = op_error(c, E_INTERNAL);
		goto out;
	}
	if ((fail = sigcheck_cms(c->conf->mailbox, c->acct, &der, &d.entity, EVP_MD_get_type(md),
				 &detached)) != NULL) {
		r = op_error(c, fail);
		goto out;
	}
	build_original(&d, c->acct, &der, detached, md, tur, &original);
	rcpt = json_strv(json_object_get(d.json, "kime"), &nrcpt, rcpt);
	rcpt = json_strv(json_object_get(d.json, "bilgi"), &nrcpt, rcpt);
	log_rcpt(c, rcpt, nrcpt);
	{
		struct submission s = {
			.tur = tur, .ileti_id = json_string_value(json_object_get(d.json, "ePaketId")),
			.msg_id = json_string_value(json_object_get(d.json, "mesajid")),
			.subject = json_string_value(json_object_get(d.json, "konu")),
			.rcpt = rcpt, .nrcpt = nrcpt, .original = &original, .att = d.att,
			.natt = d.natt,
		};

		if (s.ileti_id == NULL)
			s.ileti_id = "";
		if (submit_package(c->conf, c->acct, &s, &kep_id, &sira, c->log, &err) < 0) {
			r = op_error(c, E_INTERNAL);
			goto out;
		}
	}
	if (draft_mark_sent(&d, kep_id, &err) < 0)
		log_error("SmimeGonder: %s (the package was sent)", err.msg);
	performed(c, 1);
	r = answer_kep_id(c, kep_id);
out:
	if (locked)
		pthread_mutex_unlock(&draft_lock);
	draft_free(&d);
	free_strv(rcpt, nrcpt);
	kbuf_free(&der);
	kbuf_free(&original);
	free(mesajid);
	free(kep_id);
	return r;
}
