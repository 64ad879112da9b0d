/* ocsp_responder.c: see ocsp_responder.h. */
#include "ocsp_responder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "log.h"
#include "util.h"

struct responder {
	X509 *ca, *signer;
	EVP_PKEY *key;
	char *index;
};

static void responder_free(struct responder *r)
{
	X509_free(r->ca);
	X509_free(r->signer);
	EVP_PKEY_free(r->key);
	free(r->index);
	memset(r, 0, sizeof(*r));
}

/* The PEM file pki/rel: a certificate, or a private key when key is set;
 * NULL when it cannot be read. */
static void *read_pem(const char *pki, const char *rel, int key)
{
	char *path = xasprintf("%s/%s", pki, rel);
	FILE *f = fopen(path, "re");
	void *v = NULL;

	if (f != NULL) {
		v = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL)
			: (void *)PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	free(path);
	return v;
}

/* The responder whose CA issued the certificate cid names; 0 when found. */
static int find_responder(const char *pki, OCSP_CERTID *cid, struct responder *out)
{
	char *path = xasprintf("%s/ocsp/responders.tsv", pki), *line = NULL;
	FILE *f = fopen(path, "re");
	size_t cap = 0;
	ASN1_OBJECT *md_oid = NULL;
	const EVP_MD *md;
	int rc = -1;

	free(path);
	memset(out, 0, sizeof(*out));
	if (f == NULL)
		return -1;
	OCSP_id_get0_info(NULL, &md_oid, NULL, NULL, cid);
	md = EVP_get_digestbyobj(md_oid);
	while (rc < 0 && md != NULL && getline(&line, &cap, f) > 0) {
		char *fld[5], *save = NULL, *p = line;
		OCSP_CERTID *ca_id;
		int n;

		line[strcspn(line, "\r\n")] = '\0';
		for (n = 0; n < 5 && (fld[n] = strtok_r(p, "\t", &save)) != NULL; n++)
			p = NULL;
		if (n < 5)
			continue;
		out->ca = read_pem(pki, fld[2], 0);
		if (out->ca == NULL)
			continue;
		ca_id = OCSP_cert_to_id(md, NULL, out->ca);
		if (ca_id != NULL && OCSP_id_issuer_cmp(ca_id, cid) == 0) {
			out->signer = read_pem(pki, fld[3], 0);
			out->key = read_pem(pki, fld[4], 1);
			out->index = xasprintf("%s/%s", pki, fld[1]);
			rc = out->signer != NULL && out->key != NULL ? 0 : -1;
			if (rc < 0)
				log_warn("OCSP responder for %s: cannot read %s / %s", fld[0], fld[3], fld[4]);
		}
		OCSP_CERTID_free(ca_id);
		if (rc < 0)
			responder_free(out);
	}
	free(line);
	fclose(f);
	return rc;
}

static int hex_eq(const char *a, const char *b)
{
	while (*a == '0' && a[1] != '\0')
		a++;
	while (*b == '0' && b[1] != '\0')
		b++;
	return strcasecmp(a, b) == 0;
}

/* Looks the serial up in the index; fills revocation time and reason. */
static int index_status(const char *index, const ASN1_INTEGER *serial, ASN1_GENERALIZEDTIME **rev,
			int *reason)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL, *line = NULL;
	FILE *f = hex ? fopen(index, "re") : NULL;
	size_t cap = 0;
	int status = V_OCSP_CERTSTATUS_UNKNOWN;

	*rev = NULL;
	*reason = OCSP_REVOKED_STATUS_NOSTATUS;
	while (f != NULL && getline(&line, &cap, f) > 0) {
		char *fld[4], *p = line, *comma;
		int n;

		/* status, expiry, revocation[,reason] (may be empty), serial: split by hand. */
		line[strcspn(line, "\r\n")] = '\0';
		for (n = 0; n < 4; n++) {
			fld[n] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (n < 3 || !hex_eq(fld[3], hex))
			continue;
		if (fld[0][0] == 'V') {
			status = V_OCSP_CERTSTATUS_GOOD;
		} else if (fld[0][0] == 'R') {
			static const char *const reasons[] = {
				"unspecified", "keyCompromise", "CACompromise", "affiliationChanged",
				"superseded", "cessationOfOperation", "certificateHold"
			};
			size_t i;

			status = V_OCSP_CERTSTATUS_REVOKED;
			comma = strchr(fld[2], ',');
			if (comma != NULL) {
				*comma++ = '\0';
				for (i = 0; i < ARRAY_SIZE(reasons); i++)
					if (strcmp(comma, reasons[i]) == 0)
						*reason = (int)i;
			}
			*rev = ASN1_GENERALIZEDTIME_new();
			{
				ASN1_UTCTIME *u = ASN1_UTCTIME_new();

				if (!ASN1_UTCTIME_set_string(u, fld[2]) ||
				    !ASN1_TIME_to_generalizedtime(u, rev))
					ASN1_GENERALIZEDTIME_set(*rev, 0);
				ASN1_UTCTIME_free(u);
			}
		}
		break;
	}
	if (f != NULL)
		fclose(f);
	free(line);
	OPENSSL_free(hex);
	BN_free(bn);
	return status;
}

static void emit(OCSP_RESPONSE *resp, unsigned char **out, size_t *out_len)
{
	unsigned char *der = NULL;
	int n = i2d_OCSP_RESPONSE(resp, &der);

	*out = xmalloc(n > 0 ? (size_t)n : 1);
	*out_len = n > 0 ? (size_t)n : 0;
	if (n > 0)
		memcpy(*out, der, (size_t)n);
	OPENSSL_free(der);
}

static void status_only(int status, unsigned char **out, size_t *out_len)
{
	OCSP_RESPONSE *r = OCSP_response_create(status, NULL);

	emit(r, out, out_len);
	OCSP_RESPONSE_free(r);
}

void ocsp_answer(const char *pki, const unsigned char *der, size_t len, unsigned char **out,
		 size_t *out_len)
{
	const unsigned char *p = der;
	OCSP_REQUEST *req = d2i_OCSP_REQUEST(NULL, &p, (long)len);
	OCSP_BASICRESP *basic = NULL;
	OCSP_RESPONSE *resp;
	struct responder rsp = { 0 };
	ASN1_TIME *now = NULL, *next = NULL;
	int i, n, ok = 1;

	if (req == NULL || (n = OCSP_request_onereq_count(req)) <= 0) {
		OCSP_REQUEST_free(req);
		ERR_clear_error();
		status_only(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, out, out_len);
		return;
	}
	basic = OCSP_BASICRESP_new();
	now = X509_gmtime_adj(NULL, 0);
	/* Like the public responders: the answer holds for a while (a day). */
	next = X509_gmtime_adj(NULL, 86400);
	for (i = 0; i < n && ok; i++) {
		OCSP_CERTID *cid = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req, i));
		ASN1_INTEGER *serial = NULL;
		ASN1_GENERALIZEDTIME *rev;
		int reason, st;

		if (i == 0 && find_responder(pki, cid, &rsp) < 0) {
			ok = 0;
			break;
		}
		OCSP_id_get0_info(NULL, NULL, NULL, &serial, cid);
		st = index_status(rsp.index, serial, &rev, &reason);
		OCSP_basic_add1_status(basic, cid, st, reason, rev, now, next);
		ASN1_GENERALIZEDTIME_free(rev);
	}
	if (ok) {
		OCSP_copy_nonce(basic, req);
		ok = OCSP_basic_sign(basic, rsp.signer, rsp.key, EVP_sha256(), NULL, 0) == 1;
	}
	if (ok) {
		resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic);
		emit(resp, out, out_len);
		OCSP_RESPONSE_free(resp);
	} else {
		status_only(OCSP_RESPONSE_STATUS_UNAUTHORIZED, out, out_len);
	}
	ERR_clear_error();
	ASN1_TIME_free(now);
	ASN1_TIME_free(next);
	OCSP_BASICRESP_free(basic);
	OCSP_REQUEST_free(req);
	responder_free(&rsp);
}
