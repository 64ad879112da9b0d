/* ptt_transport.c: one EYWS call: the request envelope with the
 * credentials block, the HTTPS exchange, the reply parsed (MTOM or inline),
 * and durum graded into error classes. ptt_eyws.c (operations) and
 * ptt_login.c (Giris/GuvenliGiris) build on it; it calls neither. */
#include "ptt_eyws_p.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util.h"

xmlDocPtr ptt_request(struct kep_session *s, const char *op, xmlNodePtr *param0)
{
	xmlDocPtr doc = soap_request_new(op, param0);

	ptt_add_credentials(s, op, *param0);
	return doc;
}

void ptt_reply_free(struct ptt_reply *r)
{
	soap_resp_free(&r->soap);
	mtom_free(&r->mtom);
	http_response_free(&r->http);
	r->ret = NULL;
}

static int parse_body(struct ptt_reply *r, struct kerr *err)
{
	const struct mtom_part *root;

	if (!mtom_is_multipart(r->http.content_type))
		return soap_parse_fd(r->http.body_fd, &r->soap, err);
	if (mtom_parse(r->http.body_fd, r->http.content_type, &r->mtom, err) < 0)
		return -1;
	root = &r->mtom.parts[r->mtom.root];
	if (root->base64)
		return kerr_set(err, KERR_MALFORMED, "base64-encoded SOAP root part");
	return soap_parse_mem(root->body, root->len, &r->soap, err);
}

/* The operations that send: a repeat may be a second message. */
static int sends(const char *op)
{
	return strcmp(op, "Yukle") == 0 || strcmp(op, "SmimeGonder") == 0 ||
	       strcmp(op, "MimeYap") == 0;
}

int ptt_call(struct kep_session *s, const char *op, xmlDocPtr req, struct ptt_reply *r,
	     struct kerr *err)
{
	struct kbuf body = { 0 };
	struct kerr perr;
	int rc;

	memset(r, 0, sizeof(*r));
	r->http.body_fd = -1;
	s->shape_error = 0;
	rc = soap_serialize(req, &body, err);
	soap_request_free(req);
	if (rc == 0)
		rc = http_post_soap(s->http, s->endpoint, op, body.data, body.len, sends(op),
				    &r->http, err);
	/* The request held parola and sifre. */
	secure_wipe(body.data, body.cap);
	kbuf_free(&body);
	if (rc < 0)
		return kerr_prefix(err, "%s", op);
	if (http_status_check(r->http.status, err) < 0) {
		/* Axis2 answers errors with a Fault: keep its text. */
		if (err != NULL && parse_body(r, &perr) == 0 && r->soap.fault != NULL) {
			size_t l = strlen(err->msg);

			s->shape_error = err->cls != KERR_AUTH;
			snprintf(err->msg + l, sizeof(err->msg) - l, ": %s", r->soap.fault);
		}
		ptt_reply_free(r);
		return kerr_prefix(err, "%s", op);
	}
	if (parse_body(r, err) < 0) {
		if (err && err->cls != KERR_TRANSIENT && err->cls != KERR_IO) {
			err->cls = KERR_PERMANENT;
			s->shape_error = 1;
		}
		ptt_reply_free(r);
		return kerr_prefix(err, "%s: bad response", op);
	}
	if (r->soap.fault != NULL) {
		s->shape_error = 1;
		kerr_set(err, KERR_PERMANENT, "%s: SOAP Fault: %s", op, r->soap.fault);
		ptt_reply_free(r);
		return -1;
	}
	/* The answer of another operation (a confused proxy or server) is not
	 * this one's, however well formed. */
	if (r->soap.resp == NULL || r->soap.resp->name == NULL ||
	    strncmp((const char *)r->soap.resp->name, op, strlen(op)) != 0 ||
	    strcmp((const char *)r->soap.resp->name + strlen(op), "Response") != 0) {
		s->shape_error = 1;
		kerr_set(err, KERR_PERMANENT, "%s: bad response: the answer is %s, not %sResponse",
			 op, r->soap.resp && r->soap.resp->name ? (const char *)r->soap.resp->name
								: "empty", op);
		ptt_reply_free(r);
		return -1;
	}
	if (r->soap.nret == 0) {
		s->shape_error = 1;
		ptt_reply_free(r);
		return kerr_set(err, KERR_PERMANENT, "%s: response without a return element", op);
	}
	r->ret = r->soap.rets[0];
	return 0;
}

/* durum=1 carries only a text. Some texts say more than the operation's
 * default class: a busy system is worth retrying, an expired session needs
 * a new login. The phrases are assumed from public client code; lower case
 * (the provider capitalises only the first letter). */
static enum kerr_class class_of_text(const char *text, enum kerr_class dflt)
{
	static const char *const transient[] = {
		"meşgul", "mesgul", "tekrar deneyin", "daha sonra", "zaman aşımı", "geçici",
	};
	static const char *const auth[] = { "oturum", "yetkisiz", "kimlik doğrulama" };
	size_t i;

	if (text == NULL)
		return dflt;
	/* Graded by meaning, not by the operation: "Sistem geçici olarak hizmet
	 * verememektedir" at Giris is an outage, not wrong credentials. */
	for (i = 0; i < ARRAY_SIZE(transient); i++)
		if (strcasestr(text, transient[i]))
			return KERR_TRANSIENT;
	if (dflt == KERR_AUTH)
		return dflt;
	for (i = 0; i < ARRAY_SIZE(auth); i++)
		if (strcasestr(text, auth[i]))
			return KERR_AUTH;
	return dflt;
}

int ptt_check_durum(xmlNodePtr ret, const char *op, enum kerr_class cls, struct kerr *err)
{
	char *durum = soap_field(ret, "durum");
	char *text;
	int ok = durum != NULL && strcmp(durum, "0") == 0;

	free(durum);
	if (ok)
		return 0;
	text = soap_field(ret, "hataaciklama");
	kerr_set(err, class_of_text(text, cls), "%s: the provider says: %s", op,
		 text && *text ? text : "(no hataaciklama)");
	free(text);
	return -1;
}
