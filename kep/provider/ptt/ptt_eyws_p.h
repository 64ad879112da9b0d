/* ptt_eyws_p.h: internals shared by the PTT EYWS driver's files
 * (ptt_transport.c: one call; ptt_login.c: Giris/GuvenliGiris; ptt_eyws.c:
 * the operations and the driver table; ptt_send.c: sending). */
#ifndef KEP_PTT_EYWS_P_H
#define KEP_PTT_EYWS_P_H

#include <libxml/tree.h>

#include "http.h"
#include "mtom.h"
#include "provider.h"
#include "ptt_config.h"
#include "soap.h"

struct kep_session {
	struct http_session *http;
	char *endpoint;
	char *tmp_dir;       /* spool for long inline texts (soap.h); NULL: $TMPDIR */
	char *kep_hesap;
	char *tcno;
	char *parola;        /* secret */
	char *sifre;         /* secret */
	enum ptt_login mode;
	char *otp_file;
	char *p11_module, *p11_token, *p11_key_label, *p11_key_id, *pin_file;
	char *guvenlik_id;   /* eGuvenlikId after GuvenliGiris; secret */
	int bare_creds;      /* credential-only operations send the four fields
	                      * directly in param0 (1, the public clients' form)
	                      * or wrapped in a kepHesap child (0); see ptt_login.c */
	int shape_error;     /* the last ptt_call failed on the answer's shape (a
	                      * SOAP Fault, an answer not parsed or not understood),
	                      * not on the transport or the provider's durum */
};

/* One answered call: the HTTP body, its MTOM index if any, the envelope. */
struct ptt_reply {
	struct http_response http;
	struct mtom_msg mtom;
	struct soap_resp soap;
	xmlNodePtr ret;      /* the first `return`, or NULL */
};

/* A request for op with the credentials block already filled in
 * (ptt_add_credentials). */
xmlDocPtr ptt_request(struct kep_session *s, const char *op, xmlNodePtr *param0);
/* Sends req (and frees it, wiping secrets), receives and parses the reply.
 * Transport, HTTP and SOAP Fault errors are graded; a reply without a
 * `return` is KERR_PERMANENT. On success free r with ptt_reply_free(). */
int ptt_call(struct kep_session *s, const char *op, xmlDocPtr req, struct ptt_reply *r,
	     struct kerr *err);
void ptt_reply_free(struct ptt_reply *r);
/* A one-line excerpt of the answer for an error about its shape: the
 * answer's element serialised (or the raw body when it did not parse), at
 * most about 240 bytes, the text of eGuvenlikId, parola, sifre and tcno
 * masked. Use it whenever an answer is not understood, so the operator can
 * send it to us without a secret. */
void ptt_reply_excerpt(const struct ptt_reply *r, char *out, size_t cap);
/* durum "0" -> 0; otherwise sets err to cls with the provider's text and
 * err->not_performed (the operation refused it). */
int ptt_check_durum(xmlNodePtr ret, const char *op, enum kerr_class cls, struct kerr *err);

/* The rows of a PaketSorgula / PaketDelilSorgula answer (ptt_eyws.c), read
 * in one pass over the return's children: linear in the rows. */
int ptt_parse_package_list(const struct ptt_reply *r, struct kep_package_list *out,
			   struct kerr *err);
int ptt_parse_evidence_list(const struct ptt_reply *r, struct kep_evidence_list *out,
			    struct kerr *err);

/* ptt_send.c: Yukle, MimeYap, SmimeGonder (provider.h's upload,
 * mime_prepare, mime_send). */
int ptt_upload(struct kep_session *s, enum kep_paket_tur tur, const void *smime, size_t len,
	       struct kep_send_result *out, struct kerr *err);
int ptt_mime_prepare(struct kep_session *s, const struct kep_mime_request *q,
		     struct kep_send_result *out, struct kerr *err);
int ptt_mime_send(struct kep_session *s, const char *mesaj_id, const void *imza, size_t len,
		  struct kep_send_result *out, struct kerr *err);

/* ptt_login.c: the credentials block, in the WSDL's order (kepHesap, tcno,
 * parola, sifre). Operations whose whole input is eyKepHesapGirisP
 * (DizinSorgula, KotaSorgula, KontorSorgula) take it as param0 itself, as
 * the public generated clients send it (s->bare_creds), the others in a
 * kepHesap child of param0. */
int ptt_creds_only_op(const char *op);
void ptt_add_credentials(struct kep_session *s, const char *op, xmlNodePtr param0);
/* ptt_call for a credential-only operation: when the remembered form fails
 * on the answer's shape (s->shape_error, not an authentication refusal),
 * the other form is tried once and, if it is answered, remembered for the
 * account (in memory, for the life of the process). */
int ptt_call_creds(struct kep_session *s, const char *op, struct ptt_reply *r,
		   struct kerr *err);
/* At open: the form remembered for this endpoint and account, else bare. */
void ptt_creds_form_recall(struct kep_session *s);

/* ptt_quota.c: KotaSorgula (+ KontorSorgula, best effort). */
int ptt_quota(struct kep_session *s, struct kep_quota *q, struct kerr *err);

/* Giris, then GuvenliGiris for OTP and EIMZA; stores eGuvenlikId. */
int ptt_login(struct kep_session *s, struct kerr *err);

#endif
