/* soap.h: PTT EYWS SOAP 1.1 requests and responses (libxml2 tree API).
 *
 * Requests are built as trees, never by pasting strings, so user data can
 * not change the document's structure. The operation element is in
 * SOAP_NS_OP and has one child param0; the fields are in SOAP_NS_XSD. A
 * request carries credentials: free it with soap_request_free(), which
 * wipes every text node, and wipe the serialised buffer (kbuf) too.
 *
 * Responses are parsed with XML_PARSE_NONET and without entity expansion;
 * a document with a DTD is refused. Fields are matched by local name (the
 * provider's prefixes vary). A response holds one or more `return`
 * elements; lists are parallel arrays (repeated children of one return) or,
 * tolerated too, one return per item. Not thread-safe per document. */
#ifndef KEP_SOAP_H
#define KEP_SOAP_H

#include <stddef.h>

#include <libxml/tree.h>

#include "err.h"
#include "util.h"

#define SOAP_NS_ENV "http://schemas.xmlsoap.org/soap/envelope/"
#define SOAP_NS_OP  "http://ws.apache.org/axis2"
#define SOAP_NS_XSD "http://ws.apache.org/axis2/xsd"
#define SOAP_NS_XOP "http://www.w3.org/2004/08/xop/include"

/* A new envelope for operation `op`; *param0 receives the element to fill. */
xmlDocPtr soap_request_new(const char *op, xmlNodePtr *param0);
/* Adds <name>value</name> in SOAP_NS_XSD under parent (value NULL: empty);
 * returns the new element. */
xmlNodePtr soap_add(xmlNodePtr parent, const char *name, const char *value);
/* Appends the serialised document (UTF-8, with XML declaration) to out. */
int soap_serialize(xmlDocPtr doc, struct kbuf *out, struct kerr *err);
/* Wipes every text node, then frees the document. */
void soap_request_free(xmlDocPtr doc);

struct soap_resp {
	xmlDocPtr doc;
	xmlNodePtr *rets;    /* the `return` elements, in order */
	size_t nret;
	char *fault;         /* faultstring of a SOAP Fault, else NULL */
	xmlNodePtr resp;     /* the Body's first element (the answer or the Fault) */
};

/* Parse a response envelope from memory or from a whole file. A Fault is
 * not an error here: r->fault is set and rets is empty. On success free r
 * with soap_resp_free(). Malformed XML is KERR_MALFORMED. */
int soap_parse_mem(const void *data, size_t len, struct soap_resp *r, struct kerr *err);
int soap_parse_fd(int fd, struct soap_resp *r, struct kerr *err);
void soap_resp_free(struct soap_resp *r);

/* Number of children of `ret` with local name `name`. */
size_t soap_count(xmlNodePtr ret, const char *name);
/* The i-th such child, or NULL. */
xmlNodePtr soap_nth(xmlNodePtr ret, const char *name, size_t i);
/* The text of a node, xmalloc'd, trimmed; NULL when node is NULL or
 * xsi:nil. */
char *soap_text(xmlNodePtr node);
/* Shorthand: soap_text(soap_nth(ret, name, 0)). */
char *soap_field(xmlNodePtr ret, const char *name);

/* The href of an xop:Include child of node ("cid:..."), or NULL. Points
 * into the document. */
const char *soap_xop_href(xmlNodePtr node);
/* Decodes node's inline base64 text to fd without copying the text. */
int soap_write_base64(xmlNodePtr node, int fd, struct kerr *err);

#endif
