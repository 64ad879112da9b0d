/* p11_sign.c: see p11_sign.h. */
#include "p11_sign.h"

#include <ctype.h>
#include <string.h>

#include <libp11.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "log.h"
#include "pin.h"

struct p11 {
	PKCS11_CTX *ctx;
	PKCS11_SLOT *slots;
	unsigned int nslots;
	PKCS11_SLOT *slot;
};

static void p11_done(struct p11 *p)
{
	if (p->slots != NULL)
		PKCS11_release_all_slots(p->ctx, p->slots, p->nslots);
	if (p->ctx != NULL) {
		PKCS11_CTX_unload(p->ctx);
		PKCS11_CTX_free(p->ctx);
	}
	memset(p, 0, sizeof(*p));
}

static int p11_open(struct p11 *p, const struct p11_opts *o, struct kerr *err)
{
	unsigned int i;

	if (o->module == NULL)
		return kerr_set(err, KERR_CONFIG, "no PKCS#11 module configured");
	p->ctx = PKCS11_CTX_new();
	if (p->ctx == NULL)
		return kerr_set(err, KERR_INTERNAL, "PKCS11_CTX_new failed");
	if (PKCS11_CTX_load(p->ctx, o->module) < 0) {
		PKCS11_CTX_free(p->ctx);
		p->ctx = NULL;
		ERR_clear_error();
		return kerr_set(err, KERR_CONFIG, "cannot load the PKCS#11 module %s", o->module);
	}
	if (PKCS11_enumerate_slots(p->ctx, &p->slots, &p->nslots) < 0) {
		p->slots = NULL;
		ERR_clear_error();
		return kerr_set(err, KERR_AUTH, "cannot list the PKCS#11 slots of %s", o->module);
	}
	for (i = 0; i < p->nslots; i++) {
		PKCS11_TOKEN *t = p->slots[i].token;

		if (t == NULL || !t->initialized)
			continue;
		if (o->token_label == NULL || strcmp(t->label, o->token_label) == 0) {
			p->slot = &p->slots[i];
			return 0;
		}
	}
	if (o->token_label != NULL)
		return kerr_set(err, KERR_AUTH, "token '%s' not found: is the card inserted?",
				o->token_label);
	return kerr_set(err, KERR_AUTH, "no initialised token found: is the card inserted?");
}

/* What the token says about the user PIN, for the error message. */
static const char *pin_state(const PKCS11_TOKEN *t)
{
	if (t->userPinLocked)
		return "the PIN is now locked";
	if (t->userPinFinalTry)
		return "one try left before the PIN locks";
	if (t->userPinCountLow)
		return "few tries left before the PIN locks";
	return "the token does not say how many tries are left";
}

static int p11_login(struct p11 *p, const struct p11_opts *o, struct kerr *err)
{
	const char *state = "the token does not say how many tries are left";
	char *pin = NULL;
	char prompt[160], label[64];
	unsigned int i;
	int rc;

	if (p->slot->token->userPinLocked)
		return kerr_set(err, KERR_AUTH, "the PIN of token '%s' is locked",
				p->slot->token->label);
	snprintf(prompt, sizeof(prompt), "PIN for token '%s': ", p->slot->token->label);
	if (pin_read(o->pin_file, prompt, &pin, err) < 0)
		return kerr_prefix(err, "PIN");
	rc = PKCS11_login(p->slot, 0, pin);
	secret_free(&pin);
	if (rc == 0)
		return 0;
	ERR_clear_error();
	/* The flags change with a failed login: read the token info again (by
	 * listing the slots anew). Never retry the PIN. */
	snprintf(label, sizeof(label), "%s", p->slot->token->label);
	PKCS11_release_all_slots(p->ctx, p->slots, p->nslots);
	p->slots = NULL;
	p->slot = NULL;
	if (PKCS11_enumerate_slots(p->ctx, &p->slots, &p->nslots) < 0) {
		p->slots = NULL;
		ERR_clear_error();
	}
	for (i = 0; p->slots != NULL && i < p->nslots; i++)
		if (p->slots[i].token && strcmp(p->slots[i].token->label, label) == 0)
			state = pin_state(p->slots[i].token);
	return kerr_set(err, KERR_AUTH, "token '%s' rejected the PIN (%s); not retried",
			label, state);
}

static int hex_to_bin(const char *hex, unsigned char *out, size_t cap, size_t *len)
{
	size_t n = 0;

	while (hex[0] && hex[1]) {
		unsigned int v;

		if (!isxdigit((unsigned char)hex[0]) || !isxdigit((unsigned char)hex[1]) ||
		    n >= cap || sscanf(hex, "%2x", &v) != 1)
			return -1;
		out[n++] = (unsigned char)v;
		hex += 2;
	}
	*len = n;
	return hex[0] ? -1 : 0;
}

static PKCS11_KEY *find_key(struct p11 *p, const struct p11_opts *o, struct kerr *err)
{
	unsigned char id[128];
	size_t idlen = 0;
	PKCS11_KEY *keys;
	unsigned int n, i;

	if (o->key_id_hex && hex_to_bin(o->key_id_hex, id, sizeof(id), &idlen) < 0) {
		kerr_set(err, KERR_CONFIG, "key id '%s' is not hex", o->key_id_hex);
		return NULL;
	}
	if (PKCS11_enumerate_keys(p->slot->token, &keys, &n) < 0) {
		ERR_clear_error();
		kerr_set(err, KERR_AUTH, "cannot list the keys on token '%s'",
			 p->slot->token->label);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (o->key_label && (keys[i].label == NULL || strcmp(keys[i].label, o->key_label)))
			continue;
		if (o->key_id_hex && (keys[i].id_len != idlen || memcmp(keys[i].id, id, idlen)))
			continue;
		if (o->key_label == NULL && o->key_id_hex == NULL && n > 1) {
			kerr_set(err, KERR_CONFIG,
				 "token '%s' holds %u keys: configure the key label or id",
				 p->slot->token->label, n);
			return NULL;
		}
		return &keys[i];
	}
	kerr_set(err, KERR_CONFIG, "no matching private key on token '%s'",
		 p->slot->token->label);
	return NULL;
}

/* A configured "key label or hex id": the label first; when no key has that
 * label and the value is hex of even length, the key with that CKA_ID. */
static PKCS11_KEY *find_key_label_or_id(struct p11 *p, const struct p11_opts *o,
					struct kerr *err)
{
	struct p11_opts by_id = *o;
	PKCS11_KEY *k;
	unsigned char id[128];
	size_t idlen;

	k = find_key(p, o, err);
	if (k != NULL || o->key_label == NULL || o->key_id_hex != NULL ||
	    hex_to_bin(o->key_label, id, sizeof(id), &idlen) < 0 || idlen == 0)
		return k;
	by_id.key_label = NULL;
	by_id.key_id_hex = o->key_label;
	k = find_key(p, &by_id, err);
	if (k == NULL)
		kerr_set(err, KERR_CONFIG, "no private key labelled or with id '%s' on token '%s'",
			 o->key_label, p->slot->token->label);
	return k;
}

/* Adds ESS signing-certificate-v2 (RFC 5035), which CAdES-BES requires. */
static int add_signing_cert_v2(CMS_SignerInfo *si, X509 *cert)
{
	ESS_SIGNING_CERT_V2 *sc;
	unsigned char *der = NULL;
	int len, rc = -1;

	sc = OSSL_ESS_signing_cert_v2_new_init(EVP_sha256(), cert, NULL, 1);
	if (sc == NULL)
		return -1;
	len = i2d_ESS_SIGNING_CERT_V2(sc, &der);
	if (len > 0 && CMS_signed_add1_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2,
						   V_ASN1_SEQUENCE, der, len) == 1)
		rc = 0;
	OPENSSL_free(der);
	ESS_SIGNING_CERT_V2_free(sc);
	return rc;
}

/* Appends cms in DER to out: 0, or -1 (the OpenSSL error queue says why). */
static int append_der(CMS_ContentInfo *cms, struct kbuf *out)
{
	unsigned char *der = NULL;
	int dlen = i2d_CMS_ContentInfo(cms, &der);

	if (dlen <= 0)
		return -1;
	kbuf_append(out, der, (size_t)dlen);
	OPENSSL_free(der);
	return 0;
}

/* Adds the chain: recipients verify the signer up to their anchors, and
 * a token usually holds the intermediate beside the leaf. */
static int add_chain(CMS_ContentInfo *cms, STACK_OF(X509) *chain)
{
	int i;

	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		if (CMS_add1_cert(cms, sk_X509_value(chain, i)) != 1)
			return -1;
	return 0;
}

static int cms_sign(X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *pkey, const void *data,
		    size_t len, int detached, struct kbuf *out, struct kerr *err)
{
	const unsigned int flags = CMS_BINARY | CMS_NOSMIMECAP | (detached ? CMS_DETACHED : 0);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	BIO *in = NULL;
	int rc = -1;

	cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL);
	if (cms == NULL)
		goto out;
	si = CMS_add1_signer(cms, cert, pkey, EVP_sha256(), flags);
	if (si == NULL || add_signing_cert_v2(si, cert) < 0 || add_chain(cms, chain) < 0)
		goto out;
	in = BIO_new_mem_buf(data, (int)len);
	/* CMS_final computes the digest and asks the token to sign. */
	if (in == NULL || CMS_final(cms, in, NULL, flags) != 1)
		goto out;
	rc = append_der(cms, out);
out:
	if (rc < 0) {
		kerr_set(err, KERR_AUTH, "signing with the token failed");
		kerr_add_openssl(err);
	}
	BIO_free(in);
	CMS_ContentInfo_free(cms);
	return rc;
}

/* A detached SignedData whose messageDigest is digest (SHA-256): what a card
 * makes when it signs a hash it was given, without the content. */
static int cms_sign_digest(X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *pkey,
			   const unsigned char *digest, size_t len, struct kbuf *out,
			   struct kerr *err)
{
	const unsigned int flags = CMS_BINARY | CMS_NOSMIMECAP | CMS_DETACHED | CMS_PARTIAL;
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si;
	int rc = -1;

	cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	if (cms == NULL)
		goto out;
	si = CMS_add1_signer(cms, cert, pkey, EVP_sha256(), flags);
	/* Without the content OpenSSL adds neither contentType nor
	 * messageDigest: both are set here, as the content would have set them. */
	if (si == NULL || add_signing_cert_v2(si, cert) < 0 || add_chain(cms, chain) < 0 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					OBJ_nid2obj(NID_pkcs7_data), -1) != 1 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest,
					(int)len) != 1 ||
	    CMS_SignerInfo_sign(si) != 1)
		goto out;
	rc = append_der(cms, out);
out:
	if (rc < 0) {
		kerr_set(err, KERR_AUTH, "signing the digest with the token failed");
		kerr_add_openssl(err);
	}
	CMS_ContentInfo_free(cms);
	return rc;
}

/* What to sign: content, or a ready digest. */
struct sign_what {
	const void *data;
	size_t len;
	int digest;
};

/* The CA certificates on the token (the signer's chain, when it is there). */
static STACK_OF(X509) *token_cas(struct p11 *p, X509 *signer)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	PKCS11_CERT *certs = NULL;
	unsigned int n = 0, i;

	if (chain == NULL || PKCS11_enumerate_certs(p->slot->token, &certs, &n) < 0)
		return chain;
	for (i = 0; i < n; i++) {
		X509 *x = certs[i].x509;
		int j, dup = 0;

		if (x == NULL || X509_cmp(x, signer) == 0 || X509_check_ca(x) <= 0)
			continue;
		/* The same certificate under two ids is one (CMS refuses it twice). */
		for (j = 0; j < sk_X509_num(chain) && !dup; j++)
			dup = X509_cmp(x, sk_X509_value(chain, j)) == 0;
		if (!dup && X509_up_ref(x) == 1 && sk_X509_push(chain, x) <= 0)
			X509_free(x);
	}
	return chain;
}

static int p11_sign_with_token(const struct p11_opts *o, const struct sign_what *w,
			       struct kbuf *der, struct kerr *err)
{
	STACK_OF(X509) *chain = NULL;
	X509 *signer = NULL;
	struct p11 p = { 0 };
	PKCS11_CERT *cert;
	PKCS11_KEY *key;
	EVP_PKEY *pkey = NULL;
	int rc = -1;

	if (p11_open(&p, o, err) < 0 || p11_login(&p, o, err) < 0)
		goto out;
	key = find_key_label_or_id(&p, o, err);
	if (key == NULL)
		goto out;
	cert = PKCS11_find_certificate(key);
	if (cert == NULL || cert->x509 == NULL) {
		kerr_set(err, KERR_CONFIG, "no certificate with the key's id on token '%s'",
			 p.slot->token->label);
		goto out;
	}
	pkey = PKCS11_get_private_key(key);
	if (pkey == NULL) {
		kerr_set(err, KERR_AUTH, "cannot use the private key on token '%s'",
			 p.slot->token->label);
		kerr_add_openssl(err);
		goto out;
	}
	/* Enumerating the certificates may reload the token's list: the
	 * signer is held by its own reference. */
	signer = cert->x509;
	X509_up_ref(signer);
	chain = token_cas(&p, signer);
	rc = w->digest ? cms_sign_digest(signer, chain, pkey, w->data, w->len, der, err)
		       : cms_sign(signer, chain, pkey, w->data, w->len, o->detached, der, err);
	if (rc == 0)
		log_debug("signed %zu bytes%s with token '%s'", w->len, w->digest ? " (a digest)" : "",
			  p.slot->token->label);
out:
	sk_X509_pop_free(chain, X509_free);
	X509_free(signer);
	EVP_PKEY_free(pkey);
	if (p.slot != NULL)
		PKCS11_logout(p.slot);
	p11_done(&p);
	ERR_clear_error();
	return rc;
}

int p11_cades_sign(const struct p11_opts *o, const void *data, size_t len,
		   struct kbuf *der, struct kerr *err)
{
	struct sign_what w = { data, len, 0 };

	if (len > 0x7fffffff)
		return kerr_set(err, KERR_LIMIT, "content too large to sign");
	return p11_sign_with_token(o, &w, der, err);
}

int p11_cades_sign_digest(const struct p11_opts *o, const unsigned char *digest, size_t len,
			  struct kbuf *der, struct kerr *err)
{
	struct sign_what w = { digest, len, 1 };

	if (len == 20)
		return kerr_set(err, KERR_USAGE, "a SHA-1 digest: SHA-1 is refused for KEP "
				"signatures");
	if (len != 32)
		return kerr_set(err, KERR_USAGE, "a digest of %zu bytes is not SHA-256", len);
	return p11_sign_with_token(o, &w, der, err);
}
