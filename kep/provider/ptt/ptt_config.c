/* ptt_config.c: a PTT account's keys: parsed, checked for check-config and
 * doctor, and the login facts the engine may know (see ptt_config.h). */
#include "ptt_config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libp11.h>

#include "pin.h"
#include "secret_file.h"
#include "util.h"

/* As written in the file, and as EYWS's girisTur takes them. */
static const char *const conf_login_names[] = { "base", "otp", "eimza", NULL };
static const char *const eyws_login_names[] = { "BASE", "OTP", "EIMZA" };

int ptt_login_parse(const char *s)
{
	size_t i;

	for (i = 0; s != NULL && i < ARRAY_SIZE(eyws_login_names); i++)
		if (strcasecmp(eyws_login_names[i], s) == 0)
			return (int)i;
	return -1;
}

const char *ptt_login_name(enum ptt_login m)
{
	return (size_t)m < ARRAY_SIZE(eyws_login_names) ? eyws_login_names[m] : "?";
}

enum { K_ENDPOINT, K_TCNO, K_SECRETS, K_LOGIN, K_OTP_FILE, K_PKCS11, K_COUNT };

_Static_assert(K_COUNT == K_PTT_CONF_KEYS, "ptt_config.h: K_PTT_CONF_KEYS");

const struct cy_key ptt_conf_keys[K_COUNT] = {
	[K_ENDPOINT] = { "endpoint", 1, "the provider's https URL" },
	[K_TCNO] = { "tcno", 1, "the 11-digit T.C. Kimlik No of the authorised person" },
	[K_SECRETS] = { "secrets_file", 1, "a file holding parola: and sifre:" },
	[K_LOGIN] = { "login", 0, NULL },
	[K_OTP_FILE] = { "otp_file", 0, NULL },
	[K_PKCS11] = { "pkcs11", 0, NULL },
};

/* https://host...: EYWS is never spoken in clear. */
static int valid_https_url(const char *s)
{
	if (strpbrk(s, " \t\r\n") != NULL || strncasecmp(s, "https://", 8) != 0)
		return 0;
	return s[8] != '\0' && s[8] != '/' && s[8] != ':';
}

static void parse_pkcs11(struct cy_doc *d, yaml_node_t *n, const char *dir,
			 struct kep_account_conf *c)
{
	if (cy_pkcs11(d, n, "pkcs11", dir, &c->pkcs11.module, &c->pkcs11.token,
		      &c->pkcs11.key_label, &c->pkcs11.pin_file) == 0)
		c->has_pkcs11 = 1;
}

struct kep_account_conf *ptt_conf_parse(struct cy_doc *d, yaml_node_t *account,
					const char *what, yaml_node_t *const *v,
					const char *dir)
{
	struct kep_account_conf *c = xcalloc(1, sizeof(*c));
	char *tcno = NULL;
	int e;

	if (v[K_ENDPOINT] && cy_string(d, v[K_ENDPOINT], "endpoint", &c->endpoint) == 0 &&
	    !valid_https_url(c->endpoint))
		cy_error(d, v[K_ENDPOINT], "an https:// URL; plain http is not allowed",
			 "bad value '%s' for 'endpoint'", c->endpoint);
	/* The T.C. Kimlik No is personal data: never echoed back. */
	if (v[K_TCNO] && cy_string(d, v[K_TCNO], "tcno", &tcno) == 0) {
		if (strlen(tcno) != 11 || strspn(tcno, "0123456789") != 11)
			cy_error(d, v[K_TCNO], "exactly 11 digits", "bad value for 'tcno'");
		else
			memcpy(c->tcno, tcno, 12);
	}
	secret_free(&tcno);
	if (v[K_SECRETS])
		cy_path(d, v[K_SECRETS], "secrets_file", dir, &c->secrets_file);
	e = PTT_LOGIN_BASE;
	if (v[K_LOGIN] && cy_enum(d, v[K_LOGIN], "login", conf_login_names, &e) == 0)
		c->login = (enum ptt_login)e;
	if (v[K_OTP_FILE])
		cy_path(d, v[K_OTP_FILE], "otp_file", dir, &c->otp_file);
	if (v[K_PKCS11])
		parse_pkcs11(d, v[K_PKCS11], dir, c);
	else if (c->login == PTT_LOGIN_EIMZA)
		cy_error(d, account, "pkcs11 { module, token, key } with login: eimza",
			 "missing required key 'pkcs11' in %s", what);
	return c;
}

void ptt_conf_free(struct kep_account_conf **cp)
{
	struct kep_account_conf *c = *cp;

	if (c == NULL)
		return;
	free(c->endpoint);
	secure_wipe(c->tcno, sizeof(c->tcno));
	free(c->secrets_file);
	free(c->otp_file);
	free(c->pkcs11.module);
	free(c->pkcs11.token);
	free(c->pkcs11.key_label);
	free(c->pkcs11.key_id);
	free(c->pkcs11.pin_file);
	free(c);
	*cp = NULL;
}

void ptt_conf_login(const struct kep_account_conf *c, struct kep_login_info *out)
{
	out->mode = conf_login_names[c->login];
	/* OTP and PIN belong to a person, and a card locks after a few wrong
	 * PINs: only BASE is retried. */
	out->personal = c->login != PTT_LOGIN_BASE;
	out->needs_officer = (c->login == PTT_LOGIN_OTP && c->otp_file == NULL) ||
			     (c->login == PTT_LOGIN_EIMZA && c->pkcs11.pin_file == NULL);
	out->endpoint = c->endpoint;
}

static void say(const struct kep_check_sink *sink, enum kep_check_level lv, const char *check,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void say(const struct kep_check_sink *sink, enum kep_check_level lv, const char *check,
		const char *fmt, ...)
{
	char msg[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sink->finding(sink->arg, lv, check, msg);
}

static void check_secrets(const struct kep_account_conf *c, const struct kep_check_sink *sink)
{
	struct kbuf report = { 0 };
	struct kerr err = { 0 };
	char *parola = NULL, *sifre = NULL, *pin = NULL;
	const char *s, *nl;

	if (ptt_secrets_load(c->secrets_file, &parola, &sifre, &report, &err) == 0) {
		say(sink, KEP_CHECK_OK, "secrets", "%s is private and holds parola and sifre",
		    c->secrets_file);
	} else {
		/* One finding per problem; each line already names FILE:LINE:COL. */
		for (s = kbuf_cstr(&report); *s != '\0'; s = *nl ? nl + 1 : nl) {
			nl = s + strcspn(s, "\n");
			say(sink, KEP_CHECK_FAIL, "secrets", "%.*s", (int)(nl - s), s);
		}
	}
	kbuf_free(&report);
	secret_free(&parola);
	secret_free(&sifre);
	if (c->has_pkcs11 && c->pkcs11.pin_file != NULL) {
		kerr_clear(&err);
		if (pin_read(c->pkcs11.pin_file, NULL, &pin, &err) < 0)
			say(sink, KEP_CHECK_FAIL, "secrets", "%s", err.msg);
		secret_free(&pin);
	}
}

static void check_module_file(const struct kep_account_conf *c, const struct kep_check_sink *sink)
{
	struct stat st;

	if (strchr(c->pkcs11.module, '/') == NULL)
		return;
	if (stat(c->pkcs11.module, &st) < 0)
		say(sink, KEP_CHECK_FAIL, "pkcs11", "pkcs11 module %s: %s", c->pkcs11.module,
		    strerror(errno));
	else if (!S_ISREG(st.st_mode))
		say(sink, KEP_CHECK_FAIL, "pkcs11", "pkcs11 module %s is not a regular file",
		    c->pkcs11.module);
}

/* Loads the module and looks for the token, as the login would. */
static void check_token(const struct kep_account_conf *c, const struct kep_check_sink *sink)
{
	PKCS11_CTX *ctx = PKCS11_CTX_new();
	PKCS11_SLOT *slots = NULL;
	unsigned int nslots = 0, i;
	int found = 0;

	if (PKCS11_CTX_load(ctx, c->pkcs11.module) < 0) {
		say(sink, KEP_CHECK_FAIL, "pkcs11", "cannot load PKCS#11 module %s; fix: install "
		    "the card's middleware or correct pkcs11.module", c->pkcs11.module);
		PKCS11_CTX_free(ctx);
		return;
	}
	if (PKCS11_enumerate_slots(ctx, &slots, &nslots) == 0) {
		for (i = 0; i < nslots; i++)
			if (slots[i].token != NULL &&
			    (c->pkcs11.token == NULL ||
			     strcmp(slots[i].token->label, c->pkcs11.token) == 0))
				found = 1;
		PKCS11_release_all_slots(ctx, slots, nslots);
	}
	if (found)
		say(sink, KEP_CHECK_OK, "pkcs11", "token '%s' present in %s",
		    c->pkcs11.token ? c->pkcs11.token : "(any)", c->pkcs11.module);
	else
		say(sink, KEP_CHECK_FAIL, "pkcs11", "no token labelled '%s'; fix: insert the "
		    "officer's card or correct pkcs11.token",
		    c->pkcs11.token ? c->pkcs11.token : "");
	PKCS11_CTX_unload(ctx);
	PKCS11_CTX_free(ctx);
}

void ptt_conf_check(const struct kep_account_conf *c, int deep,
		    const struct kep_check_sink *sink)
{
	check_secrets(c, sink);
	if (!c->has_pkcs11)
		return;
	if (deep)
		check_token(c, sink);
	else
		check_module_file(c, sink);
}
