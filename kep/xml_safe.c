/* xml_safe.c: DTD refusal and shape limits before parsing, then a locked-down libxml2 parse. */
#include <pthread.h>
#include <string.h>

#include <libxml/parser.h>

#include "util.h"
#include "xml_safe.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
	xmlInitParser();
}

void xml_safe_init(void)
{
	pthread_once(&xml_once, xml_init_once);
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Finds needle in [p, end); returns the position after it, or NULL. */
static const unsigned char *skip_past(const unsigned char *p, const unsigned char *end,
				      const char *needle)
{
	size_t n = strlen(needle);

	for (; (size_t)(end - p) >= n; p++)
		if (memcmp(p, needle, n) == 0)
			return p + n;
	return NULL;
}

/* The prolog scan of both entry points. head: data is only the first bytes
 * of the document, so running out of them, and text before the root (a
 * malformation the parser reports), are not errors; a declaration is. */
static int check_prolog(const void *data, size_t len, int head, struct kerr *err)
{
	const unsigned char *p = data, *end = p + len;

	if (len >= 2 && ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0xFF && p[1] == 0xFE) ||
			 p[0] == 0 || p[1] == 0))
		return kerr_set(err, KERR_MALFORMED, "UTF-16/32 XML is not accepted");
	if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		p += 3;
	/* The prolog is: XML declaration, comments, PIs, white space, and at most
	 * one DTD. Anything starting with "<!" that is not a comment is a
	 * declaration: refuse it. The first "<name" is the root: stop there. */
	while (p < end) {
		if (is_space(*p)) {
			p++;
			continue;
		}
		if (*p != '<')
			return head ? 0 : kerr_set(err, KERR_MALFORMED, "text before the root element");
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			p = skip_past(p + 4, end, "-->");
			if (!p)
				return head ? 0 : kerr_set(err, KERR_MALFORMED,
							   "unterminated comment in prolog");
			continue;
		}
		if (end - p >= 2 && p[1] == '!')
			return kerr_set(err, KERR_MALFORMED,
					"document has a DTD (<!DOCTYPE or a declaration): refused");
		if (end - p >= 2 && p[1] == '?') {
			p = skip_past(p + 2, end, "?>");
			if (!p)
				return head ? 0 : kerr_set(err, KERR_MALFORMED,
							   "unterminated processing instruction");
			continue;
		}
		return 0; /* root element */
	}
	return head ? 0 : kerr_set(err, KERR_MALFORMED, "no root element");
}

int xml_safe_check_prolog(const void *data, size_t len, struct kerr *err)
{
	return check_prolog(data, len, 0, err);
}

int xml_safe_check_prolog_head(const void *head, size_t len, struct kerr *err)
{
	return check_prolog(head, len, 1, err);
}

/* Where the root element starts (the prolog having been checked). */
static const unsigned char *root_start(const unsigned char *p, const unsigned char *end)
{
	if (end - p >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		p += 3;
	while (p < end) {
		if (*p != '<') {
			p++;
		} else if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			p = skip_past(p + 4, end, "-->");
		} else if (end - p >= 2 && p[1] == '?') {
			p = skip_past(p + 2, end, "?>");
		} else {
			return p;
		}
		if (!p)
			return NULL;
	}
	return NULL;
}

/* Counts, in one linear pass over one start tag at p ('<' then a name),
 * its attributes (each '=' outside a quoted value). Returns the position
 * after its '>' (or end when unterminated: libxml2 then reports it) and
 * sets *empty for a self-closing tag. */
static const unsigned char *scan_start_tag(const unsigned char *p, const unsigned char *end,
					   unsigned *attrs, int *empty)
{
	const unsigned char *q;

	*attrs = 0;
	*empty = 0;
	for (p++; p < end; p++) {
		if (*p == '"' || *p == '\'') {
			q = memchr(p + 1, *p, (size_t)(end - p - 1));
			if (!q)
				return end;
			p = q;
		} else if (*p == '=') {
			(*attrs)++;
		} else if (*p == '>') {
			*empty = p[-1] == '/';
			return p + 1;
		}
	}
	return end;
}

int xml_safe_check_shape(const void *data, size_t len, struct kerr *err)
{
	const unsigned char *p = root_start(data, (const unsigned char *)data + len);
	const unsigned char *end = (const unsigned char *)data + len;
	unsigned long elements = 0;
	unsigned depth = 0, attrs;
	int empty;

	while (p && p < end) {
		p = memchr(p, '<', (size_t)(end - p));
		if (!p)
			break;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			p = skip_past(p + 4, end, "-->");
		} else if (end - p >= 9 && memcmp(p, "<![CDATA[", 9) == 0) {
			p = skip_past(p + 9, end, "]]>");
		} else if (end - p >= 2 && p[1] == '?') {
			p = skip_past(p + 2, end, "?>");
		} else if (end - p >= 2 && p[1] == '!') {
			return kerr_set(err, KERR_MALFORMED, "markup declaration inside the document");
		} else if (end - p >= 2 && p[1] == '/') {
			p = memchr(p, '>', (size_t)(end - p));
			if (depth)
				depth--;
		} else {
			if (++elements > XML_SAFE_MAX_ELEMENTS)
				return kerr_set(err, KERR_MALFORMED,
						"more than %u XML elements: refused", XML_SAFE_MAX_ELEMENTS);
			p = scan_start_tag(p, end, &attrs, &empty);
			if (attrs > XML_SAFE_MAX_ATTRS)
				return kerr_set(err, KERR_MALFORMED,
						"an XML element with %u attributes (limit %u): refused",
						attrs, XML_SAFE_MAX_ATTRS);
			if (!empty && ++depth > XML_SAFE_MAX_DEPTH)
				return kerr_set(err, KERR_MALFORMED,
						"XML nested deeper than %u elements: refused",
						XML_SAFE_MAX_DEPTH);
		}
	}
	return 0;
}

xmlDocPtr xml_safe_parse(const void *data, size_t len, const char *what, struct kerr *err)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	const xmlError *xe;

	if (len > XML_SAFE_MAX_LEN)
		return kerr_set(err, KERR_LIMIT, "%s: XML of %zu bytes exceeds the limit of %u",
				what, len, XML_SAFE_MAX_LEN), NULL;
	if (xml_safe_check_prolog(data, len, err) < 0 || xml_safe_check_shape(data, len, err) < 0)
		return kerr_prefix(err, "%s", what), NULL;
	xml_safe_init();
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return kerr_set(err, KERR_NOMEM, "%s: cannot create XML parser", what), NULL;
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc || !ctxt->wellFormed) {
		xe = xmlCtxtGetLastError(ctxt);
		kerr_set(err, KERR_MALFORMED, "%s: not well-formed XML%s%s", what,
			 xe && xe->message ? ": " : "", xe && xe->message ? xe->message : "");
		if (err) /* libxml2 messages end with a newline */
			err->msg[strcspn(err->msg, "\n")] = 0;
		xmlFreeDoc(doc);
		xmlFreeParserCtxt(ctxt);
		return NULL;
	}
	xmlFreeParserCtxt(ctxt);
	/* Belt and braces: the prolog scan must have excluded these. */
	if (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		return kerr_set(err, KERR_MALFORMED, "%s: document has a DTD: refused", what), NULL;
	}
	return doc;
}

static int is_elem(xmlNodePtr n, const char *local)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

xmlNodePtr xml_child(xmlNodePtr parent, const char *local)
{
	if (!parent)
		return NULL;
	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (is_elem(c, local))
			return c;
	return NULL;
}

xmlNodePtr xml_find(xmlNodePtr root, const char *local)
{
	xmlNodePtr found;

	if (!root)
		return NULL;
	if (is_elem(root, local))
		return root;
	for (xmlNodePtr c = root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if ((found = xml_find(c, local)))
			return found;
	}
	return NULL;
}

char *xml_text(xmlNodePtr node)
{
	xmlChar *s;
	char *out;
	size_t b = 0, e;

	if (!node)
		return NULL;
	s = xmlNodeGetContent(node);
	if (!s)
		return xstrdup("");
	e = strlen((char *)s);
	while (b < e && is_space(s[b]))
		b++;
	while (e > b && is_space(s[e - 1]))
		e--;
	out = xstrndup((char *)s + b, e - b);
	xmlFree(s);
	return out;
}

char *xml_child_text(xmlNodePtr parent, const char *local)
{
	return xml_text(xml_child(parent, local));
}
