/* tstamp.h: the RFC 3161 signature time stamp of a CMS SignerInfo.
 *
 * The token sits in the unsigned attribute id-aa-signatureTimeStampToken
 * (1.2.840.113549.1.9.16.2.14); its message imprint is a hash over the
 * SignerInfo's signature value. The token is itself a CMS SignedData; its
 * signer must chain to the TSA anchors and carry a critical timeStamping
 * EKU. Verdicts: valid; invalid (imprint mismatch, bad token signature);
 * untrusted (wrong TSA, bad EKU); expired; malformed (does not parse). */
#ifndef KEP_TSTAMP_H
#define KEP_TSTAMP_H

#include <openssl/cms.h>

#include "cms_verify.h"

/* Fills r for si's time stamp (r->present = 0 when there is none). */
void tstamp_verify(const struct verify_opts *o, CMS_SignerInfo *si, struct ts_report *r);

#endif
