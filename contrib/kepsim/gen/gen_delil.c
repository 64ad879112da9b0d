/* gen_delil.c: one evidence item of a package (delil/<id>.xml|.zip and its
 * .json, the .json appearing last by rename so kepsim never sees half), and
 * the facts of a package it needs, read back from the package directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "gen.h"

int evidence_write(struct gen *g, const char *account, const char *folder, int sira,
		   const struct pkg_result *pkg, const char *hier, int code, enum gen_fault fault,
		   int zipped, time_t when, char **delil_id_out, struct kerr *err)
{
	/* evidence-no-certificate: RSA, as xmlsec writes no ECDSA KeyValue. */
	const char *khier = fault == F_EVIDENCE_NO_CERTIFICATE ? "rsa" : hier;
	int h = gen_hier_index(khier);
	char *id = xasprintf("DLL%d%02d%010llu", sira, code,
			     (unsigned long long)(grand_next(&g->rnd) % 10000000000ULL));
	/* The wrong-role faults sign with a certificate under the same anchors
	 * that is not the provider's: a person's e-imza, the TSA, a mali mühür. */
	/* evidence-no-certificate: the forger's key, no certificate shipped. */
	int by_eimza = fault == F_EVIDENCE_BY_EIMZA || fault == F_EVIDENCE_NO_CERTIFICATE;
	const char *who = by_eimza ? "eimza" : fault == F_EVIDENCE_BY_TSA ? "tsa"
			: fault == F_EVIDENCE_BY_SEAL ? "mali" : "kephs";
	const struct signer *signer = by_eimza ? &g->eimza[h]
				    : fault == F_EVIDENCE_BY_TSA ? &g->tsa[h]
				    : fault == F_EVIDENCE_BY_SEAL ? &g->mali[h] : &g->kephs[h];
	char *kp = xasprintf("%s/%s/%s.key", g->pkidir, khier, who);
	char *cp = xasprintf("%s/%s/%s.pem", g->pkidir, khier, who);
	char *chp = xasprintf("%s/%s/chain.pem", g->pkidir, khier);
	struct kbuf digest_src = {0}, xml = {0}, zip = {0};
	kbuf_append(&digest_src, pkg->original.data, pkg->original.len);
	if (fault == F_EVIDENCE_DIGEST_MISMATCH)
		kbuf_append_str(&digest_src, "\r\n"); /* not the original's bytes */
	/* evidence-code-mismatch: a genuine KEPHS delil of an earlier stage (10,
	 * or 20 when the listing says 10); the listing (.json) claims code. */
	int signed_code = fault != F_EVIDENCE_CODE_MISMATCH ? code : code == 10 ? 20 : 10;
	struct evidence_spec e = {
		.code = signed_code, .evidence_id = id, .sender = pkg->sender,
		.recipient = pkg->recipient, .subject = pkg->subject, .ua_msgid = pkg->msg_id,
		.remmd_msgid = pkg->kep_id, .event_time = when, .submission_time = pkg->tarih,
		.digest_data = digest_src.data, .digest_len = digest_src.len,
		.kephs = signer, .kephs_key_path = kp, .kephs_cert_path = cp,
		.kephs_chain_path = chp, .break_signature = fault == F_EVIDENCE_BROKEN_SIGNATURE,
		.partial_signature = fault == F_EVIDENCE_PARTIAL_SIGNATURE,
		.xml_forgery = fault_evidence_xml_forgery(fault),
	};
	int rc = -1;
	char *dir = xasprintf("%s/accounts/%s/%s/%d/delil", g->mailbox, account, folder, sira);
	char *fname = xasprintf("%s.%s", id, zipped ? "zip" : "xml");
	char *xname = xasprintf("%s.xml", id);
	char *fpath = xasprintf("%s/%s", dir, fname), *ftmp = xasprintf("%s/.%s.tmp", dir, fname);
	char *jpath = xasprintf("%s/%s.json", dir, id);
	if (evidence_build(&e, &xml, err) < 0)
		goto out;
	if (fault == F_EVIDENCE_UNPARSEABLE) {
		/* The genuine signed document behind an entity bomb. */
		static const char bomb[] =
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<!DOCTYPE lolz [<!ENTITY a \"lollollollollollollollollollol\">"
			"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
			"<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
			"<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>\n";
		struct kbuf forged = {0};
		const char *body = (const char *)xml.data;
		size_t blen = xml.len;
		if (blen > 5 && memcmp(body, "<?xml", 5) == 0) {
			const char *q = memchr(body, '>', blen);
			if (q != NULL) {
				blen -= (size_t)(q + 1 - body);
				body = q + 1;
			}
		}
		kbuf_append_str(&forged, bomb);
		kbuf_append(&forged, body, blen);
		kbuf_append_str(&forged, "<!-- &d; -->\n");
		kbuf_free(&xml);
		xml = forged;
	}
	struct kbuf *data = &xml;
	if (zipped) {
		if (zip_one(xname, xml.data, xml.len, &zip, err) < 0)
			goto out;
		data = &zip;
	}
	if (mkdir_p(dir, err) < 0 || write_file_plain(ftmp, data->data, data->len, err) < 0 ||
	    publish(ftmp, fpath, err) < 0) {
		unlink(ftmp);
		goto out;
	}
	char tarih[32];
	mime_iso_time(tarih, sizeof(tarih), when);
	json_t *j = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s}", "delilId", id, "delilTurId", code,
			      "delilaciklama", evidence_label(code), "tarih", tarih,
			      "kephs", "PTT KEPHS", "file", fname);
	rc = json_write_atomic(jpath, j, err);
	json_decref(j);
	if (rc == 0 && delil_id_out) {
		*delil_id_out = id;
		id = NULL;
	}
out:
	free(id); free(kp); free(cp); free(chp); free(dir); free(fname); free(xname);
	free(fpath); free(ftmp); free(jpath);
	kbuf_free(&digest_src); kbuf_free(&xml); kbuf_free(&zip);
	return rc;
}

/* The package's facts an evidence item needs, read back from its directory. */
int package_load(const char *dir, struct pkg_result *r, struct kerr *err)
{
	memset(r, 0, sizeof(*r));
	char *mp = xasprintf("%s/meta.json", dir), *op = xasprintf("%s/original.eml", dir);
	json_error_t je;
	json_t *m = json_load_file(mp, 0, &je);
	int rc = -1;
	const char *kep_id, *msgid, *konu, *from, *tarih;
	if (!m || json_unpack(m, "{s:s, s:s, s:s, s:s, s:s}", "kepId", &kep_id, "OrgMesajId",
			      &msgid, "konu", &konu, "fromKep", &from, "tarih", &tarih) < 0) {
		kerr_set(err, KERR_MALFORMED, "cannot read %s", mp);
		goto out;
	}
	if (read_file(op, 64u << 20, &r->original, err) < 0)
		goto out;
	r->kep_id = xstrdup(kep_id);
	r->msg_id = xstrdup(msgid);
	r->subject = xstrdup(konu);
	r->sender = xstrdup(from);
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	if (strptime(tarih, "%Y-%m-%dT%H:%M:%S", &tm))
		r->tarih = timegm(&tm);
	rc = 0;
out:
	json_decref(m);
	free(mp);
	free(op);
	return rc;
}
