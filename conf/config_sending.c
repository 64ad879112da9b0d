/* config_sending.c: an account's sending: block (config.h, struct
 * sending_config): who signs what the outbox sends, and with which token. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "config_sending.h"
#include "log.h"

void config_sending_defaults(struct sending_config *s)
{
	memset(s, 0, sizeof(*s));
	s->mode = SEND_OFF;
	s->path = SEND_YUKLE;
	s->max_attempts = 5;
	s->park_after_s = 600;
}

void config_parse_sending(struct cy_doc *d, yaml_node_t *n, const char *dir,
			  struct sending_config *s)
{
	static const char *const modes[] = { "off", "seal", "officer", NULL };
	static const char *const paths[] = { "yukle", "mimeyap", NULL };
	static const struct cy_key keys[] = {
		{ "mode", 1, "seal (the institution's mali muhur, unattended) or officer" },
		{ "path", 0, NULL },
		{ "pkcs11", 1, "pkcs11 { module, token, key, pin_file } of the signing token" },
		{ "max_attempts", 0, NULL },
		{ "reconcile_park_after_seconds", 0, NULL },
		/* The old name, from when an unlisted item was submitted again. */
		{ "resubmit_after_seconds", 0, NULL },
	};
	yaml_node_t *v[ARRAY_SIZE(keys)];
	int e;

	if (cy_mapping(d, n, "sending", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	if (v[0] != NULL && cy_enum(d, v[0], "mode", modes, &e) == 0)
		s->mode = (enum send_mode)e;
	if (v[1] != NULL && cy_enum(d, v[1], "path", paths, &e) == 0)
		s->path = (enum send_path)e;
	if (v[2] != NULL)
		(void)cy_pkcs11(d, v[2], "sending.pkcs11", dir, &s->pkcs11.module, &s->pkcs11.token,
				 &s->pkcs11.key, &s->pkcs11.pin_file);
	if (v[3] != NULL)
		cy_int(d, v[3], "max_attempts", 1, 100, &s->max_attempts);
	if (v[4] != NULL && v[5] != NULL)
		cy_error(d, v[5], "reconcile_park_after_seconds alone",
			 "resubmit_after_seconds is the old name of reconcile_park_after_seconds; "
			 "give one of them");
	else if (v[4] != NULL)
		cy_int(d, v[4], "reconcile_park_after_seconds", 0, 86400, &s->park_after_s);
	else if (v[5] != NULL &&
		 cy_int(d, v[5], "resubmit_after_seconds", 0, 86400, &s->park_after_s) == 0)
		log_warn("%s:%lu: sending.resubmit_after_seconds is deprecated: it is read as "
			 "reconcile_park_after_seconds (an unanswered submission is parked after "
			 "it, never submitted again)", d->file, cy_line(v[5]));
	/* The seal signs unattended: its PIN cannot be asked for. */
	if (s->mode == SEND_SEAL && v[2] != NULL && s->pkcs11.pin_file == NULL)
		cy_error(d, v[2], "a pin_file (mode 0600): the seal signs unattended",
			 "missing required key 'pin_file' in sending.pkcs11");
}

void config_sending_free(struct sending_config *s)
{
	free(s->pkcs11.module);
	free(s->pkcs11.token);
	free(s->pkcs11.key);
	free(s->pkcs11.pin_file);
	memset(s, 0, sizeof(*s));
}

const char *config_send_mode_name(enum send_mode m)
{
	return m == SEND_SEAL ? "seal" : m == SEND_OFFICER ? "officer" : "off";
}
