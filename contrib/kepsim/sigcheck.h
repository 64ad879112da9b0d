/* sigcheck.h: what kepsim demands of the signature on what an account sends
 * (Yukle's S/MIME package, SmimeGonder's imza).
 *
 * A CMS SignedData with exactly one signer whose certificate is the
 * account's eimza_cert or muhur_cert (account.json); the signature verifies
 * (S/MIME: OpenSSL's reader gives CRLF lines; the caller refuses bare LFs,
 * so that is the exact bytes; a bare CMS: CMS_BINARY); the digest is
 * SHA-256, SHA-384 or SHA-512 (SHA-1 refused, as PTT does); ESS
 * signing-certificate-v2 is a signed attribute and names that certificate
 * (CAdES-BES). Chains and revocation are the recipient's business, not
 * checked here. Each function returns NULL when the signature is acceptable,
 * else the Turkish hataaciklama (a static string). Thread-safe. */
#ifndef KEPSIM_SIGCHECK_H
#define KEPSIM_SIGCHECK_H

#include "mailbox.h"
#include "util.h"

/* msg: a whole S/MIME message (multipart/signed, or application/pkcs7-mime
 * signed-data). */
const char *sigcheck_smime(const char *mailbox, const struct account *a, const struct kbuf *msg);
/* der: a DER SignedData over content (detached, or encapsulating exactly
 * content); md_nid: the digest it must use (NID_sha256, ...). *detached says
 * which form it was. */
const char *sigcheck_cms(const char *mailbox, const struct account *a, const struct kbuf *der,
			 const struct kbuf *content, int md_nid, int *detached);

#define SIGCHECK_SHA1 "SHA-1 özet algoritması kabul edilmiyor; SHA-256 ya da SHA-512 kullanınız"

#endif
