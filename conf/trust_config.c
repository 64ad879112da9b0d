/* trust_config.c: see trust_config.h. */
#include "trust_config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>

#include "signer_role.h"
#include "util.h"

#define CRL_FILE_MAX (64u << 20)

/* The CRLs in one file's bytes (PEM blocks, or one DER CRL); *certs counts
 * the certificates beside them. */
static void crls_of(const struct kbuf *b, STACK_OF(X509_CRL) *out, int *certs)
{
	BIO *bio = BIO_new_mem_buf(b->data, (int)b->len);
	STACK_OF(X509_INFO) *infos = bio ? PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL) : NULL;
	int i;

	*certs = 0;
	for (i = 0; infos != NULL && i < sk_X509_INFO_num(infos); i++) {
		X509_INFO *xi = sk_X509_INFO_value(infos, i);

		*certs += xi->x509 != NULL;
		if (xi->crl != NULL && X509_CRL_up_ref(xi->crl))
			sk_X509_CRL_push(out, xi->crl);
	}
	if (sk_X509_INFO_num(infos) <= 0 && b->len > 0 && b->data[0] == 0x30) {
		const unsigned char *p = b->data;
		X509_CRL *c = d2i_X509_CRL(NULL, &p, (long)b->len);

		if (c != NULL)
			sk_X509_CRL_push(out, c);
		else
			*certs = 1;  /* a DER certificate, for trust_load */
	}
	sk_X509_INFO_pop_free(infos, X509_INFO_free);
	BIO_free(bio);
	ERR_clear_error();
}

/* CRLs among the trust files: PEM CRL blocks in a listed file (a listed file
 * may hold nothing else), and *.crl files (PEM or DER) in a listed
 * directory. 1 when path is a file with CRLs and no certificate (trust_load
 * would refuse it: there is nothing for it there). */
static int crls_from(const char *path, STACK_OF(X509_CRL) *out, struct kerr *err)
{
	struct kbuf b = { 0 };
	struct stat st;
	int certs = 0, before = sk_X509_CRL_num(out);

	if (stat(path, &st) < 0)
		return 0;   /* trust_load names the problem */
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;

		while (d != NULL && (de = readdir(d)) != NULL) {
			size_t l = strlen(de->d_name);
			char *p;

			if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".crl") != 0)
				continue;
			p = xasprintf("%s/%s", path, de->d_name);
			if (read_file(p, CRL_FILE_MAX, &b, err) < 0) {
				free(p);
				closedir(d);
				return -1;
			}
			crls_of(&b, out, &certs);
			if (sk_X509_CRL_num(out) == before) {
				kerr_set(err, KERR_CONFIG, "%s: no CRL in a *.crl file", p);
				free(p);
				kbuf_free(&b);
				closedir(d);
				return -1;
			}
			before = sk_X509_CRL_num(out);
			free(p);
			kbuf_free(&b);
		}
		if (d != NULL)
			closedir(d);
		return 0;
	}
	if (read_file(path, CRL_FILE_MAX, &b, err) < 0)
		return -1;
	crls_of(&b, out, &certs);
	kbuf_free(&b);
	return sk_X509_CRL_num(out) > before && certs == 0;
}

struct trust_files {
	struct trust_store *ts;
	STACK_OF(X509_CRL) *crls;
};

struct trust_files *trust_files_new(struct trust_store *ts)
{
	struct trust_files *tf = xcalloc(1, sizeof(*tf));

	tf->ts = ts;
	tf->crls = sk_X509_CRL_new_null();
	if (tf->crls == NULL)
		abort();
	return tf;
}

int trust_files_add(struct trust_files *tf, enum trust_kind k, const char *path,
		    struct kerr *err)
{
	int only_crls = crls_from(path, tf->crls, err);

	if (only_crls < 0)
		return -1;
	return only_crls ? 0 : trust_load(tf->ts, k, path, err);
}

int trust_files_add_crl(struct trust_files *tf, const char *path, struct kerr *err)
{
	struct kbuf b = { 0 };
	int certs = 0, before = sk_X509_CRL_num(tf->crls);

	if (read_file(path, CRL_FILE_MAX, &b, err) < 0)
		return -1;
	crls_of(&b, tf->crls, &certs);
	kbuf_free(&b);
	if (sk_X509_CRL_num(tf->crls) == before)
		return kerr_set(err, KERR_CONFIG, "%s: no CRL in it (PEM or DER expected)", path);
	return 0;
}

/* The CRLs go into the anchors' stores, where revocation_check (handed the
 * store a chain was built against) finds them for offline use. Added last,
 * so that a CRL listed before the time-stamp anchors reaches their store. */
int trust_files_done(struct trust_files **tfp, struct kerr *err)
{
	struct trust_files *tf = *tfp;
	X509_STORE *a, *t;
	int i, rc = 0;

	if (tf == NULL)
		return 0;
	a = trust_x509_store(tf->ts, TRUST_ANCHOR);
	t = trust_x509_store(tf->ts, TRUST_TSA_ANCHOR);
	for (i = 0; i < sk_X509_CRL_num(tf->crls) && rc == 0; i++) {
		X509_CRL *c = sk_X509_CRL_value(tf->crls, i);

		if (!X509_STORE_add_crl(a, c) || (t != a && !X509_STORE_add_crl(t, c))) {
			ERR_clear_error();
			rc = kerr_set(err, KERR_CONFIG, "cannot add a CRL to the trust store");
		}
	}
	trust_files_free(tfp);
	return rc;
}

void trust_files_free(struct trust_files **tfp)
{
	if (*tfp == NULL)
		return;
	sk_X509_CRL_pop_free((*tfp)->crls, X509_CRL_free);
	free(*tfp);
	*tfp = NULL;
}

/* Each path's certificates as kind, its CRLs kept for trust_files_done. */
static int load_list(struct trust_files *tf, enum trust_kind k, char **paths, size_t n,
		     struct kerr *err)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (trust_files_add(tf, k, paths[i], err) < 0)
			return -1;
	return 0;
}

/* trust.kephs: each provider's signing certificates and subject rules. */
static int load_kephs(const struct config *cfg, struct trust_store *ts, struct kerr *err)
{
	size_t i, j;

	for (i = 0; i < cfg->n_trust_kephs; i++) {
		const struct kephs_config *k = &cfg->trust_kephs[i];
		const char *prov = k->provider;

		for (j = 0; j < k->n_certificates; j++)
			if (trust_load_kephs(ts, prov, k->certificates[j], err) < 0)
				return -1;
		if (k->subject != NULL &&
		    kephs_signers_add_rule(trust_kephs(ts), prov, k->subject, k->issuer, err) < 0)
			return kerr_prefix(err, "kephs");
	}
	return 0;
}

int trust_load_config(const struct config *cfg, struct trust_store *ts, struct kerr *err)
{
	struct trust_files *tf = trust_files_new(ts);

	if (load_kephs(cfg, ts, err) < 0 ||
	    load_list(tf, TRUST_ANCHOR, cfg->trust_anchors, cfg->n_trust_anchors, err) < 0 ||
	    load_list(tf, TRUST_ANCHOR, cfg->trust_kamusm_stores, cfg->n_trust_kamusm_stores,
		      err) < 0 ||
	    load_list(tf, TRUST_INTERMEDIATE, cfg->trust_intermediates,
		      cfg->n_trust_intermediates, err) < 0 ||
	    load_list(tf, TRUST_TSA_ANCHOR, cfg->trust_tsa_anchors, cfg->n_trust_tsa_anchors,
		      err) < 0 ||
	    trust_files_done(&tf, err) < 0) {
		trust_files_free(&tf);
		if (err != NULL)
			err->cls = KERR_CONFIG;
		return kerr_prefix(err, "trust");
	}
	return 0;
}
