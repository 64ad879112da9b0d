/* soap.c: see soap.h. */
#include "soap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>

#include "util.h"

static int is_elem(xmlNodePtr n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	       (name == NULL || xmlStrcmp(n->name, BAD_CAST name) == 0) &&
	       (ns == NULL || (n->ns != NULL && xmlStrcmp(n->ns->href, BAD_CAST ns) == 0));
}

static xmlNodePtr first_elem(xmlNodePtr n)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return n;
	return NULL;
}

/* The value of a MIME parameter (boundary=, start=) in a header value. */
static int mime_param(const char *value, const char *name, char *out, size_t outsz)
{
	size_t nl = strlen(name), len;
	const char *p = value;

	while ((p = strcasestr(p, name)) != NULL) {
		if ((p == value || p[-1] == ';' || p[-1] == ' ' || p[-1] == '\t') && p[nl] == '=')
			break;
		p += nl;
	}
	if (p == NULL)
		return -1;
	p += nl + 1;
	if (*p == '"') {
		p++;
		len = strcspn(p, "\"");
	} else {
		len = strcspn(p, ";, \t\r\n");
	}
	if (len == 0 || len >= outsz)
		return -1;
	memcpy(out, p, len);
	out[len] = '\0';
	return 0;
}

/* The Content-ID of a part's header block (without <>), or NULL. */
static char *part_cid(const unsigned char *h, size_t hlen)
{
	const unsigned char *end = h + hlen, *line = h;

	while (line < end) {
		const unsigned char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);
		size_t n = eol != NULL ? (size_t)(eol - line) : (size_t)(end - line);

		if (n > 11 && strncasecmp((const char *)line, "Content-ID:", 11) == 0) {
			const unsigned char *v = line + 11, *ve = line + n;

			while (v < ve && (*v == ' ' || *v == '\t' || *v == '<'))
				v++;
			while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '>'))
				ve--;
			return xstrndup((const char *)v, (size_t)(ve - v));
		}
		line += n + 2;
	}
	return NULL;
}

/* Splits a multipart/related body: the root part (the start= part, else the
 * first) into *root, every other part into req->parts. The CRLF before a
 * delimiter belongs to the delimiter (RFC 2046), so binaries keep their bytes. */
static int mtom_split(const unsigned char *body, size_t len, const char *ctype,
		      struct soap_req *req, const unsigned char **root, size_t *root_len,
		      struct kerr *err)
{
	char bnd[201], start[256], delim[256];
	const unsigned char *p, *hstart, *dstart, *end = body + len;
	size_t dlen;
	int have_start = mime_param(ctype, "start", start, sizeof(start)) == 0;

	if (mime_param(ctype, "boundary", bnd, sizeof(bnd)) < 0)
		return kerr_set(err, KERR_MALFORMED, "multipart request without a usable boundary");
	if (have_start && start[0] == '<') {
		memmove(start, start + 1, strlen(start));
		start[strcspn(start, ">")] = '\0';
	}
	dlen = (size_t)snprintf(delim, sizeof(delim), "--%s", bnd);
	p = memmem(body, len, delim, dlen);
	if (p == NULL)
		return kerr_set(err, KERR_MALFORMED, "multipart request: no first boundary");
	*root = NULL;
	for (;;) {
		const unsigned char *next, *dend;
		char *cid;

		p += dlen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* the closing delimiter */
		hstart = memmem(p, (size_t)(end - p), "\r\n", 2);
		if (hstart == NULL)
			return kerr_set(err, KERR_MALFORMED, "multipart request: truncated part");
		hstart += 2;
		dstart = memmem(hstart, (size_t)(end - hstart), "\r\n\r\n", 4);
		if (dstart == NULL)
			return kerr_set(err, KERR_MALFORMED, "multipart request: no part headers end");
		cid = part_cid(hstart, (size_t)(dstart - hstart));
		dstart += 4;
		next = memmem(dstart, (size_t)(end - dstart), delim, dlen);
		if (next == NULL) {
			free(cid);
			return kerr_set(err, KERR_MALFORMED, "multipart request: unterminated part");
		}
		dend = next;
		if (dend - dstart >= 2 && dend[-2] == '\r' && dend[-1] == '\n')
			dend -= 2;
		if (*root == NULL && (!have_start || (cid != NULL && strcmp(cid, start) == 0))) {
			*root = dstart;
			*root_len = (size_t)(dend - dstart);
			free(cid);
		} else if (req->nparts >= 1024) {
			free(cid);
			return kerr_set(err, KERR_LIMIT, "multipart request: too many parts");
		} else {
			req->parts = xrealloc(req->parts, (req->nparts + 1) * sizeof(*req->parts));
			req->parts[req->nparts].cid = cid != NULL ? cid : xstrdup("");
			req->parts[req->nparts].data = dstart;
			req->parts[req->nparts++].len = (size_t)(dend - dstart);
		}
		p = next;
	}
	if (*root == NULL)
		return kerr_set(err, KERR_MALFORMED, "multipart request: no root part");
	return 0;
}

int soap_parse_request(const unsigned char *body, size_t len, const char *content_type,
		       struct soap_req *req, struct kerr *err)
{
	xmlNodePtr env, bodyel, op, p0, n;

	memset(req, 0, sizeof(*req));
	if (content_type != NULL && strncasecmp(content_type, "multipart/related", 17) == 0 &&
	    mtom_split(body, len, content_type, req, &body, &len, err) < 0) {
		soap_req_free(req);
		return -1;
	}
	if (len > INT32_MAX) {
		soap_req_free(req);
		return kerr_set(err, KERR_LIMIT, "request too large");
	}
	/* XML_PARSE_HUGE: an inline base64 ePaket is one text node of up to ~34 MB. */
	req->doc = xmlReadMemory((const char *)body, (int)len, "request.xml", NULL,
				 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				 XML_PARSE_HUGE);
	if (req->doc == NULL) {
		soap_req_free(req);
		return kerr_set(err, KERR_MALFORMED, "request is not well-formed XML");
	}
	if (req->doc->intSubset != NULL || req->doc->extSubset != NULL) {
		soap_req_free(req);
		return kerr_set(err, KERR_MALFORMED, "request has a DTD: refused");
	}
	env = xmlDocGetRootElement(req->doc);
	if (!is_elem(env, NS_SOAPENV, "Envelope")) {
		soap_req_free(req);
		return kerr_set(err, KERR_MALFORMED, "not a SOAP 1.1 Envelope");
	}
	for (bodyel = first_elem(env->children); bodyel != NULL; bodyel = first_elem(bodyel->next))
		if (is_elem(bodyel, NS_SOAPENV, "Body"))
			break;
	op = bodyel != NULL ? first_elem(bodyel->children) : NULL;
	if (op == NULL) {
		soap_req_free(req);
		return kerr_set(err, KERR_MALFORMED, "SOAP Body is empty");
	}
	if (!is_elem(op, NS_AXIS2, NULL)) {
		soap_req_free(req);
		return kerr_set(err, KERR_MALFORMED, "operation element is not in namespace " NS_AXIS2);
	}
	req->op = xstrdup((const char *)op->name);
	p0 = first_elem(op->children);
	if (p0 != NULL && !is_elem(p0, NULL, "param0")) {
		soap_req_free(req);
		return kerr_set(err, KERR_MALFORMED, "operation's child is not param0");
	}
	req->param0 = p0;
	/* Wrapped: param0/kepHesap/{kepHesap,tcno,parola,sifre}. Bare (the
	 * public clients' form for DizinSorgula, KotaSorgula, KontorSorgula):
	 * the four fields directly in param0. */
	if (p0 != NULL)
		for (n = first_elem(p0->children); n != NULL; n = first_elem(n->next)) {
			if (!is_elem(n, NS_AXIS2_XSD, "kepHesap"))
				continue;
			if (first_elem(n->children) != NULL) {
				req->creds = n;
				req->creds_form = CREDS_WRAPPED;
			} else if (req->creds == NULL) {
				req->creds = p0;
				req->creds_form = CREDS_BARE;
			}
		}
	return 0;
}

static char *child_text(xmlNodePtr parent, const char *name)
{
	xmlNodePtr n;
	xmlChar *t;
	char *s;

	if (parent == NULL)
		return NULL;
	for (n = first_elem(parent->children); n != NULL; n = first_elem(n->next)) {
		if (!is_elem(n, NS_AXIS2_XSD, name))
			continue;
		t = xmlNodeGetContent(n);
		s = xstrdup(t != NULL ? (const char *)t : "");
		xmlFree(t);
		return s;
	}
	return NULL;
}

char *soap_req_field(const struct soap_req *req, const char *name)
{
	return child_text(req->param0, name);
}

char *soap_req_cred(const struct soap_req *req, const char *name)
{
	return child_text(req->creds, name);
}

xmlNodePtr soap_req_next(const struct soap_req *req, xmlNodePtr prev, const char *name)
{
	xmlNodePtr n;

	if (req->param0 == NULL)
		return NULL;
	n = first_elem(prev != NULL ? prev->next : req->param0->children);
	for (; n != NULL; n = first_elem(n->next))
		if (is_elem(n, NS_AXIS2_XSD, name))
			return n;
	return NULL;
}

char *soap_attr(xmlNodePtr elem, const char *name)
{
	xmlAttrPtr a;
	xmlChar *v;
	char *s;

	for (a = elem->properties; a != NULL; a = a->next) {
		if (xmlStrcmp(a->name, BAD_CAST name) != 0)
			continue;
		v = xmlNodeGetContent((xmlNodePtr)a);
		s = xstrdup(v != NULL ? (const char *)v : "");
		xmlFree(v);
		return s;
	}
	return NULL;
}

char *soap_child_text(xmlNodePtr elem, const char *name)
{
	return child_text(elem, name);
}

/* RFC 2392: a cid: URL is the Content-ID with %hh escapes. */
static char *cid_unescape(const char *href)
{
	char *out = xmalloc(strlen(href) + 1), *o = out;
	unsigned v;

	for (; *href != '\0'; href++) {
		if (href[0] == '%' && href[1] != '\0' && href[2] != '\0' &&
		    sscanf(href + 1, "%2x", &v) == 1) {
			*o++ = (char)v;
			href += 2;
		} else {
			*o++ = *href;
		}
	}
	*o = '\0';
	return out;
}

static int b64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict base64 (whitespace skipped, '=' only at the end). */
static int b64_decode(const char *s, size_t max, struct kbuf *out, struct kerr *err)
{
	unsigned acc = 0;
	int bits = 0, pad = 0, v;
	size_t n = 0, fill = 0;
	unsigned char chunk[4096] = { 0 };

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			continue;
		if (*s == '=') {
			pad++;
			continue;
		}
		v = b64_value((unsigned char)*s);
		if (v < 0 || pad > 0)
			return kerr_set(err, KERR_MALFORMED, "bad base64");
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (++n > max)
				return kerr_set(err, KERR_LIMIT, "binary field above %zu bytes", max);
			chunk[fill++] = (unsigned char)(acc >> bits);
			if (fill == sizeof(chunk)) {
				kbuf_append(out, chunk, fill);
				fill = 0;
			}
		}
	}
	kbuf_append(out, chunk, fill);
	if (pad > 2 || bits >= 6)
		return kerr_set(err, KERR_MALFORMED, "bad base64");
	return 0;
}

int soap_req_binary(const struct soap_req *req, xmlNodePtr field, size_t max, struct kbuf *out,
		    struct kerr *err)
{
	xmlNodePtr n;
	xmlChar *t;
	size_t i;
	int rc;

	for (n = first_elem(field->children); n != NULL; n = first_elem(n->next)) {
		char *href, *cid;

		if (!is_elem(n, NS_XOP, "Include"))
			continue;
		href = soap_attr(n, "href");
		if (href == NULL || strncmp(href, "cid:", 4) != 0) {
			free(href);
			return kerr_set(err, KERR_MALFORMED, "xop:Include without a cid: href");
		}
		cid = cid_unescape(href + 4);
		free(href);
		for (i = 0; i < req->nparts; i++)
			if (strcmp(req->parts[i].cid, cid) == 0)
				break;
		free(cid);
		if (i == req->nparts)
			return kerr_set(err, KERR_MALFORMED, "xop:Include names no part of the request");
		if (req->parts[i].len > max)
			return kerr_set(err, KERR_LIMIT, "binary field above %zu bytes", max);
		kbuf_append(out, req->parts[i].data, req->parts[i].len);
		return 0;
	}
	t = xmlNodeGetContent(field);
	rc = b64_decode(t != NULL ? (const char *)t : "", max, out, err);
	xmlFree(t);
	return rc;
}

void soap_req_free(struct soap_req *req)
{
	size_t i;

	for (i = 0; i < req->nparts; i++)
		free(req->parts[i].cid);
	free(req->parts);
	if (req->doc != NULL)
		xmlFreeDoc(req->doc);
	free(req->op);
	memset(req, 0, sizeof(*req));
}

static struct soap_resp *envelope(xmlNodePtr *body)
{
	struct soap_resp *r = xcalloc(1, sizeof(*r));
	xmlNodePtr env;
	xmlNsPtr ns;

	r->doc = xmlNewDoc(BAD_CAST "1.0");
	env = xmlNewNode(NULL, BAD_CAST "Envelope");
	ns = xmlNewNs(env, BAD_CAST NS_SOAPENV, BAD_CAST "soapenv");
	xmlSetNs(env, ns);
	xmlDocSetRootElement(r->doc, env);
	*body = xmlNewChild(env, ns, BAD_CAST "Body", NULL);
	r->http_status = 200;
	return r;
}

struct soap_resp *soap_resp_new(const char *op)
{
	xmlNodePtr body, opel;
	xmlNsPtr ns;
	struct soap_resp *r = envelope(&body);
	char *name = xasprintf("%sResponse", op);

	opel = xmlNewChild(body, NULL, BAD_CAST name, NULL);
	ns = xmlNewNs(opel, BAD_CAST NS_AXIS2, BAD_CAST "ns");
	xmlSetNs(opel, ns);
	r->ret = xmlNewChild(opel, ns, BAD_CAST "return", NULL);
	xmlNewNs(r->ret, BAD_CAST NS_AXIS2_XSD, BAD_CAST "ax");
	free(name);
	return r;
}

struct soap_resp *soap_resp_fault(const char *faultcode, const char *faultstring)
{
	xmlNodePtr body;
	struct soap_resp *r = envelope(&body);

	r->ret = xmlNewChild(body, body->ns, BAD_CAST "Fault", NULL);
	/* SOAP 1.1: faultcode and faultstring are unqualified (no namespace,
	 * not even the inherited one xmlNewTextChild would give). */
	xmlAddChild(r->ret, xmlNewDocRawNode(r->doc, NULL, BAD_CAST "faultcode", NULL));
	xmlNodeSetContent(r->ret->last, BAD_CAST faultcode);
	xmlAddChild(r->ret, xmlNewDocRawNode(r->doc, NULL, BAD_CAST "faultstring", NULL));
	xmlNodeAddContent(r->ret->last, BAD_CAST faultstring);
	r->http_status = 500;
	return r;
}

void soap_resp_add(struct soap_resp *r, const char *name, const char *value)
{
	xmlNsPtr ns = xmlSearchNsByHref(r->doc, r->ret, BAD_CAST NS_AXIS2_XSD);

	xmlNewTextChild(r->ret, ns, BAD_CAST name, BAD_CAST(value != NULL ? value : ""));
}

void soap_resp_add_binary(struct soap_resp *r, const char *name, unsigned char *data, size_t len)
{
	xmlNsPtr ns = xmlSearchNsByHref(r->doc, r->ret, BAD_CAST NS_AXIS2_XSD);
	struct soap_binary *b;

	r->bins = xrealloc(r->bins, (r->nbins + 1) * sizeof(*r->bins));
	b = &r->bins[r->nbins++];
	b->data = data;
	b->len = len;
	b->cid = NULL;
	b->elem = xmlNewChild(r->ret, ns, BAD_CAST name, NULL);
}

void soap_resp_free(struct soap_resp **rp)
{
	struct soap_resp *r = *rp;
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nbins; i++) {
		free(r->bins[i].data);
		free(r->bins[i].cid);
	}
	free(r->bins);
	xmlFreeDoc(r->doc);
	free(r);
	*rp = NULL;
}
