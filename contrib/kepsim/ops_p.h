/* ops_p.h: what the operation files share (private to kepsim's ops*.c). */
#ifndef KEPSIM_OPS_P_H
#define KEPSIM_OPS_P_H

#include "mailbox.h"
#include "ops.h"

struct op_ctx {
	const struct kepsim_conf *conf;
	const struct soap_req *req;
	const char *op;
	struct account *acct;    /* credentials already checked */
	enum fault fault;
	uint64_t seq;
	json_t *log;
};

/* durum=1 with hataaciklama msg; also recorded in the request log. */
struct soap_resp *op_error(struct op_ctx *c, const char *msg);
/* A request field, also copied into the request log (not for secrets). */
char *op_field(struct op_ctx *c, const char *name);
/* The dizin field (default INBOX); NULL after filling *errp when unknown. */
char *op_folder(struct op_ctx *c, struct soap_resp **errp);
/* The package of the request's folder (op_folder) with this kepId and
 * kepSiraNo, as mailbox_find: returns the folder (the caller's to free) with
 * *p filled (pkg_free), or NULL with *errp set. */
char *op_find(struct op_ctx *c, const char *id, const char *no, int with_deleted, struct pkg *p,
	      struct soap_resp **errp);

#define OP_NOT_FOUND "Paket bulunamadı"

struct soap_resp *op_giris(struct op_ctx *c);
struct soap_resp *op_guvenli_giris(struct op_ctx *c);
/* 1 when id is a live session of account; need_eimza demands an EIMZA login. */
int login_session_ok(const char *account, const char *id, int need_eimza);
void login_shutdown(void);

struct soap_resp *op_dizin_sorgula(struct op_ctx *c);
struct soap_resp *op_paket_sorgula(struct op_ctx *c);
struct soap_resp *op_paket_delil_sorgula(struct op_ctx *c);
struct soap_resp *op_kontor_sorgula(struct op_ctx *c);
struct soap_resp *op_kota_sorgula(struct op_ctx *c);
struct soap_resp *op_indir(struct op_ctx *c);
struct soap_resp *op_paket_delil_indir(struct op_ctx *c);
struct soap_resp *op_alindi_onay(struct op_ctx *c);
struct soap_resp *op_paket_sil(struct op_ctx *c);
struct soap_resp *op_yukle(struct op_ctx *c);
struct soap_resp *op_mime_yap(struct op_ctx *c);
struct soap_resp *op_smime_gonder(struct op_ctx *c);

/* The evidence id prefix of the unknown-package-evidence fault. */
#define ORPHAN_PREFIX "kepsim-orphan-"

#endif
