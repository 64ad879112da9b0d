/* ops.c: dispatch, credentials and the helpers of every operation. */
#include "ops_p.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "submit.h"
#include "util.h"

static const struct {
	const char *name;
	struct soap_resp *(*fn)(struct op_ctx *c);
} ops[] = {
	{ "Giris", op_giris },
	{ "GuvenliGiris", op_guvenli_giris },
	{ "DizinSorgula", op_dizin_sorgula },
	{ "PaketSorgula", op_paket_sorgula },
	{ "Indir", op_indir },
	{ "PaketDelilSorgula", op_paket_delil_sorgula },
	{ "PaketDelilIndir", op_paket_delil_indir },
	{ "AlindiOnay", op_alindi_onay },
	{ "PaketSil", op_paket_sil },
	{ "KontorSorgula", op_kontor_sorgula },
	{ "KotaSorgula", op_kota_sorgula },
	{ "Yukle", op_yukle },
	{ "MimeYap", op_mime_yap },
	{ "SmimeGonder", op_smime_gonder },
};

struct soap_resp *op_error(struct op_ctx *c, const char *msg)
{
	struct soap_resp *r = soap_resp_new(c->op);

	soap_resp_add(r, "durum", "1");
	soap_resp_add(r, "hataaciklama", msg);
	json_object_set_new(c->log, "durum", json_string("1"));
	json_object_set_new(c->log, "hataaciklama", json_string(msg));
	return r;
}

char *op_field(struct op_ctx *c, const char *name)
{
	char *v = soap_req_field(c->req, name);

	if (v != NULL)
		json_object_set_new(c->log, name, json_string(v));
	return v;
}

char *op_folder(struct op_ctx *c, struct soap_resp **errp)
{
	char *f = op_field(c, "dizin");

	if (f == NULL || *f == '\0') {
		free(f);
		f = xstrdup("INBOX");
	}
	if (!account_has_folder(c->acct, f)) {
		free(f);
		*errp = op_error(c, "Dizin bulunamadı");
		return NULL;
	}
	return f;
}

char *op_find(struct op_ctx *c, const char *id, const char *no, int with_deleted, struct pkg *p,
	      struct soap_resp **errp)
{
	char *f = op_folder(c, errp);

	if (f != NULL && mailbox_find(c->conf->mailbox, c->acct, f, id, no, with_deleted, p,
				      NULL) < 0) {
		free(f);
		*errp = op_error(c, OP_NOT_FOUND);
		return NULL;
	}
	return f;
}

static int secret_matches(const struct account *a, const char *key, const char *given)
{
	const char *want = account_str(a, key);

	if (want == NULL || given == NULL)
		return 0;
	return const_time_eq(want, strlen(want), given, strlen(given));
}

/* Loads the account named in the credentials block and checks its secrets. */
static int check_credentials(struct op_ctx *c)
{
	char *hesap = soap_req_cred(c->req, "kepHesap");
	char *tcno = soap_req_cred(c->req, "tcno");
	char *parola = soap_req_cred(c->req, "parola");
	char *sifre = soap_req_cred(c->req, "sifre");
	int ok = 0;

	if (hesap != NULL) {
		json_object_set_new(c->log, "account", json_string(hesap));
		if (account_load(c->conf->mailbox, hesap, &c->acct, NULL) == 0)
			ok = secret_matches(c->acct, "tcno", tcno) &&
			     secret_matches(c->acct, "parola", parola) &&
			     secret_matches(c->acct, "sifre", sifre);
	}
	if (!ok)
		account_free(&c->acct);
	free(hesap);
	free(tcno);
	secret_free(&parola);
	secret_free(&sifre);
	return ok;
}

/* --strict-creds: the credentials in a form the operation's schema does not
 * have, or out of the WSDL's order (kepHesap, tcno, parola, sifre), get the
 * Fault Axis2's generated databinding gives. The expected
 * form: param0 itself for the credential-only operations when the dialect
 * says bare, a kepHesap child otherwise. */
/* The credential form, last in the request-log line. */
static void log_creds(struct op_ctx *c)
{
	if (c->req->creds_form != CREDS_NONE)
		json_object_set_new(c->log, "creds", json_string(c->req->creds_form == CREDS_BARE
								  ? "bare" : "wrapped"));
}

static struct soap_resp *creds_form_fault(struct op_ctx *c)
{
	int want_bare = dialect_creds_only_op(c->op) && kepsim_dialect.creds_bare;
	struct soap_resp *r;
	char *msg;

	const char *bad;

	if (!kepsim_dialect.creds_strict || c->req->creds_form == CREDS_NONE)
		return NULL;
	if ((c->req->creds_form == CREDS_BARE) != want_bare)
		bad = want_bare ? "kepHesap" : "tcno";
	else if ((bad = c->req->creds_misplaced) == NULL)
		return NULL;
	msg = xasprintf("org.apache.axis2.databinding.ADBException: Unexpected subelement %s", bad);
	r = soap_resp_fault("soapenv:Client", msg);
	free(msg);
	json_object_set_new(c->log, "result", json_string("soap-fault"));
	json_object_set_new(c->log, "reason", json_string("credential form"));
	log_creds(c);
	return r;
}

struct soap_resp *ops_run(const struct kepsim_conf *conf, const struct soap_req *req,
			  enum fault fault, uint64_t seq, json_t *log)
{
	struct op_ctx c = { conf, req, req->op, NULL, fault, seq, log };
	struct soap_resp *r;
	size_t i;
	char *msg;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(ops[i].name, req->op) == 0)
			break;
	if (i == ARRAY_SIZE(ops)) {
		msg = xasprintf("The endpoint reference (EPR) for the Operation not found: "
				"urn:%s (bilinmeyen işlem)", req->op);
		r = soap_resp_fault("soapenv:Client", msg);
		free(msg);
		json_object_set_new(log, "result", json_string("soap-fault"));
		return r;
	}
	submit_tick(conf);
	if ((r = creds_form_fault(&c)) != NULL)
		return r;
	if (!check_credentials(&c)) {
		r = op_error(&c, "Kullanıcı adı veya parola hatalı");
		log_creds(&c);
		return r;
	}
	log_set_context(c.acct->name);
	if (fault_durum1_text(fault) != NULL)
		r = op_error(&c, fault_durum1_text(fault));
	else
		r = ops[i].fn(&c);
	if (json_object_get(log, "durum") == NULL)
		json_object_set_new(log, "durum", json_string("0"));
	log_creds(&c);
	account_free(&c.acct);
	log_set_context(NULL);
	return r;
}

void ops_shutdown(void)
{
	login_shutdown();
}
