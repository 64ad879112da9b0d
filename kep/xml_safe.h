/* xml_safe.h: the one place that parses XML (evidence, e-Yazisma, and the
 * Kamu SM certificate store XML of kep/trust: use xml_safe_parse there too).
 *
 * Any document whose prolog holds a DTD (<!DOCTYPE) or any other markup
 * declaration is refused BEFORE libxml2 builds a tree, so entity expansion
 * bombs never reach the parser; the parse itself runs with XML_PARSE_NONET
 * and never with NOENT/DTDLOAD/DTDATTR/HUGE. UTF-16/32 input is refused (the
 * prolog scan reads ASCII-compatible bytes only). Element count, attributes
 * per element and depth are bounded (xml_safe_check_shape) before the parse. Thread-safe once
 * xml_safe_init() has run (it is called by xml_safe_parse). */
#ifndef KEP_XML_SAFE_H
#define KEP_XML_SAFE_H

#include <stddef.h>
#include <libxml/tree.h>

#include "err.h"

/* Upper bound on documents handed to xml_safe_parse (bytes). */
#define XML_SAFE_MAX_LEN (16u * 1024 * 1024)

/* Shape limits, checked by a linear byte scan before libxml2 builds a tree
 * (its duplicate-attribute check is quadratic, its tree unbounded). */
#define XML_SAFE_MAX_ELEMENTS 1000000u
#define XML_SAFE_MAX_ATTRS 256u
#define XML_SAFE_MAX_DEPTH 256u

/* Initialises libxml2 once per process. */
void xml_safe_init(void);

/* 0 when the prolog holds no DTD or declaration; -1 (KERR_MALFORMED) otherwise. */
int xml_safe_check_prolog(const void *data, size_t len, struct kerr *err);
/* The same on the first len bytes of a document a streaming parser reads
 * (kep/provider/soap.c): only a DTD, a declaration or UTF-16/32 is refused;
 * a prolog cut off by the window, or malformed, is left to the parser,
 * which must refuse a DOCTYPE beyond the window itself. */
int xml_safe_check_prolog_head(const void *head, size_t len, struct kerr *err);

/* 0 when no element count, attributes per element or depth exceeds the
 * limits above; -1 (KERR_MALFORMED) otherwise. */
int xml_safe_check_shape(const void *data, size_t len, struct kerr *err);

/* Parses data (what names it in messages). Returns a document the caller
 * frees with xmlFreeDoc(), or NULL with err set (KERR_MALFORMED, KERR_LIMIT). */
xmlDocPtr xml_safe_parse(const void *data, size_t len, const char *what, struct kerr *err);

/* Helpers on parsed trees (namespace-tolerant: they compare local names). */
/* First child element of parent with this local name, or NULL. */
xmlNodePtr xml_child(xmlNodePtr parent, const char *local);
/* First descendant element (depth-first) with this local name, or NULL. */
xmlNodePtr xml_find(xmlNodePtr root, const char *local);
/* Whitespace-trimmed text content of node, malloc'd (free()); NULL when node is NULL. */
char *xml_text(xmlNodePtr node);
/* xml_text(xml_child(parent, local)). */
char *xml_child_text(xmlNodePtr parent, const char *local);

#endif
