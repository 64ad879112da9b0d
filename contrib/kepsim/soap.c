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

/* Finds the root part of a multipart/related body: the first part. */
static int mtom_root(const unsigned char *body, size_t len, const char *ctype,
		     const unsigned char **root, size_t *root_len, struct kerr *err)
{
	const char *b = strcasestr(ctype, "boundary=");
	char delim[256];
	const unsigned char *p, *start, *end;
	size_t blen, dlen;

	if (b == NULL)
		return kerr_set(err, KERR_MALFORMED, "multipart request without boundary");
	b += 9;
	if (*b == '"')
		b++;
	blen = strcspn(b, "\";, ");
	if (blen == 0 || blen > 200)
		return kerr_set(err, KERR_MALFORMED, "bad multipart boundary");
	dlen = (size_t)snprintf(delim, sizeof(delim), "--%.*s", (int)blen, b);
	p = memmem(body, len, delim, dlen);
	if (p == NULL)
		return kerr_set(err, KERR_MALFORMED, "multipart request: no first boundary");
	start = memmem(p, len - (size_t)(p - body), "\r\n\r\n", 4);
	if (start == NULL)
		return kerr_set(err, KERR_MALFORMED, "multipart request: no part headers end");
	start += 4;
	end = memmem(start, len - (size_t)(start - body), delim, dlen);
	if (end == NULL)
		return kerr_set(err, KERR_MALFORMED, "multipart request: unterminated root part");
	if (end - start >= 2 && end[-2] == '\r' && end[-1] == '\n')
		end -= 2;
	*root = start;
	*root_len = (size_t)(end - start);
	return 0;
}

int soap_parse_request(const unsigned char *body, size_t len, const char *content_type,
		       struct soap_req *req, struct kerr *err)
{
	xmlNodePtr env, bodyel, op, p0, n;

	memset(req, 0, sizeof(*req));
	if (content_type != NULL && strncasecmp(content_type, "multipart/related", 17) == 0 &&
	    mtom_root(body, len, content_type, &body, &len, err) < 0)
		return -1;
	if (len > INT32_MAX)
		return kerr_set(err, KERR_LIMIT, "request too large");
	req->doc = xmlReadMemory((const char *)body, (int)len, "request.xml", NULL,
				 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (req->doc == NULL)
		return kerr_set(err, KERR_MALFORMED, "request is not well-formed XML");
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
	if (p0 != NULL)
		for (n = first_elem(p0->children); n != NULL; n = first_elem(n->next))
			if (is_elem(n, NS_AXIS2_XSD, "kepHesap") && first_elem(n->children) != NULL)
				req->creds = n;
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

void soap_req_free(struct soap_req *req)
{
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
