/* gen_main.c: kepsim-gen's command line: generate a mailbox, or add one
 * package or evidence item to an existing one (for tests that need new mail
 * to appear while kepsim runs). */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "gen.h"
#include "gen_mailbox.h"
#include "log.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: kepsim-gen --pki DIR --out MAILBOX --seed N [--received N] [--sent N]\n"
		"                  [--big N] [--big-size BYTES] [--account ADDR ...]\n"
		"                  [--faults all|none|LIST] [--opaque-faults]\n"
		"       kepsim-gen add --mailbox MAILBOX --account ADDR --folder INBOX|OUTBOX\n"
		"                  [--kind package|evidence|evidence-mail] [--kep-sira-no N] [--delil-tur-id N]\n"
		"                  [--fault EVIDENCE-FAULT]\n"
		"       kepsim-gen eyp --pki DIR --out FILE [--version 1|2] [--detached]\n"
		"                  [--chain rsa|ec] [--forgery attached-other-ozet|ozet-mismatch|swapped-part|nihai-changed\n"
		"                  |seal-other-nihai|ozet-no-digest]\n"
		"       kepsim-gen deep --pki DIR --out FILE [--depth N] [--chain rsa|ec]\n"
		"                  [--opaque-envelope]\n");
}

static int parse_int(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > 100000)
		return -1;
	*out = (int)v;
	return 0;
}

/* A package size: bytes, or with a suffix K or M (1024-based); 64 KB to
 * 64 MB (kepagent's MIME limit). */
static int parse_size(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -1;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end || v < (64u << 10) || v > (64u << 20))
		return -1;
	*out = (size_t)v;
	return 0;
}

/* MAILBOX/pki is the PKI (FORMAT.md): link it there unless it is already. */
static int link_pki(struct gen *g, struct kerr *err)
{
	char *link = xasprintf("%s/pki", g->mailbox);
	char real[PATH_MAX];
	struct stat st;
	int rc = 0;
	if (lstat(link, &st) < 0) {
		if (!realpath(g->pkidir, real))
			rc = kerr_errno(err, KERR_USAGE, errno, "cannot resolve %s", g->pkidir);
		else if (symlink(real, link) < 0)
			rc = kerr_errno(err, KERR_IO, errno, "cannot link %s", link);
	}
	free(link);
	return rc;
}

static int cmd_generate(int argc, char **argv, struct kerr *err)
{
	static const struct option opts[] = {
		{"pki", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'},
		{"seed", required_argument, NULL, 's'}, {"received", required_argument, NULL, 'r'},
		{"sent", required_argument, NULL, 'S'}, {"big", required_argument, NULL, 'b'},
		{"big-size", required_argument, NULL, 'B'},
		{"account", required_argument, NULL, 'a'}, {"faults", required_argument, NULL, 'f'},
		{"opaque-faults", no_argument, NULL, 'O'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct gen g;
	struct gen_opts o;
	memset(&g, 0, sizeof(g));
	memset(&o, 0, sizeof(o));
	o.received = 10;
	o.sent = 8;
	const char *pki = NULL, *out = NULL, *faults = "none", *seed = NULL;
	o.accounts = xcalloc((size_t)argc + 1, sizeof(char *));
	int c, rc = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pki = optarg; break;
		case 'o': out = optarg; break;
		case 's': seed = optarg; break;
		case 'f': faults = optarg; break;
		case 'O': o.opaque_faults = 1; break;
		case 'a': o.accounts[o.naccounts++] = optarg; break;
		case 'r': if (parse_int(optarg, &o.received) < 0) goto bad; break;
		case 'S': if (parse_int(optarg, &o.sent) < 0) goto bad; break;
		case 'b': if (parse_int(optarg, &o.big) < 0) goto bad; break;
		case 'B': if (parse_size(optarg, &o.big_size) < 0) goto bad; break;
		case 'h': usage(stdout); free(o.accounts); return 0;
		default: goto bad;
		}
	}
	char *end;
	if (!pki || !out || !seed || optind != argc)
		goto bad;
	errno = 0;
	g.seed = strtoull(seed, &end, 10);
	if (errno || *end)
		goto bad;
	if (faults_parse(faults, o.faults, err) < 0)
		goto done;
	if (o.naccounts == 0)
		o.accounts[o.naccounts++] = "test.birim@hs01.kep.tr";
	g.mailbox = xstrdup(out);
	g.pkidir = xstrdup(pki);
	grand_seed(&g.rnd, g.seed);
	if (mkdir_p(out, err) < 0 || link_pki(&g, err) < 0 || gen_load_pki(&g, err) < 0 ||
	    evidence_init(err) < 0)
		goto done;
	rc = mailbox_generate(&g, &o, err);
	evidence_shutdown();
	goto done;
bad:
	usage(stderr);
	kerr_set(err, KERR_USAGE, "bad arguments");
done:
	gen_free(&g);
	free(o.accounts);
	return rc;
}

static int count_entries(const char *dir)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

static int max_sira(const char *folder_dir)
{
	int max = 0;
	DIR *d = opendir(folder_dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		int v;
		if (e->d_name[0] != '.' && parse_int(e->d_name, &v) == 0 && v > max)
			max = v;
	}
	if (d)
		closedir(d);
	return max;
}

static int manifest_append(const char *mailbox, json_t *item, uint64_t *seed, struct kerr *err)
{
	char *path = xasprintf("%s/manifest.json", mailbox);
	json_error_t je;
	json_t *m = json_load_file(path, 0, &je);
	int rc = -1;
	json_t *items = m ? json_object_get(m, "items") : NULL;
	if (!json_is_array(items)) {
		kerr_set(err, KERR_MALFORMED, "%s: %s", path, m ? "no items" : je.text);
		json_decref(item);
	} else {
		if (seed)
			*seed = (uint64_t)json_integer_value(json_object_get(m, "seed"));
		rc = item ? (json_array_append_new(items, item), json_write_atomic(path, m, err)) : 0;
	}
	json_decref(m);
	free(path);
	return rc;
}

/* The package's chain ("rsa" when the manifest does not say): its evidence is
 * signed by the same KEPHS as its envelope. */
static const char *package_chain(const char *mailbox, const char *acct, const char *folder,
				 int sira)
{
	char *path = xasprintf("%s/manifest.json", mailbox);
	json_t *m = json_load_file(path, 0, NULL), *it;
	size_t i;
	const char *chain = "rsa";
	json_array_foreach(json_object_get(m, "items"), i, it) {
		const char *k = json_string_value(json_object_get(it, "kind"));
		const char *a = json_string_value(json_object_get(it, "account"));
		const char *f = json_string_value(json_object_get(it, "folder"));
		const char *c = json_string_value(json_object_get(it, "chain"));
		if (k && a && f && c && strcmp(k, "package") == 0 && strcmp(a, acct) == 0 &&
		    strcmp(f, folder) == 0 && json_integer_value(json_object_get(it, "kepSiraNo")) == sira)
			chain = strcmp(c, "ec") == 0 ? "ec" : "rsa";
	}
	json_decref(m);
	free(path);
	return chain;
}

static int cmd_add(int argc, char **argv, struct kerr *err)
{
	static const struct option opts[] = {
		{"mailbox", required_argument, NULL, 'm'}, {"account", required_argument, NULL, 'a'},
		{"folder", required_argument, NULL, 'f'}, {"kind", required_argument, NULL, 'k'},
		{"kep-sira-no", required_argument, NULL, 'n'},
		{"delil-tur-id", required_argument, NULL, 'd'},
		{"fault", required_argument, NULL, 'F'}, {NULL, 0, NULL, 0},
	};
	const char *mailbox = NULL, *acct = NULL, *folder = NULL, *kind = "package";
	const char *fault_name = NULL;
	enum gen_fault fault = F_NONE;
	int sira = 0, code = 10, c, rc = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm': mailbox = optarg; break;
		case 'a': acct = optarg; break;
		case 'f': folder = optarg; break;
		case 'k': kind = optarg; break;
		case 'n': if (parse_int(optarg, &sira) < 0) goto bad; break;
		case 'd': if (parse_int(optarg, &code) < 0) goto bad; break;
		case 'F': fault_name = optarg; break;
		default: goto bad;
		}
	}
	/* evidence-mail: the delil of package --kep-sira-no in --folder, as a
	 * KEPHS-signed message put into the account's INBOX. */
	int is_em = strcmp(kind, "evidence-mail") == 0;
	int is_ev = is_em || strcmp(kind, "evidence") == 0;
	if (!mailbox || !acct || !folder || optind != argc ||
	    (!is_ev && strcmp(kind, "package") != 0) || (is_ev && sira == 0) ||
	    strchr(acct, '/') || strchr(folder, '/') || !evidence_label(code))
		goto bad;
	/* An evidence fault forges the added delil (the manifest says so). */
	if (fault_name != NULL) {
		for (int f = 1; f < F__COUNT && fault == F_NONE; f++)
			if (strcmp(fault_info((enum gen_fault)f)->name, fault_name) == 0)
				fault = (enum gen_fault)f;
		if (!is_ev || fault == F_NONE ||
		    !(fault_info(fault)->evidence == 1 ||
		      (is_em && (fault_info(fault)->evidence == 2 || fault == F_ENVELOPE_BY_EIMZA))))
			goto bad;
	}
	struct gen g;
	memset(&g, 0, sizeof(g));
	g.mailbox = xstrdup(mailbox);
	g.pkidir = xasprintf("%s/pki", mailbox);
	char *fdir = xasprintf("%s/accounts/%s/%s", mailbox, acct, folder);
	struct pkg_result res;
	memset(&res, 0, sizeof(res));
	struct stat st;
	if (stat(fdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		kerr_set(err, KERR_NOTFOUND, "no folder %s in account %s", folder, acct);
		goto done;
	}
	if (!is_ev && sira == 0)
		sira = max_sira(fdir) + 1;
	if (manifest_append(mailbox, NULL, &g.seed, err) < 0 || gen_load_pki(&g, err) < 0 ||
	    evidence_init(err) < 0)
		goto done;
	/* Deterministic too: the item's place (and, for evidence, how many the
	 * package has already) mixes into the mailbox seed. */
	char *ddir = xasprintf("%s/%d/delil", fdir, sira);
	int nprev = is_ev ? count_entries(ddir) : 0;
	free(ddir);
	/* A delil mail goes to INBOX, not to the package's delil folder: its
	 * INBOX slot tells two mails of one package and code apart (else both
	 * had one kepId). */
	if (is_em) {
		char *idir = xasprintf("%s/accounts/%s/INBOX", mailbox, acct);
		nprev += max_sira(idir) * 104729;
		free(idir);
	}
	grand_seed(&g.rnd, g.seed * 1000003u + (uint64_t)sira * 131u + (uint64_t)code +
		   (is_ev ? 7u : 0u) + (uint64_t)strlen(acct) * 17u + (uint64_t)folder[0] +
		   (uint64_t)nprev * 7919u);
	json_t *item = NULL;
	if (is_em) {
		char *pdir = xasprintf("%s/%d", fdir, sira);
		char *idir = xasprintf("%s/accounts/%s/INBOX", mailbox, acct);
		int ok = package_load(pdir, &res, err) == 0;
		free(pdir);
		if (ok && stat(idir, &st) < 0)
			ok = kerr_set(err, KERR_NOTFOUND, "no INBOX in account %s", acct) == 0;
		if (ok) {
			res.recipient = xstrdup(acct);
			rc = evidence_mail_write(&g, acct, max_sira(idir) + 1, &res,
						 package_chain(mailbox, acct, folder, sira), code,
						 fault, res.tarih + 3600, NULL, err);
		}
		free(idir);
	} else if (is_ev) {
		char *pdir = xasprintf("%s/%d", fdir, sira);
		int ok = package_load(pdir, &res, err) == 0;
		free(pdir);
		if (ok) {
			res.recipient = xstrdup(acct);
			char *id = NULL;
			const char *chain = package_chain(mailbox, acct, folder, sira);
			if (evidence_write(&g, acct, folder, sira, &res, chain, code, fault, 0,
					   res.tarih + 3600, &id, err) == 0)
				item = manifest_evidence_item(acct, folder, sira, id, code, 0, fault);
			free(id);
		}
	} else {
		struct pkg_spec p;
		plan_package(&g, &p, acct, folder, sira, sira);
		if (package_write(&g, &p, &res, err) == 0)
			item = manifest_package_item(&p, &res);
	}
	if (item) {
		rc = manifest_append(mailbox, item, NULL, err);
		if (rc == 0)
			printf("%s %s/%s/%d\n", kind, acct, folder, sira);
	}
	evidence_shutdown();
done:
	pkg_result_free(&res);
	free(fdir);
	gen_free(&g);
	return rc;
bad:
	usage(stderr);
	return kerr_set(err, KERR_USAGE, "bad arguments");
}

/* One .eyp alone, honest or forged, signed by the PKI's e-imza and sealed by
 * its mali muhur (for tests of the package reader). */
static int cmd_eyp(int argc, char **argv, struct kerr *err)
{
	static const struct option opts[] = {
		{"pki", required_argument, NULL, 'p'}, {"out", required_argument, NULL, 'o'},
		{"version", required_argument, NULL, 'v'}, {"detached", no_argument, NULL, 'd'},
		{"chain", required_argument, NULL, 'c'}, {"forgery", required_argument, NULL, 'F'},
		{NULL, 0, NULL, 0},
	};
	const char *pki = NULL, *out = NULL, *chain = "rsa";
	struct eyp_spec e = {
		.belge_id = "5f3c1a2e-0000-4000-8000-00000000e1p5", .konu = "Ödeme güncellemesi",
		.belge_no = "E-12345678-010.01-4242", .olusturan = "Örnek Kurum",
		.hedef = "gelen.evrak@hs02.kep.tr", .pdf_name = "ustyazi.pdf",
		.tarih = 1762336800, .version = 2,
	};
	int c, rc = -1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pki = optarg; break;
		case 'o': out = optarg; break;
		case 'c': chain = optarg; break;
		case 'd': e.detached = 1; break;
		case 'v': if (parse_int(optarg, &e.version) < 0 || e.version < 1 || e.version > 2)
				goto bad;
			break;
		case 'F': if (eyp_forgery_parse(optarg, &e.forgery) < 0) goto bad; break;
		default: goto bad;
		}
	}
	if (!pki || !out || optind != argc || (strcmp(chain, "rsa") && strcmp(chain, "ec")))
		goto bad;
	struct gen g;
	struct kbuf zip = {0};
	static const char pdf[] = "%PDF-1.4\n% kepsim-gen eyp\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
	memset(&g, 0, sizeof(g));
	g.pkidir = xstrdup(pki);
	if (gen_load_pki(&g, err) == 0) {
		int h = gen_hier_index(chain);
		e.imza = &g.eimza[h];
		e.muhur = &g.mali[h];
		e.pdf = (const unsigned char *)pdf;
		e.pdf_len = sizeof(pdf) - 1;
		if (eyp_build(&e, &zip, err) == 0)
			rc = write_file_plain(out, zip.data, zip.len, err);
	}
	kbuf_free(&zip);
	gen_free(&g);
	return rc;
bad:
	usage(stderr);
	return kerr_set(err, KERR_USAGE, "bad arguments");
}

int main(int argc, char **argv)
{
	struct kerr err;
	kerr_clear(&err);
	log_init("kepsim-gen", 1, LOG_LVL_INFO);
	int rc;
	if (argc > 1 && strcmp(argv[1], "add") == 0)
		rc = cmd_add(argc - 1, argv + 1, &err);
	else if (argc > 1 && strcmp(argv[1], "eyp") == 0)
		rc = cmd_eyp(argc - 1, argv + 1, &err);
	else if (argc > 1 && strcmp(argv[1], "deep") == 0)
		rc = cmd_deep(argc - 1, argv + 1, &err);
	else
		rc = cmd_generate(argc, argv, &err);
	if (rc < 0) {
		log_error("%s", err.msg);
		return err.cls == KERR_USAGE ? 2 : 1;
	}
	return 0;
}
