/* gen_mailbox.c: the plan of a generated mailbox: accounts, received and sent
 * packages, evidence stages, and one item per requested fault. Every choice
 * comes from the seeded generator, in a fixed order, so one seed gives the
 * same kepIds, subjects and structure on every run. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "gen.h"
#include "gen_mailbox.h"

/* 2026-01-05T09:00:00Z: packages are dated after it, one every few hours. */
#define BASE_TIME 1767603600

static const int stages[][5] = {
	{10, 20, 40, 60, 0}, {10, 0}, {10, 20, 0}, {10, 20, 40, 0},
	{11, 0}, {10, 21, 0}, {10, 31, 0}, {10, 20, 41, 0},
};

static void tckn(struct grand *r, char out[12])
{
	int d[11];
	d[0] = (int)grand_range(r, 1, 9);
	for (int i = 1; i < 9; i++)
		d[i] = (int)grand_range(r, 0, 9);
	int odd = d[0] + d[2] + d[4] + d[6] + d[8], even = d[1] + d[3] + d[5] + d[7];
	d[9] = ((odd * 7 - even) % 10 + 10) % 10;
	int sum = 0;
	for (int i = 0; i < 10; i++)
		sum += d[i];
	d[10] = sum % 10;
	for (int i = 0; i < 11; i++)
		out[i] = (char)('0' + d[i]);
	out[11] = '\0';
}

static int write_account(struct gen *g, const char *acct, int idx, struct kerr *err)
{
	char tc[12];
	tckn(&g->rnd, tc);
	char parola[32], sifre[32];
	snprintf(parola, sizeof(parola), "Parola%06llu", (unsigned long long)grand_range(&g->rnd, 0, 999999));
	snprintf(sifre, sizeof(sifre), "Sifre%06llu", (unsigned long long)grand_range(&g->rnd, 0, 999999));
	char *dir = xasprintf("%s/accounts/%s", g->mailbox, acct);
	char *path = xasprintf("%s/account.json", dir);
	/* The seal (muhur_cert) and the officer's card (eimza_cert) of the same
	 * hierarchy: both may sign what the account sends; sent_folder is what
	 * DizinSorgula's second name means. */
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s,s], s:s}", "kepHesap", acct,
		"tcno", tc, "parola", parola, "sifre", sifre,
		"eimza_cert", idx % 2 ? "pki/eimza/ec-cert.pem" : "pki/eimza/rsa-cert.pem",
		"muhur_cert", idx % 2 ? "pki/mali/ec-cert.pem" : "pki/mali/rsa-cert.pem",
		"folders", "INBOX", "OUTBOX", "sent_folder", "OUTBOX");
	int rc = -1;
	char *in = xasprintf("%s/INBOX", dir), *out = xasprintf("%s/OUTBOX", dir);
	if (mkdir_p(in, err) == 0 && mkdir_p(out, err) == 0)
		rc = json_write_atomic(path, j, err);
	json_decref(j);
	free(dir); free(path); free(in); free(out);
	return rc;
}

static int add_package(struct gen *g, json_t *items, struct pkg_spec *p, struct pkg_result *res,
		       struct kerr *err)
{
	if (package_write(g, p, res, err) < 0)
		return kerr_prefix(err, "%s/%s/%d", p->account, p->folder, p->sira);
	json_array_append_new(items, manifest_package_item(p, res));
	return 0;
}

static int add_evidence(struct gen *g, json_t *items, const struct pkg_spec *p,
			const struct pkg_result *res, int code, int stage, enum gen_fault f,
			struct kerr *err)
{
	char *id = NULL;
	int zipped = (int)(grand_next(&g->rnd) % 3 == 0);
	if (evidence_write(g, p->account, p->folder, p->sira, res, p->hier, code, f, zipped,
			   p->tarih + 60 * (stage + 1), &id, err) < 0)
		return kerr_prefix(err, "evidence %d of %s/%s/%d", code, p->account, p->folder, p->sira);
	json_array_append_new(items, manifest_evidence_item(p->account, p->folder, p->sira, id,
							    code, zipped, f));
	free(id);
	return 0;
}

static int add_evidence_mail(struct gen *g, json_t *items, const struct pkg_spec *p,
			     struct pkg_result *res, int inbox_sira, enum gen_fault f,
			     struct kerr *err)
{
	char *id = NULL;
	int rc;

	/* res->recipient is the package's addressee, as the delil names it. */
	rc = evidence_mail_write(g, p->account, inbox_sira, res, p->hier, 40, f,
				 p->tarih + 3600, &id, err);
	if (rc < 0)
		return kerr_prefix(err, "evidence mail %d of %s/%s/%d", inbox_sira, p->account,
				   p->folder, p->sira);
	json_array_append_new(items, manifest_evidence_mail_item(p->account, inbox_sira, id, 40,
								 res->kep_id, f));
	free(id);
	return 0;
}

/* Fills the random parts of a valid package spec. */
void plan_package(struct gen *g, struct pkg_spec *p, const char *acct, const char *folder,
		  int sira, int n_in_folder)
{
	static const char *const peers[] = {"gelen.evrak@hs02.kep.tr", "yazi.isleri@hs01.kep.tr",
					    "hukuk@hs03.kep.tr"};
	memset(p, 0, sizeof(*p));
	p->account = acct;
	p->folder = folder;
	p->sira = sira;
	p->peer = peers[grand_next(&g->rnd) % ARRAY_SIZE(peers)];
	p->hier = grand_next(&g->rnd) % 3 == 2 ? "ec" : "rsa";
	p->sender_name = grand_next(&g->rnd) % 2 ? "mali" : "eimza";
	uint64_t k = grand_next(&g->rnd) % 10;
	p->ileti = k < 5 ? 1 : k < 8 ? 0 : 2;
	p->subj_enc = (enum subj_enc)(n_in_folder % 3);
	p->variant = n_in_folder % 4 == 3 ? 1 : 0;
	p->tarih = BASE_TIME + (time_t)sira * 4 * 3600 + (time_t)grand_range(&g->rnd, 0, 3000) +
		   (strcmp(folder, "OUTBOX") == 0 ? 1800 : 0);
}

/* The document size that makes a package of about `package` bytes: base64
 * in 76-column lines turns 57 bytes into 78, and the headers, the envelope
 * and the signatures add some 30 KB (the package is a little smaller). */
static size_t big_attachment_size(size_t package)
{
	size_t overhead = 32u << 10;
	return package > 2 * overhead ? (package - overhead) / 78 * 57 : package / 2;
}

int mailbox_generate(struct gen *g, const struct gen_opts *o, struct kerr *err)
{
	json_t *items = json_array();
	int rc = -1;
	for (size_t a = 0; a < o->naccounts; a++) {
		const char *acct = o->accounts[a];
		if (write_account(g, acct, (int)a, err) < 0)
			goto out;
		int sira = 0;
		for (int i = 0; i < o->received + (a == 0 ? o->big : 0); i++) {
			struct pkg_spec p;
			struct pkg_result res;
			plan_package(g, &p, acct, "INBOX", ++sira, i);
			if (a == 0 && i == 1)
				p.variant = 2; /* one opaque signed-data original */
			if (i >= o->received) {
				/* base64 makes 16 MB about 22 MB: under KEP's 25 MB cap. No
				 * .eyp here, it would carry the document a second time. */
				p.big = (size_t)grand_range(&g->rnd, 4u << 20, 16u << 20);
				if (o->big_size > 0)
					p.big = big_attachment_size(o->big_size);
				p.ileti = p.ileti == 1 ? 0 : p.ileti;
			}
			int r = add_package(g, items, &p, &res, err);
			pkg_result_free(&res);
			if (r < 0)
				goto out;
		}
		/* Package faults: one INBOX package each, in the first account. */
		for (int f = 1; a == 0 && f < F__COUNT; f++) {
			if (!o->faults[f] || fault_info(f)->evidence)
				continue;
			struct pkg_spec p;
			struct pkg_result res;
			plan_package(g, &p, acct, "INBOX", ++sira, 0);
			p.fault = (enum gen_fault)f;
			p.variant = o->opaque_faults ? 2 : 0;
			p.ileti = fault_needs_eyp((enum gen_fault)f) ? 1 : 0;
			if (f == F_SHA1_SIGNATURE)
				p.hier = "rsa";
			int r = add_package(g, items, &p, &res, err);
			pkg_result_free(&res);
			if (r < 0)
				goto out;
		}
		int inbox_sira = sira;
		sira = 0;
		int nsent = o->sent;
		/* Forged-evidence packages: their only delils are forged (so their
		 * verified stage is none), one fault per stage, valid when not asked;
		 * the last one's genuine 10 is its only verified stage. */
		static const struct { int code; enum gen_fault f; } forged[][3] = {
			{ {10, F_EVIDENCE_BROKEN_SIGNATURE}, {20, F_EVIDENCE_DIGEST_MISMATCH}, {0, F_NONE} },
			{ {10, F_EVIDENCE_BY_EIMZA}, {20, F_EVIDENCE_BY_TSA}, {40, F_EVIDENCE_BY_SEAL} },
			/* a genuine 10, then one listed as 60 whose signed delil is a 10 */
			{ {10, F_NONE}, {60, F_EVIDENCE_CODE_MISMATCH}, {0, F_NONE} },
			/* a 10 whose KEPHS signature covers a part of it only */
			{ {10, F_EVIDENCE_PARTIAL_SIGNATURE}, {0, F_NONE}, {0, F_NONE} },
			/* the delil's XML signature and digest forged (gen_evforge.c) */
			{ {10, F_EVIDENCE_ENVELOPING}, {20, F_EVIDENCE_DUPLICATE_ID},
			  {40, F_EVIDENCE_WRAPPED_ID} },
			{ {10, F_EVIDENCE_NO_CERTIFICATE}, {20, F_EVIDENCE_SHA1_SIGNATURE},
			  {40, F_EVIDENCE_MD5_DIGEST} },
			{ {10, F_EVIDENCE_NO_DIGEST}, {20, F_EVIDENCE_UNKNOWN_DIGEST}, {0, F_NONE} },
		};
		int forged_pkg[ARRAY_SIZE(forged)], n_forged = 0;
		for (size_t k = 0; a == 0 && k < ARRAY_SIZE(forged); k++) {
			int any = 0;
			for (int s = 0; s < 3; s++)
				any |= forged[k][s].code && o->faults[forged[k][s].f];
			if (any)
				forged_pkg[n_forged++] = (int)k;
		}
		for (int i = 0; i < nsent + n_forged; i++) {
			struct pkg_spec p;
			struct pkg_result res;
			plan_package(g, &p, acct, "OUTBOX", ++sira, i);
			int fk = i >= nsent ? forged_pkg[i - nsent] : -1;
			if (add_package(g, items, &p, &res, err) < 0) {
				pkg_result_free(&res);
				goto out;
			}
			int fst[4] = {0};
			for (int s = 0; fk >= 0 && s < 3; s++)
				fst[s] = forged[fk][s].code;
			const int *st = fk >= 0 ? fst : stages[i % ARRAY_SIZE(stages)];
			for (int s = 0; st[s]; s++) {
				enum gen_fault f = F_NONE;
				if (fk >= 0 && o->faults[forged[fk][s].f])
					f = forged[fk][s].f;
				if (add_evidence(g, items, &p, &res, st[s], s, f, err) < 0) {
					pkg_result_free(&res);
					goto out;
				}
			}
			/* Evidence-mail forgeries: a 40 of the first sent package as an
			 * e-mail in INBOX, one per fault (its PaketDelilIndir 40 is genuine). */
			for (int f = 1; a == 0 && i == 0 && f < F__COUNT; f++) {
				if (!o->faults[f] || fault_info(f)->evidence != 2)
					continue;
				if (add_evidence_mail(g, items, &p, &res, ++inbox_sira, (enum gen_fault)f,
						      err) < 0) {
					pkg_result_free(&res);
					goto out;
				}
			}
			pkg_result_free(&res);
		}
	}
	/* What kepsim's sending does for these recipients (FORMAT.md). */
	json_t *rules = json_pack("{s:i, s:i, s:i, s:i}", "kabul-edilmez@hs01.kep.tr", 11,
				  "reddeden@hs02.kep.tr", 21, "ulasilamaz@hs03.kep.tr", 31,
				  "teslim-edilemez@hs02.kep.tr", 41);
	char *rpath = xasprintf("%s/recipients.json", g->mailbox);
	int rrc = json_write_atomic(rpath, rules, err);
	free(rpath);
	json_decref(rules);
	if (rrc < 0)
		goto out;
	char gen_time[40];
	mime_iso_time(gen_time, sizeof(gen_time), BASE_TIME);
	json_t *m = json_pack("{s:I, s:s, s:{s:[s,s], s:[s,s], s:[s,s], s:s, s:s, s:s}, s:o}",
		"seed", (json_int_t)g->seed, "generated", gen_time,
		"trust", "anchors", "pki/trust/rsa-root.pem", "pki/trust/ec-root.pem",
		"tsa_anchors", "pki/trust/rsa-root.pem", "pki/trust/ec-root.pem",
		"kephs", "pki/rsa/kephs.pem", "pki/ec/kephs.pem",
		"crl_dir", "pki/crl", "intermediates", "pki/trust/intermediates.pem",
		"kamusm_store", "pki/trust/kamusm-store.xml",
		"items", items);
	items = NULL;
	char *path = xasprintf("%s/manifest.json", g->mailbox);
	rc = json_write_atomic(path, m, err);
	free(path);
	json_decref(m);
out:
	json_decref(items);
	return rc;
}
