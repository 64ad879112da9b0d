/* ptt_send.c: sending through PTT EYWS: Yukle (a ready signed S/MIME
 * message), MimeYap (the provider builds the MIME and answers with the
 * digest to sign) and SmimeGonder (the signature sent back). Binaries go
 * inline as xmime:base64Binary with contentType and fileName, the form the
 * provider's own binary fields use.
 *
 * Grading matters more here than anywhere: a durum=1 answer is a refusal
 * (KERR_PERMANENT, nothing was sent, unless its text says the system is
 * busy), marked err->not_performed as every provable refusal is (ptt_call);
 * any other failure after the request left means "perhaps sent", which the
 * sender resolves by reconciling, never by submitting again. */
#include "ptt_eyws_p.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "log.h"
#include "util.h"

#define XMIME_NS "http://www.w3.org/2005/05/xmlmime"
/* SOAP requests carry the whole package; the limit on what is sent is the
 * sender's (25 MB); this bounds what the driver would encode. */
#define PTT_SEND_MAX (32u * 1024 * 1024)

static const char *paket_tur(enum kep_paket_tur t)
{
	return t == KEP_PAKET_EYAZISMA ? "EYazisma" : "Standart";
}

/* <name xmime:contentType=".." xmime:fileName="..">base64</name> */
static int add_binary(xmlNodePtr p, const char *name, const void *data, size_t len,
		      const char *ctype, const char *fname, struct kerr *err)
{
	xmlNsPtr ns;
	xmlNodePtr n;
	char *b64;

	if (len > PTT_SEND_MAX) {
		kerr_set(err, KERR_LIMIT, "%s: %zu bytes is more than can be sent", name, len);
		if (err != NULL)
			err->not_performed = 1;
		return -1;
	}
	b64 = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, data, (int)len);
	n = soap_add(p, name, b64);
	free(b64);
	ns = xmlNewNs(n, BAD_CAST XMIME_NS, BAD_CAST "xmime");
	xmlNewNsProp(n, ns, BAD_CAST "contentType", BAD_CAST (ctype ? ctype
							       : "application/octet-stream"));
	if (fname != NULL)
		xmlNewNsProp(n, ns, BAD_CAST "fileName", BAD_CAST fname);
	return 0;
}

/* The call and its durum; on success *r is the reply to read and free. */
static int send_call(struct kep_session *s, const char *op, xmlDocPtr req, struct ptt_reply *r,
		     struct kerr *err)
{
	if (ptt_call(s, op, req, r, err) < 0)
		return -1;
	if (ptt_check_durum(r->ret, op, KERR_PERMANENT, err) < 0) {
		ptt_reply_free(r);
		return -1;
	}
	return 0;
}

static char *field_nonempty(xmlNodePtr ret, const char *name)
{
	char *v = soap_field(ret, name);

	if (v != NULL && *v == '\0') {
		free(v);
		v = NULL;
	}
	return v;
}

int ptt_upload(struct kep_session *s, enum kep_paket_tur tur, const void *smime,
		      size_t len, struct kep_send_result *out, struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p;
	xmlDocPtr req;

	memset(out, 0, sizeof(*out));
	req = ptt_request(s, "Yukle", &p);
	if (add_binary(p, "ePaket", smime, len, "message/rfc822", "paket.eml", err) < 0) {
		soap_request_free(req);
		return -1;
	}
	soap_add(p, "ePaketTur", paket_tur(tur));
	if (send_call(s, "Yukle", req, &r, err) < 0)
		return -1;
	out->kep_id = field_nonempty(r.ret, "kepId");
	ptt_reply_free(&r);
	if (out->kep_id == NULL)
		/* Taken (durum 0) but unnamed: the sent folder will say which. */
		log_warn("Yukle: the provider answered durum 0 without a kepId");
	return 0;
}

int ptt_mime_prepare(struct kep_session *s, const struct kep_mime_request *q,
			    struct kep_send_result *out, struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p;
	xmlDocPtr req;
	char *eh;
	size_t i;

	memset(out, 0, sizeof(*out));
	req = ptt_request(s, "MimeYap", &p);
	soap_add(p, "ePaketTur", paket_tur(q->tur));
	if (q->paket_id != NULL)
		soap_add(p, "ePaketId", q->paket_id);
	for (i = 0; i < q->n_to; i++)
		soap_add(p, "kime", q->to[i]);
	for (i = 0; i < q->n_cc; i++)
		soap_add(p, "bilgi", q->cc[i]);
	soap_add(p, "konu", q->subject);
	soap_add(p, "icerik", q->body ? q->body : "");
	soap_add(p, "eIcerikTur", q->html ? "HTML" : "TEXT");
	for (i = 0; i < q->n_att; i++)
		if (add_binary(p, "ekler", q->att[i].data, q->att[i].len, q->att[i].content_type,
			       q->att[i].file_name, err) < 0) {
			soap_request_free(req);
			return -1;
		}
	/* SHA-1 is refused for KEP signatures: ask for SHA-256 only. */
	soap_add(p, "eOzetAlg", "SHA256");
	if (send_call(s, "MimeYap", req, &r, err) < 0)
		return -1;
	out->mesaj_id = field_nonempty(r.ret, "mesajid");
	eh = field_nonempty(r.ret, "eHash");
	ptt_reply_free(&r);
	if (out->mesaj_id == NULL || eh == NULL) {
		free(eh);
		kep_send_result_clear(out);
		return kerr_set(err, KERR_PERMANENT, "MimeYap answered without %s",
				eh == NULL ? "eHash" : "mesajid");
	}
	out->ehash = (unsigned char *)eh;
	out->ehash_len = strlen(eh);
	return 0;
}

int ptt_mime_send(struct kep_session *s, const char *mesaj_id, const void *imza,
			 size_t len, struct kep_send_result *out, struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p;
	xmlDocPtr req;
	char *b64;

	memset(out, 0, sizeof(*out));
	if (len > PTT_SEND_MAX)
		return kerr_set(err, KERR_LIMIT, "signature too large");
	req = ptt_request(s, "SmimeGonder", &p);
	soap_add(p, "mesajid", mesaj_id);
	b64 = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)b64, imza, (int)len);
	soap_add(p, "imza", b64);
	free(b64);
	if (send_call(s, "SmimeGonder", req, &r, err) < 0)
		return -1;
	out->kep_id = field_nonempty(r.ret, "kepId");
	out->mesaj_id = field_nonempty(r.ret, "mesajid");
	ptt_reply_free(&r);
	return 0;
}
