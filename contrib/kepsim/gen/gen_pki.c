/* gen_pki.c: loads the signers mkpki.sh made. */
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
