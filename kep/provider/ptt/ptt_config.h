/* ptt_config.h: a PTT account's own configuration keys (kepagent.yaml(5)),
 * parsed and checked by the driver itself (provider.h, conf_* hooks):
 *
 *   endpoint      the EYWS https URL
 *   tcno          the authorised person's 11-digit T.C. Kimlik No (never echoed)
 *   secrets_file  YAML with parola: and sifre: (a private file, secret_file.h)
 *   login         base | otp | eimza (default base)
 *   otp_file      otp: read the SMS code from this file, else ask on the terminal
 *   pkcs11        eimza: { module, token, key (label), pin_file }
 *
 * The struct is the driver's; conf/ holds it as an opaque pointer. Strings are
 * owned by it and freed by ptt_conf_free(). Tools that drive the PTT driver
 * without a configuration file (tests/ptt-probe) fill it themselves. */
#ifndef KEP_PTT_CONFIG_H
#define KEP_PTT_CONFIG_H

#include "config_yaml.h"
#include "err.h"
#include "provider.h"

enum ptt_login { PTT_LOGIN_BASE = 0, PTT_LOGIN_OTP, PTT_LOGIN_EIMZA };

struct kep_account_conf {
	char *endpoint;
	char tcno[12];            /* 11 digits, or "" when not given */
	char *secrets_file;
	enum ptt_login login;
	char *otp_file;           /* NULL: ask on the terminal */
	int has_pkcs11;           /* 1 when pkcs11 was given (always with eimza) */
	struct {
		char *module;     /* path, or a bare name for dlopen()'s search */
		char *token;      /* token label; NULL: the first token with the key */
		char *key_label;  /* key label; or */
		char *key_id;     /* key id in hex */
		char *pin_file;   /* NULL: ask on the terminal */
	} pkcs11;
};

/* The hooks in kep_driver_ptt (see provider.h for each contract). */
#define K_PTT_CONF_KEYS 6
extern const struct cy_key ptt_conf_keys[K_PTT_CONF_KEYS];
struct kep_account_conf *ptt_conf_parse(struct cy_doc *d, yaml_node_t *account,
					const char *what, yaml_node_t *const *v,
					const char *dir);
void ptt_conf_free(struct kep_account_conf **c);
void ptt_conf_login(const struct kep_account_conf *c, struct kep_login_info *out);
void ptt_conf_check(const struct kep_account_conf *c, int deep,
		    const struct kep_check_sink *sink);

/* "BASE"/"OTP"/"EIMZA" (any case) -> mode, -1 when unknown; and back, in
 * the upper case EYWS's girisTur takes. */
int ptt_login_parse(const char *s);
const char *ptt_login_name(enum ptt_login m);

/* Reads a secrets file (YAML: parola, sifre; private, see secret_file.h).
 * On success *parola_r and *sifre_r are new strings the caller wipes with
 * secret_free(). Every problem, one line each ("FILE:LINE:COL: ...") and
 * free of secrets, is appended to report (may be NULL); err gets the first. */
int ptt_secrets_load(const char *path, char **parola_r, char **sifre_r, struct kbuf *report,
		     struct kerr *err);

#endif
