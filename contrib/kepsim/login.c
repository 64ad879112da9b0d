/* login.c: Giris / GuvenliGiris and the session table.
 *
 * Giris BASE opens a session at once. Giris OTP and EIMZA open a pending
 * login: OTP prints a 6-digit code to the log and writes it to --otp-file
 * (kepsim is a test tool: the "SMS" is the log); EIMZA returns a challenge
 * (eMetin, and eHash = base64 SHA-256 of eMetin). GuvenliGiris with the
 * pending eGuvenlikId and the code, or with eCadesBes (base64 CMS
 * SignedData by the account's eimza_cert over the bytes of eMetin, or of the
 * eHash text; content attached or detached), opens the session and returns
 * a new eGuvenlikId. Sessions live in memory for SESSION_TTL seconds. */
#include "ops_p.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "log.h"
#include "util.h"

#define SESSION_TTL (8 * 3600)
#define MAX_SESSIONS 4096

enum level { LVL_PENDING_OTP, LVL_PENDING_EIMZA, LVL_BASE, LVL_OTP, LVL_EIMZA };

struct session {
	char id[41];
	char *account;
	enum level level;
	char otp[7];
	char *emetin, *ehash;
	time_t created;
};

static pthread_mutex_t sess_lock = PTHREAD_MUTEX_INITIALIZER;
static struct session *sessions[MAX_SESSIONS];

static void session_free(struct session **sp)
{
	struct session *s = *sp;

	if (s == NULL)
		return;
	free(s->account);
	free(s->emetin);
	free(s->ehash);
	secure_wipe(s, sizeof(*s));
	free(s);
	*sp = NULL;
}

static void random_hex(char *out, size_t bytes)
{
	unsigned char r[32];
	size_t i;

	if (bytes > sizeof(r) || RAND_bytes(r, (int)bytes) != 1)
		abort(); /* no randomness: nothing below would be a secret */
	for (i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", r[i]);
}

/* Adds s to the table (replacing the oldest when full); returns its id copy. */
static char *session_add(struct session *s)
{
	size_t i, slot = 0;
	time_t oldest = 0;
	char *id;

	random_hex(s->id, 20);
	s->created = time(NULL);
	id = xstrdup(s->id);
	pthread_mutex_lock(&sess_lock);
	for (i = 0; i < MAX_SESSIONS; i++) {
		if (sessions[i] == NULL) {
			slot = i;
			break;
		}
		if (oldest == 0 || sessions[i]->created < oldest) {
			oldest = sessions[i]->created;
			slot = i;
		}
	}
	session_free(&sessions[slot]);
	sessions[slot] = s;
	pthread_mutex_unlock(&sess_lock);
	return id;
}

/* The live session id of account, or NULL; call with sess_lock held. */
static struct session *session_find(const char *account, const char *id)
{
	size_t i;
	time_t now = time(NULL);

	if (id == NULL)
		return NULL;
	for (i = 0; i < MAX_SESSIONS; i++) {
		struct session *s = sessions[i];

		if (s != NULL && strcmp(s->id, id) == 0 && strcmp(s->account, account) == 0 &&
		    now - s->created < SESSION_TTL)
			return s;
	}
	return NULL;
}

int login_session_ok(const char *account, const char *id, int need_eimza)
{
	struct session *s;
	int ok;

	pthread_mutex_lock(&sess_lock);
	s = session_find(account, id);
	ok = s != NULL && (need_eimza ? s->level == LVL_EIMZA : s->level >= LVL_BASE);
	pthread_mutex_unlock(&sess_lock);
	return ok;
}

void login_shutdown(void)
{
	size_t i;

	pthread_mutex_lock(&sess_lock);
	for (i = 0; i < MAX_SESSIONS; i++)
		session_free(&sessions[i]);
	pthread_mutex_unlock(&sess_lock);
}

static void write_otp(const char *path, const char *code)
{
	char line[16];
	struct kerr err;

	if (path == NULL)
		return;
	snprintf(line, sizeof(line), "%s\n", code);
	if (write_file_atomic(path, line, strlen(line), 0600, &err) < 0)
		log_warn("cannot write the OTP file: %s", err.msg);
}

static struct soap_resp *answer(struct op_ctx *c, const char *emetin, const char *ehash,
				const char *id)
{
	struct soap_resp *r = soap_resp_new(c->op);

	soap_resp_add(r, "durum", "0");
	soap_resp_add(r, "hataaciklama", "");
	if (emetin != NULL) {
		soap_resp_add(r, "eMetin", emetin);
		soap_resp_add(r, "eHash", ehash);
	}
	soap_resp_add(r, "eGuvenlikId", id);
	return r;
}

struct soap_resp *op_giris(struct op_ctx *c)
{
	char *tur = op_field(c, "girisTur"), *id;
	struct session *s = xcalloc(1, sizeof(*s));
	struct soap_resp *r;
	unsigned char md[32];
	unsigned char b64[48];
	char rnd[33];

	s->account = xstrdup(c->acct->name);
	if (tur == NULL || *tur == '\0' || strcmp(tur, "BASE") == 0) {
		s->level = LVL_BASE;
	} else if (strcmp(tur, "OTP") == 0) {
		unsigned char r4[4];

		s->level = LVL_PENDING_OTP;
		if (RAND_bytes(r4, sizeof(r4)) != 1)
			abort();
		snprintf(s->otp, sizeof(s->otp), "%06u",
			 (unsigned)(((uint32_t)r4[0] << 24 | (uint32_t)r4[1] << 16 |
				     (uint32_t)r4[2] << 8 | r4[3]) % 1000000u));
		/* The simulated SMS: a test reads it from the log or the OTP file. */
		log_info("OTP for %s: %s", c->acct->name, s->otp);
		write_otp(c->conf->otp_file, s->otp);
	} else if (strcmp(tur, "EIMZA") == 0) {
		s->level = LVL_PENDING_EIMZA;
		random_hex(rnd, 16);
		s->emetin = xasprintf("KEPSIM e-imza giris %s %s", c->acct->name, rnd);
		SHA256((const unsigned char *)s->emetin, strlen(s->emetin), md);
		EVP_EncodeBlock(b64, md, sizeof(md));
		s->ehash = xstrdup((const char *)b64);
	} else {
		session_free(&s);
		free(tur);
		return op_error(c, "Geçersiz giriş türü (girisTur)");
	}
	free(tur);
	{
		char *emetin = s->emetin != NULL ? xstrdup(s->emetin) : NULL;
		char *ehash = s->ehash != NULL ? xstrdup(s->ehash) : NULL;

		id = session_add(s);
		r = answer(c, emetin != NULL ? emetin : "", ehash != NULL ? ehash : "", id);
		free(emetin);
		free(ehash);
	}
	free(id);
	return r;
}

static CMS_ContentInfo *decode_cms(const char *b64)
{
	size_t i, n = 0, len = strlen(b64);
	unsigned char *clean = xmalloc(len + 1), *der = xmalloc(len + 1);
	const unsigned char *p = der;
	CMS_ContentInfo *cms = NULL;
	int dlen;

	for (i = 0; i < len; i++)
		if (b64[i] != '\r' && b64[i] != '\n' && b64[i] != ' ' && b64[i] != '\t')
			clean[n++] = (unsigned char)b64[i];
	dlen = n % 4 == 0 ? EVP_DecodeBlock(der, clean, (int)n) : -1;
	if (dlen > 0) {
		/* EVP_DecodeBlock counts the padding as zero bytes. */
		if (n >= 1 && clean[n - 1] == '=')
			dlen--;
		if (n >= 2 && clean[n - 2] == '=')
			dlen--;
		cms = d2i_CMS_ContentInfo(NULL, &p, dlen);
	}
	free(clean);
	free(der);
	return cms;
}

/* Verifies eCadesBes against the challenge; 1 when it is by want. */
static int cades_ok(const char *b64, const struct session *s, X509 *want)
{
	CMS_ContentInfo *cms = decode_cms(b64);
	STACK_OF(X509) *certs = sk_X509_new_null(), *signers = NULL;
	const char *texts[2] = { s->emetin, s->ehash };
	unsigned flags = CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY;
	ASN1_OCTET_STRING **content;
	int ok = 0, i;

	if (cms == NULL || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		goto out;
	sk_X509_push(certs, want);
	content = CMS_get0_content(cms);
	if (content != NULL && *content != NULL) {
		BIO *mem = BIO_new(BIO_s_mem());
		char *data;
		long dl;

		if (CMS_verify(cms, certs, NULL, NULL, mem, flags) == 1) {
			dl = BIO_get_mem_data(mem, &data);
			for (i = 0; i < 2; i++)
				if ((size_t)dl == strlen(texts[i]) && memcmp(data, texts[i], (size_t)dl) == 0)
					ok = 1;
		}
		BIO_free(mem);
	} else {
		for (i = 0; i < 2 && !ok; i++) {
			BIO *in = BIO_new_mem_buf(texts[i], (int)strlen(texts[i]));

			ok = CMS_verify(cms, certs, NULL, in, NULL, flags) == 1;
			BIO_free(in);
		}
	}
	if (ok) {
		signers = CMS_get0_signers(cms);
		ok = sk_X509_num(signers) == 1 && X509_cmp(sk_X509_value(signers, 0), want) == 0;
	}
out:
	sk_X509_free(signers);
	sk_X509_free(certs);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return ok;
}

struct soap_resp *op_guvenli_giris(struct op_ctx *c)
{
	char *tur = op_field(c, "girisTur"), *pid = op_field(c, "eGuvenlikId");
	char *sms = soap_req_field(c->req, "smsKey"), *sig = soap_req_field(c->req, "eCadesBes");
	struct session *s, *snap = NULL, *fresh;
	struct soap_resp *r = NULL;
	const char *fail = NULL;
	X509 *cert = NULL;
	char *id;

	pthread_mutex_lock(&sess_lock);
	s = session_find(c->acct->name, pid);
	if (s != NULL && (s->level == LVL_PENDING_OTP || s->level == LVL_PENDING_EIMZA)) {
		snap = xcalloc(1, sizeof(*snap));
		*snap = *s;
		snap->account = xstrdup(s->account);
		snap->emetin = s->emetin ? xstrdup(s->emetin) : NULL;
		snap->ehash = s->ehash ? xstrdup(s->ehash) : NULL;
	}
	pthread_mutex_unlock(&sess_lock);

	if (snap == NULL)
		fail = "Geçersiz ya da süresi dolmuş eGuvenlikId";
	else if (tur != NULL && strcmp(tur, snap->level == LVL_PENDING_OTP ? "OTP" : "EIMZA") != 0)
		fail = "Giriş türü bu oturumla uyuşmuyor";
	else if (snap->level == LVL_PENDING_OTP)
		fail = sms != NULL && const_time_eq(sms, strlen(sms), snap->otp, strlen(snap->otp))
			       ? NULL : "SMS doğrulama kodu hatalı";
	else if ((cert = account_cert(c->conf->mailbox, c->acct, "eimza_cert")) == NULL)
		fail = "Bu hesap için e-imza sertifikası tanımlı değil";
	else
		fail = sig != NULL && cades_ok(sig, snap, cert) ? NULL : "e-İmza doğrulanamadı";

	if (fail != NULL) {
		r = op_error(c, fail);
	} else {
		fresh = xcalloc(1, sizeof(*fresh));
		fresh->account = xstrdup(c->acct->name);
		fresh->level = snap->level == LVL_PENDING_OTP ? LVL_OTP : LVL_EIMZA;
		id = session_add(fresh);
		r = answer(c, NULL, NULL, id);
		free(id);
	}
	X509_free(cert);
	session_free(&snap);
	free(tur);
	free(pid);
	secret_free(&sms);
	free(sig);
	return r;
}
