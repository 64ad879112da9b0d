/* signer_role.c: see signer_role.h. */
#include "signer_role.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>

#include "cms_verify_p.h"
#include "util.h"

#define RULE_MAX_ATTRS 8

struct name_attr {
	int nid;
	char *value;       /* UTF-8 */
};

struct kephs_entry {
	char *provider;
	X509 *cert;        /* a certificate entry, or NULL for a rule */
	struct name_attr subject[RULE_MAX_ATTRS], issuer[RULE_MAX_ATTRS];
	size_t n_subject, n_issuer;
};

struct kephs_signers {
	struct kephs_entry *e;
	size_t n;
};

struct kephs_signers *kephs_signers_new(void)
{
	return xcalloc(1, sizeof(struct kephs_signers));
}

void kephs_signers_free(struct kephs_signers **ksp)
{
	struct kephs_signers *ks = ksp != NULL ? *ksp : NULL;

	if (ks == NULL)
		return;
	for (size_t i = 0; i < ks->n; i++) {
		struct kephs_entry *e = &ks->e[i];

		free(e->provider);
		X509_free(e->cert);
		for (size_t j = 0; j < e->n_subject; j++)
			free(e->subject[j].value);
		for (size_t j = 0; j < e->n_issuer; j++)
			free(e->issuer[j].value);
	}
	free(ks->e);
	free(ks);
	*ksp = NULL;
}

static struct kephs_entry *new_entry(struct kephs_signers *ks, const char *provider)
{
	struct kephs_entry *e;

	ks->e = xrealloc(ks->e, (ks->n + 1) * sizeof(*ks->e));
	e = &ks->e[ks->n++];
	memset(e, 0, sizeof(*e));
	e->provider = provider != NULL ? xstrdup(provider) : NULL;
	return e;
}

int kephs_signers_add_cert(struct kephs_signers *ks, const char *provider, X509 *cert,
			   struct kerr *err)
{
	if (!X509_up_ref(cert))
		return kerr_set(err, KERR_INTERNAL, "X509_up_ref failed");
	new_entry(ks, provider)->cert = cert;
	return 0;
}

static char *trimmed(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

/* "O=PTT A.Ş., C=TR" -> attributes. */
static int parse_rule(const char *what, const char *text, struct name_attr *out, size_t *n,
		      struct kerr *err)
{
	const char *p = text;

	*n = 0;
	while (*p != '\0') {
		const char *end = strchr(p, ','), *eq;
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char *key, *val;
		int nid;

		eq = memchr(p, '=', len);
		if (eq == NULL)
			return kerr_set(err, KERR_CONFIG, "%s rule \"%s\": \"%.*s\" is not ATTR=value",
					what, text, (int)len, p);
		if (*n == RULE_MAX_ATTRS)
			return kerr_set(err, KERR_CONFIG, "%s rule \"%s\": more than %d attributes",
					what, text, RULE_MAX_ATTRS);
		key = trimmed(p, (size_t)(eq - p));
		val = trimmed(eq + 1, len - (size_t)(eq + 1 - p));
		nid = OBJ_txt2nid(key);
		ERR_clear_error();
		if (nid == NID_undef || val[0] == '\0') {
			kerr_set(err, KERR_CONFIG, "%s rule \"%s\": %s", what, text,
				 nid == NID_undef ? "unknown attribute" : "empty value");
			free(key);
			free(val);
			return -1;
		}
		free(key);
		out[*n].nid = nid;
		out[(*n)++].value = val;
		p = end != NULL ? end + 1 : p + len;
	}
	if (*n == 0)
		return kerr_set(err, KERR_CONFIG, "%s rule is empty", what);
	return 0;
}

int kephs_signers_add_rule(struct kephs_signers *ks, const char *provider, const char *subject,
			   const char *issuer, struct kerr *err)
{
	struct name_attr s[RULE_MAX_ATTRS], i[RULE_MAX_ATTRS];
	size_t ns = 0, ni = 0;
	struct kephs_entry *e;

	if (subject == NULL)
		return kerr_set(err, KERR_CONFIG, "a KEPHS signer rule needs a subject");
	if (parse_rule("subject", subject, s, &ns, err) < 0 ||
	    (issuer != NULL && parse_rule("issuer", issuer, i, &ni, err) < 0)) {
		for (size_t k = 0; k < ns; k++)
			free(s[k].value);
		for (size_t k = 0; k < ni; k++)
			free(i[k].value);
		return -1;
	}
	e = new_entry(ks, provider);
	memcpy(e->subject, s, sizeof(s));
	memcpy(e->issuer, i, sizeof(i));
	e->n_subject = ns;
	e->n_issuer = ni;
	return 0;
}

static int provider_is(const struct kephs_entry *e, const char *provider)
{
	return provider == NULL || e->provider == NULL || strcmp(e->provider, provider) == 0;
}

size_t kephs_signers_count(const struct kephs_signers *ks, const char *provider)
{
	size_t n = 0;

	for (size_t i = 0; ks != NULL && i < ks->n; i++)
		n += provider_is(&ks->e[i], provider);
	return n;
}

/* 1 when name has an entry nid whose UTF-8 value is exactly value. */
static int name_has(const X509_NAME *name, const struct name_attr *a)
{
	int pos = -1;

	while ((pos = X509_NAME_get_index_by_NID(name, a->nid, pos)) >= 0) {
		const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, pos));
		unsigned char *u = NULL;
		int len = ASN1_STRING_to_UTF8(&u, s), ok;

		ok = len >= 0 && (size_t)len == strlen(a->value) && memcmp(u, a->value, (size_t)len) == 0;
		OPENSSL_free(u);
		if (ok)
			return 1;
	}
	ERR_clear_error();
	return 0;
}

static int entry_matches(const struct kephs_entry *e, X509 *leaf)
{
	if (e->cert != NULL)
		return X509_cmp(e->cert, leaf) == 0;
	for (size_t i = 0; i < e->n_subject; i++)
		if (!name_has(X509_get_subject_name(leaf), &e->subject[i]))
			return 0;
	for (size_t i = 0; i < e->n_issuer; i++)
		if (!name_has(X509_get_issuer_name(leaf), &e->issuer[i]))
			return 0;
	return 1;
}

int kephs_signers_match(const struct kephs_signers *ks, const char *provider, X509 *leaf)
{
	for (size_t i = 0; ks != NULL && leaf != NULL && i < ks->n; i++)
		if (provider_is(&ks->e[i], provider) && entry_matches(&ks->e[i], leaf))
			return 1;
	return 0;
}

void signer_role_apply(const struct kephs_signers *ks, enum signer_role role,
		       const char *provider, X509 *leaf, enum verdict *v, char *reason,
		       size_t reason_len)
{
	char subj[256];

	if (role != SIGNER_KEPHS || kephs_signers_match(ks, provider, leaf))
		return;
	/* A worse verdict (invalid, revoked, ...) or an untrusted chain explains more. */
	if (*v >= VERDICT_UNTRUSTED)
		return;
	*v = VERDICT_UNTRUSTED;
	name_oneline(leaf != NULL ? X509_get_subject_name(leaf) : NULL, subj, sizeof(subj));
	if (kephs_signers_count(ks, provider) == 0)
		snprintf(reason, reason_len, "signed by %s, not by a KEPHS signing certificate "
			 "(none is configured%s%s: trust.kephs)", subj[0] ? subj : "?",
			 provider != NULL ? " for " : "", provider != NULL ? provider : "");
	else
		snprintf(reason, reason_len, "signed by %s, not by a KEPHS signing certificate%s%s",
			 subj[0] ? subj : "?", provider != NULL ? " of " : "",
			 provider != NULL ? provider : "");
}
