/* ops_fetch.c: Indir and PaketDelilIndir, the operations with binaries. */
#include "ops_p.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "log.h"
#include "util.h"

#define MAX_ITEM (64u * 1024 * 1024)

static int add_file(struct soap_resp *r, const char *name, const char *path)
{
	struct kbuf b = { 0 };

	if (read_file(path, MAX_ITEM, &b, NULL) < 0) {
		kbuf_free(&b);
		return -1;
	}
	soap_resp_add_binary(r, name, b.data, b.len);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int visible(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* ORGMATTACH: every attachments/NN-<name>, in name order. */
static int add_attachments(struct soap_resp *r, const char *pkgdir)
{
	char *dir = xasprintf("%s/attachments", pkgdir), *path;
	struct dirent **list = NULL;
	int n, i, rc = 0;

	n = scandir(dir, &list, visible, by_name);
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, list[i]->d_name);
		if (rc == 0 && add_file(r, "ePaket", path) < 0)
			rc = -1;
		free(path);
		free(list[i]);
	}
	free(list);
	free(dir);
	return rc;
}

struct soap_resp *op_indir(struct op_ctx *c)
{
	char *id = op_field(c, "kepId"), *no = op_field(c, "kepSiraNo");
	char *part = op_field(c, "ePart"), *sess = soap_req_field(c->req, "eGuvenlikId");
	int need_eimza = json_is_true(json_object_get(c->acct->json, "require_eimza"));
	struct soap_resp *resp = NULL, *ok;
	char *folder = NULL, *path;
	struct pkg p;
	int rc;

	if (sess != NULL && *sess == '\0')
		secret_free(&sess);
	if (need_eimza && !login_session_ok(c->acct->name, sess, 1)) {
		resp = op_error(c, sess == NULL ? "Bu hesap için e-imza ile giriş (eGuvenlikId) gereklidir"
						: "Geçersiz ya da süresi dolmuş eGuvenlikId");
		goto out;
	}
	if (!need_eimza && sess != NULL && !login_session_ok(c->acct->name, sess, 0)) {
		resp = op_error(c, "Geçersiz ya da süresi dolmuş eGuvenlikId");
		goto out;
	}
	if (part == NULL || *part == '\0') {
		free(part);
		part = xstrdup("ALL");
	}
	if (strcmp(part, "ALL") != 0 && strcmp(part, "ORGM") != 0 && strcmp(part, "ORGMATTACH") != 0) {
		resp = op_error(c, "Geçersiz ePart (ALL, ORGM, ORGMATTACH)");
		goto out;
	}
	folder = op_find(c, id, no, 0, &p, &resp);
	if (folder == NULL)
		goto out;
	ok = soap_resp_new(c->op);
	soap_resp_add(ok, "durum", "0");
	if (strcmp(part, "ORGMATTACH") == 0) {
		rc = add_attachments(ok, p.dir);
	} else {
		path = xasprintf("%s/%s", p.dir, strcmp(part, "ALL") == 0 ? "package.eml" : "original.eml");
		rc = add_file(ok, "ePaket", path);
		free(path);
	}
	soap_resp_add(ok, "hataaciklama", "");
	json_object_set_new(c->log, "parts", json_integer((json_int_t)ok->nbins));
	if (rc < 0) {
		soap_resp_free(&ok);
		resp = op_error(c, "Paket içeriği okunamadı");
	} else {
		resp = ok;
	}
	pkg_free(&p);
out:
	free(folder);
	free(id);
	free(no);
	free(part);
	secret_free(&sess);
	return resp;
}

/* The unknown-package-evidence fault's document: an ETSI REM evidence for a
 * message this mailbox never had. Unsigned: the agent must keep it as an
 * evidence item of an unknown package, not crash or attach it elsewhere. */
static unsigned char *orphan_evidence(const char *delil_id, size_t *len)
{
	char now[20], *x;

	jsonl_now(now);
	x = xasprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<DeliveryNonDeliveryToRecipient xmlns=\"http://uri.etsi.org/02640/v2#\" version=\"2\">"
		      "<EventCode>http://uri.etsi.org/02640/Event#Delivery</EventCode>"
		      "<EvidenceIdentifier>%s</EvidenceIdentifier>"
		      "<EventTime>%s</EventTime>"
		      "<SenderMessageDetails><MessageSubject>kepsim: bilinmeyen paket</MessageSubject>"
		      "<UAMessageIdentifier>&lt;%s@kepsim.invalid&gt;</UAMessageIdentifier>"
		      "<MessageIdentifierByREMMD>&lt;EYWS%s.kepsim@hs01.kep.tr&gt;</MessageIdentifierByREMMD>"
		      "</SenderMessageDetails></DeliveryNonDeliveryToRecipient>\n",
		      delil_id, now, delil_id, delil_id);
	*len = strlen(x);
	return (unsigned char *)x;
}

struct soap_resp *op_paket_delil_indir(struct op_ctx *c)
{
	char *id = op_field(c, "delilId");
	struct soap_resp *resp;
	struct kbuf b = { 0 };
	unsigned char *data;
	size_t len;

	if (id != NULL && strncmp(id, ORPHAN_PREFIX, strlen(ORPHAN_PREFIX)) == 0 &&
	    safe_component(id)) {
		data = orphan_evidence(id, &len);
	} else if (id != NULL && mailbox_delil_bytes(c->acct, id, &b, NULL) == 0) {
		data = b.data;
		len = b.len;
	} else {
		kbuf_free(&b);
		free(id);
		return op_error(c, "Delil bulunamadı");
	}
	resp = soap_resp_new(c->op);
	soap_resp_add(resp, "durum", "0");
	soap_resp_add_binary(resp, "eDelil", data, len);
	soap_resp_add(resp, "hataaciklama", "");
	free(id);
	return resp;
}
