/* outbox.c: see outbox.h. */
#include "outbox.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "config.h"
#include "crashpoint.h"
#include "log.h"
#include "reply.h"
#include "send.h"
#include "smime_build.h"
#include "status_lookup.h"
#include "store_account.h"
#include "store_outbox.h"
#include "trust.h"
#include "trust_config.h"
#include "util.h"
#include "verify_package.h"

/* File types KEP carries for official correspondence; anything else (an
 * executable, a script) is refused before it is signed. */
static const char *const allowed_ext[] = {
	"pdf", "eyp", "xml", "txt", "rtf", "csv", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
	"odt", "ods", "odp", "udf", "jpg", "jpeg", "png", "tif", "tiff", "gif", "bmp", "zip",
	"p7s", "imz", "html", "htm", "eml",
};

struct refusal {
	const char **code;
	char *field;
	struct kerr *err;
};

static int refuse(struct refusal *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int refuse(struct refusal *r, const char *field, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->field, 64, "%s", field);
	*r->code = "invalid_field";
	return kerr_set(r->err, KERR_USAGE, "%s: %s", field, msg);
}

/* local@hsNN.kep.tr (the KEP providers' domains); ASCII, no quoting. */
static int kep_address_ok(const char *s)
{
	const char *at = strchr(s, '@'), *p;
	size_t n;

	if (at == NULL || at == s || (size_t)(at - s) > 64 || strchr(at + 1, '@'))
		return 0;
	for (p = s; p < at; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
			return 0;
	if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
		return 0;
	n = strlen(at + 1);
	return n == 11 && strncasecmp(at + 1, "hs", 2) == 0 && isdigit((unsigned char)at[3]) &&
	       isdigit((unsigned char)at[4]) && strcasecmp(at + 5, ".kep.tr") == 0;
}

static int printable(const char *s, int allow_newlines)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == 0x7f || (c < 0x20 && !(allow_newlines && (c == '\n' || c == '\r' ||
								    c == '\t'))))
			return 0;
	}
	return 1;
}

int outbox_idem_key_ok(const char *key)
{
	return *key != '\0' && strlen(key) <= 200 && printable(key, 0);
}

static int ileti_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._:/-", *s))
			return 0;
	return 1;
}

static int ext_allowed(const char *name)
{
	const char *dot = strrchr(name, '.');
	size_t i;

	if (dot == NULL)
		return 0;
	for (i = 0; i < ARRAY_SIZE(allowed_ext); i++)
		if (strcasecmp(dot + 1, allowed_ext[i]) == 0)
			return 1;
	return 0;
}

static const char *str_member(const json_t *m, const char *key, int *bad)
{
	json_t *v = json_object_get(m, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

/* The account that sends: named, or the only one configured to send. */
static const struct account_config *pick_account(const struct config *cfg, const char *name,
						 struct refusal *r)
{
	const struct account_config *a = NULL;
	size_t i, n = 0;

	if (name != NULL) {
		a = config_find_account(cfg, name);
		if (a == NULL) {
			refuse(r, "account", "no account '%.100s' is configured", name);
			return NULL;
		}
		if (a->sending.mode == SEND_OFF) {
			refuse(r, "account", "account '%s' does not send (no sending: block)", name);
			return NULL;
		}
		return a;
	}
	for (i = 0; i < cfg->n_accounts; i++)
		if (cfg->accounts[i].sending.mode != SEND_OFF) {
			a = &cfg->accounts[i];
			n++;
		}
	if (n != 1) {
		refuse(r, "account", n ? "several accounts send: name one" : "no account sends");
		return NULL;
	}
	return a;
}

struct parsed {
	const struct account_config *acct;
	const char *subject, *body, *body_type, *ileti_tip, *ileti_id;
	struct store_recipient *rcpt;
	size_t n_rcpt;
};

static int parse_recipients(const json_t *m, const char *key, const char *role,
			    struct parsed *p, struct refusal *r)
{
	json_t *arr = json_object_get(m, key), *v;
	char field[32];
	size_t i;

	if (arr == NULL || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return refuse(r, key, "must be a list of KEP addresses");
	json_array_foreach(arr, i, v) {
		snprintf(field, sizeof(field), "%s[%zu]", key, i);
		if (!json_is_string(v) || !kep_address_ok(json_string_value(v)))
			return refuse(r, field, "'%.100s' is not a KEP address (name@hsNN.kep.tr)",
				      json_is_string(v) ? json_string_value(v) : "(not a string)");
		if (p->n_rcpt >= OUTBOX_MAX_RECIPIENTS)
			return refuse(r, key, "more than %d recipients", OUTBOX_MAX_RECIPIENTS);
		p->rcpt[p->n_rcpt++] = (struct store_recipient){ role, json_string_value(v), NULL };
	}
	return 0;
}

static int parse_message(const struct config *cfg, const json_t *m, const struct outbox_request *q,
			 struct parsed *p, struct refusal *r)
{
	static const char *const known[] = { "account", "to", "cc", "subject", "body",
					     "body_type", "ileti_tip", "ileti_id" };
	const char *key, *acc;
	json_t *v;
	size_t i;
	int bad = 0, has_eyp = 0;

	if (!json_is_object(m))
		return refuse(r, "message", "must be a JSON object");
	json_object_foreach((json_t *)m, key, v) {
		for (i = 0; i < ARRAY_SIZE(known) && strcmp(known[i], key) != 0; i++)
			;
		if (i == ARRAY_SIZE(known))
			return refuse(r, key, "unknown field");
	}
	acc = str_member(m, "account", &bad);
	if (bad)
		return refuse(r, "account", "must be a string");
	p->acct = pick_account(cfg, acc, r);
	if (p->acct == NULL)
		return -1;
	p->rcpt = xcalloc(2 * OUTBOX_MAX_RECIPIENTS + 1, sizeof(*p->rcpt));
	if (parse_recipients(m, "to", "to", p, r) < 0 || parse_recipients(m, "cc", "cc", p, r) < 0)
		return -1;
	if (p->n_rcpt == 0 || strcmp(p->rcpt[0].role, "to") != 0)
		return refuse(r, "to", "at least one recipient is required");
#define STR(name, field, ok, why) \
	do { \
		bad = 0; \
		p->name = str_member(m, field, &bad); \
		if (bad || (p->name != NULL && !(ok))) \
			return refuse(r, field, "%s", why); \
	} while (0)
	STR(subject, "subject", *p->subject && strlen(p->subject) <= 500 && printable(p->subject, 0),
	    "a subject of 1 to 500 bytes without control characters");
	if (p->subject == NULL)
		return refuse(r, "subject", "is required");
	STR(body, "body", strlen(p->body) <= OUTBOX_MAX_MESSAGE && printable(p->body, 1),
	    "text without control characters");
	STR(body_type, "body_type", !strcmp(p->body_type, "text") || !strcmp(p->body_type, "html"),
	    "text or html");
	STR(ileti_tip, "ileti_tip", !strcmp(p->ileti_tip, "standart") ||
	    !strcmp(p->ileti_tip, "eYazisma"), "standart or eYazisma");
	STR(ileti_id, "ileti_id", ileti_id_ok(p->ileti_id),
	    "1 to 128 letters, digits or ._:/-");
#undef STR
	if (p->body_type == NULL)
		p->body_type = "text";
	for (i = 0; i < q->n_files; i++)
		has_eyp += strcmp(q->files[i].field, "eyp") == 0;
	if (p->ileti_tip == NULL)
		p->ileti_tip = has_eyp ? "eYazisma" : "standart";
	if (strcmp(p->ileti_tip, "eYazisma") == 0 && has_eyp != 1)
		return refuse(r, "eyp", "an eYazisma message carries exactly one .eyp package (%d given)",
			      has_eyp);
	if (strcmp(p->ileti_tip, "standart") == 0 && has_eyp)
		return refuse(r, "eyp", "an .eyp package is sent as ileti_tip eYazisma");
	if (p->ileti_id == NULL && q->idem_key == NULL)
		return refuse(r, "ileti_id", "an Idempotency-Key header or an ileti_id is required, "
			      "so that a repeated request cannot send twice");
	return 0;
}

/* The .eyp's own digests and signature, under the configured trust. */
static int check_eyp(const struct config *cfg, const struct outbox_upload *f, const char *field,
		     struct refusal *r)
{
	struct trust_store *ts = trust_new();
	struct verify_opts vo = { .trust = ts };
	struct pkg_report rep;
	struct kerr e;
	size_t i;
	int rc = 0;

	if (trust_load_config(cfg, ts, &e) < 0 ||
	    verify_eyp_bytes(&vo, f->data, f->len, f->file_name, &rep, &e) < 0) {
		trust_free(&ts);
		*r->err = e;
		*r->code = NULL;
		return -1;
	}
	for (i = 0; i < rep.n && rc == 0; i++) {
		const struct pkg_check *c = &rep.checks[i];

		if (verdict_acceptable(c->verdict) ||
		    (strcmp(c->name, "eyp-seal") == 0 && c->verdict == VERDICT_UNSIGNED))
			continue;
		rc = refuse(r, field, "%s %s: %s", c->name, verdict_name(c->verdict), c->reason);
	}
	pkg_report_free(&rep);
	trust_free(&ts);
	return rc;
}

static int check_files(const struct config *cfg, const struct outbox_request *q,
		       const struct parsed *p, struct refusal *r)
{
	size_t i, total = 0, n_att = 0, n_eyp = 0;
	char field[40];

	if (q->n_files > OUTBOX_MAX_FILES)
		return refuse(r, "attachments", "more than %d files", OUTBOX_MAX_FILES);
	for (i = 0; i < q->n_files; i++) {
		const struct outbox_upload *f = &q->files[i];
		int eyp = strcmp(f->field, "eyp") == 0;

		if (eyp)
			snprintf(field, sizeof(field), "eyp");
		else if (strcmp(f->field, "attachment") == 0)
			snprintf(field, sizeof(field), "attachments[%zu]", n_att++);
		else
			return refuse(r, f->field, "unknown part (attachment or eyp)");
		n_eyp += eyp;
		if (f->file_name == NULL || !*f->file_name || strlen(f->file_name) > 200 ||
		    !printable(f->file_name, 0) || strpbrk(f->file_name, "/\\\"") != NULL)
			return refuse(r, field, "a file name of 1 to 200 bytes without / \\ \" or "
				      "control characters is required");
		if (f->content_type != NULL &&
		    (!printable(f->content_type, 0) || strpbrk(f->content_type, ";\" ") ||
		     !strchr(f->content_type, '/') || strlen(f->content_type) > 100))
			return refuse(r, field, "content type '%.100s' is not type/subtype",
				      f->content_type);
		if (!ext_allowed(f->file_name))
			return refuse(r, field, "'%s' is not a type KEP carries (pdf, eyp, xml, "
				      "office documents, images, zip, ...)", f->file_name);
		if (eyp && (strlen(f->file_name) < 4 ||
			    strcasecmp(f->file_name + strlen(f->file_name) - 4, ".eyp") != 0))
			return refuse(r, field, "the e-Yazisma package must be named *.eyp");
		if (f->len == 0)
			return refuse(r, field, "'%s' is empty", f->file_name);
		total += f->len;
		if (total > OUTBOX_MAX_ATTACHMENTS)
			return refuse(r, field, "attachments are more than %u bytes in all (KEP "
				      "carries at most 20 MB)", OUTBOX_MAX_ATTACHMENTS);
		if (eyp && check_eyp(cfg, f, field, r) < 0)
			return -1;
	}
	if (total + strlen(p->subject) + (p->body ? strlen(p->body) : 0) > OUTBOX_MAX_MESSAGE)
		return refuse(r, p->body && strlen(p->body) > total ? "body" : "attachments",
			      "the message is more than %u bytes (KEP carries at most 25 MB)",
			      OUTBOX_MAX_MESSAGE);
	(void)n_eyp;
	return 0;
}

/* What was asked, as a digest: a repeat with the same key must ask the same. */
static void fingerprint(const struct outbox_request *q, unsigned char out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char d[32];
	char *js = json_dumps(q->message, JSON_SORT_KEYS | JSON_COMPACT);
	size_t i;

	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, js ? js : "", js ? strlen(js) + 1 : 1);
	for (i = 0; i < q->n_files; i++) {
		const struct outbox_upload *f = &q->files[i];

		SHA256(f->data, f->len, d);
		EVP_DigestUpdate(md, f->field, strlen(f->field) + 1);
		EVP_DigestUpdate(md, f->file_name ? f->file_name : "", f->file_name ?
				 strlen(f->file_name) + 1 : 1);
		EVP_DigestUpdate(md, d, sizeof(d));
	}
	EVP_DigestFinal_ex(md, out, NULL);
	EVP_MD_CTX_free(md);
	free(js);
}

int outbox_submit(struct store *st, const struct config *cfg, const struct outbox_request *q,
		  json_t **item_r, int *existing_r, const char **code_r, char field[64],
		  struct kerr *err)
{
	struct refusal r = { code_r, field, err };
	struct parsed p = { 0 };
	struct store_outbox_file_in *files = NULL;
	struct store_outbox_new n;
	unsigned char sha[32];
	char *key = NULL, *mid = NULL;
	int64_t id = 0;
	size_t i;
	int rc = -1;

	*item_r = NULL;
	*existing_r = 0;
	*code_r = NULL;
	field[0] = '\0';
	if (q->idem_key != NULL && !outbox_idem_key_ok(q->idem_key)) {
		refuse(&r, "Idempotency-Key", "1 to 200 printable characters");
		goto out;
	}
	if (parse_message(cfg, q->message, q, &p, &r) < 0 || check_files(cfg, q, &p, &r) < 0)
		goto out;
	fingerprint(q, sha);
	key = q->idem_key ? xstrdup(q->idem_key) : xasprintf("iletiID:%s", p.ileti_id);
	mid = smime_new_message_id(p.acct->mailbox);
	files = xcalloc(q->n_files + 1, sizeof(*files));
	for (i = 0; i < q->n_files; i++)
		files[i] = (struct store_outbox_file_in){
			strcmp(q->files[i].field, "eyp") == 0 ? STORE_OB_FILE_EYP
							      : STORE_OB_FILE_ATTACHMENT,
			q->files[i].file_name, q->files[i].content_type,
			store_content_mem(q->files[i].data, q->files[i].len) };
	n = (struct store_outbox_new){
		.account = p.acct->name, .idem_key = key, .ileti_id = p.ileti_id,
		.ileti_tip = p.ileti_tip,
		.path = p.acct->sending.path == SEND_MIMEYAP ? "mimeyap" : "yukle",
		.sign_mode = p.acct->sending.mode == SEND_OFFICER ? "officer" : "seal",
		.subject = p.subject, .body = p.body, .body_type = p.body_type, .message_id = mid,
		.request_sha256 = sha, .actor = q->actor, .recipients = p.rcpt,
		.n_recipients = p.n_rcpt, .files = files, .n_files = q->n_files,
	};
	if (store_account_ensure(st, p.acct->name, p.acct->mailbox, p.acct->driver->name, NULL,
				 err) < 0)
		goto out;
	if (store_outbox_insert(st, &n, &id, existing_r, err) < 0) {
		*code_r = *existing_r ? "idempotency_conflict" : NULL;
		goto out;
	}
	if (!*existing_r) {
		log_info("outbox item %lld accepted for %s (%s)", (long long)id, p.acct->name, mid);
		crashpoint("send-accepted");
		/* Yukle: the entity is built now, so the item waits for its
		 * signature from the start. A failure leaves it accepted, and
		 * the sender builds it. */
		if (strcmp(n.path, "yukle") == 0 &&
		    send_prepare_entity(st, p.acct, id, q->actor, err) < 0)
			log_warn("outbox item %lld: %s", (long long)id, err->msg);
	}
	rc = outbox_get_json(st, id, item_r, err);
out:
	free(files);
	free(p.rcpt);
	free(key);
	free(mid);
	return rc;
}

/* ---- JSON ---- */

static json_t *hex32(const unsigned char d[32])
{
	char h[65];

	return json_string(hex_encode(d, 32, h));
}

static json_t *item_json(struct store *st, const struct store_outbox_item *it)
{
	json_t *j, *rc = json_array(), *files = json_array(), *delivery = json_null();
	char t1[32], t2[32], t3[32];
	struct kerr err;
	size_t i;

	for (i = 0; i < it->n_recipients; i++)
		json_array_append_new(rc, json_pack("{s:s, s:s, s:o}", "role",
						    it->recipients[i].role, "address",
						    it->recipients[i].address, "name",
						    reply_text(it->recipients[i].name)));
	for (i = 0; i < it->n_files; i++)
		json_array_append_new(files, json_pack("{s:I, s:s, s:o, s:o, s:I, s:o}", "id",
						       (json_int_t)it->files[i].id, "role",
						       it->files[i].role, "file_name",
						       reply_text(it->files[i].file_name),
						       "content_type",
						       reply_text(it->files[i].content_type), "size",
						       (json_int_t)it->files[i].size, "sha256",
						       hex32(it->files[i].sha256)));
	if (it->kep_id != NULL && st != NULL) {
		json_decref(delivery);
		if (status_lookup(st, it->kep_id, &delivery, &err) < 0) {
			log_warn("outbox item %lld: %s", (long long)it->id, err.msg);
			delivery = json_null();
		}
	}
	j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o,"
		      " s:I, s:o, s:s?, s:s?, s:s?, s:o}",
		      "id", (json_int_t)it->id, "account", it->account,
		      "state", store_outbox_state_name(it->state), "path", it->path,
		      "sign_mode", it->sign_mode, "ileti_tip", it->ileti_tip,
		      "ileti_id", reply_text(it->ileti_id), "message_id", it->message_id,
		      "kep_id", reply_text(it->kep_id), "mesaj_id", reply_text(it->mesaj_id),
		      "subject", reply_text(it->subject), "recipients", rc, "files", files,
		      "provider_text", reply_text(it->provider_text),
		      "attempts", (json_int_t)it->attempts,
		      "package_id", it->package_id ? json_integer(it->package_id) : json_null(),
		      "created_at", reply_time(it->created_at, t1),
		      "updated_at", reply_time(it->updated_at, t2),
		      "submitted_at", reply_time(it->submitted_at, t3),
		      "delivery", delivery);
	return j;
}

int outbox_get_json(struct store *st, int64_t id, json_t **out, struct kerr *err)
{
	struct store_outbox_item it;

	if (store_outbox_get(st, id, &it, err) < 0)
		return -1;
	*out = item_json(st, &it);
	store_outbox_item_clear(&it);
	return 0;
}

int outbox_list_json(struct store *st, const char *account, const char *state, size_t limit,
		     json_t **out, struct kerr *err)
{
	struct store_outbox_filter f = { .account = account, .state = -1, .limit = limit };
	struct store_outbox_item *items = NULL;
	json_t *arr;
	size_t n, i;

	if (state != NULL && (f.state = store_outbox_state_from_name(state)) < 0)
		return kerr_set(err, KERR_USAGE, "unknown state '%.40s' (accepted, needs-signature, "
				"signed, submitting, submitted, failed, parked)", state);
	if (store_outbox_list(st, &f, &items, &n, err) < 0)
		return -1;
	arr = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(arr, item_json(NULL, &items[i]));
	store_outbox_items_free(&items, n);
	*out = json_pack("{s:o, s:I}", "items", arr, "total", (json_int_t)n);
	return 0;
}

int outbox_find(struct store *st, const char *key, int64_t *id_r, struct kerr *err)
{
	return store_outbox_find(st, NULL, key, id_r, err);
}

int outbox_status_json(struct store *st, const char *key, json_t **out, struct kerr *err)
{
	struct store_outbox_item it;
	int64_t id;
	int rc = store_outbox_find(st, NULL, key, &id, err);

	if (rc <= 0)
		return rc;
	if (store_outbox_get(st, id, &it, err) < 0)
		return -1;
	*out = json_pack("{s:s, s:b, s:s, s:n, s:n, s:n, s:n, s:b, s:[], s:{s:I, s:s, s:o, s:o}, s:s}",
			 "key", key, "found", 1, "account", it.account, "stage", "label",
			 "failure", "failure_label",
			 /* A refused item is never sent: nothing will follow. */
			 "final", it.state == STORE_OB_FAILED, "evidence",
			 "outbox", "id", (json_int_t)it.id, "state", store_outbox_state_name(it.state),
			 "kep_id", reply_text(it.kep_id), "provider_text", reply_text(it.provider_text),
			 "message", it.state == STORE_OB_SUBMITTED
					    ? "submitted; no evidence is stored yet"
					    : "in the outbox, not submitted yet: no evidence can exist");
	store_outbox_item_clear(&it);
	return 1;
}
