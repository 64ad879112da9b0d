/* gen_deep.c: `kepsim-gen deep`: one KEPHS-signed package (package.eml)
 * whose original, signed by the sender, nests its text DEPTH multipart
 * levels deep (FORMAT.md). The envelope and its headers are genuine: a
 * reader must still verify them and report only the original as too deep.
 * With --opaque-envelope the envelope is opaque-signed: the original, deep
 * as it is, lies inside the KEPHS's SignedData. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "gen.h"

static int deep_package(struct gen *g, int h, int depth, int opaque, struct kbuf *out,
			struct kerr *err)
{
	static const time_t when = 1762336800; /* 2025-11-05T10:00:00Z */
	struct kbuf entity = {0}, der = {0}, body = {0}, original = {0};
	struct cms_opts o = { .md = EVP_sha256(), .signing_time = when, .detached = 1 };
	int rc = -1;

	for (int i = 0; i < depth; i++)
		kbuf_printf(&entity, "Content-Type: multipart/mixed; boundary=\"d%d\"\r\n\r\n--d%d\r\n",
			    i, i);
	kbuf_printf(&entity, "Content-Type: text/plain; charset=utf-8\r\n\r\n"
		    "%d kat iç içe bir ileti.\r\n", depth);
	for (int i = depth - 1; i >= 0; i--)
		kbuf_printf(&entity, "\r\n--d%d--\r\n", i);
	if (cms_sign(&g->eimza[h], entity.data, entity.len, &o, &der, err) < 0)
		goto out;
	smime_wrap(&g->rnd, &der, &entity, 0, "sha-256", &body);
	original_headers(&original, g->eimza[h].email ? g->eimza[h].email : "ayse@hs02.kep.tr",
			 "birim@hs01.kep.tr", NULL, when, "<deep.original@kepsim.hs01.kep.tr>",
			 "İç içe ileti", SUBJ_UTF8_B, "eYazisma", "EBYS-DEEP-0001");
	kbuf_append(&original, body.data, body.len);
	struct envelope_spec e = {
		.kephs = &g->kephs[h], .tsa = &g->tsa[h], .sender = "ayse@hs02.kep.tr",
		.recipients = "birim@hs01.kep.tr", .subject = "İç içe ileti",
		.subj_enc = SUBJ_UTF8_B, .msg_id = "<deep.original@kepsim.hs01.kep.tr>",
		.kep_id = "<EYWS00000000-0000-0000-0000-00000000dee9.05112025100000.pttkepMimeyap>",
		.ileti_tip = "eYazisma", .ileti_id = "EBYS-DEEP-0001", .tarih = when,
		.original = &original, .opaque = opaque,
	};
	rc = envelope_build(&g->rnd, &e, out, err);
out:
	kbuf_free(&entity);
	kbuf_free(&der);
	kbuf_free(&body);
	kbuf_free(&original);
	return rc;
}

int cmd_deep(int argc, char **argv, struct kerr *err)
{
	static const struct option opts[] = {
		{"pki", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'},
		{"depth", required_argument, NULL, 'd'}, {"chain", required_argument, NULL, 'c'},
		{"opaque-envelope", no_argument, NULL, 'O'}, {NULL, 0, NULL, 0},
	};
	const char *pki = NULL, *out = NULL, *chain = "rsa";
	long depth = 300;
	char *end;
	int c, rc = -1, opaque = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pki = optarg; break;
		case 'o': out = optarg; break;
		case 'c': chain = optarg; break;
		case 'O': opaque = 1; break;
		case 'd':
			depth = strtol(optarg, &end, 10);
			if (*end || depth < 1 || depth > 100000)
				return kerr_set(err, KERR_USAGE, "--depth wants 1..100000");
			break;
		default:
			return kerr_set(err, KERR_USAGE, "bad arguments");
		}
	}
	if (!pki || !out || optind != argc || (strcmp(chain, "rsa") && strcmp(chain, "ec")))
		return kerr_set(err, KERR_USAGE, "deep needs --pki DIR --out FILE [--depth N] "
				"[--chain rsa|ec] [--opaque-envelope]");
	struct gen g;
	struct kbuf pkg = {0};
	memset(&g, 0, sizeof(g));
	g.pkidir = xstrdup(pki);
	grand_seed(&g.rnd, (uint64_t)depth);
	if (gen_load_pki(&g, err) == 0 &&
	    deep_package(&g, gen_hier_index(chain), (int)depth, opaque, &pkg, err) == 0)
		rc = write_file_plain(out, pkg.data, pkg.len, err);
	kbuf_free(&pkg);
	gen_free(&g);
	return rc;
}
