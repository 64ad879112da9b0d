/* ptt_eyws.c: the PTT KEP EYWS driver (SOAP over HTTPS, MTOM downloads).
 * See provider.h for the contract and ptt_login.c for the login modes. */
#include "ptt_eyws_p.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fdio.h"
#include "log.h"
#include "util.h"

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static struct kep_session *ptt_open(const struct kep_provider_opts *o, struct kerr *err)
{
	struct http_opts ho = {
		.ca_file = o->ca_file,
		.proxy = o->proxy,
		.connect_timeout_s = o->connect_timeout_s,
		.transfer_timeout_s = o->transfer_timeout_s,
		.tmp_dir = o->tmp_dir,
		.stop = o->stop,
	};
	const struct kep_account_conf *c = o->conf;
	struct kep_session *s;

	if (c == NULL || c->endpoint == NULL || o->mailbox == NULL || c->tcno[0] == '\0' ||
	    c->secrets_file == NULL) {
		kerr_set(err, KERR_CONFIG,
			 "the PTT driver needs endpoint, address, tcno and secrets_file");
		return NULL;
	}
	if (c->login == PTT_LOGIN_EIMZA && c->pkcs11.module == NULL) {
		kerr_set(err, KERR_CONFIG, "EIMZA login needs a PKCS#11 module");
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	if (ptt_secrets_load(c->secrets_file, &s->parola, &s->sifre, NULL, err) < 0) {
		free(s);
		return NULL;
	}
	s->http = http_session_new(&ho, err);
	if (s->http == NULL) {
		secret_free(&s->parola);
		secret_free(&s->sifre);
		free(s);
		return NULL;
	}
	s->endpoint = xstrdup(c->endpoint);
	s->tmp_dir = o->tmp_dir ? xstrdup(o->tmp_dir) : NULL;
	s->kep_hesap = xstrdup(o->mailbox);
	s->tcno = xstrdup(c->tcno);
	s->mode = c->login;
	s->otp_file = dup_or_null(c->otp_file);
	s->p11_module = dup_or_null(c->pkcs11.module);
	s->p11_token = dup_or_null(c->pkcs11.token);
	s->p11_key_label = dup_or_null(c->pkcs11.key_label);
	s->p11_key_id = dup_or_null(c->pkcs11.key_id);
	s->pin_file = dup_or_null(c->pkcs11.pin_file);
	ptt_creds_form_recall(s);
	return s;
}

static void ptt_close(struct kep_session **sp)
{
	struct kep_session *s = *sp;

	if (s == NULL)
		return;
	http_session_free(&s->http);
	free(s->endpoint);
	free(s->tmp_dir);
	free(s->kep_hesap);
	secret_free(&s->tcno);
	secret_free(&s->parola);
	secret_free(&s->sifre);
	secret_free(&s->guvenlik_id);
	free(s->otp_file);
	free(s->p11_module);
	free(s->p11_token);
	free(s->p11_key_label);
	free(s->p11_key_id);
	free(s->pin_file);
	free(s);
	*sp = NULL;
}


/* The rows of a listing: parallel arrays in the single return, or
 * (tolerated) one return per row; read in one pass (soap_columns_read). */
static void read_rows(const struct ptt_reply *r, struct soap_columns *t,
		      const char *const *names, size_t ncol)
{
	if (r->soap.nret > 1)
		soap_columns_read(t, r->soap.rets, r->soap.nret, names, ncol);
	else
		soap_columns_read(t, &r->ret, 1, names, ncol);
}

static char *cell(const struct soap_columns *t, size_t c, size_t i)
{
	return soap_text(soap_columns_at(t, c, i));
}

static size_t row_count(const struct ptt_reply *r, const char *key)
{
	if (r->soap.nret > 1)
		return r->soap.nret;
	return soap_count(r->ret, key);
}

/* durum and hataaciklama (columns d and h) are per row only when there is
 * one per row. */
static int row_durum(const struct soap_columns *t, size_t d, size_t h, size_t i, size_t n,
		     char **text)
{
	char *v;
	int code = 0;

	*text = NULL;
	if (t->len[d] != n)
		return 0;
	v = cell(t, d, i);
	if (v != NULL && !soap_num_is_zero(v) && *v != '\0') {
		code = atoi(v) ? atoi(v) : 1;
		*text = cell(t, h, i);
	}
	free(v);
	return code;
}

static int64_t parse_i64(const char *v)
{
	char *end;
	long long x;

	/* Digits only: strtoll would take " 7", "+7" and clamp an overflow. */
	if (v == NULL || *v < '0' || *v > '9')
		return -1;
	errno = 0;
	x = strtoll(v, &end, 10);
	return *end == '\0' && errno == 0 ? (int64_t)x : -1;
}

/* The number of rows of a listing keyed by `key` (soap_nil_first_empty
 * for the public clients' empty answer). A listing with no rows and
 * durum != 0 is a failure, not an empty list. */
static int list_rows(const struct ptt_reply *r, const char *key, const char *empty_text,
		     const char *op, enum kerr_class cls, size_t *n, struct kerr *err)
{
	xmlNodePtr ret = r->soap.nret > 1 ? r->soap.rets[0] : r->ret;

	*n = row_count(r, key);
	if (*n == 1) {
		switch (soap_nil_first_empty(ret, key, empty_text)) {
		case 1:
			*n = 0;
			return 0;
		case -1:
			return ptt_check_durum(ret, op, cls, err);
		}
	}
	if (*n > 0)
		return 0;
	if (soap_count(r->ret, "durum") == 0)
		return 0;
	return ptt_check_durum(r->ret, op, cls, err);
}

static void add_ref(xmlNodePtr p, const struct kep_pkg_ref *ref, int both)
{
	char num[32];

	if (ref->kep_id != NULL)
		soap_add(p, "kepId", ref->kep_id);
	if (ref->seq >= 0 && (both || ref->kep_id == NULL)) {
		snprintf(num, sizeof(num), "%" PRId64, ref->seq);
		soap_add(p, "kepSiraNo", num);
	}
	soap_add(p, "dizin", ref->folder ? ref->folder : "INBOX");
}

static const char *ref_name(const struct kep_pkg_ref *ref, char *buf, size_t len)
{
	if (ref->kep_id)
		snprintf(buf, len, "package %s", ref->kep_id);
	else
		snprintf(buf, len, "package #%" PRId64, ref->seq);
	return buf;
}

static int ptt_login_op(struct kep_session *s, struct kerr *err)
{
	return ptt_login(s, err);
}

static int ptt_list_folders(struct kep_session *s, struct kep_folder_list *out,
			    struct kerr *err)
{
	struct ptt_reply r;

	memset(out, 0, sizeof(*out));
	if (ptt_call_creds(s, "DizinSorgula", &r, err) < 0)
		return -1;
	/* PTT's generated client declares string[] DizinSorgula: one bare
	 * `return` string per folder and no durum. The durum/dizin form is
	 * checked only when it carries a durum. */
	if (soap_count(r.ret, "durum") > 0 &&
	    ptt_check_durum(r.ret, "DizinSorgula", KERR_PERMANENT, err) < 0) {
		ptt_reply_free(&r);
		return -1;
	}
	soap_string_list(&r.soap, &out->names, &out->n);
	ptt_reply_free(&r);
	return 0;
}

/* "YYYY-MM-DDThh:mm:ss" in Turkish time (UTC+3, no DST since 2016), the
 * time PaketSorgula's window is given in. Sent naive, as the provider's
 * guide writes the field and the Node client sends it: any xsd:dateTime
 * reader takes it, and a provider that reads only this form would refuse
 * the .NET client's "+03:00". Answers' times may be naive, "Z" or with an
 * offset (soap_parse_time). */
static void format_tr_time(time_t t, char buf[20])
{
	struct tm tm;

	t += 3 * 3600;
	gmtime_r(&t, &tm);
	strftime(buf, 20, "%Y-%m-%dT%H:%M:%S", &tm);
}

/* An answer's time -> ms; 0 (unknown) when it does not parse, logged with
 * the provider's text. */
static int64_t parse_time(const char *op, const char *field, const char *s)
{
	int64_t ms;

	if (s == NULL || *s == '\0')
		return 0;
	if (soap_parse_time(s, &ms) < 0) {
		log_warn("%s: %s '%s' is not a date and time: kept as unknown", op, field, s);
		return 0;
	}
	return ms;
}

static int ptt_list_packages(struct kep_session *s, const char *folder,
			     const struct kep_window *w, struct kep_package_list *out,
			     struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p;
	int rc;
	xmlDocPtr req;
	char start[20], end[20];

	memset(out, 0, sizeof(*out));
	format_tr_time(w->start, start);
	format_tr_time(w->end, end);
	req = ptt_request(s, "PaketSorgula", &p);
	soap_add(p, "dizin", folder ? folder : "INBOX");
	soap_add(p, "ilktarih", start);
	soap_add(p, "sontarih", end);
	if (ptt_call(s, "PaketSorgula", req, &r, err) < 0)
		return -1;
	rc = ptt_parse_package_list(&r, out, err);
	out->provider_time_ms = r.http.date_ms;
	ptt_reply_free(&r);
	return rc;
}

enum { PC_SIRA, PC_ID, PC_MSGID, PC_FROM, PC_FROMKEP, PC_KONU, PC_TUR, PC_TURID, PC_DURUM,
       PC_HATA };
static const char *const package_cols[] = { "kepSiraNo", "kepId", "OrgMesajId", "from",
					    "fromKep", "konu", "tur", "turId", "durum",
					    "hataaciklama" };

int ptt_parse_package_list(const struct ptt_reply *r, struct kep_package_list *out,
			   struct kerr *err)
{
	struct soap_columns t;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (list_rows(r, "kepId", "paket bulunamad", "PaketSorgula", KERR_PERMANENT, &n, err) < 0)
		return -1;
	out->items = n ? xcalloc(n, sizeof(*out->items)) : NULL;
	out->n = n;
	read_rows(r, &t, package_cols, ARRAY_SIZE(package_cols));
	for (i = 0; i < n; i++) {
		struct kep_package_info *pi = &out->items[i];
		char *sira = cell(&t, PC_SIRA, i);

		pi->kep_id = cell(&t, PC_ID, i);
		pi->seq = parse_i64(sira);
		if (sira != NULL && *sira != '\0' && pi->seq < 0) {
			log_warn("PaketSorgula: kepSiraNo '%s' is not a number (kept as text)", sira);
			pi->seq_text = sira;
		} else {
			free(sira);
		}
		pi->message_id = cell(&t, PC_MSGID, i);
		pi->from = cell(&t, PC_FROM, i);
		pi->from_kep = cell(&t, PC_FROMKEP, i);
		pi->subject = cell(&t, PC_KONU, i);
		pi->kind = cell(&t, PC_TUR, i);
		pi->kind_id = cell(&t, PC_TURID, i);
		pi->status = row_durum(&t, PC_DURUM, PC_HATA, i, n, &pi->error);
	}
	soap_columns_free(&t);
	return 0;
}

/* Writes a binary field (xop:Include or inline base64) to fd. */
static int write_binary(struct ptt_reply *r, xmlNodePtr node, int fd, struct kerr *err)
{
	const char *href = soap_xop_href(node);
	const struct mtom_part *part;

	if (href == NULL)
		return soap_write_base64(node, fd, err);
	part = r->mtom.map ? mtom_find(&r->mtom, href) : NULL;
	if (part == NULL)
		return kerr_set(err, KERR_PACKAGE, "the response names a missing MIME part %s", href);
	return mtom_write_part(part, fd, err);
}

static int ptt_download_package(struct kep_session *s, const struct kep_pkg_ref *ref,
				enum kep_part part, const struct kep_sink *sink,
				unsigned *nparts, struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p, node;
	xmlDocPtr req;
	char name[300];
	unsigned i;
	int rc = 0;

	if (nparts)
		*nparts = 0;
	req = ptt_request(s, "Indir", &p);
	add_ref(p, ref, 0);
	soap_add(p, "ePart", part == KEP_PART_ORIGINAL ? "ORGM"
			     : part == KEP_PART_ATTACHMENTS ? "ORGMATTACH" : "ALL");
	if (s->guvenlik_id != NULL)
		soap_add(p, "eGuvenlikId", s->guvenlik_id);
	if (ptt_call(s, "Indir", req, &r, err) < 0)
		return kerr_prefix(err, "%s", ref_name(ref, name, sizeof(name)));
	if (ptt_check_durum(r.ret, "Indir", KERR_PACKAGE, err) < 0) {
		ptt_reply_free(&r);
		return kerr_prefix(err, "%s", ref_name(ref, name, sizeof(name)));
	}
	for (i = 0; (node = soap_nth(r.ret, "ePaket", i)) != NULL && rc == 0; i++) {
		int fd = sink->part_fd(sink->arg, i, err);

		rc = fd < 0 ? -1 : write_binary(&r, node, fd, err);
	}
	if (rc == 0 && i == 0)
		rc = kerr_set(err, KERR_PACKAGE, "Indir answered without an ePaket");
	if (rc == 0 && nparts)
		*nparts = i;
	ptt_reply_free(&r);
	if (rc < 0)
		return kerr_prefix(err, "%s", ref_name(ref, name, sizeof(name)));
	return 0;
}

static int ptt_list_evidence(struct kep_session *s, const struct kep_pkg_ref *ref,
			     struct kep_evidence_list *out, struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p;
	xmlDocPtr req;
	char name[300];
	int rc;

	memset(out, 0, sizeof(*out));
	req = ptt_request(s, "PaketDelilSorgula", &p);
	add_ref(p, ref, 1);
	if (ptt_call(s, "PaketDelilSorgula", req, &r, err) < 0)
		return kerr_prefix(err, "%s", ref_name(ref, name, sizeof(name)));
	rc = ptt_parse_evidence_list(&r, out, err);
	ptt_reply_free(&r);
	return rc < 0 ? kerr_prefix(err, "%s", ref_name(ref, name, sizeof(name))) : 0;
}

enum { EC_TUR, EC_ID, EC_TEXT, EC_TARIH, EC_KEPHS, EC_DURUM, EC_HATA };
static const char *const evidence_cols[] = { "delilTurId", "delilId", "delilaciklama", "tarih",
					     "kephs", "durum", "hataaciklama" };

int ptt_parse_evidence_list(const struct ptt_reply *r, struct kep_evidence_list *out,
			    struct kerr *err)
{
	struct soap_columns t;
	size_t i, n;

	memset(out, 0, sizeof(*out));
	if (list_rows(r, "delilId", "delil bulunamad", "PaketDelilSorgula", KERR_PACKAGE, &n,
		      err) < 0)
		return -1;
	out->items = n ? xcalloc(n, sizeof(*out->items)) : NULL;
	out->n = n;
	read_rows(r, &t, evidence_cols, ARRAY_SIZE(evidence_cols));
	for (i = 0; i < n; i++) {
		struct kep_evidence_info *e = &out->items[i];
		char *tur = cell(&t, EC_TUR, i), *tarih;
		int64_t code = parse_i64(tur);

		if (tur != NULL && code < 0)
			log_warn("PaketDelilSorgula: delilTurId '%s' is not a number", tur);
		free(tur);
		e->id = cell(&t, EC_ID, i);
		e->code = code >= 0 && code < 1000000 ? (int)code : -1;
		e->text = cell(&t, EC_TEXT, i);
		tarih = cell(&t, EC_TARIH, i);
		e->time_ms = parse_time("PaketDelilSorgula", "tarih", tarih);
		e->time_text = tarih;
		e->issuer = cell(&t, EC_KEPHS, i);
		e->status = row_durum(&t, EC_DURUM, EC_HATA, i, n, &e->error);
	}
	soap_columns_free(&t);
	return 0;
}

static int ptt_download_evidence(struct kep_session *s, const char *delil_id, int fd,
				 struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p, node;
	xmlDocPtr req;
	int rc;

	req = ptt_request(s, "PaketDelilIndir", &p);
	soap_add(p, "delilId", delil_id);
	if (ptt_call(s, "PaketDelilIndir", req, &r, err) < 0)
		return kerr_prefix(err, "evidence %s", delil_id);
	rc = ptt_check_durum(r.ret, "PaketDelilIndir", KERR_PACKAGE, err);
	if (rc == 0) {
		node = soap_nth(r.ret, "eDelil", 0);
		rc = node ? write_binary(&r, node, fd, err)
			  : kerr_set(err, KERR_PACKAGE, "PaketDelilIndir answered without eDelil");
	}
	ptt_reply_free(&r);
	return rc < 0 ? kerr_prefix(err, "evidence %s", delil_id) : 0;
}

/* AlindiOnay and PaketSil: a package reference in, durum out. */
static int simple_op(struct kep_session *s, const char *op, const struct kep_pkg_ref *ref,
		     struct kerr *err)
{
	struct ptt_reply r;
	xmlNodePtr p;
	xmlDocPtr req;
	char name[300];
	int rc;

	req = ptt_request(s, op, &p);
	add_ref(p, ref, 1);
	if (ptt_call(s, op, req, &r, err) < 0)
		return kerr_prefix(err, "%s", ref_name(ref, name, sizeof(name)));
	rc = ptt_check_durum(r.ret, op, KERR_PACKAGE, err);
	ptt_reply_free(&r);
	return rc < 0 ? kerr_prefix(err, "%s", ref_name(ref, name, sizeof(name))) : 0;
}

static int ptt_acknowledge(struct kep_session *s, const struct kep_pkg_ref *ref,
			   struct kerr *err)
{
	return simple_op(s, "AlindiOnay", ref, err);
}

static int ptt_delete(struct kep_session *s, const struct kep_pkg_ref *ref, struct kerr *err)
{
	return simple_op(s, "PaketSil", ref, err);
}

const struct kep_driver kep_driver_ptt = {
	.name = "ptt",
	.domain = "hs01.kep.tr",
	.conf_keys = ptt_conf_keys,
	.n_conf_keys = K_PTT_CONF_KEYS,
	.conf_parse = ptt_conf_parse,
	.conf_free = ptt_conf_free,
	.conf_login = ptt_conf_login,
	.conf_check = ptt_conf_check,
	.open = ptt_open,
	.close = ptt_close,
	.login = ptt_login_op,
	.list_folders = ptt_list_folders,
	.list_packages = ptt_list_packages,
	.download_package = ptt_download_package,
	.list_evidence = ptt_list_evidence,
	.download_evidence = ptt_download_evidence,
	.acknowledge = ptt_acknowledge,
	.delete_package = ptt_delete,
	.upload = ptt_upload,
	.mime_prepare = ptt_mime_prepare,
	.mime_send = ptt_mime_send,
	.quota = ptt_quota,
};
