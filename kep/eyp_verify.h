/* eyp_verify.h: the .eyp CAdES signature and seal, handed to the CMS
 * verifier (cms_verify.h): /Imzalar/ImzaCades.imz over
 * /PaketOzeti/PaketOzeti.xml and /Muhur/MuhurCades.imz (1.x:
 * /Muhurler/MuhurCades.imz) over /NihaiOzet/NihaiOzet.xml. Both forms are
 * accepted: attached (the CMS embeds the content, the normal form in 2.x;
 * the embedded bytes must equal the part byte for byte, else every signer
 * is invalid) and detached (verified over the part). A missing .imz gives
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
