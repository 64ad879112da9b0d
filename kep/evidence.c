/* evidence.c: ETSI REM evidence fields, signature and digest; see evidence.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>

#include "delil.h"
#include "digest_uri.h"
#include "evidence.h"
#include "log.h"
#include "util.h"
#include "xml_safe.h"
#include "xmldsig.h"
#include "zip_safe.h"

const char *evidence_digest_name(enum evidence_digest d)
{
	return d == EVIDENCE_DIGEST_MATCH ? "match" : d == EVIDENCE_DIGEST_MISMATCH ? "mismatch"
	       : d == EVIDENCE_DIGEST_ABSENT ? "absent" : d == EVIDENCE_DIGEST_UNSUPPORTED
	       ? "unsupported" : "unchecked";
}

/* "Name <address>" of a party element, tolerant of the exact schema. */
static char *party(xmlNodePtr n)
{
	char *name, *addr, *s;

	if (!n)
		return NULL;
	name = xml_text(xml_find(n, "Name"));
	addr = xml_text(xml_find(n, "ElectronicAddress"));
	if (!addr)
		addr = xml_text(xml_find(n, "AttributedElectronicAddress"));
	if (name && addr && *name)
		s = xasprintf("%s <%s>", name, addr);
	else if (addr || name)
		s = xstrdup(addr ? addr : name);
	else
		s = xml_text(n);
	free(name);
	free(addr);
	return s;
}

static char *recipients(xmlNodePtr n)
{
	struct kbuf b = { 0 };
	char *s;

	if (!n)
		return NULL;
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		s = party(c);
		if (s && *s)
			kbuf_printf(&b, "%s%s", b.len ? ", " : "", s);
		free(s);
	}
	s = b.len ? xstrdup(kbuf_cstr(&b)) : party(n);
	kbuf_free(&b);
	return s;
}

/* Joins the text of the reasons, one per line, white space collapsed. */
static char *collapsed_text(xmlNodePtr n)
{
	char *t = xml_text(n), *w = t;
	int sp = 0;

	if (!t)
		return NULL;
	for (char *r = t; *r; r++) {
		int is_sp = *r == ' ' || *r == '\t' || *r == '\r' || *r == '\n';

		if (is_sp && sp)
			continue;
		*w++ = is_sp ? ' ' : *r;
		sp = is_sp;
	}
	*w = 0;
	return t;
}

static void take_fields(xmlNodePtr root, struct evidence *ev)
{
	xmlNodePtr smd = xml_child(root, "SenderMessageDetails");

	ev->type = xstrdup((const char *)root->name);
	ev->ns = root->ns && root->ns->href ? xstrdup((const char *)root->ns->href) : NULL;
	if (!ev->ns || !strstr(ev->ns, "02640"))
		log_warn("evidence: unexpected namespace '%s' (ETSI TS 102 640-2 assumed)",
			 ev->ns ? ev->ns : "(none)");
	ev->event_code = xml_child_text(root, "EventCode");
	ev->event_reasons = collapsed_text(xml_child(root, "EventReasons"));
	ev->evidence_id = xml_child_text(root, "EvidenceIdentifier");
	ev->issuer = party(xml_child(root, "EvidenceIssuerDetails"));
	ev->event_time = xml_child_text(root, "EventTime");
	ev->submission_time = xml_child_text(root, "SubmissionTime");
	ev->sender = party(xml_child(root, "SenderDetails"));
	ev->recipients = recipients(xml_child(root, "RecipientsDetails"));
	if (smd) {
		xmlNodePtr dm = xml_child(smd, "DigestMethod");
		xmlChar *alg = dm ? xmlGetProp(dm, BAD_CAST "Algorithm") : NULL;

		ev->subject = xml_child_text(smd, "MessageSubject");
		ev->ua_message_id = xml_child_text(smd, "UAMessageIdentifier");
		ev->remmd_message_id = xml_child_text(smd, "MessageIdentifierByREMMD");
		ev->digest_value = xml_child_text(smd, "DigestValue");
		ev->digest_method = alg ? xstrdup((const char *)alg) : NULL;
		xmlFree(alg);
	}
	ev->delil_code = delil_code_from_etsi(ev->type, ev->event_code);
}

void evidence_check_digest(struct evidence *ev, const void *original, size_t original_len)
{
	const EVP_MD *md = digest_for_uri(ev->digest_method);

	ev->digest = EVIDENCE_DIGEST_UNCHECKED;
#define DREASON(...) snprintf(ev->digest_reason, sizeof(ev->digest_reason), __VA_ARGS__)
	/* A delil that binds no message proves nothing of any: judged so
	 * before (and whether or not) there is an original. */
	if (!ev->digest_value || !ev->digest_method) {
		ev->digest = EVIDENCE_DIGEST_ABSENT;
		DREASON("the evidence carries no message digest: it proves nothing of the original");
		return;
	}
	if (!md) {
		ev->digest = EVIDENCE_DIGEST_UNSUPPORTED;
		DREASON("the evidence's message digest algorithm %.120s is not supported",
			ev->digest_method);
		return;
	}
	if (!original) {
		DREASON("no stored original to compare with");
		return;
	}
	if (digest_b64_matches(md, original, original_len, ev->digest_value) != 1) {
		ev->digest = EVIDENCE_DIGEST_MISMATCH;
		DREASON("the digest in the evidence does not match the stored original (%s)",
			EVP_MD_get0_name(md));
		return;
	}
	ev->digest = EVIDENCE_DIGEST_MATCH;
	DREASON("the stored original matches the evidence digest (%s)", EVP_MD_get0_name(md));
#undef DREASON
}

/* Without verify options: a plain chain from the signer to the anchors at o->at. */
static void judge_plain(const struct evidence_opts *o, const struct xmldsig_result *r,
			struct evidence *ev)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	STACK_OF(X509) *helpers = sk_X509_dup(r->certs);
	int ok = 0, e;

	for (int i = 0; helpers && o->intermediates && i < sk_X509_num(o->intermediates); i++)
		sk_X509_push(helpers, sk_X509_value(o->intermediates, i));
	if (ctx && o->anchors && X509_STORE_CTX_init(ctx, o->anchors, r->signer, helpers) == 1) {
		if (o->at)
			X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), o->at);
		ok = X509_verify_cert(ctx) == 1;
	}
	e = ctx ? X509_STORE_CTX_get_error(ctx) : X509_V_ERR_OUT_OF_MEM;
	if (ok) {
		ev->verdict = VERDICT_VALID;
		snprintf(ev->reason, sizeof(ev->reason), "XML signature verified, signer chains to "
			 "a configured anchor (revocation not checked)");
	} else if (e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID) {
		ev->verdict = VERDICT_EXPIRED;
		snprintf(ev->reason, sizeof(ev->reason), "XML signature intact but a certificate "
			 "is expired or not yet valid");
	} else {
		ev->verdict = VERDICT_UNTRUSTED;
		snprintf(ev->reason, sizeof(ev->reason), "XML signature intact but its certificate "
			 "is untrusted: %s", X509_verify_cert_error_string(e));
	}
	sk_X509_free(helpers);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
}

/* The verdict of an intact signature is its signer certificate's. */
static int judge_signer(const struct evidence_opts *o, const struct xmldsig_result *r,
			struct evidence *ev, struct kerr *err)
{
	struct verify_opts vo;
	struct sig_report rep;

	if (!o->verify) {
		judge_plain(o, r, ev);
		return 0;
	}
	/* ETSI REM does not say which extended key usage a KEPHS evidence
	 * signer carries: S/MIME's emailProtection is not required of it
	 * (a configured EKU still is). Key usage and the chain are checked. */
	vo = *o->verify;
	if (vo.signer_eku == NULL)
		vo.signer_eku = "";
	vo.role = SIGNER_KEPHS;  /* a delil is the provider's statement */
	memset(&rep, 0, sizeof(rep));
	if (cert_verify(&vo, r->signer, r->certs, o->at, &rep, err) < 0)
		return kerr_prefix(err, "evidence signer");
	ev->verdict = rep.verdict;
	snprintf(ev->reason, sizeof(ev->reason), "%s: %.400s",
		 rep.verdict == VERDICT_VALID ? "XML signature verified" : "XML signature intact, signer",
		 rep.reason);
	return 0;
}

/* The single XML document of a zipped evidence (the first *.xml entry). */
static int unzip_xml(const void *data, size_t len, struct kbuf *xml, struct kerr *err)
{
	const struct zip_limits lim = { .max_entries = 16, .max_entry = EVIDENCE_MAX_LEN,
					.max_total = EVIDENCE_MAX_LEN, .max_ratio = 200 };
	struct zip_archive za;
	int rc = -1;

	if (zip_safe_read(data, len, &lim, &za, err) < 0)
		return kerr_prefix(err, "zipped evidence");
	for (size_t i = 0; i < za.n; i++) {
		size_t nl = strlen(za.e[i].name);

		if (nl >= 4 && strcasecmp(za.e[i].name + nl - 4, ".xml") == 0) {
			kbuf_append(xml, za.e[i].data, za.e[i].len);
			rc = 0;
			break;
		}
	}
	zip_archive_free(&za);
	if (rc < 0)
		kerr_set(err, KERR_MALFORMED, "zipped evidence holds no .xml file");
	return rc;
}

int evidence_verify(const void *data, size_t len, const struct evidence_opts *o,
		    struct evidence *ev, struct kerr *err)
{
	struct kbuf unz = { 0 };
	struct kerr perr = { 0 };
	struct xmldsig_result r;
	xmlDocPtr doc;

	memset(ev, 0, sizeof(*ev));
	ev->provider_code = o->provider_code;
	ev->verdict = VERDICT_MALFORMED;
	if (zip_looks_like(data, len)) {
		if (unzip_xml(data, len, &unz, &perr) < 0)
			goto malformed;
		data = unz.data;
		len = unz.len;
	}
	if (!(doc = xml_safe_parse(data, len, "evidence", &perr)))
		goto malformed;
	take_fields(xmlDocGetRootElement(doc), ev);
	evidence_check_digest(ev, o->original, o->original_len);
	if (xmldsig_verify_enveloped(doc, &r, err) < 0) {
		xmlFreeDoc(doc);
		kbuf_free(&unz);
		evidence_free(ev);
		return -1;
	}
	xmlFreeDoc(doc);
	kbuf_free(&unz);
	ev->verdict = r.verdict;
	snprintf(ev->reason, sizeof(ev->reason), "%s", r.reason);
	if (r.verdict == VERDICT_VALID && judge_signer(o, &r, ev, err) < 0) {
		xmldsig_result_free(&r);
		evidence_free(ev);
		return -1;
	}
	if (r.signer != NULL && X509_up_ref(r.signer) == 1)
		ev->signer_cert = r.signer;
	xmldsig_result_free(&r);
	memcpy(ev->signer_subject, r.subject, sizeof(r.subject));
	memcpy(ev->signer_serial, r.serial, sizeof(r.serial));
	memcpy(ev->signer_issuer, r.issuer, sizeof(r.issuer));
	return 0;

malformed:
	kbuf_free(&unz);
	snprintf(ev->reason, sizeof(ev->reason), "%.500s", perr.msg);
	ev->digest = EVIDENCE_DIGEST_UNCHECKED;
	return 0;
}

void evidence_free(struct evidence *ev)
{
	if (!ev)
		return;
	char **f[] = { &ev->type, &ev->ns, &ev->event_code, &ev->event_reasons, &ev->evidence_id,
		       &ev->issuer, &ev->event_time, &ev->submission_time, &ev->sender,
		       &ev->recipients, &ev->subject, &ev->ua_message_id, &ev->remmd_message_id,
		       &ev->digest_method, &ev->digest_value };

	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		free(*f[i]);
		*f[i] = NULL;
	}
	X509_free(ev->signer_cert);
	ev->signer_cert = NULL;
}
