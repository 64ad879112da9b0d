/* send_sign.c: the MIME entity of a Yukle item and the signature of an
 * item on its account's token (see send.h). */
#include "send.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "log.h"
#include "p11_sign.h"
#include "smime_build.h"
#include "store_outbox.h"
#include "util.h"

/* What a message may weigh, and what the provider's S/MIME around it may add. */
#define SEND_MAX_MESSAGE (25u * 1024 * 1024)
#define SEND_MAX_SMIME (SEND_MAX_MESSAGE + SEND_MAX_MESSAGE / 2)

struct loaded {
	struct smime_msg m;
	struct smime_addr *rcpt;
	struct smime_file *files;
	struct kbuf *bufs;
	size_t n;
};

static void loaded_free(struct loaded *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		kbuf_free(&l->bufs[i]);
	free(l->bufs);
	free(l->files);
	free(l->rcpt);
	memset(l, 0, sizeof(*l));
}

/* The message of item it, with its attachment files read from the store. */
static int load_msg(struct store *st, const struct account_config *a,
		    const struct store_outbox_item *it, int with_files, struct loaded *l,
		    struct kerr *err)
{
	size_t i;

	memset(l, 0, sizeof(*l));
	l->rcpt = xcalloc(it->n_recipients + 1, sizeof(*l->rcpt));
	for (i = 0; i < it->n_recipients; i++)
		l->rcpt[i] = (struct smime_addr){ strcmp(it->recipients[i].role, "cc") ? 't' : 'c',
						  it->recipients[i].address, it->recipients[i].name };
	l->files = xcalloc(it->n_files + 1, sizeof(*l->files));
	l->bufs = xcalloc(it->n_files + 1, sizeof(*l->bufs));
	for (i = 0; with_files && i < it->n_files; i++) {
		const struct store_outbox_file *f = &it->files[i];

		if (strcmp(f->role, STORE_OB_FILE_ATTACHMENT) && strcmp(f->role, STORE_OB_FILE_EYP))
			continue;
		if (store_outbox_file_read(st, f->id, SEND_MAX_MESSAGE, &l->bufs[l->n], err) < 0) {
			loaded_free(l);
			return -1;
		}
		l->files[l->n] = (struct smime_file){ f->file_name, f->content_type,
						      l->bufs[l->n].data, l->bufs[l->n].len };
		l->n++;
	}
	l->m = (struct smime_msg){
		.from = a->mailbox, .rcpt = l->rcpt, .n_rcpt = it->n_recipients,
		.subject = it->subject, .body = it->body,
		.html = it->body_type && strcmp(it->body_type, "html") == 0,
		.files = l->files, .n_files = l->n, .message_id = it->message_id,
		.ileti_tip = it->ileti_tip, .ileti_id = it->ileti_id,
		/* The item's own time: the message says when EBYS handed it over. */
		.date_ms = it->created_at,
	};
	return 0;
}

int send_prepare_entity(struct store *st, const struct account_config *a, int64_t id,
			const char *actor, struct kerr *err)
{
	struct store_outbox_item it;
	struct store_outbox_file_in f;
	struct store_outbox_step s;
	struct kbuf ent = { 0 };
	struct loaded l;
	int rc;

	if (store_outbox_get(st, id, &it, err) < 0)
		return -1;
	rc = load_msg(st, a, &it, 1, &l, err);
	if (rc == 0) {
		rc = smime_build_entity(&l.m, &ent, err);
		loaded_free(&l);
	}
	if (rc == 0 && ent.len > SEND_MAX_SMIME)
		rc = kerr_set(err, KERR_LIMIT, "the message is %zu bytes, more than KEP carries",
			      ent.len);
	if (rc == 0) {
		f = (struct store_outbox_file_in){ STORE_OB_FILE_ENTITY, NULL, "message/rfc822",
						   store_content_mem(ent.data, ent.len) };
		s = (struct store_outbox_step){ .from = STORE_OB_ACCEPTED,
			.to = STORE_OB_NEEDS_SIGNATURE, .add_file = &f, .actor = actor,
			.detail = "MIME entity built" };
		rc = store_outbox_step(st, id, &s, err);
	}
	kbuf_free(&ent);
	store_outbox_item_clear(&it);
	return rc;
}

/* Yukle: a detached signature over the entity. MimeYap: the provider's
 * eHash (base64 of the entity's SHA-256) signed as the digest, as a card
 * signs it. */
static int sign_bytes(const struct account_config *a, const struct kbuf *in, int yukle,
		      struct kbuf *der, struct kerr *err)
{
	const struct pkcs11_config *p = &a->sending.pkcs11;
	struct p11_opts o = {
		.module = p->module, .token_label = p->token, .key_label = p->key,
		.pin_file = p->pin_file, .detached = 1,
	};
	unsigned char digest[64 + 3];
	int n;

	if (p->module == NULL)
		return kerr_set(err, KERR_CONFIG, "account %s has no sending.pkcs11 token", a->name);
	if (yukle)
		return p11_cades_sign(&o, in->data, in->len, der, err);
	if (in->len == 0 || in->len > 88)
		return kerr_set(err, KERR_PERMANENT, "the provider's eHash is not a digest");
	n = EVP_DecodeBlock(digest, in->data, (int)in->len);
	if (n < 0)
		return kerr_set(err, KERR_PERMANENT, "the provider's eHash is not base64");
	/* EVP_DecodeBlock counts the padding as bytes. */
	n -= (in->len >= 1 && in->data[in->len - 1] == '=') + (in->len >= 2 &&
								in->data[in->len - 2] == '=');
	return p11_cades_sign_digest(&o, digest, (size_t)n, der, err);
}

int send_sign(struct store *st, const struct account_config *a, int64_t id, const char *actor,
	      struct kerr *err)
{
	struct store_outbox_item it;
	struct store_outbox_file_in f;
	struct store_outbox_step s;
	struct kbuf in = { 0 }, der = { 0 }, out = { 0 };
	int yukle, rc = -1;
	struct loaded l;
	int64_t fid;

	if (store_outbox_get(st, id, &it, err) < 0)
		return -1;
	if (it.state != STORE_OB_NEEDS_SIGNATURE) {
		kerr_set(err, KERR_BUSY, "outbox item %lld is %s, not waiting for a signature",
			 (long long)id, store_outbox_state_name(it.state));
		goto out;
	}
	yukle = strcmp(it.path, "yukle") == 0;
	fid = store_outbox_file_id(&it, yukle ? STORE_OB_FILE_ENTITY : STORE_OB_FILE_EHASH);
	if (fid == 0) {
		kerr_set(err, KERR_INTERNAL, "outbox item %lld has nothing to sign", (long long)id);
		goto out;
	}
	if (store_outbox_file_read(st, fid, SEND_MAX_SMIME, &in, err) < 0)
		goto out;
	if (sign_bytes(a, &in, yukle, &der, err) < 0) {
		kerr_prefix(err, "signing outbox item %lld", (long long)id);
		goto out;
	}
	if (yukle) {
		if (load_msg(st, a, &it, 0, &l, err) < 0)
			goto out;
		rc = smime_wrap_signed(&l.m, in.data, in.len, der.data, der.len, &out, err);
		loaded_free(&l);
		if (rc < 0)
			goto out;
		f = (struct store_outbox_file_in){ STORE_OB_FILE_SMIME, NULL, "message/rfc822",
						   store_content_mem(out.data, out.len) };
	} else {
		f = (struct store_outbox_file_in){ STORE_OB_FILE_SIGNATURE, NULL,
						   "application/pkcs7-signature",
						   store_content_mem(der.data, der.len) };
	}
	s = (struct store_outbox_step){ .from = STORE_OB_NEEDS_SIGNATURE, .to = STORE_OB_SIGNED,
		.add_file = &f, .actor = actor,
		.detail = a->sending.mode == SEND_SEAL ? "signed with the seal"
						       : "signed by the officer" };
	rc = store_outbox_step(st, id, &s, err);
	if (rc == 0)
		log_info("outbox item %lld signed (%s)", (long long)id, it.message_id);
out:
	kbuf_free(&in);
	kbuf_free(&der);
	kbuf_free(&out);
	store_outbox_item_clear(&it);
	return rc;
}
