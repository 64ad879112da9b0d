/* ptt-probe: drives the provider driver from the command line so that
 * acceptance tests run the real driver against kepsim (and a person can
 * probe a real endpoint). It fills the PTT driver's account keys
 * (ptt_config.h) from its options, as the configuration would; parola and
 * sifre come from a private secrets file (--secrets-file), never from argv.
 * Exit codes are kepagent's (kerr_exit_code). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "log.h"
#include "p11_sign.h"
#include "provider.h"
#include "ptt_config.h"
#include "smime_build.h"
#include "util.h"

static const char usage[] =
	"Usage: ptt-probe [options] COMMAND [ARGS]\n"
	"Options: --endpoint URL --ca-file F --proxy URL --timeout S --hesap H --tcno N\n"
	"         --secrets-file F (YAML: parola, sifre; mode 600)\n"
	"         --login BASE|OTP|EIMZA --otp-file F --pkcs11-module M --token LABEL\n"
	"         --key-label L --key-id HEX --pin-file F --no-login -v\n"
	"Commands:\n"
	"  login                          log in and stop\n"
	"  folders                        folder names, one per line\n"
	"  list FOLDER START END          kepSiraNo<TAB>kepId<TAB>durum<TAB>konu\n"
	"  get FOLDER KEPID|SIRA PART OUT part 0 to OUT, part N to OUT.N\n"
	"  evidence FOLDER SIRA KEPID     delilId<TAB>delilTurId<TAB>tarih<TAB>kephs\n"
	"  delil DELILID OUT              evidence bytes to OUT\n"
	"  ack|delete FOLDER SIRA KEPID   AlindiOnay / PaketSil\n"
	"  mirror FOLDER START END DIR    list, then every listed package (ALL) to DIR/SIRA\n"
	"                                 in one session: the bare download (no verify, no store)\n"
	"  sign IN OUT                    CAdES-BES of IN with the token (no server)\n"
	"  smime FROM TO SUBJECT BODY OUT [FILE...]\n"
	"                                 signed S/MIME for Yukle (iletiID PROBE-1; no server)\n"
	"  yukle FILE Standart|EYazisma   Yukle; prints the kepId\n";

struct out_files {
	const char *base;
	int fds[64];
	unsigned n;
};

static int part_fd(void *arg, unsigned index, struct kerr *err)
{
	struct out_files *o = arg;
	char *path;
	int fd;

	if (index >= ARRAY_SIZE(o->fds))
		return kerr_set(err, KERR_LIMIT, "too many parts");
	path = index == 0 ? xstrdup(o->base) : xasprintf("%s.%u", o->base, index);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		kerr_errno(err, KERR_IO, errno, "cannot create %s", path);
	free(path);
	if (fd >= 0)
		o->fds[o->n++] = fd;
	return fd;
}

static int open_out(const char *path, struct kerr *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		kerr_errno(err, KERR_IO, errno, "cannot create %s", path);
	return fd;
}

/* EYWS's ePart names, as a person probing the service writes them. */
static int epart_parse(const char *s)
{
	static const char *const names[] = { "ALL", "ORGM", "ORGMATTACH" };
	int i;

	for (i = 0; i < (int)ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i]) == 0)
			return i == 0 ? KEP_PART_PACKAGE : i == 1 ? KEP_PART_ORIGINAL
								  : KEP_PART_ATTACHMENTS;
	return -1;
}

/* "YYYY-MM-DDThh:mm:ss" in Turkish time (UTC+3). */
static int parse_tr_time(const char *s, time_t *out)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);

	if (end == NULL || *end != '\0')
		return -1;
	*out = timegm(&tm) - 3 * 3600;
	return 0;
}

static void make_ref(struct kep_pkg_ref *ref, char **argv)
{
	char *end;
	long long v = strtoll(argv[1], &end, 10);

	ref->folder = argv[0];
	ref->seq = *end == '\0' ? v : -1;
	ref->kep_id = *end == '\0' ? NULL : argv[1];
	if (argv[2] != NULL && ref->seq >= 0)
		ref->kep_id = argv[2];
}

static int cmd_sign(const struct kep_account_conf *c, char **argv, struct kerr *err)
{
	struct p11_opts po = {
		.module = c->pkcs11.module, .token_label = c->pkcs11.token,
		.key_label = c->pkcs11.key_label, .key_id_hex = c->pkcs11.key_id,
		.pin_file = c->pkcs11.pin_file,
	};
	struct kbuf in = { 0 }, der = { 0 };
	int rc;

	rc = read_file(argv[0], 1 << 20, &in, err);
	if (rc == 0)
		rc = p11_cades_sign(&po, in.data, in.len, &der, err);
	if (rc == 0)
		rc = write_file_atomic(argv[1], der.data, der.len, 0600, err);
	kbuf_free(&in);
	kbuf_free(&der);
	return rc;
}

static int cmd_smime(const struct kep_account_conf *c, char **argv, int argc,
		     struct kerr *err)
{
	struct p11_opts po = {
		.module = c->pkcs11.module, .token_label = c->pkcs11.token,
		.key_label = c->pkcs11.key_label, .key_id_hex = c->pkcs11.key_id,
		.pin_file = c->pkcs11.pin_file, .detached = 1,
	};
	struct smime_addr to = { 't', argv[1], NULL };
	struct smime_file files[8];
	struct kbuf body = { 0 }, ent = { 0 }, der = { 0 }, out = { 0 }, fb[8];
	struct smime_msg m = { .from = argv[0], .rcpt = &to, .n_rcpt = 1, .subject = argv[2],
			       .ileti_tip = "standart", .ileti_id = "PROBE-1",
			       .date_ms = now_ms(), .files = files };
	char *mid = smime_new_message_id(argv[0]);
	int i, rc;

	memset(fb, 0, sizeof(fb));
	rc = read_file(argv[3], 1 << 20, &body, err);
	for (i = 5; rc == 0 && i < argc && m.n_files < ARRAY_SIZE(files); i++) {
		const char *slash = strrchr(argv[i], '/');

		rc = read_file(argv[i], 25u << 20, &fb[m.n_files], err);
		files[m.n_files] = (struct smime_file){ slash ? slash + 1 : argv[i], NULL,
							fb[m.n_files].data, fb[m.n_files].len };
		m.n_files++;
	}
	m.body = kbuf_cstr(&body);
	m.message_id = mid;
	if (rc == 0)
		rc = smime_build_entity(&m, &ent, err);
	if (rc == 0)
		rc = p11_cades_sign(&po, ent.data, ent.len, &der, err);
	if (rc == 0)
		rc = smime_wrap_signed(&m, ent.data, ent.len, der.data, der.len, &out, err);
	if (rc == 0)
		rc = write_file_atomic(argv[4], out.data, out.len, 0600, err);
	if (rc == 0)
		puts(mid);
	for (i = 0; i < (int)ARRAY_SIZE(fb); i++)
		kbuf_free(&fb[i]);
	kbuf_free(&body);
	kbuf_free(&ent);
	kbuf_free(&der);
	kbuf_free(&out);
	free(mid);
	return rc;
}

/* The bare download a refresh is measured against: the same listing and
 * package requests in one session, the bytes written to files, nothing
 * parsed, verified or stored. */
static int cmd_mirror(const struct kep_driver *d, struct kep_session *s, char **argv,
		      struct kerr *err)
{
	struct kep_package_list l;
	struct kep_window w;
	size_t i;
	int rc = 0;

	if (parse_tr_time(argv[1], &w.start) < 0 || parse_tr_time(argv[2], &w.end) < 0)
		return kerr_set(err, KERR_USAGE, "START and END: YYYY-MM-DDThh:mm:ss");
	if (d->list_packages(s, argv[0], &w, &l, err) < 0)
		return -1;
	for (i = 0; i < l.n && rc == 0; i++) {
		struct kep_pkg_ref ref = { .folder = argv[0], .seq = l.items[i].seq,
					   .kep_id = l.items[i].kep_id };
		char *base = xasprintf("%s/%" PRId64, argv[3], l.items[i].seq);
		struct out_files o = { .base = base };
		struct kep_sink sink = { part_fd, &o };
		unsigned n = 0, k;

		rc = d->download_package(s, &ref, KEP_PART_PACKAGE, &sink, &n, err);
		for (k = 0; k < o.n; k++)
			close(o.fds[k]);
		free(base);
	}
	if (rc == 0)
		printf("%zu\n", l.n);
	kep_package_list_free(&l);
	return rc;
}

static int run(const struct kep_driver *d, struct kep_session *s, int login,
	       const char *cmd, char **argv, int argc, struct kerr *err)
{
	struct kep_pkg_ref ref = { .seq = -1 };
	size_t i;
	int rc, fd;

	if (login && d->login(s, err) < 0)
		return -1;
	if (strcmp(cmd, "login") == 0 && argc == 0) {
		puts("ok");
		return 0;
	}
	if (strcmp(cmd, "folders") == 0 && argc == 0) {
		struct kep_folder_list l;

		if (d->list_folders(s, &l, err) < 0)
			return -1;
		for (i = 0; i < l.n; i++)
			puts(l.names[i]);
		kep_folder_list_free(&l);
		return 0;
	}
	if (strcmp(cmd, "list") == 0 && argc == 3) {
		struct kep_package_list l;

		struct kep_window w;

		if (parse_tr_time(argv[1], &w.start) < 0 || parse_tr_time(argv[2], &w.end) < 0)
			return kerr_set(err, KERR_USAGE, "START and END: YYYY-MM-DDThh:mm:ss");
		if (d->list_packages(s, argv[0], &w, &l, err) < 0)
			return -1;
		for (i = 0; i < l.n; i++)
			printf("%" PRId64 "\t%s\t%d\t%s\n", l.items[i].seq,
			       l.items[i].kep_id ? l.items[i].kep_id : "",
			       l.items[i].status, l.items[i].subject ? l.items[i].subject : "");
		kep_package_list_free(&l);
		return 0;
	}
	if (strcmp(cmd, "get") == 0 && argc == 4) {
		struct out_files o = { .base = argv[3] };
		struct kep_sink sink = { part_fd, &o };
		unsigned n = 0;
		int part = epart_parse(argv[2]);

		if (part < 0)
			return kerr_set(err, KERR_USAGE, "unknown ePart %s", argv[2]);
		make_ref(&ref, (char *[]){ argv[0], argv[1], NULL });
		rc = d->download_package(s, &ref, (enum kep_part)part, &sink, &n, err);
		for (i = 0; i < o.n; i++)
			close(o.fds[i]);
		if (rc == 0)
			printf("%u\n", n);
		return rc;
	}
	if (strcmp(cmd, "evidence") == 0 && argc == 3) {
		struct kep_evidence_list l;

		make_ref(&ref, argv);
		if (d->list_evidence(s, &ref, &l, err) < 0)
			return -1;
		for (i = 0; i < l.n; i++)
			printf("%s\t%d\t%" PRId64 "\t%s\n", l.items[i].id ? l.items[i].id : "",
			       l.items[i].code, l.items[i].time_ms,
			       l.items[i].issuer ? l.items[i].issuer : "");
		kep_evidence_list_free(&l);
		return 0;
	}
	if (strcmp(cmd, "delil") == 0 && argc == 2) {
		fd = open_out(argv[1], err);
		if (fd < 0)
			return -1;
		rc = d->download_evidence(s, argv[0], fd, err);
		close(fd);
		return rc;
	}
	if (strcmp(cmd, "mirror") == 0 && argc == 4)
		return cmd_mirror(d, s, argv, err);
	if ((strcmp(cmd, "ack") == 0 || strcmp(cmd, "delete") == 0) && argc == 3) {
		make_ref(&ref, argv);
		return strcmp(cmd, "ack") == 0 ? d->acknowledge(s, &ref, err)
					       : d->delete_package(s, &ref, err);
	}
	if (strcmp(cmd, "yukle") == 0 && argc == 2) {
		struct kep_send_result res;
		struct kbuf in = { 0 };

		rc = read_file(argv[0], 32u << 20, &in, err);
		if (rc == 0)
			rc = d->upload(s, strcmp(argv[1], "EYazisma") == 0 ? KEP_PAKET_EYAZISMA
					  : KEP_PAKET_STANDART, in.data, in.len, &res, err);
		kbuf_free(&in);
		if (rc == 0)
			puts(res.kep_id ? res.kep_id : "");
		if (rc == 0)
			kep_send_result_clear(&res);
		return rc;
	}
	return kerr_set(err, KERR_USAGE, "unknown command or wrong arguments: %s", cmd);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "endpoint", required_argument, NULL, 'e' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "proxy", required_argument, NULL, 'P' },
		{ "timeout", required_argument, NULL, 't' },
		{ "hesap", required_argument, NULL, 'H' },
		{ "tcno", required_argument, NULL, 'n' },
		{ "secrets-file", required_argument, NULL, 's' },
		{ "login", required_argument, NULL, 'l' },
		{ "otp-file", required_argument, NULL, 'o' },
		{ "pkcs11-module", required_argument, NULL, 'm' },
		{ "token", required_argument, NULL, 'T' },
		{ "key-label", required_argument, NULL, 'k' },
		{ "key-id", required_argument, NULL, 'i' },
		{ "pin-file", required_argument, NULL, 'p' },
		{ "no-login", no_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kep_account_conf conf = { 0 };
	struct kep_provider_opts o = { .conf = &conf };
	const struct kep_driver *d = kep_driver_find("ptt");
	struct kep_session *s = NULL;
	struct kerr err = { 0 };
	int c, login = 1, verbosity = LOG_LVL_WARN, mode, rc;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'e': conf.endpoint = optarg; break;
		case 'c': o.ca_file = optarg; break;
		case 'P': o.proxy = optarg; break;
		case 't': o.transfer_timeout_s = o.connect_timeout_s = atol(optarg); break;
		case 'H': o.mailbox = optarg; break;
		case 'n': snprintf(conf.tcno, sizeof(conf.tcno), "%s", optarg); break;
		case 's': conf.secrets_file = optarg; break;
		case 'l':
			mode = ptt_login_parse(optarg);
			if (mode < 0) {
				fprintf(stderr, "ptt-probe: unknown login mode %s\n", optarg);
				return KEXIT_USAGE;
			}
			conf.login = (enum ptt_login)mode;
			break;
		case 'o': conf.otp_file = optarg; break;
		case 'm': conf.pkcs11.module = optarg; conf.has_pkcs11 = 1; break;
		case 'T': conf.pkcs11.token = optarg; break;
		case 'k': conf.pkcs11.key_label = optarg; break;
		case 'i': conf.pkcs11.key_id = optarg; break;
		case 'p': conf.pkcs11.pin_file = optarg; break;
		case 'N': login = 0; break;
		case 'v': verbosity++; break;
		case 'h': fputs(usage, stdout); return 0;
		default: fputs(usage, stderr); return KEXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(usage, stderr);
		return KEXIT_USAGE;
	}
	log_init("ptt-probe", 1, verbosity);
	if (strcmp(argv[optind], "sign") == 0 && argc - optind == 3) {
		rc = cmd_sign(&conf, argv + optind + 1, &err);
	} else if (strcmp(argv[optind], "smime") == 0 && argc - optind >= 6) {
		rc = cmd_smime(&conf, argv + optind + 1, argc - optind - 1, &err);
	} else {
		s = d->open(&o, &err);
		rc = s ? run(d, s, login, argv[optind], argv + optind + 1, argc - optind - 1, &err)
		       : -1;
		d->close(&s);
	}
	if (rc < 0) {
		fprintf(stderr, "ptt-probe: %s: %s\n", kerr_class_name(err.cls), err.msg);
		return kerr_exit_code(&err);
	}
	return 0;
}
