/* gen_evmail.c: a delil delivered as an e-mail (kep-domain.md §4: "Evidence
 * can also arrive as an e-mail (X-REM-Msg-Type: Message) signed by the KEPHS
 * with the XML attached"). The evidence document of a sent package, built
 * by evidence_build() as for PaketDelilIndir, attached to a KEPHS-signed
 * multipart/signed message that is put into the account's INBOX as a
 * package directory (FORMAT.md; original.eml is empty: there is none). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "gen.h"

int evidence_mail_write(struct gen *g, const char *account, int inbox_sira,
			const struct pkg_result *pkg, const char *hier, int code,
			enum gen_fault fault, time_t when, char **delil_id_out, struct kerr *err)
{
	int h = gen_hier_index(hier);

	/* The mailbox's labels of the two forgeries of a delil mail. */
	/* evidence-mail-relabelled-dispatch: genuine, its unsigned label Dispatch */
	const char *label = fault == F_EVMAIL_RELABELLED_DISPATCH ? "Dispatch" : "Message";
	fault = fault == F_EVMAIL_BY_EIMZA ? F_EVIDENCE_BY_EIMZA
	      : fault == F_EVMAIL_ENVELOPE_BY_EIMZA ? F_ENVELOPE_BY_EIMZA : fault;
	/* evidence-by-*: the XML signed by another role (as evidence_write);
	 * envelope-by-eimza: the carrying message signed by a person's e-imza. */
	const char *who = fault == F_EVIDENCE_BY_EIMZA ? "eimza" : fault == F_EVIDENCE_BY_TSA ? "tsa"
			: fault == F_EVIDENCE_BY_SEAL ? "mali" : "kephs";
	const struct signer *xs = fault == F_EVIDENCE_BY_EIMZA ? &g->eimza[h]
				: fault == F_EVIDENCE_BY_TSA ? &g->tsa[h]
				: fault == F_EVIDENCE_BY_SEAL ? &g->mali[h] : &g->kephs[h];
	const struct signer *es = fault == F_ENVELOPE_BY_EIMZA ? &g->eimza[h] : &g->kephs[h];
	char *id = xasprintf("DLM%d%02d%010llu", inbox_sira, code,
			     (unsigned long long)(grand_next(&g->rnd) % 10000000000ULL));
	char *kp = xasprintf("%s/%s/%s.key", g->pkidir, hier, who);
	char *cp = xasprintf("%s/%s/%s.pem", g->pkidir, hier, who);
	char *chp = xasprintf("%s/%s/chain.pem", g->pkidir, hier);
	char *kep_id = kep_id_make(&g->rnd, when);
	struct evidence_spec e = {
		.code = code, .evidence_id = id, .sender = pkg->sender,
		.recipient = pkg->recipient, .subject = pkg->subject, .ua_msgid = pkg->msg_id,
		.remmd_msgid = pkg->kep_id, .event_time = when, .submission_time = pkg->tarih,
		.digest_data = pkg->original.data, .digest_len = pkg->original.len,
		.kephs = xs, .kephs_key_path = kp, .kephs_cert_path = cp,
		.kephs_chain_path = chp, .break_signature = fault == F_EVIDENCE_BROKEN_SIGNATURE,
	};
	struct attachment att = { "delil.xml", "application/xml", {0} };
	struct kbuf entity = {0}, der = {0}, body = {0}, msg = {0}, none = {0};
	struct cms_opts o = { .md = EVP_sha256(), .signing_time = when, .detached = 1 };
	char date[64], tarih[32];
	size_t toff;
	int rc = -1;

	if (evidence_build(&e, &att.body, err) < 0)
		goto out;
	original_entity(&g->rnd, "KEP delili ektedir.\n", "text/plain", &att, 1, &entity, &toff);
	if (cms_sign(es, entity.data, entity.len, &o, &der, err) < 0)
		goto out;
	smime_wrap(&g->rnd, &der, &entity, 0, "sha-256", &body);
	mime_date(date, sizeof(date), when);
	kbuf_printf(&msg, "X-REM-Msg-Type: %s\r\nX-REM-UAMessageIdentifier: %s\r\n"
		    "X-REM-MessageIdentifierByREMMD: %s\r\nX-REM-EvidenceIdentifier: %s\r\n"
		    "Subject: KEP Delili: %s\r\nFrom: kephs@hs01.kep.tr\r\nTo: %s\r\n"
		    "Date: %s\r\nMessage-ID: %s\r\nMIME-Version: 1.0\r\n",
		    label, pkg->msg_id, pkg->kep_id, id, evidence_label(code), account, date, kep_id);
	kbuf_append(&msg, body.data, body.len);
	mime_iso_time(tarih, sizeof(tarih), when);
	char *subj = xasprintf("KEP Delili: %s", evidence_label(code));
	json_t *meta = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:i, s:s}",
		"kepId", kep_id, "kepSiraNo", inbox_sira, "OrgMesajId", kep_id,
		"from", "PTT KEPHS", "fromKep", "kephs@hs01.kep.tr", "konu", subj,
		"tur", "Standart", "turId", 1, "tarih", tarih);
	char *fdir = xasprintf("%s/accounts/%s/INBOX", g->mailbox, account);
	rc = package_dir_write(fdir, inbox_sira, &msg, &none, NULL, 0, meta, err);
	json_decref(meta);
	free(fdir);
	free(subj);
	if (rc == 0)
		printf("evidence-mail %s/INBOX/%d %s %s\n", account, inbox_sira, id, kep_id);
	if (rc == 0 && delil_id_out != NULL) {
		*delil_id_out = id;
		id = NULL;
	}
out:
	free(id); free(kp); free(cp); free(chp); free(kep_id);
	kbuf_free(&att.body); kbuf_free(&entity); kbuf_free(&der); kbuf_free(&body);
	kbuf_free(&msg);
	return rc;
}
