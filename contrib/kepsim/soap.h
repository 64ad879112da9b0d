/* soap.h: EYWS SOAP 1.1 requests in, response envelopes out.
 *
 * Requests: an envelope whose Body holds one element in namespace
 * http://ws.apache.org/axis2 (the operation) with one child param0; the
 * fields inside param0 are in http://ws.apache.org/axis2/xsd, the
 * credentials in a nested kepHesap block or (bare) directly in param0. Parsed with XML_PARSE_NONET,
 * no entity substitution, and documents with a DTD are refused. A
 * multipart/related (MTOM) request is accepted: its root part is parsed.
 *
 * Responses: <ns:OpResponse xmlns:ns=axis2><ns:return xmlns:ax=axis2/xsd>
 * with ax: fields in order of adding (unqualified ones with --children=
 * unqualified), durum typed per --durum, binaries with xmime attributes. Binaries are recorded beside the tree
 * and referenced with xop:Include until mtom.c encodes the message.
 * Not thread-safe per object; distinct objects may be used concurrently. */
#ifndef KEPSIM_SOAP_H
#define KEPSIM_SOAP_H

#include <stddef.h>
#include <libxml/tree.h>

#include "err.h"
#include "util.h"

#define NS_AXIS2 "http://ws.apache.org/axis2"
#define NS_AXIS2_XSD "http://ws.apache.org/axis2/xsd"
#define NS_SOAPENV "http://schemas.xmlsoap.org/soap/envelope/"
#define NS_XOP "http://www.w3.org/2004/08/xop/include"

/* A later part of an MTOM request: points into the request body. */
struct soap_part {
	char *cid;                 /* Content-ID without <> */
	const unsigned char *data;
	size_t len;
};

struct soap_req {
	xmlDocPtr doc;
	char *op;            /* the operation's local name */
	xmlNodePtr param0;
	xmlNodePtr creds;    /* the kepHesap block (or param0 itself), or NULL */
	enum { CREDS_NONE, CREDS_WRAPPED, CREDS_BARE } creds_form;
	const char *creds_misplaced; /* the first credential field out of the WSDL's
	                              * order (kepHesap, tcno, parola, sifre), or NULL */
	struct soap_part *parts;   /* MTOM: the parts after the root */
	size_t nparts;
};

/* Fills req; on failure req is empty and err says why (KERR_MALFORMED).
 * The parts of an MTOM request point into body: keep it until soap_req_free. */
int soap_parse_request(const unsigned char *body, size_t len, const char *content_type,
		       struct soap_req *req, struct kerr *err);
/* The next param0 child called name (xsd namespace) after prev (NULL: the
 * first), for repeated fields such as kime or ekler; NULL when none. */
xmlNodePtr soap_req_next(const struct soap_req *req, xmlNodePtr prev, const char *name);
/* The bytes of a binary field: an <xop:Include href="cid:..."/> child resolved
 * to its MTOM part, else the element's text decoded as base64 (whitespace
 * ignored). Appends to out; KERR_LIMIT above max bytes, KERR_MALFORMED for bad
 * base64 or an unknown cid. */
int soap_req_binary(const struct soap_req *req, xmlNodePtr field, size_t max, struct kbuf *out,
		    struct kerr *err);
/* An attribute of elem by local name, in any namespace or none (as
 * xmime:contentType or fileName come), or NULL. Allocated. */
char *soap_attr(xmlNodePtr elem, const char *name);
/* The text of a child element (xsd namespace) of elem, or NULL. Allocated. */
char *soap_child_text(xmlNodePtr elem, const char *name);
/* The text of param0's field name (in the xsd namespace), or NULL when
 * absent. Allocated: free() it (secret_free() for secrets). */
char *soap_req_field(const struct soap_req *req, const char *name);
/* The same inside the credentials block. */
char *soap_req_cred(const struct soap_req *req, const char *name);
void soap_req_free(struct soap_req *req);

struct soap_resp;

/* The forms kepsim answers and accepts (--dialect and its switches; README
 * "Dialects"). Set by kepsim_main.c before any thread starts, read-only
 * afterwards. */
enum dialect_durum { DURUM_MIXED, DURUM_TEXT, DURUM_INT };
enum dialect_times { TIMES_NAIVE, TIMES_OFFSET, TIMES_Z };
struct kepsim_dialect {
	int creds_bare;        /* DizinSorgula/KotaSorgula/KontorSorgula expect param0 itself */
	int creds_strict;      /* the other credential form gets an Axis2 Fault */
	int folders_strings;   /* DizinSorgula answers string[] (1) or durum/dizin */
	int empty_nil_first;   /* an empty list: nil key + durum[0] (1) or durum "0" alone */
	enum dialect_durum durum;
	enum dialect_times times;
	int unqualified;       /* the return's children in no namespace */
	int default_ns;        /* default namespace declarations instead of ns:/ax: */
	int xmime_attrs;       /* binaries carry xmime:contentType and fileName */
};
extern struct kepsim_dialect kepsim_dialect;
/* --dialect NAME (name "dialect") or one switch ("creds", "folders",
 * "empty-list", "durum", "times", "children", "namespaces", "xmime-attrs",
 * "strict-creds"); later calls override earlier ones. KERR_USAGE when
 * unknown. */
int dialect_option(const char *name, const char *value, struct kerr *err);
/* One line naming every setting (for the start-up log). */
void dialect_describe(char *buf, size_t n);
/* The interface time rule: the mailbox holds UTC without a suffix; on the
 * wire a naive time is Turkish time (UTC+3, no DST). dialect_time renders
 * a mailbox time in the dialect's form (out: 32 bytes; the input unchanged
 * when it does not parse). dialect_request_time reads a request's time
 * (naive, Z or +hh:mm) into mailbox form (UTC, 20 bytes); -1 when bad. */
void dialect_time(const char *mailbox_utc, char out[32]);
int dialect_request_time(const char *wire, char out[20]);
/* 1 for the operations whose whole input is the credentials type. */
int dialect_creds_only_op(const char *op);

/* Several `return` strings (string[] answers) instead of the one return
 * element: the return gets values[0], later ones follow; none: no return. */
void soap_resp_strings(struct soap_resp *r, const char *const *values, size_t n);
/* Appends the child name with xsi:nil="true". */
void soap_resp_add_nil(struct soap_resp *r, const char *name);

struct soap_binary {
	char *cid;             /* without "cid:" and without <> */
	unsigned char *data;   /* owned */
	size_t len;
	xmlNodePtr elem;       /* the element that carries it */
};

struct soap_resp {
	xmlDocPtr doc;
	xmlNodePtr ret;        /* <ns:return>, or the Fault element */
	struct soap_binary *bins;
	size_t nbins;
	int http_status;       /* 200, or 500 for a Fault */
	char *op;              /* the operation answered, or NULL for a Fault */
};

/* A response envelope for op ("PaketSorgula" -> PaketSorgulaResponse). */
struct soap_resp *soap_resp_new(const char *op);
/* A SOAP 1.1 Fault (HTTP 500); faultcode like "soapenv:Client". */
struct soap_resp *soap_resp_fault(const char *faultcode, const char *faultstring);
/* Appends <ax:name>value</ax:name> to the return element (value NULL: empty). */
void soap_resp_add(struct soap_resp *r, const char *name, const char *value);
/* Appends a binary field; takes ownership of data (malloc'ed). */
void soap_resp_add_binary(struct soap_resp *r, const char *name, unsigned char *data, size_t len);
void soap_resp_free(struct soap_resp **r);

#endif
