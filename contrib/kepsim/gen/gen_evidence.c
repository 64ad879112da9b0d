/* gen_evidence.c: ETSI TS 102 640-2 evidence documents with an enveloped
 * XML signature (xmlsec, RSA-SHA256 or ECDSA-SHA256) by the KEPHS, its
 * certificate and chain in X509Data. DigestValue in SenderMessageDetails is
 * the SHA-256 of the exact original.eml bytes (FORMAT.md). */
#include <string.h>

#include <libxml/tree.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/templates.h>
#include <xmlsec/crypto.h>

#include "gen.h"

#define REM_NS "http://uri.etsi.org/02640/v2#"
#define DS_NS "http://www.w3.org/2000/09/xmldsig#"

static const struct {
	int code;
	const char *type, *event, *label;
} kinds[] = {
	{10, "SubmissionAcceptanceRejection", "Acceptance", "Kabul Edildi"},
	{11, "SubmissionAcceptanceRejection", "Rejection", "Kabul Edilmedi"},
	{20, "RelayREMMDAcceptanceRejection", "Acceptance", "Alıcı KEPHS Kabul Etti"},
	{21, "RelayREMMDAcceptanceRejection", "Rejection", "Alıcı KEPHS Reddetti"},
	{31, "RelayREMMDFailure", "RelayFailure", "Alıcı KEPHS'ye Ulaşılamadı"},
	{40, "DeliveryNonDeliveryToRecipient", "Delivery", "Teslim Edildi"},
	{41, "DeliveryNonDeliveryToRecipient", "DeliveryExpiration", "Teslim Edilemedi"},
	{60, "RetrievalNonRetrievalByRecipient", "Retrieval", "Okundu"},
};

const char *evidence_label(int code)
{
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].code == code)
			return kinds[i].label;
	return NULL;
}

int evidence_init(struct kerr *err)
{
	xmlInitParser();
	if (xmlSecInit() < 0 || xmlSecCryptoAppInit(NULL) < 0 || xmlSecCryptoInit() < 0)
		return kerr_set(err, KERR_INTERNAL, "cannot initialise xmlsec");
	return 0;
}

void evidence_shutdown(void)
{
	xmlSecCryptoShutdown();
	xmlSecCryptoAppShutdown();
	xmlSecShutdown();
	xmlCleanupParser();
}

static xmlNodePtr child(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
	return xmlNewTextChild(parent, ns, BAD_CAST name, BAD_CAST text);
}

static void add_party(xmlNodePtr parent, xmlNsPtr ns, const char *elem, const char *addr)
{
	xmlNodePtr p = xmlNewChild(parent, ns, BAD_CAST elem, NULL);
	xmlNodePtr a = xmlNewChild(p, ns, BAD_CAST "AttributedElectronicAddress", NULL);
	xmlNodeSetContent(a, BAD_CAST addr);
	xmlNewProp(a, BAD_CAST "Scheme", BAD_CAST "mailto");
}

static xmlDocPtr build_doc(const struct evidence_spec *e, const char *type, const char *event)
{
	char t1[32], t2[32], b64[64];
	unsigned char md[32];
	mime_iso_time(t1, sizeof(t1), e->event_time);
	mime_iso_time(t2, sizeof(t2), e->submission_time);
	strcat(t1, "Z");
	strcat(t2, "Z");
	SHA256(e->digest_data, e->digest_len, md);
	EVP_EncodeBlock((unsigned char *)b64, md, 32);

	xmlDocPtr doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNodePtr root = xmlNewNode(NULL, BAD_CAST type);
	xmlNsPtr ns = xmlNewNs(root, BAD_CAST REM_NS, NULL);
	xmlNsPtr ds = xmlNewNs(root, BAD_CAST DS_NS, BAD_CAST "ds");
	xmlSetNs(root, ns);
	xmlDocSetRootElement(doc, root);
	xmlNewProp(root, BAD_CAST "version", BAD_CAST "2");
	char *uri = xasprintf("http://uri.etsi.org/02640/Event#%s", event);
	child(root, ns, "EventCode", uri);
	free(uri);
	if (e->code == 11 || e->code == 21 || e->code == 31 || e->code == 41) {
		xmlNodePtr r = xmlNewChild(root, ns, BAD_CAST "EventReasons", NULL);
		xmlNodePtr er = xmlNewChild(r, ns, BAD_CAST "EventReason", NULL);
		child(er, ns, "Code", "http://uri.etsi.org/REM/EventReason#Other");
		child(er, ns, "Details", "Simulated failure");
	}
	child(root, ns, "EvidenceIdentifier", e->evidence_id);
	xmlNodePtr iss = xmlNewChild(root, ns, BAD_CAST "EvidenceIssuerDetails", NULL);
	child(iss, ns, "NamesPostalAddresses", "PTT KEPHS");
	child(iss, ns, "AttributedElectronicAddress", "kephs@hs01.kep.tr");
	child(root, ns, "EventTime", t1);
	child(root, ns, "SubmissionTime", t2);
	add_party(root, ns, "SenderDetails", e->sender);
	xmlNodePtr rd = xmlNewChild(root, ns, BAD_CAST "RecipientsDetails", NULL);
	add_party(rd, ns, "EntityDetails", e->recipient);
	xmlNodePtr smd = xmlNewChild(root, ns, BAD_CAST "SenderMessageDetails", NULL);
	child(smd, ns, "MessageSubject", e->subject);
	child(smd, ns, "UAMessageIdentifier", e->ua_msgid);
	child(smd, ns, "MessageIdentifierByREMMD", e->remmd_msgid);
	if (e->xml_forgery != EVX_NO_DIGEST) {
		xmlNodePtr dm = xmlNewChild(smd, ds, BAD_CAST "DigestMethod", NULL);
		xmlNewProp(dm, BAD_CAST "Algorithm", BAD_CAST (e->xml_forgery == EVX_UNKNOWN_DIGEST
			? EVX_UNKNOWN_DIGEST_URI : "http://www.w3.org/2001/04/xmlenc#sha256"));
		child(smd, ds, "DigestValue", b64);
	}
	if (e->partial_signature) {
		xmlAttrPtr id = xmlNewProp(smd, BAD_CAST "Id", BAD_CAST "smd");
		xmlAddID(NULL, doc, BAD_CAST "smd", id);
	}
	return doc;
}

static int sign_doc(xmlDocPtr doc, const struct evidence_spec *e, struct kerr *err)
{
	int is_ec = EVP_PKEY_base_id(e->kephs->key) == EVP_PKEY_EC;
	struct evforge_plan pl;

	/* Honest: the whole document (URI "", enveloped); the partial fault
	 * covers SenderMessageDetails alone; the XML forgeries: gen_evforge.c. */
	evforge_plan(e, is_ec, &pl);
	xmlNodePtr sig = xmlSecTmplSignatureCreate(doc, xmlSecTransformExclC14NId, pl.sign, NULL);
	evforge_place(doc, e, sig);
	xmlNodePtr ref = xmlSecTmplSignatureAddReference(sig, pl.digest, NULL, BAD_CAST pl.uri, NULL);
	if (pl.enveloped)
		xmlSecTmplReferenceAddTransform(ref, xmlSecTransformEnvelopedId);
	xmlSecTmplReferenceAddTransform(ref, xmlSecTransformExclC14NId);
	xmlNodePtr ki = xmlSecTmplSignatureEnsureKeyInfo(sig, NULL);
	if (pl.key_value) {
		xmlSecTmplKeyInfoAddKeyValue(ki);
	} else {
		xmlNodePtr x5 = xmlSecTmplKeyInfoAddX509Data(ki);
		xmlSecTmplX509DataAddCertificate(x5);
	}

	xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(NULL);
	int rc = -1;
	if (!ctx)
		goto out;
	ctx->signKey = xmlSecCryptoAppKeyLoad(e->kephs_key_path, xmlSecKeyDataFormatPem,
					      NULL, NULL, NULL);
	if (!ctx->signKey || (!pl.key_value &&
	    (xmlSecCryptoAppKeyCertLoad(ctx->signKey, e->kephs_cert_path, xmlSecKeyDataFormatPem) < 0 ||
	     xmlSecCryptoAppKeyCertLoad(ctx->signKey, e->kephs_chain_path, xmlSecKeyDataFormatPem) < 0)))
		goto out;
	if (xmlSecDSigCtxSign(ctx, sig) < 0)
		goto out;
	evforge_after_sign(doc, e);
	rc = 0;
out:
	if (rc < 0)
		kerr_set(err, KERR_INTERNAL, "cannot sign the evidence XML with %s",
			 e->kephs_key_path);
	if (ctx)
		xmlSecDSigCtxDestroy(ctx);
	return rc;
}

int evidence_build(const struct evidence_spec *e, struct kbuf *xml, struct kerr *err)
{
	const char *type = NULL, *event = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].code == e->code) {
			type = kinds[i].type;
			event = kinds[i].event;
		}
	if (!type)
		return kerr_set(err, KERR_USAGE, "unknown delilTurId %d", e->code);
	xmlDocPtr doc = build_doc(e, type, event);
	if (sign_doc(doc, e, err) < 0) {
		xmlFreeDoc(doc);
		return -1;
	}
	xmlChar *out = NULL;
	int n = 0;
	xmlDocDumpMemoryEnc(doc, &out, &n, "UTF-8");
	xmlFreeDoc(doc);
	if (!out)
		return kerr_set(err, KERR_INTERNAL, "cannot serialise the evidence XML");
	size_t start = xml->len;
	kbuf_append(xml, out, (size_t)n);
	xmlFree(out);
	if (e->break_signature || e->partial_signature) {
		/* EventTime changes after signing: the reference digest breaks, or
		 * (partial) the byte is outside what the signature covers. */
		char *p = strstr((char *)xml->data + start, "Z</EventTime>");
		if (p)
			p[-1] = p[-1] == '1' ? '2' : '1';
	}
	return 0;
}
