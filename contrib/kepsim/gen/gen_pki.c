/* gen_pki.c: loads the signers mkpki.sh made (one, or the whole set of a struct gen). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "gen.h"

static char *first_email(X509 *x)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char *out = NULL;
	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens) && !out; i++) {
		GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		if (g->type == GEN_EMAIL)
			out = xstrndup((const char *)ASN1_STRING_get0_data(g->d.rfc822Name),
				       (size_t)ASN1_STRING_length(g->d.rfc822Name));
	}
	GENERAL_NAMES_free(gens);
	return out;
}

int signer_load(struct signer *s, const char *pkidir, const char *hier,
		const char *name, struct kerr *err)
{
	memset(s, 0, sizeof(*s));
	char *cp = xasprintf("%s/%s/%s.pem", pkidir, hier, name);
	char *kp = xasprintf("%s/%s/%s.key", pkidir, hier, name);
	char *chp = xasprintf("%s/%s/chain.pem", pkidir, hier);
	int rc = -1;
	FILE *f = fopen(cp, "r");
	if (!f || !(s->cert = PEM_read_X509(f, NULL, NULL, NULL))) {
		kerr_set(err, KERR_CONFIG, "cannot read certificate %s", cp);
		goto out;
	}
	fclose(f);
	f = fopen(kp, "r");
	if (!f || !(s->key = PEM_read_PrivateKey(f, NULL, NULL, NULL))) {
		kerr_set(err, KERR_CONFIG, "cannot read key %s", kp);
		goto out;
	}
	fclose(f);
	s->chain = sk_X509_new_null();
	f = fopen(chp, "r");
	if (!f) {
		kerr_set(err, KERR_CONFIG, "cannot read %s", chp);
		goto out;
	}
	X509 *c;
	while ((c = PEM_read_X509(f, NULL, NULL, NULL)))
		sk_X509_push(s->chain, c);
	ERR_clear_error(); /* the end of the file reads as an error */
	s->email = first_email(s->cert);
	rc = 0;
out:
	if (f)
		fclose(f);
	free(cp);
	free(kp);
	free(chp);
	if (rc < 0)
		signer_free(s);
	return rc;
}

void signer_free(struct signer *s)
{
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
	sk_X509_pop_free(s->chain, X509_free);
	free(s->email);
	memset(s, 0, sizeof(*s));
}

int gen_hier_index(const char *hier)
{
	return strcmp(hier, "ec") == 0 ? 1 : 0;
}

int gen_load_pki(struct gen *g, struct kerr *err)
{
	static const char *const hiers[2] = {"rsa", "ec"};
	for (int h = 0; h < 2; h++) {
		if (signer_load(&g->kephs[h], g->pkidir, hiers[h], "kephs", err) < 0 ||
		    signer_load(&g->eimza[h], g->pkidir, hiers[h], "eimza", err) < 0 ||
		    signer_load(&g->mali[h], g->pkidir, hiers[h], "mali", err) < 0 ||
		    signer_load(&g->tsa[h], g->pkidir, hiers[h], "tsa", err) < 0 ||
		    signer_load(&g->revoked[h], g->pkidir, hiers[h], "revoked", err) < 0 ||
		    signer_load(&g->expired[h], g->pkidir, hiers[h], "expired", err) < 0)
			return -1;
	}
	if (signer_load(&g->untrusted, g->pkidir, "untrusted", "sender", err) < 0 ||
	    signer_load(&g->wrongtsa, g->pkidir, "wrongtsa", "tsa", err) < 0)
		return -1;
	return 0;
}

void gen_free(struct gen *g)
{
	for (int h = 0; h < 2; h++) {
		signer_free(&g->kephs[h]);
		signer_free(&g->eimza[h]);
		signer_free(&g->mali[h]);
		signer_free(&g->tsa[h]);
		signer_free(&g->revoked[h]);
		signer_free(&g->expired[h]);
	}
	signer_free(&g->untrusted);
	signer_free(&g->wrongtsa);
	free(g->mailbox);
	free(g->pkidir);
}
