/* xmldsig.c: xmlsec verification of enveloped signatures; see xmldsig.h. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <xmlsec/xmlsec.h>
#include <xmlsec/errors.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/transforms.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/app.h>
#include <xmlsec/openssl/crypto.h>
#include <xmlsec/openssl/x509.h>

#include "log.h"
#include "util.h"
#include "xml_safe.h"
#include "xmldsig.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int xmlsec_ready;

/* Registers Id/ID/id attributes so "#id" references resolve; refuses duplicates
 * (two elements with one Id is the classic signature-wrapping set-up). */
static int register_ids(xmlDocPtr doc, xmlNodePtr n, int depth)
{
	if (depth > 256)
		return -1;
	for (; n; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			if (a->ns || (strcmp((const char *)a->name, "Id") != 0 &&
				      strcmp((const char *)a->name, "ID") != 0 &&
				      strcmp((const char *)a->name, "id") != 0))
				continue;
			xmlChar *v = xmlNodeListGetString(doc, a->children, 1);
			int ok = v && xmlGetID(doc, v) == NULL && xmlAddID(NULL, doc, v, a) != NULL;

			xmlFree(v);
			if (!ok)
				return -1;
		}
		if (register_ids(doc, n->children, depth + 1) < 0)
			return -1;
	}
	return 0;
}

static int enable_transforms(xmlSecDSigCtxPtr c)
{
	const xmlSecTransformId ids[] = {
		xmlSecTransformEnvelopedId, xmlSecTransformInclC14NId,
		xmlSecTransformInclC14NWithCommentsId, xmlSecTransformInclC14N11Id,
		xmlSecTransformInclC14N11WithCommentsId, xmlSecTransformExclC14NId,
		xmlSecTransformExclC14NWithCommentsId, xmlSecTransformBase64Id,
		xmlSecOpenSSLTransformSha1Id, xmlSecOpenSSLTransformSha256Id,
		xmlSecOpenSSLTransformSha384Id, xmlSecOpenSSLTransformSha512Id,
		xmlSecOpenSSLTransformRsaSha1Id, xmlSecOpenSSLTransformRsaSha256Id,
		xmlSecOpenSSLTransformRsaSha384Id, xmlSecOpenSSLTransformRsaSha512Id,
		xmlSecOpenSSLTransformEcdsaSha1Id, xmlSecOpenSSLTransformEcdsaSha256Id,
		xmlSecOpenSSLTransformEcdsaSha384Id, xmlSecOpenSSLTransformEcdsaSha512Id,
	};

	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		if (xmlSecDSigCtxEnableReferenceTransform(c, ids[i]) < 0 ||
		    xmlSecDSigCtxEnableSignatureTransform(c, ids[i]) < 0)
			return -1;
	return 0;
}

/* One keys manager for the process, holding no keys and trusting nothing:
 * xmlsec only checks the signature with the key of the X509Data certificate
 * (certificate judgement is the caller's, see xmldsig.h). Creating one per
 * call cost ~90% of evidence verification, because xmlsec's OpenSSL X509
 * store loads the system CA bundle (X509_STORE_set_default_paths) each time;
 * worse, those system CAs would have been trusted for evidence signatures.
 * Used under mngr_lock: xmlsec does not promise a shared manager is safe. */
static xmlSecKeysMngrPtr shared_mngr;
static pthread_mutex_t mngr_lock = PTHREAD_MUTEX_INITIALIZER;

static void xmlsec_init_once(void)
{
	xml_safe_init();
	if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 || xmlSecOpenSSLAppInit(NULL) < 0 ||
	    xmlSecOpenSSLInit() < 0)
		return;
	xmlSecErrorsDefaultCallbackEnableOutput(0); /* failures become verdicts, not stderr noise */
	shared_mngr = xmlSecKeysMngrCreate();
	if (!shared_mngr || xmlSecOpenSSLAppDefaultKeysMngrInit(shared_mngr) < 0)
		return;
	xmlsec_ready = 1;
}

static void name_line(X509_NAME *n, char *buf, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	int k;

	buf[0] = 0;
	if (!b)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
	k = BIO_read(b, buf, (int)len - 1);
	buf[k > 0 ? k : 0] = 0;
	BIO_free(b);
}

static void signer_info(xmlSecDSigCtxPtr c, struct xmldsig_result *r)
{
	xmlSecKeyDataPtr d;
	X509 *cert;
	BIGNUM *bn;
	char *hex;

	if (!c->signKey || !(d = xmlSecKeyGetData(c->signKey, xmlSecOpenSSLKeyDataX509Id)) ||
	    !(cert = xmlSecOpenSSLKeyDataX509GetKeyCert(d)))
		return;
	r->signer = X509_dup(cert);
	r->certs = sk_X509_new_null();
	for (xmlSecSize i = 0; r->certs && i < xmlSecOpenSSLKeyDataX509GetCertsSize(d); i++) {
		X509 *x = xmlSecOpenSSLKeyDataX509GetCert(d, i);

		if (x && (x = X509_dup(x)) && !sk_X509_push(r->certs, x))
			X509_free(x);
	}
	name_line(X509_get_subject_name(cert), r->subject, sizeof(r->subject));
	name_line(X509_get_issuer_name(cert), r->issuer, sizeof(r->issuer));
	bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	if (bn && (hex = BN_bn2hex(bn))) {
		snprintf(r->serial, sizeof(r->serial), "%s", hex);
		OPENSSL_free(hex);
	}
	BN_free(bn);
}

/* 1 when a verified reference covers the whole document: URI "" (with the
 * enveloped transform), or "#id" where id is the document element's own
 * registered Id. The element a reference names is the one xmlsec digested,
 * so it is compared, not the root's Id text: xmlGetProp ignores namespaces,
 * and a forged root with a namespaced w:Id="x" (never registered) around
 * the genuine signed element moved inside it (Id="x") passed as whole. */
static int covers_document(xmlSecDSigCtxPtr c, xmlDocPtr doc, struct xmldsig_result *r)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	int ok = 0, other = 0;

	for (xmlSecSize i = 0; i < xmlSecPtrListGetSize(&c->signedInfoReferences); i++) {
		xmlSecDSigReferenceCtxPtr ref = xmlSecPtrListGetItem(&c->signedInfoReferences, i);
		const char *uri = ref ? (const char *)ref->uri : NULL;
		xmlAttrPtr id;

		if (!ref || ref->status != xmlSecDSigStatusSucceeded)
			continue;
		if (!uri || !*uri) {
			ok = 1;
			continue;
		}
		id = uri[0] == '#' ? xmlGetID(doc, BAD_CAST (uri + 1)) : NULL;
		if (id && id->parent == root)
			ok = 1;
		else if (id && id->parent && xmlStrEqual(id->parent->name, root->name))
			other = 1;  /* a second document element: the signed one, moved */
	}
	if (!ok)
		snprintf(r->reason, sizeof(r->reason), "the signature does not cover the whole "
			 "document%s", other ? ": it signs another element of the document's name "
			 "inside it (signature wrapping)" : "");
	return ok;
}

/* 1 when the signature or a reference digest is SHA-1 (or MD5, never
 * enabled): reported, not trusted (kep-domain.md §3, §6). */
static int uses_sha1(xmlSecDSigCtxPtr c)
{
	if (c->signMethod && (c->signMethod->id == xmlSecOpenSSLTransformRsaSha1Id ||
			      c->signMethod->id == xmlSecOpenSSLTransformEcdsaSha1Id))
		return 1;
	for (xmlSecSize i = 0; i < xmlSecPtrListGetSize(&c->signedInfoReferences); i++) {
		xmlSecDSigReferenceCtxPtr ref = xmlSecPtrListGetItem(&c->signedInfoReferences, i);

		if (ref && ref->digestMethod && ref->digestMethod->id == xmlSecOpenSSLTransformSha1Id)
			return 1;
	}
	return 0;
}

enum pass_result { PASS_VALID, PASS_WEAK, PASS_INVALID, PASS_NOKEY, PASS_ERROR };

static enum pass_result run_pass(xmlDocPtr doc, xmlNodePtr sig, struct xmldsig_result *r)
{
	xmlSecDSigCtxPtr c = xmlSecDSigCtxCreate(shared_mngr);
	enum pass_result res;

	if (!c || enable_transforms(c) < 0) {
		if (c)
			xmlSecDSigCtxDestroy(c);
		return PASS_ERROR;
	}
	c->enabledReferenceUris = xmlSecTransformUriTypeEmpty | xmlSecTransformUriTypeSameDocument;
	/* Only the signature here: the certificate is judged by the caller. */
	c->keyInfoReadCtx.flags |= XMLSEC_KEYINFO_FLAGS_X509DATA_DONT_VERIFY_CERTS;
	if (xmlSecDSigCtxVerify(c, sig) < 0)
		res = c->signKey ? PASS_ERROR : PASS_NOKEY;
	else if (c->status != xmlSecDSigStatusSucceeded)
		res = PASS_INVALID;
	else if (!covers_document(c, doc, r))
		res = PASS_INVALID;
	else
		res = uses_sha1(c) ? PASS_WEAK : PASS_VALID;
	if (res == PASS_VALID || res == PASS_WEAK || res == PASS_INVALID)
		signer_info(c, r);
	xmlSecDSigCtxDestroy(c);
	return res;
}

int xmldsig_verify_enveloped(xmlDocPtr doc, struct xmldsig_result *r, struct kerr *err)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), sig;
	enum pass_result p;

	memset(r, 0, sizeof(*r));
	pthread_once(&once, xmlsec_init_once);
	if (!xmlsec_ready)
		return kerr_set(err, KERR_INTERNAL, "xmlsec could not be initialised");
	sig = xmlSecFindChild(root, xmlSecNodeSignature, xmlSecDSigNs);
	if (!sig) {
		r->verdict = xmlSecFindNode(root, xmlSecNodeSignature, xmlSecDSigNs)
			? VERDICT_MALFORMED : VERDICT_UNSIGNED;
		snprintf(r->reason, sizeof(r->reason), "%s",
			 r->verdict == VERDICT_UNSIGNED ? "no XML signature"
			 : "the XML signature is not enveloped in the document element");
		return 0;
	}
	if (register_ids(doc, root, 0) < 0) {
		r->verdict = VERDICT_MALFORMED;
		snprintf(r->reason, sizeof(r->reason), "duplicate or invalid Id attributes");
		return 0;
	}
	pthread_mutex_lock(&mngr_lock);
	p = run_pass(doc, sig, r);
	pthread_mutex_unlock(&mngr_lock);
	switch (p) {
	case PASS_VALID:
	case PASS_WEAK:
		if (!r->signer) {
			r->verdict = VERDICT_MALFORMED;
			snprintf(r->reason, sizeof(r->reason), "XML signature carries no signer "
				 "certificate");
			break;
		}
		r->verdict = p == PASS_WEAK ? VERDICT_WEAK : VERDICT_VALID;
		snprintf(r->reason, sizeof(r->reason), "%s", p == PASS_WEAK
			 ? "XML signature intact but made with SHA-1: reported, not trusted"
			 : "XML signature verified");
		break;
	case PASS_INVALID:
		r->verdict = VERDICT_INVALID;
		if (!r->reason[0])
			snprintf(r->reason, sizeof(r->reason), "XML signature or reference digest "
				 "does not match the document");
		break;
	default:
		r->verdict = VERDICT_MALFORMED;
		snprintf(r->reason, sizeof(r->reason), "XML signature cannot be processed (no "
			 "usable key or unsupported algorithm)");
		break;
	}
	return 0;
}

void xmldsig_result_free(struct xmldsig_result *r)
{
	if (!r)
		return;
	X509_free(r->signer);
	sk_X509_pop_free(r->certs, X509_free);
	r->signer = NULL;
	r->certs = NULL;
}
