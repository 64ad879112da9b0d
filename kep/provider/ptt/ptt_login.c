/* ptt_login.c: the PTT EYWS login modes.
 *
 * BASE: Giris with the credentials block alone; it proves the credentials
 * before anything else is asked. OTP: Giris sends the officer a code by
 * SMS; GuvenliGiris answers it. EIMZA: Giris returns a challenge (eMetin)
 * which the officer's card signs as CAdES-BES; GuvenliGiris checks it. Both
 * return eGuvenlikId, which Indir carries afterwards. A refusal carries the
 * provider's own text and is graded by its meaning (ptt_check_durum,
 * ptt_transport.c): a transient text such as "Sistem geçici olarak hizmet
 * verememektedir" is KERR_TRANSIENT and retried by the sync's backoff;
 * every other refusal is KERR_AUTH, never retried.
 *
 * The credentials block (kep-domain.md section 2) is sent in the WSDL's
 * order, kepHesap, tcno, parola, sifre, as PTT's generated .NET client and
 * the Node client send it. Operations whose whole input is the credentials
 * type (DizinSorgula, KotaSorgula, KontorSorgula: `string[]
 * DizinSorgula(eyKepHesapGirisP param0)`) get the four fields as param0
 * itself; every other operation gets them in a kepHesap child of param0.
 * Because an earlier guess (and so perhaps a provider built against it)
 * wrapped the block for those three operations too, a credential-only call
 * whose answer fails on its shape (a SOAP Fault or an answer not
 * understood; never a durum refusal, an HTTP 401/403 or a transport error)
 * is repeated once in the other form, and a form that is answered is
 * remembered per endpoint and account for the life of the process (a
 * daemon keeps it across refreshes; a new process starts with the public
 * clients' form again). */
#include "ptt_eyws_p.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "log.h"
#include "p11_sign.h"
#include "pin.h"
#include "util.h"

int ptt_creds_only_op(const char *op)
{
	return strcmp(op, "DizinSorgula") == 0 || strcmp(op, "KotaSorgula") == 0 ||
	       strcmp(op, "KontorSorgula") == 0;
}

void ptt_add_credentials(struct kep_session *s, const char *op, xmlNodePtr param0)
{
	xmlNodePtr cred = param0;

	if (!(ptt_creds_only_op(op) && s->bare_creds))
		cred = soap_add(param0, "kepHesap", NULL);
	soap_add(cred, "kepHesap", s->kep_hesap);
	soap_add(cred, "tcno", s->tcno);
	soap_add(cred, "parola", s->parola);
	soap_add(cred, "sifre", s->sifre);
}

/* The forms that worked, per "endpoint address" (a few accounts at most). */
static pthread_mutex_t forms_lock = PTHREAD_MUTEX_INITIALIZER;
static struct form_memo {
	struct form_memo *next;
	char *key;
	int bare;
} *forms;

static char *form_key(const struct kep_session *s)
{
	return xasprintf("%s %s", s->endpoint, s->kep_hesap);
}

void ptt_creds_form_recall(struct kep_session *s)
{
	char *key = form_key(s);
	struct form_memo *m;

	s->bare_creds = 1;
	pthread_mutex_lock(&forms_lock);
	for (m = forms; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			s->bare_creds = m->bare;
	pthread_mutex_unlock(&forms_lock);
	free(key);
}

static void creds_form_remember(const struct kep_session *s)
{
	char *key = form_key(s);
	struct form_memo *m;

	pthread_mutex_lock(&forms_lock);
	for (m = forms; m != NULL; m = m->next)
		if (strcmp(m->key, key) == 0)
			break;
	if (m == NULL) {
		m = xcalloc(1, sizeof(*m));
		m->key = key;
		key = NULL;
		m->next = forms;
		forms = m;
	}
	m->bare = s->bare_creds;
	pthread_mutex_unlock(&forms_lock);
	free(key);
}

static const char *form_name(int bare)
{
	return bare ? "as param0 itself" : "wrapped in a kepHesap element";
}

int ptt_call_creds(struct kep_session *s, const char *op, struct ptt_reply *r,
		   struct kerr *err)
{
	struct kerr first, second;
	int form = s->bare_creds;
	xmlNodePtr p;

	if (ptt_call(s, op, ptt_request(s, op, &p), r, &first) == 0)
		return 0;
	if (!s->shape_error || first.cls == KERR_AUTH || first.cls == KERR_INTERRUPTED) {
		if (err != NULL)
			*err = first;
		return -1;
	}
	s->bare_creds = !form;
	if (ptt_call(s, op, ptt_request(s, op, &p), r, &second) == 0) {
		log_warn("%s: %s answered the credentials %s, not %s (%s); using that form "
			 "for %s from now on", op, s->endpoint, form_name(!form), form_name(form),
			 first.msg, s->kep_hesap);
		creds_form_remember(s);
		return 0;
	}
	log_debug("%s: the credentials %s failed too: %s", op, form_name(!form), second.msg);
	s->bare_creds = form;
	if (err != NULL)
		*err = first;
	return -1;
}

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
