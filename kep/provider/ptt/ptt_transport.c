/* ptt_transport.c: one EYWS call: the request envelope with the
 * credentials block, the HTTPS exchange, the reply parsed (MTOM or inline),
 * and durum graded into error classes. ptt_eyws.c (operations) and
 * ptt_login.c (Giris/GuvenliGiris) build on it; it calls neither. */
#include "ptt_eyws_p.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/xmlsave.h>

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

/* An excerpt is what an operator sends us: long enough to see the shape,
 * short enough for a log line. */
#define EXCERPT_MAX 240

/* Masks the text of the elements that can hold a secret (the session id of
 * Giris, a credential echoed back), whatever their prefix. */
static void mask_secrets(char *s)
{
	static const char *const secret[] = { "eGuvenlikId", "parola", "sifre", "tcno" };
	size_t i;
	char *p, *q;

	for (i = 0; i < ARRAY_SIZE(secret); i++) {
		for (p = s; (p = strstr(p, secret[i])) != NULL; p += strlen(secret[i])) {
			q = p + strlen(secret[i]);
			if (p > s && p[-1] != '<' && p[-1] != ':')
				continue;
			while (*q != '\0' && *q != '>' && *q != '<')
				q++;
			if (*q != '>' || q[-1] == '/')
				continue;
			for (q++; *q != '\0' && *q != '<'; q++)
				*q = '*';
		}
	}
}

/* The length of the well-formed UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t k, i;

	if (p[0] < 0x80)
		return 1;
	k = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
	if (k == 0 || k > n)
		return 0;
	for (i = 1; i < k; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* No overlong forms, surrogates or code points above U+10FFFF. */
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0;
	return k;
}

/* One printable UTF-8 line: control characters and runs of blanks become
 * one space, bytes that are not UTF-8 a '?'; "..." when cut. */
static void flatten(const char *in, size_t len, char *out, size_t cap)
{
	const unsigned char *u = (const unsigned char *)in;
	size_t i = 0, o = 0, k, bad = 0;

	for (i = 0; i < len; i += k ? k : 1)
		bad += (k = utf8_len(u + i, len - i)) == 0;
	if (bad > len / 16) {
		snprintf(out, cap, "(binary data)");
		return;
	}
	i = 0;
	while (i < len) {
		if (u[i] < 0x20 || u[i] == 0x7f || u[i] == ' ') {
			if (o > 0 && out[o - 1] != ' ' && o + 5 < cap)
				out[o++] = ' ';
			i++;
			continue;
		}
		k = utf8_len(u + i, len - i);
		if (o + (k ? k : 1) + 4 > cap)
			break;
		if (k == 0) {
			out[o++] = '?';
			i++;
		} else {
			memcpy(out + o, in + i, k);
			o += k;
			i += k;
		}
	}
	if (i < len) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

void ptt_reply_excerpt(const struct ptt_reply *r, char *out, size_t cap)
{
	char raw[EXCERPT_MAX * 2 + 1];
	size_t len = 0;
	ssize_t n;

	out[0] = '\0';
	if (cap < 8)
		return;
	if (cap > EXCERPT_MAX + 4)
		cap = EXCERPT_MAX + 4;
	if (r->soap.resp != NULL) {
		xmlBufferPtr b = xmlBufferCreate();
		xmlSaveCtxtPtr sc = b ? xmlSaveToBuffer(b, "UTF-8", XML_SAVE_NO_DECL) : NULL;

		if (sc != NULL) {
			xmlSaveTree(sc, r->soap.resp);
			xmlSaveClose(sc);
			len = (size_t)xmlBufferLength(b);
			if (len > sizeof(raw) - 1)
				len = sizeof(raw) - 1;
			memcpy(raw, xmlBufferContent(b), len);
		}
		if (b != NULL)
			xmlBufferFree(b);
	} else if (r->http.body_fd >= 0) {
		do
			n = pread(r->http.body_fd, raw, sizeof(raw) - 1, 0);
		while (n < 0 && errno == EINTR);
		len = n > 0 ? (size_t)n : 0;
	}
	raw[len] = '\0';
	/* A NUL would end the excerpt (and the secret masking) at its byte: a
	 * body that starts with one showed "(empty)". It is a control byte like
	 * the others, which flatten() turns into a blank. */
	for (n = 0; (size_t)n < len; n++)
		if (raw[n] == '\0')
			raw[n] = '\x01';
	mask_secrets(raw);
	flatten(raw, len, out, cap);
}

/* Appends what was found and an excerpt to a shape error's message. */
static void shape_detail(const struct ptt_reply *r, struct kerr *err)
{
	char ex[EXCERPT_MAX + 4];
	size_t l;

	if (err == NULL)
		return;
	ptt_reply_excerpt(r, ex, sizeof(ex));
	l = strlen(err->msg);
	/* libxml2's messages end in a newline. */
	while (l > 0 && (err->msg[l - 1] == '\n' || err->msg[l - 1] == ' '))
		err->msg[--l] = '\0';
	snprintf(err->msg + l, sizeof(err->msg) - l, " (%s %s; excerpt: %s)",
		 r->soap.resp != NULL ? "found element" : "HTTP body of",
		 r->soap.resp != NULL && r->soap.resp->name != NULL
			 ? (const char *)r->soap.resp->name
			 : r->http.content_type && *r->http.content_type ? r->http.content_type
									  : "no type",
		 ex[0] ? ex : "(empty)");
}

static int parse_body(const struct kep_session *s, struct ptt_reply *r, struct kerr *err)
{
	const struct mtom_part *root;

	if (!mtom_is_multipart(r->http.content_type))
		return soap_parse_fd(r->http.body_fd, s->tmp_dir, &r->soap, err);
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
	int rc, built;

	memset(r, 0, sizeof(*r));
	r->http.body_fd = -1;
	s->shape_error = 0;
	rc = soap_serialize(req, &body, err);
	soap_request_free(req);
	built = rc == 0;
	if (rc == 0)
		rc = http_post_soap(s->http, s->endpoint, op, body.data, body.len, sends(op),
				    &r->http, err);
	/* The request held parola and sifre. */
	secure_wipe(body.data, body.cap);
	kbuf_free(&body);
	if (rc < 0) {
		/* A request that could not be built never left. */
		if (err != NULL && !built)
			err->not_performed = 1;
		return kerr_prefix(err, "%s", op);
	}
	if (http_status_check(&r->http, err) < 0) {
		/* Axis2 answers errors with a Fault: keep its text. */
		if (err != NULL && parse_body(s, r, &perr) == 0 && r->soap.fault != NULL) {
			size_t l = strlen(err->msg);

			s->shape_error = err->cls != KERR_AUTH;
			/* The service itself answered that the operation failed. */
			err->not_performed = 1;
			snprintf(err->msg + l, sizeof(err->msg) - l, ": %s", r->soap.fault);
		}
		ptt_reply_free(r);
		return kerr_prefix(err, "%s", op);
	}
	if (parse_body(s, r, err) < 0) {
		if (err && err->cls != KERR_TRANSIENT && err->cls != KERR_IO) {
			err->cls = KERR_PERMANENT;
			s->shape_error = 1;
			shape_detail(r, err);
		}
		ptt_reply_free(r);
		return kerr_prefix(err, "%s: bad response", op);
	}
	if (r->soap.fault != NULL) {
		s->shape_error = 1;
		kerr_set(err, KERR_PERMANENT, "%s: SOAP Fault: %s", op, r->soap.fault);
		if (err != NULL)
			err->not_performed = 1;
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
		shape_detail(r, err);
		ptt_reply_free(r);
		return -1;
	}
	if (r->soap.nret == 0) {
		s->shape_error = 1;
		kerr_set(err, KERR_PERMANENT, "%s: response without a return element", op);
		shape_detail(r, err);
		ptt_reply_free(r);
		return -1;
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
		"hizmet verem", "bakım çalışması",
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
	/* Numeric text wherever it appears (kep-domain.md §2): "0", " 0 " as an
	 * xs:int, the first of an array; as the list parsing reads it. */
	int ok = soap_num_is_zero(durum);

	free(durum);
	if (ok)
		return 0;
	text = soap_field(ret, "hataaciklama");
	kerr_set(err, class_of_text(text, cls), "%s: the provider says: %s", op,
		 text && *text ? text : "(no hataaciklama)");
	/* durum 1 is the operation's own refusal: it did not take effect. */
	if (err != NULL)
		err->not_performed = 1;
	free(text);
	return -1;
}
