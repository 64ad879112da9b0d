/* eyp_verify.c: see eyp_verify.h. */
#include <stdio.h>
#include <string.h>

#include <openssl/pem.h>  /* before cms.h, which declares its PEM readers only then */
#include <openssl/cms.h>
#include <openssl/err.h>

#include "cms_der.h"
#include "eyp_verify.h"

/* 1 when the CMS in sig carries no content (detached), 0 when it embeds it,
 * -1 when it does not parse (the verifier then reports it malformed). */
static int cms_is_detached_bytes(const void *sig, size_t len)
{
	CMS_ContentInfo *cms = len <= 0x7fffffff ? cms_der_decode(sig, len) : NULL;
	int rc = -1;

	if (cms == NULL && len <= 0x7fffffff) {
		BIO *b = BIO_new_mem_buf(sig, (int)len);

		cms = b ? PEM_read_bio_CMS(b, NULL, NULL, NULL) : NULL;
		BIO_free(b);
	}
	if (cms != NULL)
		rc = CMS_is_detached(cms) ? 1 : 0;
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

/* An attached signature proves only its embedded bytes: they must be the
 * part's, else every signer is judged invalid (a genuine signature over some
 * other PaketOzeti says nothing about this package). */
static void bind_content(struct cms_result *res, const char *sig_name,
			 const struct zip_entry *content, const char *content_name)
{
	char why[sizeof(res->reason)];

	if (res->verdict == VERDICT_MALFORMED)
		return;
	if (content == NULL)
		snprintf(why, sizeof(why), "/%s embeds signed content but the package has no /%s",
			 sig_name, content_name);
	else if (res->content == NULL)
		snprintf(why, sizeof(why), "/%s embeds no content", sig_name);
	else if (res->content_len != content->len ||
		 memcmp(res->content, content->data, content->len) != 0)
		snprintf(why, sizeof(why), "the content signed in /%s (%zu bytes) is not /%s "
			 "(%zu bytes): the signature is over another document", sig_name,
			 res->content_len, content_name, content->len);
	else
		return;
	res->verdict = VERDICT_INVALID;
	snprintf(res->reason, sizeof(res->reason), "%s", why);
	for (size_t i = 0; i < res->nsigners; i++) {
		res->signers[i].verdict = VERDICT_INVALID;
		snprintf(res->signers[i].reason, sizeof(res->signers[i].reason), "%s", why);
	}
}

static int verify_part(const struct eyp *e, const struct verify_opts *o, const char *sig_name,
		       const char *content_name, struct cms_result *res, struct kerr *err)
{
	const struct zip_entry *sig = eyp_part(e, sig_name), *content = eyp_part(e, content_name);
	int rc;

	memset(res, 0, sizeof(*res));
	if (!sig) {
		res->verdict = VERDICT_UNSIGNED;
		snprintf(res->reason, sizeof(res->reason), "no /%s in the package", sig_name);
		return 0;
	}
	if (content != NULL && cms_is_detached_bytes(sig->data, sig->len) != 0) {
		rc = cms_verify_detached(o, sig->data, sig->len, content->data, content->len,
					 res, err);
	} else {
		rc = cms_verify_attached(o, sig->data, sig->len, res, err);
		if (rc == 0)
			bind_content(res, sig_name, content, content_name);
	}
	return rc < 0 ? kerr_prefix(err, "/%s", sig_name) : 0;
}

int eyp_verify_signature(const struct eyp *e, const struct verify_opts *o,
			 struct cms_result *res, struct kerr *err)
{
	return verify_part(e, o, "Imzalar/ImzaCades.imz", "PaketOzeti/PaketOzeti.xml", res, err);
}

int eyp_verify_seal(const struct eyp *e, const struct verify_opts *o, struct cms_result *res,
		    struct kerr *err)
{
	/* 1.x kept the seal under /Muhurler/ */
	const char *seal = e->major == 1 && !eyp_part(e, "Muhur/MuhurCades.imz") &&
			   eyp_part(e, "Muhurler/MuhurCades.imz")
			   ? "Muhurler/MuhurCades.imz" : "Muhur/MuhurCades.imz";

	return verify_part(e, o, seal, "NihaiOzet/NihaiOzet.xml", res, err);
}
