/* eyp_verify.h: the .eyp CAdES signature and seal, handed to the CMS
 * verifier (cms_verify.h): /Imzalar/ImzaCades.imz is a detached signature
 * over /PaketOzeti/PaketOzeti.xml (an attached one is accepted too), and
 * /Muhur/MuhurCades.imz over /NihaiOzet/NihaiOzet.xml. A missing .imz gives
 * a result with verdict "unsigned" and no signers. Results are owned by the
 * caller (cms_result_free). Returns 0, or -1 when verification could not be
 * carried out. Thread-safe as cms_verify is. */
#ifndef KEP_EYP_VERIFY_H
#define KEP_EYP_VERIFY_H

#include "cms_verify.h"
#include "eyp.h"

int eyp_verify_signature(const struct eyp *e, const struct verify_opts *o,
			 struct cms_result *res, struct kerr *err);
int eyp_verify_seal(const struct eyp *e, const struct verify_opts *o, struct cms_result *res,
		    struct kerr *err);

#endif
