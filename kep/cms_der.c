/* cms_der.c: see cms_der.h.
 *
 *   ContentInfo ::= SEQUENCE { contentType OID (signedData),
 *                              content [0] EXPLICIT SignedData }
 *   SignedData  ::= SEQUENCE { version, digestAlgorithms SET,
 *                              encapContentInfo SEQUENCE,
 *                              certificates [0] IMPLICIT SET OF CertificateChoices OPTIONAL,
 *                              crls [1] IMPLICIT ... OPTIONAL, signerInfos SET }
 *
 * The certificates field is cut out (the three enclosing lengths made
 * shorter, every other byte as it was), OpenSSL decodes the rest, and the
 * certificates, each a plain Certificate (SEQUENCE) decoded from exactly its
 * bytes, are added back with CMS_add1_cert() in their order: what
 * CMS_get1_certs() and the signer lookup then see is what a whole decode
 * gives. No signature covers the certificates field, and nothing here
 * re-encodes the SignedData. */
#include "cms_der.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>

#include "util.h"

#define CERT_CACHE_SIZE 128
#define CERT_MAX_LEN (64u << 10)  /* a larger certificate is decoded, not cached */
#define MAX_CERTS 64              /* more in one message: decoded the whole way */

struct cert_slot {
	uint64_t hash;
	size_t len;
	unsigned char *der;
	X509 *x;
};

static struct {
	pthread_mutex_t mu;
	struct cert_slot slot[CERT_CACHE_SIZE];
	size_t next;  /* the slot replaced next (round robin) */
	struct cms_der_stats st;
} cache = { .mu = PTHREAD_MUTEX_INITIALIZER };

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h;
}

/* The certificate of exactly these bytes, one reference for the caller;
 * NULL when they are not one whole certificate. */
static X509 *cert_get(const unsigned char *der, size_t len)
{
	uint64_t h = fnv1a(der, len);
	const unsigned char *p = der;
	struct cert_slot *s;
	X509 *x = NULL;
	size_t i;

	pthread_mutex_lock(&cache.mu);
	for (i = 0; i < CERT_CACHE_SIZE; i++) {
		s = &cache.slot[i];
		if (s->x != NULL && s->hash == h && s->len == len && memcmp(s->der, der, len) == 0) {
			X509_up_ref(s->x);
			x = s->x;
			break;
		}
	}
	pthread_mutex_unlock(&cache.mu);
	if (x != NULL)
		return x;
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != der + len) {
		X509_free(x);
		return NULL;
	}
	pthread_mutex_lock(&cache.mu);
	cache.st.cert_decodes++;
	if (len <= CERT_MAX_LEN) {
		s = &cache.slot[cache.next];
		cache.next = (cache.next + 1) % CERT_CACHE_SIZE;
		X509_free(s->x);
		free(s->der);
		s->hash = h;
		s->len = len;
		s->der = xmalloc(len);
		memcpy(s->der, der, len);
		X509_up_ref(x);
		s->x = x;
	}
	pthread_mutex_unlock(&cache.mu);
	return x;
}

/* One DER TLV at p (avail bytes): its tag (low tag numbers only), header
 * and content lengths. 0 for what this reader does not take (indefinite
 * or over-long lengths, a length past the end). */
static int tlv(const unsigned char *p, size_t avail, unsigned char *tag, size_t *hdr, size_t *len)
{
	size_t n = 0, h = 2;

	if (avail < 2 || (p[0] & 0x1f) == 0x1f)
		return 0;
	*tag = p[0];
	if (p[1] < 0x80) {
		n = p[1];
	} else {
		unsigned k = p[1] & 0x7f;

		if (k == 0 || k > 4 || avail < 2 + (size_t)k)
			return 0;
		for (unsigned i = 0; i < k; i++)
			n = n << 8 | p[2 + i];
		h += k;
	}
	if (n > avail - h)
		return 0;
	*hdr = h;
	*len = n;
	return 1;
}

/* A DER length header for n (n < 2^32) at out; its size. */
static size_t put_len(unsigned char *out, size_t n)
{
	size_t k = 0;

	if (n < 0x80) {
		out[0] = (unsigned char)n;
		return 1;
	}
	for (size_t m = n; m > 0; m >>= 8)
		k++;
	out[0] = (unsigned char)(0x80 | k);
	for (size_t i = 0; i < k; i++)
		out[1 + i] = (unsigned char)(n >> (8 * (k - 1 - i)));
	return 1 + k;
}

static const unsigned char signed_data_oid[] = {
	0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02
};

/* The fast way, or NULL (the caller then decodes the whole way). */
static CMS_ContentInfo *decode_fast(const unsigned char *der, size_t len)
{
	const unsigned char *ci, *a0, *sd, *q, *certs, *after, *end, *p;
	size_t h, n, ci_len, a0_len, sd_hdr, sd_len, certs_hdr, certs_len;
	size_t starts[MAX_CERTS], lens[MAX_CERTS], ncerts = 0;
	unsigned char tag, *buf, *w;
	CMS_ContentInfo *cms;
	int ok = 1;

	/* ContentInfo: the signedData OID, then [0] holding exactly the SignedData */
	if (!tlv(der, len, &tag, &h, &ci_len) || tag != 0x30)
		return NULL;
	ci = der + h;
	if (ci_len < sizeof(signed_data_oid) ||
	    memcmp(ci, signed_data_oid, sizeof(signed_data_oid)) != 0)
		return NULL;
	a0 = ci + sizeof(signed_data_oid);
	if (!tlv(a0, ci_len - sizeof(signed_data_oid), &tag, &h, &a0_len) || tag != 0xa0 ||
	    a0 + h + a0_len != ci + ci_len)
		return NULL;
	sd = a0 + h;
	if (!tlv(sd, a0_len, &tag, &sd_hdr, &sd_len) || tag != 0x30 || sd_hdr + sd_len != a0_len)
		return NULL;
	/* SignedData: version, digestAlgorithms, encapContentInfo, certificates */
	q = sd + sd_hdr;
	end = q + sd_len;
	if (!tlv(q, (size_t)(end - q), &tag, &h, &n) || tag != 0x02)
		return NULL;
	q += h + n;
	if (!tlv(q, (size_t)(end - q), &tag, &h, &n) || tag != 0x31)
		return NULL;
	q += h + n;
	if (!tlv(q, (size_t)(end - q), &tag, &h, &n) || tag != 0x30)
		return NULL;
	certs = q + h + n;
	if (!tlv(certs, (size_t)(end - certs), &tag, &certs_hdr, &certs_len) || tag != 0xa0)
		return NULL;
	after = certs + certs_hdr + certs_len;
	/* each a Certificate (a SEQUENCE), together tiling the field */
	for (p = certs + certs_hdr; p < after; p += h + n) {
		if (ncerts == MAX_CERTS || !tlv(p, (size_t)(after - p), &tag, &h, &n) || tag != 0x30)
			return NULL;
		starts[ncerts] = (size_t)(p - der);
		lens[ncerts++] = h + n;
	}
	if (ncerts == 0)  /* an empty set decodes to an empty stack, not to none */
		return NULL;
	/* the same bytes without the field, the three lengths around it shorter */
	{
		size_t nsd = sd_len - (size_t)(after - certs), sdhl, a0hl, na0;
		unsigned char sdh[6], a0h[6];

		sdhl = put_len(sdh, nsd);
		na0 = 1 + sdhl + nsd;
		a0hl = put_len(a0h, na0);
		w = buf = xmalloc(len);
		*w++ = 0x30;
		w += put_len(w, sizeof(signed_data_oid) + 1 + a0hl + na0);
		memcpy(w, signed_data_oid, sizeof(signed_data_oid));
		w += sizeof(signed_data_oid);
		*w++ = 0xa0;
		memcpy(w, a0h, a0hl);
		w += a0hl;
		*w++ = 0x30;
		memcpy(w, sdh, sdhl);
		w += sdhl;
		memcpy(w, sd + sd_hdr, (size_t)(certs - (sd + sd_hdr)));
		w += certs - (sd + sd_hdr);
		memcpy(w, after, (size_t)(end - after));
		w += end - after;
	}
	p = buf;
	cms = d2i_CMS_ContentInfo(NULL, &p, (long)(w - buf));
	if (cms == NULL || p != w)
		ok = 0;
	for (size_t i = 0; ok && i < ncerts; i++) {
		X509 *x = cert_get(der + starts[i], lens[i]);

		/* CMS_add1_cert refuses a duplicate, which a whole decode keeps */
		if (x == NULL || !CMS_add1_cert(cms, x))
			ok = 0;
		X509_free(x);
	}
	free(buf);
	if (!ok) {
		CMS_ContentInfo_free(cms);
		ERR_clear_error();
		return NULL;
	}
	return cms;
}

CMS_ContentInfo *cms_der_decode(const unsigned char *der, size_t len)
{
	CMS_ContentInfo *cms;
	const unsigned char *p = der;

	if (der == NULL || len > 0x7fffffff)
		return NULL;
	cms = decode_fast(der, len);
	pthread_mutex_lock(&cache.mu);
	if (cms != NULL)
		cache.st.fast++;
	else
		cache.st.fallback++;
	pthread_mutex_unlock(&cache.mu);
	if (cms != NULL)
		return cms;
	return d2i_CMS_ContentInfo(NULL, &p, (long)len);
}

void cms_der_stats(struct cms_der_stats *out)
{
	pthread_mutex_lock(&cache.mu);
	*out = cache.st;
	pthread_mutex_unlock(&cache.mu);
}
