/* ptt_login.c: the PTT EYWS login modes.
 *
 * BASE: Giris with the credentials block alone; it proves the credentials
 * before anything else is asked. OTP: Giris sends the officer a code by
 * SMS; GuvenliGiris answers it. EIMZA: Giris returns a challenge (eMetin)
 * which the officer's card signs as CAdES-BES; GuvenliGiris checks it. Both
 * return eGuvenlikId, which Indir carries afterwards. Every refusal is
 * KERR_AUTH with the provider's own text; nothing is retried. */
#include "ptt_eyws_p.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "log.h"
#include "p11_sign.h"
#include "pin.h"
#include "util.h"

static char *base64_of(const unsigned char *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

/* Giris: returns the reply's eGuvenlikId (and eMetin for EIMZA). */
static int giris(struct kep_session *s, char **guvenlik_id, char **emetin, struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p;
	xmlDocPtr req;

	*guvenlik_id = NULL;
	if (emetin)
		*emetin = NULL;
	req = ptt_request(s, "Giris", &p);
	soap_add(p, "girisTur", ptt_login_name(s->mode));
	if (ptt_call(s, "Giris", req, &r, err) < 0)
		return -1;
	if (ptt_check_durum(r.ret, "Giris", KERR_AUTH, err) < 0) {
		ptt_reply_free(&r);
		return -1;
	}
	*guvenlik_id = soap_field(r.ret, "eGuvenlikId");
	if (emetin)
		*emetin = soap_field(r.ret, "eMetin");
	ptt_reply_free(&r);
	return 0;
}

/* GuvenliGiris with the answer in field `name` (smsKey or eCadesBes). */
static int guvenli_giris(struct kep_session *s, const char *guvenlik_id, const char *name,
			 const char *answer, struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p;
	xmlDocPtr req;
	char *id;

	req = ptt_request(s, "GuvenliGiris", &p);
	soap_add(p, "girisTur", ptt_login_name(s->mode));
	soap_add(p, name, answer);
	if (guvenlik_id != NULL)
		soap_add(p, "eGuvenlikId", guvenlik_id);
	if (ptt_call(s, "GuvenliGiris", req, &r, err) < 0)
		return -1;
	if (ptt_check_durum(r.ret, "GuvenliGiris", KERR_AUTH, err) < 0) {
		ptt_reply_free(&r);
		return -1;
	}
	id = soap_field(r.ret, "eGuvenlikId");
	ptt_reply_free(&r);
	if (id == NULL || *id == '\0') {
		free(id);
		return kerr_set(err, KERR_AUTH, "GuvenliGiris: no eGuvenlikId in the answer");
	}
	secret_free(&s->guvenlik_id);
	s->guvenlik_id = id;
	return 0;
}

static int login_otp(struct kep_session *s, const char *giris_id, struct kerr *err)
{
	char *code = NULL;
	int rc;

	if (pin_read(s->otp_file, "SMS code (OTP): ", &code, err) < 0)
		return kerr_prefix(err, "OTP");
	rc = guvenli_giris(s, giris_id, "smsKey", code, err);
	secret_free(&code);
	return rc;
}

static int login_eimza(struct kep_session *s, const char *giris_id, const char *emetin,
		       struct kerr *err)
{
	struct p11_opts po = {
		.module = s->p11_module,
		.token_label = s->p11_token,
		.key_label = s->p11_key_label,
		.key_id_hex = s->p11_key_id,
		.pin_file = s->pin_file,
	};
	struct kbuf der = { 0 };
	char *b64;
	int rc;

	if (emetin == NULL || *emetin == '\0')
		return kerr_set(err, KERR_PERMANENT, "Giris (EIMZA) returned no eMetin to sign");
	if (p11_cades_sign(&po, emetin, strlen(emetin), &der, err) < 0)
		return kerr_prefix(err, "e-imza");
	b64 = base64_of(der.data, der.len);
	kbuf_free(&der);
	rc = guvenli_giris(s, giris_id, "eCadesBes", b64, err);
	free(b64);
	return rc;
}

int ptt_login(struct kep_session *s, struct kerr *err)
{
	char *giris_id = NULL, *emetin = NULL;
	int rc;

	secret_free(&s->guvenlik_id);
	if (giris(s, &giris_id, s->mode == PTT_LOGIN_EIMZA ? &emetin : NULL, err) < 0)
		return -1;
	switch (s->mode) {
	case PTT_LOGIN_BASE:
		/* No second step; keep an id if the provider gave one. */
		s->guvenlik_id = giris_id;
		giris_id = NULL;
		rc = 0;
		break;
	case PTT_LOGIN_OTP:
		rc = login_otp(s, giris_id, err);
		break;
	case PTT_LOGIN_EIMZA:
		rc = login_eimza(s, giris_id, emetin, err);
		break;
	default:
		rc = kerr_set(err, KERR_INTERNAL, "unknown login mode %d", (int)s->mode);
	}
	secret_free(&giris_id);
	free(emetin);
	if (rc == 0)
		log_info("logged in to %s as %s (%s)", s->endpoint, s->kep_hesap,
			 ptt_login_name(s->mode));
	return rc;
}
