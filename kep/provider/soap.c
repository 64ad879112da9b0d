/* soap.c: see soap.h. */
#include "soap.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "fdio.h"
#include "log.h"
#include "xml_safe.h"

#define PARSE_OPTS (XML_PARSE_NONET | XML_PARSE_HUGE | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

xmlDocPtr soap_request_new(const char *op, xmlNodePtr *param0)
{
	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr env, body, opel;
	xmlNsPtr nsenv, nsop;

	env = xmlNewNode(NULL, BAD_CAST "Envelope");
	nsenv = xmlNewNs(env, BAD_CAST SOAP_NS_ENV, BAD_CAST "soapenv");
	xmlSetNs(env, nsenv);
	nsop = xmlNewNs(env, BAD_CAST SOAP_NS_OP, BAD_CAST "ns");
	xmlNewNs(env, BAD_CAST SOAP_NS_XSD, BAD_CAST "xsd");
	xmlDocSetRootElement(doc, env);
	xmlNewChild(env, nsenv, BAD_CAST "Header", NULL);
	body = xmlNewChild(env, nsenv, BAD_CAST "Body", NULL);
	opel = xmlNewChild(body, nsop, BAD_CAST op, NULL);
	*param0 = xmlNewChild(opel, nsop, BAD_CAST "param0", NULL);
	return doc;
}

xmlNodePtr soap_add(xmlNodePtr parent, const char *name, const char *value)
{
	xmlNsPtr ns = xmlSearchNsByHref(parent->doc, parent, BAD_CAST SOAP_NS_XSD);

	/* xmlNewTextChild escapes the value: markup in user data stays text. */
	return xmlNewTextChild(parent, ns, BAD_CAST name, BAD_CAST (value ? value : ""));
}

int soap_serialize(xmlDocPtr doc, struct kbuf *out, struct kerr *err)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlSaveCtxtPtr save;
	int rc = 0;

	/* Grown by doubling: the default grows it to the exact size at each
	 * write, which copies a 25 MB Yukle request quadratically (minutes). */
	xmlBufferSetAllocationScheme(buf, XML_BUFFER_ALLOC_DOUBLEIT);
	save = xmlSaveToBuffer(buf, "UTF-8", 0);
	if (save == NULL || xmlSaveDoc(save, doc) < 0)
		rc = kerr_set(err, KERR_INTERNAL, "cannot serialise the SOAP request");
	if (save != NULL)
		xmlSaveClose(save);
	if (rc == 0)
		kbuf_append(out, xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
	/* The buffer held credentials. */
	secure_wipe((void *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
	xmlBufferFree(buf);
	return rc;
}

static void wipe_tree(xmlNodePtr n)
{
	for (; n != NULL; n = n->next) {
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    n->content != NULL)
			secure_wipe(n->content, strlen((char *)n->content));
		wipe_tree(n->children);
	}
}

void soap_request_free(xmlDocPtr doc)
{
	if (doc == NULL)
		return;
	wipe_tree(doc->children);
	xmlFreeDoc(doc);
}

static int is_el(xmlNodePtr n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr first_child_el(xmlNodePtr n, const char *name)
{
	for (n = n ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && (name == NULL || is_el(n, name)))
			return n;
	return NULL;
}

/* What the SAX hooks of one parse share (ctxt->_private). */
struct parse_state {
	int refused;              /* a DOCTYPE was seen */
	const char *spool_dir;    /* NULL: text is never spooled (soap_parse_mem) */
	struct soap_resp *r;      /* receives the spool and its records */
	xmlNodePtr node;          /* the element whose text is being counted */
	size_t node_text;         /* its text kept in the tree */
	struct soap_spill *cur;   /* its spooled text, once it spills */
	off_t spool_len;
	int spool_errno;          /* the spool could not be written: the parse stops */
};

/* SAX hook: a DOCTYPE stops the parser before any declaration is read. */
static void refuse_subset(void *ctx, const xmlChar *name, const xmlChar *ext_id,
			  const xmlChar *sys_id)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;

	st->refused = 1;
	xmlStopParser(ctxt);
}

/* The spill record of the element being parsed: a new one at the end of
 * the spool, or its own when it spilled before and nothing was spooled
 * since (a binary's text interleaved with elements is not an answer). */
static struct soap_spill *spill_of(xmlParserCtxtPtr ctxt, struct parse_state *st)
{
	struct soap_resp *r = st->r;
	struct soap_spill *sp = ctxt->node->_private;
	int fd;

	if (sp != NULL)
		return sp->off + (off_t)sp->len == st->spool_len ? sp : NULL;
	fd = r->nspill > 0 ? r->spills[0]->fd : tmpfile_in(st->spool_dir, "kepagent-soap", NULL);
	if (fd < 0)
		return NULL;
	sp = xcalloc(1, sizeof(*sp));
	sp->fd = fd;
	sp->off = st->spool_len;
	r->spills = xrealloc(r->spills, (r->nspill + 1) * sizeof(*r->spills));
	r->spills[r->nspill++] = sp;
	ctxt->node->_private = sp;
	return sp;
}

/* SAX hook: character data. An element's text beyond SOAP_SPILL_AT bytes
 * (an inline binary: 33 MB of base64 for a 25 MB package) goes on to the
 * spool file, so the tree and the heap stay small. */
static void spill_characters(void *ctx, const xmlChar *ch, int len)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct parse_state *st = ctxt->_private;
	struct kerr werr;

	if (ctxt->node != st->node) {
		st->node = ctxt->node;
		st->node_text = 0;
		st->cur = NULL;
	}
	if (st->cur == NULL && (st->spool_dir == NULL || ctxt->node == NULL ||
				st->node_text + (size_t)len <= SOAP_SPILL_AT)) {
		st->node_text += (size_t)len;
		xmlSAX2Characters(ctx, ch, len);
		return;
	}
	if (st->cur == NULL && (st->cur = spill_of(ctxt, st)) == NULL) {
		st->spool_errno = errno ? errno : EINVAL;
		xmlStopParser(ctxt);
		return;
	}
	if (fd_write_all(st->cur->fd, ch, (size_t)len, &werr) < 0) {
		st->spool_errno = errno ? errno : EIO;
		xmlStopParser(ctxt);
		return;
	}
	st->cur->len += (size_t)len;
	st->spool_len += len;
}

static xmlParserCtxtPtr new_ctxt(struct parse_state *st)
{
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();

	if (ctxt != NULL) {
		ctxt->_private = st;
		ctxt->sax->internalSubset = refuse_subset;
		ctxt->sax->characters = spill_characters;
	}
	return ctxt;
}

static int finish_parse(xmlDocPtr doc, xmlParserCtxtPtr ctxt, struct soap_resp *r,
			struct kerr *err)
{
	xmlNodePtr root, body, resp, fault, n;
	size_t cap = 0;

	const struct parse_state *st = ctxt->_private;

	if (st->refused) {
		xmlFreeDoc(doc);
		soap_resp_free(r);
		return kerr_set(err, KERR_MALFORMED, "response carries a DTD: refused");
	}
	if (st->spool_errno != 0) {
		xmlFreeDoc(doc);
		soap_resp_free(r);
		return kerr_errno(err, KERR_IO, st->spool_errno,
				  "cannot spool the response's binary text in %s", st->spool_dir);
	}
	if (doc == NULL) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);

		soap_resp_free(r);
		return kerr_set(err, KERR_MALFORMED, "response is not well-formed XML%s%s",
				e && e->message ? ": " : "", e && e->message ? e->message : "");
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		xmlFreeDoc(doc);
		return kerr_set(err, KERR_MALFORMED, "response carries a DTD: refused");
	}
	r->doc = doc;
	root = xmlDocGetRootElement(doc);
	if (!is_el(root, "Envelope") || (body = first_child_el(root, "Body")) == NULL) {
		soap_resp_free(r);
		return kerr_set(err, KERR_MALFORMED, "response is not a SOAP envelope");
	}
	resp = first_child_el(body, NULL);
	r->resp = resp;
	if (is_el(resp, "Fault")) {
		fault = first_child_el(resp, "faultstring");
		r->fault = fault ? soap_text(fault) : NULL;
		if (r->fault == NULL)
			r->fault = xstrdup("SOAP Fault without faultstring");
		return 0;
	}
	for (n = resp ? resp->children : NULL; n != NULL; n = n->next) {
		if (!is_el(n, "return"))
			continue;
		if (r->nret == cap) {
			cap = cap ? cap * 2 : 4;
			r->rets = xrealloc(r->rets, cap * sizeof(*r->rets));
		}
		r->rets[r->nret++] = n;
	}
	return 0;
}

int soap_parse_mem(const void *data, size_t len, struct soap_resp *r, struct kerr *err)
{
	struct parse_state st = { 0 };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc;

	memset(r, 0, sizeof(*r));
	if (len > 0x7fffffff)
		return kerr_set(err, KERR_LIMIT, "SOAP envelope too large");
	if (xml_safe_check_prolog_head(data, len, err) < 0)
		return -1;
	st.r = r;
	ctxt = new_ctxt(&st);
	if (ctxt == NULL)
		return kerr_set(err, KERR_NOMEM, "xmlNewParserCtxt failed");
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, "response.xml", NULL, PARSE_OPTS);
	rc = finish_parse(doc, ctxt, r, err);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

int soap_parse_fd(int fd, const char *spool_dir, struct soap_resp *r, struct kerr *err)
{
	struct parse_state st = { .spool_dir = spool_dir };
	unsigned char head[4096];
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	ssize_t n;
	int rc;

	memset(r, 0, sizeof(*r));
	if (st.spool_dir == NULL || *st.spool_dir == '\0')
		st.spool_dir = getenv("TMPDIR");
	if (st.spool_dir == NULL || *st.spool_dir == '\0')
		st.spool_dir = "/tmp";
	n = pread(fd, head, sizeof(head), 0);
	if (n < 0)
		return kerr_errno(err, KERR_IO, errno, "cannot read the response file");
	if (xml_safe_check_prolog_head(head, (size_t)n, err) < 0)
		return -1;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return kerr_errno(err, KERR_IO, errno, "lseek on the response file");
	st.r = r;
	ctxt = new_ctxt(&st);
	if (ctxt == NULL)
		return kerr_set(err, KERR_NOMEM, "xmlNewParserCtxt failed");
	doc = xmlCtxtReadFd(ctxt, fd, "response.xml", NULL, PARSE_OPTS);
	rc = finish_parse(doc, ctxt, r, err);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

void soap_resp_free(struct soap_resp *r)
{
	if (r->nspill > 0)
		close(r->spills[0]->fd);  /* one spool for all of them */
	for (size_t i = 0; i < r->nspill; i++)
		free(r->spills[i]);
	free(r->spills);
	xmlFreeDoc(r->doc);
	free(r->rets);
	free(r->fault);
	memset(r, 0, sizeof(*r));
}

static size_t children_visited;

static void visited(size_t k)
{
	__atomic_add_fetch(&children_visited, k, __ATOMIC_RELAXED);
}

size_t soap_children_visited(void)
{
	return __atomic_load_n(&children_visited, __ATOMIC_RELAXED);
}

size_t soap_count(xmlNodePtr ret, const char *name)
{
	size_t k = 0, seen = 0;
	xmlNodePtr n;

	for (n = ret ? ret->children : NULL; n != NULL; n = n->next, seen++)
		k += is_el(n, name);
	visited(seen);
	return k;
}

xmlNodePtr soap_nth(xmlNodePtr ret, const char *name, size_t i)
{
	size_t seen = 0;
	xmlNodePtr n;

	for (n = ret ? ret->children : NULL; n != NULL; n = n->next) {
		seen++;
		if (is_el(n, name) && i-- == 0)
			break;
	}
	visited(seen);
	return n;
}

static void column_push(struct soap_columns *t, size_t *cap, size_t c, xmlNodePtr node)
{
	if (t->len[c] == cap[c]) {
		cap[c] = cap[c] ? cap[c] * 2 : 16;
		t->cell[c] = xrealloc(t->cell[c], cap[c] * sizeof(*t->cell[c]));
	}
	t->cell[c][t->len[c]++] = node;
}

void soap_columns_read(struct soap_columns *t, xmlNodePtr const *rets, size_t n,
		       const char *const *names, size_t ncol)
{
	size_t *cap = xcalloc(ncol ? ncol : 1, sizeof(*cap));
	size_t r, c, seen = 0;
	xmlNodePtr node;

	t->ncol = ncol;
	t->len = xcalloc(ncol ? ncol : 1, sizeof(*t->len));
	t->cell = xcalloc(ncol ? ncol : 1, sizeof(*t->cell));
	for (r = 0; r < n; r++) {
		for (node = rets[r] ? rets[r]->children : NULL; node != NULL; node = node->next) {
			seen++;
			if (node->type != XML_ELEMENT_NODE)
				continue;
			for (c = 0; c < ncol; c++)
				if (strcmp((const char *)node->name, names[c]) == 0)
					break;
			/* With several returns, a row's first field of a name. */
			if (c < ncol && (n == 1 || t->len[c] == r))
				column_push(t, cap, c, node);
		}
		if (n > 1)
			for (c = 0; c < ncol; c++)
				if (t->len[c] == r)
					column_push(t, cap, c, NULL);
	}
	visited(seen);
	free(cap);
}

xmlNodePtr soap_columns_at(const struct soap_columns *t, size_t c, size_t i)
{
	return c < t->ncol && i < t->len[c] ? t->cell[c][i] : NULL;
}

void soap_columns_free(struct soap_columns *t)
{
	for (size_t c = 0; c < t->ncol; c++)
		free(t->cell[c]);
	free(t->cell);
	free(t->len);
	memset(t, 0, sizeof(*t));
}

/* Whether node or an element below it had its text spooled (spill_of()
 * sets _private, nothing else does): its content in the tree is cut. */
static int spooled_within(xmlNodePtr node)
{
	xmlNodePtr n;

	if (node->type == XML_ELEMENT_NODE && node->_private != NULL)
		return 1;
	for (n = node->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE && spooled_within(n))
			return 1;
	return 0;
}

char *soap_text(xmlNodePtr node)
{
	xmlChar *nil, *c;
	char *res;
	size_t b, e;

	if (node == NULL)
		return NULL;
	if (spooled_within(node)) {
		log_warn("the provider's <%.64s> holds a text over %u bytes: not read as a field",
			 (const char *)node->name, SOAP_SPILL_AT);
		return NULL;
	}
	nil = xmlGetNsProp(node, BAD_CAST "nil",
			   BAD_CAST "http://www.w3.org/2001/XMLSchema-instance");
	if (nil != NULL) {
		int is_nil = xmlStrcmp(nil, BAD_CAST "true") == 0 || xmlStrcmp(nil, BAD_CAST "1") == 0;

		xmlFree(nil);
		if (is_nil)
			return NULL;
	}
	c = xmlNodeGetContent(node);
	if (c == NULL)
		return xstrdup("");
	b = 0;
	e = strlen((char *)c);
	while (b < e && isspace(c[b]))
		b++;
	while (e > b && isspace(c[e - 1]))
		e--;
	res = xstrndup((char *)c + b, e - b);
	xmlFree(c);
	return res;
}

char *soap_field(xmlNodePtr ret, const char *name)
{
	return soap_text(soap_nth(ret, name, 0));
}

void soap_string_list(const struct soap_resp *r, char ***names, size_t *n)
{
	size_t i, cap = 0;
	xmlNodePtr c;

	*names = NULL;
	*n = 0;
	for (i = 0; i < r->nret; i++) {
		xmlNodePtr first = first_child_el(r->rets[i], NULL);

		for (c = first ? first : r->rets[i]; c != NULL; c = first ? c->next : NULL) {
			char *v;

			if (c->type != XML_ELEMENT_NODE || is_el(c, "durum") ||
			    is_el(c, "hataaciklama"))
				continue;
			v = soap_text(c);
			if (v == NULL || *v == '\0') {
				free(v);
				continue;
			}
			if (*n == cap) {
				cap = cap ? 2 * cap : 8;
				*names = xrealloc(*names, cap * sizeof(**names));
			}
			(*names)[(*n)++] = v;
		}
	}
}

int soap_nil_first_empty(xmlNodePtr ret, const char *key, const char *empty_text)
{
	char *first, *d, *text;
	int empty;

	if (soap_nth(ret, key, 0) == NULL)
		return 0;
	first = soap_field(ret, key);
	empty = first == NULL || *first == '\0';
	free(first);
	if (!empty)
		return 0;
	d = soap_field(ret, "durum");
	text = soap_field(ret, "hataaciklama");
	empty = soap_num_is_zero(d) ||
		(text != NULL && empty_text != NULL && strcasestr(text, empty_text) != NULL);
	free(d);
	free(text);
	return empty ? 1 : -1;
}

int soap_num_is_zero(const char *text)
{
	char *end;
	long v;

	if (text == NULL)
		return 0;
	while (isspace((unsigned char)*text))
		text++;
	if (*text == '\0')
		return 0;
	v = strtol(text, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' && v == 0;
}

static int digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int soap_parse_time(const char *text, int64_t *ms)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, oh, om, frac = 0, fdig = 0;
	int64_t off = 3 * 3600; /* naive: Turkish time */
	const char *p = text;

	if (p == NULL)
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (strlen(p) < 19 || digits(p, 4, &y) < 0 || p[4] != '-' || digits(p + 5, 2, &mo) < 0 ||
	    p[7] != '-' || digits(p + 8, 2, &d) < 0 || (p[10] != 'T' && p[10] != ' ') ||
	    digits(p + 11, 2, &h) < 0 || p[13] != ':' || digits(p + 14, 2, &mi) < 0 ||
	    p[16] != ':' || digits(p + 17, 2, &sec) < 0)
		return -1;
	p += 19;
	if (*p == '.' || *p == ',') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdig++)
			if (fdig < 3)
				frac = frac * 10 + (*p - '0');
		if (fdig == 0)
			return -1;
		for (; fdig < 3; fdig++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		off = 0;
		p++;
	} else if (*p == '+' || *p == '-') {
		if (digits(p + 1, 2, &oh) < 0 || p[3] != ':' || digits(p + 4, 2, &om) < 0 ||
		    oh > 14 || om > 59)
			return -1;
		off = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	*ms = ((int64_t)timegm(&tm) - off) * 1000 + frac;
	return 0;
}

const char *soap_xop_href(xmlNodePtr node)
{
	xmlNodePtr inc = first_child_el(node, "Include");
	xmlAttrPtr a;

	if (inc == NULL)
		return NULL;
	for (a = inc->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, "href") == 0 && a->children != NULL &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

int soap_write_base64(xmlNodePtr node, int fd, struct kerr *err)
{
	struct b64_writer w;
	xmlNodePtr n;
	int rc = 0;

	b64_writer_init(&w, fd);
	/* The text node's content is decoded in place: no second copy. */
	for (n = node->children; n != NULL && rc == 0; n = n->next)
		if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
		    n->content != NULL)
			rc = b64_update(&w, n->content, strlen((char *)n->content), err);
	/* The rest of a long text, from the spool, in bounded reads. */
	if (rc == 0 && node->_private != NULL) {
		const struct soap_spill *sp = node->_private;
		unsigned char chunk[64 * 1024];

		for (size_t done = 0; rc == 0 && done < sp->len;) {
			size_t want = sp->len - done < sizeof(chunk) ? sp->len - done : sizeof(chunk);
			ssize_t got = pread(sp->fd, chunk, want, sp->off + (off_t)done);

			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				rc = kerr_errno(err, KERR_IO, got < 0 ? errno : EIO,
						"cannot read the spooled binary text");
			else {
				rc = b64_update(&w, chunk, (size_t)got, err);
				done += (size_t)got;
			}
		}
	}
	if (b64_finish(&w, rc < 0 ? NULL : err) < 0)
		rc = -1;
	return rc;
}
