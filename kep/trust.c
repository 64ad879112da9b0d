/* trust.c: see trust.h. */
#include "trust.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "signer_role.h"
#include "util.h"
#include "xml_safe.h"

#define TRUST_FILE_MAX (16u << 20)

struct trust_store {
	X509_STORE *anchors;
	X509_STORE *tsa;
	STACK_OF(X509) *inter;
	size_t n_anchor, n_tsa;
	uint64_t generation;
	struct kephs_signers *kephs;
	const char *loading_provider; /* while trust_load_kephs runs */
};


static uint64_t next_generation(void)
{
	static uint64_t gen;
	/* Unique across stores so a cache shared by two stores never mixes them. */
	return __atomic_add_fetch(&gen, 1, __ATOMIC_RELAXED);
}

struct trust_store *trust_new(void)
{
	struct trust_store *ts = xcalloc(1, sizeof(*ts));

	ts->anchors = X509_STORE_new();
	ts->tsa = X509_STORE_new();
	ts->inter = sk_X509_new_null();
	if (ts->anchors == NULL || ts->tsa == NULL || ts->inter == NULL)
		abort();
	ts->generation = next_generation();
	ts->kephs = kephs_signers_new();
	return ts;
}

void trust_free(struct trust_store **tsp)
{
	struct trust_store *ts = tsp != NULL ? *tsp : NULL;

	if (ts == NULL)
		return;
	X509_STORE_free(ts->anchors);
	X509_STORE_free(ts->tsa);
	sk_X509_pop_free(ts->inter, X509_free);
	kephs_signers_free(&ts->kephs);
	free(ts);
	*tsp = NULL;
}

int trust_add_cert(struct trust_store *ts, enum trust_kind kind, X509 *cert, struct kerr *err)
{
	switch (kind) {
	case TRUST_ANCHOR:
	case TRUST_TSA_ANCHOR:
		if (!X509_STORE_add_cert(kind == TRUST_ANCHOR ? ts->anchors : ts->tsa, cert)) {
			/* A duplicate is not an error: the same root may be listed twice. */
			unsigned long e = ERR_peek_last_error();
			if (ERR_GET_REASON(e) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
				kerr_set(err, KERR_CONFIG, "cannot add trust anchor");
				kerr_add_openssl(err);
				return -1;
			}
			ERR_clear_error();
			return 0;
		}
		if (kind == TRUST_ANCHOR)
			ts->n_anchor++;
		else
			ts->n_tsa++;
		break;
	case TRUST_KEPHS:
		return kephs_signers_add_cert(ts->kephs, ts->loading_provider, cert, err);
	case TRUST_INTERMEDIATE:
		if (!X509_up_ref(cert))
			return kerr_set(err, KERR_INTERNAL, "X509_up_ref failed");
		sk_X509_push(ts->inter, cert);
		break;
	default:
		return kerr_set(err, KERR_INTERNAL, "unknown trust kind %d", (int)kind);
	}
	ts->generation = next_generation();
	return 0;
}

static int add_der(struct trust_store *ts, enum trust_kind kind, const unsigned char *der,
		   size_t len, struct kerr *err)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	int rc;

	if (x == NULL || p != der + len) {
		X509_free(x);
		ERR_clear_error();
		return kerr_set(err, KERR_CONFIG, "not a DER certificate");
	}
	rc = trust_add_cert(ts, kind, x, err);
	X509_free(x);
	return rc;
}

static int load_koksertifika(struct trust_store *ts, enum trust_kind kind, xmlNode *n,
			     size_t *count, struct kerr *err)
{
	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcasecmp(n->name, BAD_CAST "mValue") == 0) {
			xmlChar *txt = xmlNodeGetContent(n);
			struct kbuf clean = { 0 };
			unsigned char *der;
			const xmlChar *c;
			int dlen, pad = 0, rc;

			for (c = txt; c != NULL && *c != '\0'; c++)
				if (*c != ' ' && *c != '\n' && *c != '\r' && *c != '\t')
					kbuf_append(&clean, c, 1);
			xmlFree(txt);
			if (clean.len == 0 || clean.len % 4 != 0) {
				kbuf_free(&clean);
				return kerr_set(err, KERR_CONFIG, "bad base64 in <mValue>");
			}
			der = xmalloc(clean.len);
			dlen = EVP_DecodeBlock(der, clean.data, (int)clean.len);
			if (clean.data[clean.len - 1] == '=')
				pad++;
			if (clean.data[clean.len - 2] == '=')
				pad++;
			kbuf_free(&clean);
			if (dlen < 0) {
				free(der);
				return kerr_set(err, KERR_CONFIG, "bad base64 in <mValue>");
			}
			rc = add_der(ts, kind, der, (size_t)(dlen - pad), err);
			free(der);
			if (rc < 0)
				return kerr_prefix(err, "<koksertifika> #%zu", *count + 1);
			(*count)++;
			continue;
		}
		if (load_koksertifika(ts, kind, n->children, count, err) < 0)
			return -1;
	}
	return 0;
}

int trust_load_kamusm_xml(struct trust_store *ts, enum trust_kind kind, const void *xml,
			  size_t len, struct kerr *err)
{
	xmlDoc *doc;
	size_t count = 0;
	int rc;

	/* The one XML entry point: DTDs refused before parsing, shape bounded. */
	if ((doc = xml_safe_parse(xml, len, "certificate store XML", err)) == NULL) {
		if (err != NULL && err->cls == KERR_MALFORMED)
			err->cls = KERR_CONFIG;
		return -1;
	}
	rc = load_koksertifika(ts, kind, xmlDocGetRootElement(doc), &count, err);
	xmlFreeDoc(doc);
	if (rc == 0 && count == 0)
		return kerr_set(err, KERR_CONFIG, "certificate store XML holds no <mValue>");
	return rc;
}

static int load_pem_buf(struct trust_store *ts, enum trust_kind kind, const struct kbuf *b,
			struct kerr *err)
{
	BIO *bio = BIO_new_mem_buf(b->data, (int)b->len);
	X509 *x;
	int n = 0;

	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
		int rc = trust_add_cert(ts, kind, x, err);
		X509_free(x);
		if (rc < 0) {
			BIO_free(bio);
			return -1;
		}
		n++;
	}
	ERR_clear_error();
	BIO_free(bio);
	if (n == 0 && b->len > 0 && b->data[0] == 0x30)
		return add_der(ts, kind, b->data, b->len, err);
	if (n == 0)
		return kerr_set(err, KERR_CONFIG, "no certificate found");
	return 0;
}

static int load_file(struct trust_store *ts, enum trust_kind kind, const char *path,
		     struct kerr *err)
{
	struct kbuf b = { 0 };
	size_t i = 0;
	int rc;

	if (read_file(path, TRUST_FILE_MAX, &b, err) < 0)
		return -1;
	while (i < b.len && (b.data[i] == ' ' || b.data[i] == '\n' || b.data[i] == '\r' ||
			     b.data[i] == '\t'))
		i++;
	if (i < b.len && b.data[i] == '<')
		rc = trust_load_kamusm_xml(ts, kind, b.data, b.len, err);
	else
		rc = load_pem_buf(ts, kind, &b, err);
	kbuf_free(&b);
	if (rc < 0)
		kerr_prefix(err, "%s", path);
	return rc;
}

static int is_cert_name(const char *n)
{
	size_t l = strlen(n);

	return n[0] != '.' && l > 4 &&
	       (strcmp(n + l - 4, ".pem") == 0 || strcmp(n + l - 4, ".crt") == 0 ||
		strcmp(n + l - 4, ".cer") == 0 || strcmp(n + l - 4, ".xml") == 0);
}

int trust_load(struct trust_store *ts, enum trust_kind kind, const char *path,
	       struct kerr *err)
{
	struct dirent **ents;
	struct stat st;
	int n, i, rc = 0, loaded = 0;

	if (stat(path, &st) < 0)
		return kerr_errno(err, KERR_CONFIG, errno, "trust source %s", path);
	if (!S_ISDIR(st.st_mode))
		return load_file(ts, kind, path, err);
	/* Sorted so that loading is reproducible. */
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0)
		return kerr_errno(err, KERR_CONFIG, errno, "cannot read directory %s", path);
	for (i = 0; i < n; i++) {
		if (rc == 0 && is_cert_name(ents[i]->d_name)) {
			char *p = xasprintf("%s/%s", path, ents[i]->d_name);
			rc = load_file(ts, kind, p, err);
			free(p);
			loaded++;
		}
		free(ents[i]);
	}
	free(ents);
	if (rc == 0 && loaded == 0)
		return kerr_set(err, KERR_CONFIG, "%s: no certificate files (*.pem, *.crt, *.cer, *.xml)",
				path);
	return rc;
}

int trust_load_kephs(struct trust_store *ts, const char *provider, const char *path,
		     struct kerr *err)
{
	int rc;

	ts->loading_provider = provider;
	rc = trust_load(ts, TRUST_KEPHS, path, err);
	ts->loading_provider = NULL;
	return rc < 0 ? kerr_prefix(err, "KEPHS signers") : 0;
}

struct kephs_signers *trust_kephs(const struct trust_store *ts)
{
	return ts->kephs;
}

size_t trust_count(const struct trust_store *ts, enum trust_kind kind)
{
	switch (kind) {
	case TRUST_ANCHOR:
		return ts->n_anchor;
	case TRUST_TSA_ANCHOR:
		return ts->n_tsa;
	case TRUST_INTERMEDIATE:
		return (size_t)sk_X509_num(ts->inter);
	case TRUST_KEPHS:
		return kephs_signers_count(ts->kephs, NULL);
	}
	return 0;
}

uint64_t trust_generation(const struct trust_store *ts)
{
	return ts->generation;
}

X509_STORE *trust_x509_store(const struct trust_store *ts, enum trust_kind kind)
{
	if (kind == TRUST_TSA_ANCHOR && ts->n_tsa > 0)
		return ts->tsa;
	return ts->anchors;
}

STACK_OF(X509) *trust_intermediates(const struct trust_store *ts)
{
	return ts->inter;
}
