/* soap.c: see soap.h. */
#include "soap.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
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

static const char *creds_misplaced(xmlNodePtr block);

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
	req->creds_misplaced = creds_misplaced(req->creds);
	return 0;
}

/* The first credential field out of the WSDL's sequence (kepHesap, tcno,
 * parola, sifre; none missing, other fields after them), as Axis2's ADB
 * would name it in "Unexpected subelement", or NULL when in order. */
static const char *creds_misplaced(xmlNodePtr block)
{
	static const char *const seq[] = { "kepHesap", "tcno", "parola", "sifre" };
	xmlNodePtr n;
	size_t i = 0;

	if (block == NULL)
		return NULL;
	for (n = first_elem(block->children); n != NULL && i < ARRAY_SIZE(seq);
	     n = first_elem(n->next), i++) {
		if (xmlStrcmp(n->name, BAD_CAST seq[i]) != 0) {
			/* The wrapped block inside param0 is the kepHesap field itself. */
			if (i == 0 && first_elem(n->children) != NULL)
				return NULL;
			return (const char *)n->name;
		}
	}
	return i == ARRAY_SIZE(seq) ? NULL : seq[i];
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

#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_XS "http://www.w3.org/2001/XMLSchema"
#define NS_XMIME "http://www.w3.org/2005/05/xmlmime"

/* The default: the public clients' forms (kep-domain.md section 2). */
struct kepsim_dialect kepsim_dialect = {
	.creds_bare = 1, .folders_strings = 1, .empty_nil_first = 1, .durum = DURUM_MIXED,
	.times = TIMES_OFFSET, .xmime_attrs = 1,
};

static int pick(const char *v, const char *const *names, int *out)
{
	int i;

	for (i = 0; names[i] != NULL; i++)
		if (strcmp(v, names[i]) == 0) {
			*out = i;
			return 0;
		}
	return -1;
}

int dialect_option(const char *name, const char *value, struct kerr *err)
{
	static const char *const creds[] = { "wrapped", "bare", NULL };
	static const char *const folders[] = { "durum", "strings", NULL };
	static const char *const empty[] = { "empty", "nil-first", NULL };
	static const char *const durum[] = { "mixed", "text", "int", NULL };
	static const char *const times[] = { "naive", "offset", "z", NULL };
	static const char *const children[] = { "qualified", "unqualified", NULL };
	static const char *const onoff[] = { "off", "on", NULL };
	static const char *const namespaces[] = { "prefixed", "default", NULL };
	struct kepsim_dialect *d = &kepsim_dialect;
	int v = 0, rc = 0;

	if (value == NULL)
		value = "on";
	if (strcmp(name, "dialect") == 0) {
		if (strcmp(value, "public") == 0) {
			*d = (struct kepsim_dialect){ .creds_bare = 1, .folders_strings = 1,
				.empty_nil_first = 1, .durum = DURUM_MIXED, .times = TIMES_OFFSET,
				.xmime_attrs = 1 };
		} else if (strcmp(value, "plain") == 0) {
			*d = (struct kepsim_dialect){ .creds_bare = 1, .creds_strict = 1,
				.folders_strings = 1, .empty_nil_first = 1, .durum = DURUM_INT,
				.times = TIMES_Z, .unqualified = 1, .default_ns = 1,
				.xmime_attrs = 1 };
		} else if (strcmp(value, "legacy") == 0) {
			*d = (struct kepsim_dialect){ .creds_bare = 0, .creds_strict = 1,
				.folders_strings = 0, .empty_nil_first = 0, .durum = DURUM_TEXT,
				.times = TIMES_NAIVE, .xmime_attrs = 0 };
		} else {
			rc = -1;
		}
	} else if (strcmp(name, "creds") == 0) {
		if ((rc = pick(value, creds, &v)) == 0)
			d->creds_bare = v;
	} else if (strcmp(name, "strict-creds") == 0) {
		if ((rc = pick(value, onoff, &v)) == 0)
			d->creds_strict = v;
	} else if (strcmp(name, "folders") == 0) {
		if ((rc = pick(value, folders, &v)) == 0)
			d->folders_strings = v;
	} else if (strcmp(name, "empty-list") == 0) {
		if ((rc = pick(value, empty, &v)) == 0)
			d->empty_nil_first = v;
	} else if (strcmp(name, "durum") == 0) {
		if ((rc = pick(value, durum, &v)) == 0)
			d->durum = (enum dialect_durum)v;
	} else if (strcmp(name, "times") == 0) {
		if ((rc = pick(value, times, &v)) == 0)
			d->times = (enum dialect_times)v;
	} else if (strcmp(name, "children") == 0) {
		if ((rc = pick(value, children, &v)) == 0)
			d->unqualified = v;
	} else if (strcmp(name, "namespaces") == 0) {
		if ((rc = pick(value, namespaces, &v)) == 0)
			d->default_ns = v;
	} else if (strcmp(name, "xmime-attrs") == 0) {
		if ((rc = pick(value, onoff, &v)) == 0)
			d->xmime_attrs = v;
	} else {
		rc = -1;
	}
	if (rc < 0)
		return kerr_set(err, KERR_USAGE, "--%s: unknown value '%s'", name, value);
	return 0;
}

void dialect_describe(char *buf, size_t n)
{
	static const char *const durum[] = { "mixed", "text", "int" };
	static const char *const times[] = { "naive", "offset", "z" };
	const struct kepsim_dialect *d = &kepsim_dialect;

	snprintf(buf, n, "creds=%s%s folders=%s empty-list=%s durum=%s times=%s children=%s "
		 "namespaces=%s xmime-attrs=%s", d->creds_bare ? "bare" : "wrapped",
		 d->creds_strict ? " strict-creds" : "", d->folders_strings ? "strings" : "durum",
		 d->empty_nil_first ? "nil-first" : "empty", durum[d->durum], times[d->times],
		 d->unqualified ? "unqualified" : "qualified", d->default_ns ? "default" : "prefixed",
		 d->xmime_attrs ? "on" : "off");
}

int dialect_creds_only_op(const char *op)
{
	return strcmp(op, "DizinSorgula") == 0 || strcmp(op, "KotaSorgula") == 0 ||
	       strcmp(op, "KontorSorgula") == 0;
}

#define TR_OFFSET (3 * 3600)

static int parse_fixed(const char *s, time_t *t, const char **rest)
{
	struct tm tm = { 0 };
	const char *e = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);

	if (e == NULL)
		return -1;
	*t = timegm(&tm);
	*rest = e;
	return 0;
}

static void fmt_fixed(time_t t, char *out, size_t n)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
}

void dialect_time(const char *mailbox_utc, char out[32])
{
	const char *rest;
	time_t t;

	if (mailbox_utc == NULL || parse_fixed(mailbox_utc, &t, &rest) < 0 || *rest != '\0') {
		snprintf(out, 32, "%s", mailbox_utc != NULL ? mailbox_utc : "");
		return;
	}
	switch (kepsim_dialect.times) {
	case TIMES_Z:
		fmt_fixed(t, out, 32);
		strcat(out, "Z");
		break;
	case TIMES_OFFSET:
		fmt_fixed(t + TR_OFFSET, out, 32);
		strcat(out, "+03:00");
		break;
	default:
		fmt_fixed(t + TR_OFFSET, out, 32);
	}
}

int dialect_request_time(const char *wire, char out[20])
{
	const char *rest;
	time_t t;
	long off = TR_OFFSET;
	int hh, mm;

	if (wire == NULL || parse_fixed(wire, &t, &rest) < 0)
		return -1;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			;
	if (*rest == 'Z') {
		off = 0;
		rest++;
	} else if ((*rest == '+' || *rest == '-') && sscanf(rest + 1, "%2d:%2d", &hh, &mm) == 2 &&
		   strlen(rest) == 6) {
		off = (hh * 3600L + mm * 60L) * (*rest == '-' ? -1 : 1);
		rest += 6;
	}
	if (*rest != '\0')
		return -1;
	fmt_fixed(t - off, out, 20);
	return 0;
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
	xmlNewNs(env, BAD_CAST NS_XSI, BAD_CAST "xsi");
	xmlNewNs(env, BAD_CAST NS_XS, BAD_CAST "xs");
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
	/* --namespaces=default: xmlns="axis2" on the operation, each field
	 * declaring its own default (xsd, or "" when unqualified). */
	ns = xmlNewNs(opel, BAD_CAST NS_AXIS2, kepsim_dialect.default_ns ? NULL : BAD_CAST "ns");
	xmlSetNs(opel, ns);
	r->ret = xmlNewChild(opel, ns, BAD_CAST "return", NULL);
	if (!kepsim_dialect.default_ns)
		xmlNewNs(r->ret, BAD_CAST NS_AXIS2_XSD, BAD_CAST "ax");
	free(name);
	r->op = xstrdup(op);
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

static xmlNsPtr child_ns(struct soap_resp *r)
{
	if (kepsim_dialect.unqualified)
		return NULL;
	return xmlSearchNsByHref(r->doc, r->ret, BAD_CAST NS_AXIS2_XSD);
}

/* durum as the public clients see it: a string in Giris and MimeYap, an
 * int in Indir and PaketDelilIndir, untyped elsewhere (--durum=mixed). */
static const char *durum_type(const struct soap_resp *r)
{
	const char *op = r->op != NULL ? r->op : "";

	switch (kepsim_dialect.durum) {
	case DURUM_INT:
		return "xs:int";
	case DURUM_TEXT:
		return NULL;
	default:
		if (strcmp(op, "Indir") == 0 || strcmp(op, "PaketDelilIndir") == 0)
			return "xs:int";
		if (strcmp(op, "Giris") == 0 || strcmp(op, "MimeYap") == 0)
			return "xs:string";
		return NULL;
	}
}

/* A child of the return: in the xsd namespace, or (unqualified) in none;
 * xmlNewChild would give a NULL-namespace child its parent's namespace. */
static xmlNodePtr new_child(struct soap_resp *r, const char *name, const char *text)
{
	xmlNodePtr n = xmlNewDocRawNode(r->doc, child_ns(r), BAD_CAST name, NULL);

	if (kepsim_dialect.default_ns)
		xmlSetNs(n, xmlNewNs(n, BAD_CAST(kepsim_dialect.unqualified ? "" : NS_AXIS2_XSD),
				     NULL));
	xmlAddChild(r->ret, n);
	if (text != NULL)
		xmlNodeAddContent(n, BAD_CAST text); /* text, escaped when written */
	return n;
}

void soap_resp_add(struct soap_resp *r, const char *name, const char *value)
{
	xmlNodePtr n = new_child(r, name, value != NULL ? value : "");
	const char *type = strcmp(name, "durum") == 0 ? durum_type(r) : NULL;

	if (type != NULL)
		xmlNewNsProp(n, xmlSearchNsByHref(r->doc, n, BAD_CAST NS_XSI), BAD_CAST "type",
			     BAD_CAST type);
}

void soap_resp_add_nil(struct soap_resp *r, const char *name)
{
	xmlNodePtr n = new_child(r, name, NULL);

	xmlNewNsProp(n, xmlSearchNsByHref(r->doc, n, BAD_CAST NS_XSI), BAD_CAST "nil",
		     BAD_CAST "true");
}

void soap_resp_strings(struct soap_resp *r, const char *const *values, size_t n)
{
	xmlNodePtr parent = r->ret->parent, first = r->ret;
	size_t i;

	if (n == 0) {
		xmlUnlinkNode(first);
		xmlFreeNode(first);
		r->ret = parent;
		return;
	}
	xmlNodeAddContent(first, BAD_CAST values[0]);
	for (i = 1; i < n; i++)
		xmlNewTextChild(parent, first->ns, BAD_CAST "return", BAD_CAST values[i]);
}

/* xmime:contentType and fileName, as the official client reads them. */
static void xmime_attrs(struct soap_resp *r, xmlNodePtr e, const char *name,
			const unsigned char *data, size_t len)
{
	int zip = len >= 4 && memcmp(data, "PK\003\004", 4) == 0;
	int delil = strcmp(name, "eDelil") == 0;
	char file[64];
	xmlNsPtr ns;

	ns = xmlNewNs(e, BAD_CAST NS_XMIME, BAD_CAST "xmime");
	xmlNewNsProp(e, ns, BAD_CAST "contentType",
		     BAD_CAST(zip ? "application/zip" : delil ? "application/xml" : "message/rfc822"));
	snprintf(file, sizeof(file), "%s%zu.%s", delil ? "delil" : "paket", r->nbins,
		 zip ? "zip" : delil ? "xml" : "eml");
	xmlNewProp(e, BAD_CAST "fileName", BAD_CAST file);
}

void soap_resp_add_binary(struct soap_resp *r, const char *name, unsigned char *data, size_t len)
{
	struct soap_binary *b;

	r->bins = xrealloc(r->bins, (r->nbins + 1) * sizeof(*r->bins));
	b = &r->bins[r->nbins++];
	b->data = data;
	b->len = len;
	b->cid = NULL;
	b->elem = new_child(r, name, NULL);
	if (kepsim_dialect.xmime_attrs)
		xmime_attrs(r, b->elem, name, data, len);
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
	free(r->op);
	xmlFreeDoc(r->doc);
	free(r);
	*rp = NULL;
}
