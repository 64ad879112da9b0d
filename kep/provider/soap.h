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
#include <stdint.h>
#include <sys/types.h>

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

/* Text of one element beyond SOAP_SPILL_AT bytes (an inline binary) is
 * not kept in the tree: soap_parse_fd() writes it to an unlinked spool file
 * and the element's _private points at its record, which
 * soap_write_base64() reads whole. The tree holds only its first part, so
 * soap_text() refuses such an element (and any element holding one): a
 * field is read whole or not at all, never cut at 64 KB. */
#define SOAP_SPILL_AT (64u << 10)

struct soap_spill {
	int fd;              /* the response's spool (owned by soap_resp) */
	off_t off;
	size_t len;
};

struct soap_resp {
	xmlDocPtr doc;
	struct soap_spill **spills; /* the spooled texts; all share one fd */
	size_t nspill;
	xmlNodePtr *rets;    /* the `return` elements, in order */
	size_t nret;
	char *fault;         /* faultstring of a SOAP Fault, else NULL */
	xmlNodePtr resp;     /* the Body's first element (the answer or the Fault) */
};

/* Parse a response envelope from memory or from a whole file. A Fault is
 * not an error here: r->fault is set and rets is empty. On success free r
 * with soap_resp_free(). Malformed XML is KERR_MALFORMED. From a file, long
 * texts are spooled in spool_dir (the store's directory on the sync's path;
 * NULL: $TMPDIR or /tmp, for callers without a store; a spool that
 * cannot be written is KERR_IO), so a 25 MB inline package costs disk, not
 * heap; from memory (an MTOM root part) nothing is spooled. */
int soap_parse_mem(const void *data, size_t len, struct soap_resp *r, struct kerr *err);
int soap_parse_fd(int fd, const char *spool_dir, struct soap_resp *r, struct kerr *err);
void soap_resp_free(struct soap_resp *r);

/* Number of children of `ret` with local name `name`. */
size_t soap_count(xmlNodePtr ret, const char *name);
/* The i-th such child, or NULL. */
xmlNodePtr soap_nth(xmlNodePtr ret, const char *name, size_t i);
/* The rows of a listing answer as columns: for each name of names[ncol],
 * the children of ret with that local name, in order, gathered in ONE pass
 * over ret's children (a listing of N rows and F fields costs O(N*F), where
 * soap_nth per (row, field) cost O(N^2*F): 30% of a 10,000-package
 * refresh). With several `return` elements (rets, n > 1, the tolerated
 * array-of-returns form) row i is rets[i] and each column has n cells, NULL
 * where a row lacks the field. Free with soap_columns_free(). */
struct soap_columns {
	size_t ncol;
	size_t *len;         /* cells of each column */
	xmlNodePtr **cell;   /* cell[c][i] */
};
void soap_columns_read(struct soap_columns *t, xmlNodePtr const *rets, size_t n,
		       const char *const *names, size_t ncol);
/* Column c's i-th cell, or NULL past its end. */
xmlNodePtr soap_columns_at(const struct soap_columns *t, size_t c, size_t i);
void soap_columns_free(struct soap_columns *t);
/* The children of a return examined so far by soap_count, soap_nth and
 * soap_columns_read, process-wide: tests show with it that a listing is
 * read in linear time (a count, not a time). */
size_t soap_children_visited(void);

/* The text of a node, xmalloc'd, trimmed; NULL when node is NULL or
 * xsi:nil, and (with a warning logged) when its text or a descendant's was
 * spooled: over SOAP_SPILL_AT bytes, a binary for soap_write_base64(), not
 * a field; the callers' short fields (durum, konu, eMetin, ...) then read
 * as absent rather than truncated. */
char *soap_text(xmlNodePtr node);
/* Shorthand: soap_text(soap_nth(ret, name, 0)). */
char *soap_field(xmlNodePtr ret, const char *name);

/* The strings of a string[] answer: a `return` without child elements is
 * one itself; in a `return` with children (the durum/dizin form), every
 * child but durum and hataaciklama is one. Empty and nil ones are skipped.
 * *names is xmalloc'd (each name too); *n may be 0. */
void soap_string_list(const struct soap_resp *r, char ***names, size_t *n);
/* The public clients' empty listing: one row whose `key` is nil (or empty)
 * with durum[0] set. 1: it is that answer and says "nothing" (durum[0] is 0,
 * or hataaciklama contains empty_text, compared without case); -1: the
 * key is nil but durum says a failure; 0: the first key has a value. */
int soap_nil_first_empty(xmlNodePtr ret, const char *key, const char *empty_text);
/* 1 when text is a number equal to zero ("0", " 0", "00", "+0"): durum comes
 * as text, int or in an array and is read as numeric text everywhere. */
int soap_num_is_zero(const char *text);
/* An xsd:dateTime "YYYY-MM-DDThh:mm:ss[.fff][Z|+hh:mm|-hh:mm]" (a space for
 * the T is tolerated) to ms since the epoch (UTC). A naive time is Turkish
 * time (UTC+3, no DST since 2016). -1 when it does not parse. */
int soap_parse_time(const char *text, int64_t *ms);

/* The href of an xop:Include child of node ("cid:..."), or NULL. Points
 * into the document. */
const char *soap_xop_href(xmlNodePtr node);
/* Decodes node's inline base64 text (with its spooled rest) to fd without
 * copying the text. */
int soap_write_base64(xmlNodePtr node, int fd, struct kerr *err);

#endif
