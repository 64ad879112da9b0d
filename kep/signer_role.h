/* signer_role.h: who may sign what (kep-domain.md section 4, "Who may sign").
 *
 * A chain to a trust anchor says only that *someone* signed: the Kamu SM
 * roots also issue every citizen's e-imza and every institution's mali
 * mühür. A KEPHS envelope or a delil is genuine only when its signer is a
 * KEPHS signing certificate configured for the provider: one of the
 * certificates given (exact match), or a certificate whose subject (and,
 * when given, issuer) holds every attribute of a rule such as "O=PTT A.Ş.".
 * The sender's original may be signed by any certificate under the anchors.
 * (A time-stamp token's signer needs the critical timeStamping EKU: tstamp.c
 * checks that with OpenSSL's timestamp purpose.)
 *
 * The rule set lives in the trust store (trust_kephs()); load it fully, then
 * share it read-only: matching is thread-safe, loading is not. */
#ifndef KEP_SIGNER_ROLE_H
#define KEP_SIGNER_ROLE_H

#include <stddef.h>

#include <openssl/x509.h>

#include "err.h"
#include "verdict.h"

enum signer_role {
	SIGNER_SENDER = 0, /* the original, .eyp signature and seal: any signer under the anchors */
	SIGNER_KEPHS,      /* the envelope and delils: a configured KEPHS signing certificate */
};

struct kephs_signers;

struct kephs_signers *kephs_signers_new(void);
void kephs_signers_free(struct kephs_signers **ks);
/* Adds a certificate (up-referenced) that may sign for provider ("ptt";
 * NULL: for any provider, as `kepagent verify --kephs` gives them). */
int kephs_signers_add_cert(struct kephs_signers *ks, const char *provider, X509 *cert,
			   struct kerr *err);
/* Adds a rule: subject (required) and issuer (NULL: any) are lists of
 * "ATTR=value" separated by commas (O, OU, CN, C, serialNumber,
 * organizationIdentifier, ... as OpenSSL names them); every attribute must
 * be present with exactly that value. KERR_CONFIG on a bad rule. */
int kephs_signers_add_rule(struct kephs_signers *ks, const char *provider, const char *subject,
			   const char *issuer, struct kerr *err);
/* Certificates plus rules for provider (NULL: all providers). */
size_t kephs_signers_count(const struct kephs_signers *ks, const char *provider);
/* 1 when leaf may sign envelopes and delils for provider (NULL: any
 * configured provider), else 0. */
int kephs_signers_match(const struct kephs_signers *ks, const char *provider, X509 *leaf);

/* The role check after the chain: when role is SIGNER_KEPHS and leaf is not
 * a KEPHS signer for provider, *v becomes at least untrusted and reason
 * says "signed by <subject>, not by a KEPHS signing certificate ...". */
void signer_role_apply(const struct kephs_signers *ks, enum signer_role role,
		       const char *provider, X509 *leaf, enum verdict *v, char *reason,
		       size_t reason_len);

#endif
