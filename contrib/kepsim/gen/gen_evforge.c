/* gen_evforge.c: forgeries of a delil's XML signature and digest (enum
 * evidence_xml_forgery in gen.h): how each is signed (gen_evidence.c signs,
 * these say with what, over what, and rewrite the signed tree after). Each
 * changes one thing, so that the one check of the agent that refuses it
 * names it (FORMAT.md). */
#include <string.h>

#include <libxml/tree.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/templates.h>
#include <xmlsec/crypto.h>

#include "gen.h"

#define WRAP_NS "urn:kepsim:wrap"

enum evidence_xml_forgery fault_evidence_xml_forgery(enum gen_fault f)
{
	switch (f) {
	case F_EVIDENCE_ENVELOPING: return EVX_ENVELOPING;
	case F_EVIDENCE_DUPLICATE_ID: return EVX_DUPLICATE_ID;
	case F_EVIDENCE_WRAPPED_ID: return EVX_WRAPPED_ID;
	case F_EVIDENCE_NO_CERTIFICATE: return EVX_NO_CERT;
	case F_EVIDENCE_SHA1_SIGNATURE: return EVX_SHA1;
	case F_EVIDENCE_MD5_DIGEST: return EVX_MD5_DIGEST;
	case F_EVIDENCE_NO_DIGEST: return EVX_NO_DIGEST;
	case F_EVIDENCE_UNKNOWN_DIGEST: return EVX_UNKNOWN_DIGEST;
	default: return EVX_NONE;
	}
}

void evforge_plan(const struct evidence_spec *e, int is_ec, struct evforge_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->sign = (void *)(is_ec ? xmlSecTransformEcdsaSha256Id : xmlSecTransformRsaSha256Id);
	p->digest = (void *)xmlSecTransformSha256Id;
	p->uri = e->partial_signature ? "#smd" : "";
	p->enveloped = !e->partial_signature;
	switch (e->xml_forgery) {
	case EVX_ENVELOPING:
		p->uri = "#" EVX_ID;
		p->enveloped = 0;
		break;
	case EVX_DUPLICATE_ID:
	case EVX_WRAPPED_ID:
		p->uri = "#" EVX_ID;
		break;
	case EVX_NO_CERT:
		p->key_value = 1;
		break;
	case EVX_SHA1:
		p->sign = (void *)(is_ec ? xmlSecTransformEcdsaSha1Id : xmlSecTransformRsaSha1Id);
		p->digest = (void *)xmlSecTransformSha1Id;
		break;
	case EVX_MD5_DIGEST:
		p->digest = (void *)xmlSecTransformMd5Id;
		break;
	default:
		break;
	}
}

static void set_id(xmlDocPtr doc, xmlNodePtr n)
{
	xmlAttrPtr a = xmlSetProp(n, BAD_CAST "Id", BAD_CAST EVX_ID);

	xmlAddID(NULL, doc, BAD_CAST EVX_ID, a);
}

void evforge_place(void *doc_, const struct evidence_spec *e, void *sig_)
{
	xmlDocPtr doc = doc_;
	xmlNodePtr sig = sig_;
	xmlNodePtr root = xmlDocGetRootElement(doc);

	if (e->xml_forgery == EVX_ENVELOPING) {
		/* ds:Signature is the document, the delil inside its ds:Object. */
		xmlNodePtr obj = xmlSecTmplSignatureAddObject(sig, BAD_CAST EVX_ID, NULL, NULL);

		xmlUnlinkNode(root);
		xmlDocSetRootElement(doc, sig);
		xmlAddChild(obj, root);
		xmlAddID(NULL, doc, BAD_CAST EVX_ID, xmlHasProp(obj, BAD_CAST "Id"));
		return;
	}
	if (e->xml_forgery == EVX_DUPLICATE_ID || e->xml_forgery == EVX_WRAPPED_ID)
		set_id(doc, root);
	xmlAddChild(root, sig);
}

/* The genuine signed root R (its signature by "#ev") becomes the content of
 * a forged root F: a copy of R with EventTime changed and R's signature, R
 * (without it) moved into F's Extensions. F's Id is "ev" too, or, for the
 * wrapped forgery, w:Id="ev" in a namespace of its own. */
void evforge_after_sign(void *doc_, const struct evidence_spec *e)
{
	xmlDocPtr doc = doc_;
	xmlNodePtr r = xmlDocGetRootElement(doc), f, sig, ext, t;

	if (e->xml_forgery != EVX_DUPLICATE_ID && e->xml_forgery != EVX_WRAPPED_ID)
		return;
	f = xmlDocCopyNode(r, doc, 1);
	sig = xmlSecFindChild(r, xmlSecNodeSignature, xmlSecDSigNs);
	xmlUnlinkNode(sig);
	xmlFreeNode(sig);
	for (t = f->children; t; t = t->next)
		if (t->type == XML_ELEMENT_NODE && strcmp((const char *)t->name, "EventTime") == 0) {
			xmlChar *v = xmlNodeGetContent(t);
			size_t n = v ? strlen((char *)v) : 0;

			if (n > 2)
				v[n - 2] = v[n - 2] == '1' ? '2' : '1';
			xmlNodeSetContent(t, v);
			xmlFree(v);
		}
	if (e->xml_forgery == EVX_WRAPPED_ID) {
		xmlNsPtr w = xmlNewNs(f, BAD_CAST WRAP_NS, BAD_CAST "w");

		xmlUnsetProp(f, BAD_CAST "Id");
		xmlSetNsProp(f, w, BAD_CAST "Id", BAD_CAST EVX_ID);
	}
	ext = xmlNewChild(f, f->ns, BAD_CAST "Extensions", NULL);
	xmlUnlinkNode(r);
	xmlDocSetRootElement(doc, f);
	xmlAddChild(ext, r);
}
