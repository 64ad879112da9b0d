/* eyp_verify.c: see eyp_verify.h. */
#include <stdio.h>
#include <string.h>

#include "eyp_verify.h"

static int verify_part(const struct eyp *e, const struct verify_opts *o, const char *sig_name,
		       const char *content_name, struct cms_result *res, struct kerr *err)
{
	const struct zip_entry *sig = eyp_part(e, sig_name), *content = eyp_part(e, content_name);

	memset(res, 0, sizeof(*res));
	if (!sig) {
		res->verdict = VERDICT_UNSIGNED;
		snprintf(res->reason, sizeof(res->reason), "no /%s in the package", sig_name);
		return 0;
	}
	if (!content) {
		/* nothing to be detached over: only an attached signature can hold */
		return cms_verify_attached(o, sig->data, sig->len, res, err);
	}
	if (cms_verify_detached(o, sig->data, sig->len, content->data, content->len, res, err) < 0)
		return kerr_prefix(err, "/%s", sig_name);
	return 0;
}

int eyp_verify_signature(const struct eyp *e, const struct verify_opts *o,
			 struct cms_result *res, struct kerr *err)
{
	return verify_part(e, o, "Imzalar/ImzaCades.imz", "PaketOzeti/PaketOzeti.xml", res, err);
}

int eyp_verify_seal(const struct eyp *e, const struct verify_opts *o, struct cms_result *res,
		    struct kerr *err)
{
	return verify_part(e, o, "Muhur/MuhurCades.imz", "NihaiOzet/NihaiOzet.xml", res, err);
}
