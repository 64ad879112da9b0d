/* kepsim_main.c: command line, start-up and shutdown of the simulator.
 *
 * kepsim stays in the foreground and logs to stderr; SIGTERM or SIGINT stop
 * both listeners cleanly (in-flight requests finish) and exit 0. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>

#include "faults.h"
#include "http_server.h"
#include "kepsim.h"
#include "log.h"
#include "ops.h"
#include "revocation_http.h"
#include "soap.h"
#include "submit.h"
#include "util.h"

static const char usage_text[] =
	"Usage: kepsim --mailbox DIR [options]\n"
	"PTT KEP EYWS simulator: HTTPS SOAP 1.1 on 127.0.0.1 (see contrib/kepsim/README).\n"
	"  --mailbox DIR         the mailbox (contrib/kepsim/FORMAT.md)\n"
	"  --port N              HTTPS port (0: any free port; default 0)\n"
	"  --port-file F         write the HTTPS port there\n"
	"  --http-port N         plain-HTTP CRL/OCSP port (0: any; default: no listener)\n"
	"  --http-port-file F    write the HTTP port there (implies --http-port 0 if unset)\n"
	"  --cert F --key F      HTTPS certificate and key (default DIR/pki/https/server.crt/.key)\n"
	"  --inline-base64       binaries inline in text/xml instead of MTOM/XOP\n"
	"  --faults LIST         all, or a comma list: http500,http503,http429,slow,drop,\n"
	"                        truncated-mtom,soap-fault,durum1-transient,\n"
	"                        durum1-unavailable,duplicate-list-entries,\n"
	"                        reordered-list-entries,unknown-package-evidence,\n"
	"                        performed-http500,performed-no-answer,\n"
	"                        performed-no-kepid\n"
	"  --fault-ops LIST      only these operations get faults (comma list)\n"
	"  --fault-limit N       inject at most N faults in all (default: no limit)\n"
	"  --fault-rate P        probability per eligible request (default 0.3)\n"
	"  --seed N              fault decisions are reproducible per seed (default 1)\n"
	"  --fault-log F         JSON line per injected fault {seq,op,fault}\n"
	"  --slow-ms N           the slow fault's delay (default 5000)\n"
	"  --retry-after N|date:N|none  the http503/http429 faults' Retry-After: N seconds,\n"
	"                        or the HTTP-date N seconds ahead, or no header (default 1)\n"
	"  --request-log F       JSON line per request\n"
	"  --otp-file F          Giris OTP writes the code there\n"
	"  --delay-ms N          delay every answer by N ms\n"
	"  --evidence-delay-ms N a sent package's evidence after the 10 (20, 40, ...) appears\n"
	"                        one stage per N ms (default 0: all at submission)\n"
	"  --sent-list-delay-ms N a package taken into the sent folder is listed (PaketSorgula)\n"
	"                        only N ms later, as by a slow provider\n"
	"  --max-request N       largest request body in bytes (default 67108864)\n"
	"  --dialect NAME        public (default), plain or legacy: a set of the switches below\n"
	"  --creds=bare|wrapped  credentials of DizinSorgula/KotaSorgula/KontorSorgula expected\n"
	"                        as param0 itself (bare, default) or in a kepHesap child\n"
	"  --strict-creds[=on|off] the other credential form gets an Axis2 Fault (default: both\n"
	"                        forms are accepted)\n"
	"  --folders=strings|durum   DizinSorgula answers string[] or durum/dizin/hataaciklama\n"
	"  --empty-list=nil-first|empty  an empty list: nil first key with durum[0], or durum 0\n"
	"  --durum=mixed|text|int    durum typed as the public clients see it, untyped, or xs:int\n"
	"  --times=offset|naive|z    answer times +03:00, naive Turkish time, or UTC with Z\n"
	"  --children=qualified|unqualified  the return's children in the xsd namespace or none\n"
	"  --namespaces=prefixed|default  ns:/ax: prefixes, or default namespace declarations\n"
	"  --xmime-attrs[=on|off]    binaries carry xmime:contentType and fileName (default on)\n"
	"  -d, --foreground      stay in the foreground with debug logging\n"
	"  -h, --help            this text\n";

static int parse_int(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int write_port(const char *path, int port)
{
	char buf[16];
	struct kerr err;

	if (path == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%d\n", port);
	if (write_file_atomic(path, buf, strlen(buf), 0644, &err) < 0) {
		log_error("%s", err.msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	enum { O_PORT_FILE = 256, O_HTTP_PORT, O_HTTP_PORT_FILE, O_CERT, O_KEY, O_INLINE, O_FAULTS,
	       O_RATE, O_SEED, O_FAULT_LOG, O_REQ_LOG, O_OTP, O_DELAY, O_SLOW, O_RETRY_AFTER, O_MAXREQ,
	       O_FAULT_OPS, O_FAULT_LIMIT, O_EV_DELAY, O_LIST_DELAY, O_DIALECT };
	/* The dialect switches: their long names are dialect_option()'s names. */
	static const char *const dialect_opts[] = { "dialect", "creds", "strict-creds", "folders",
						    "empty-list", "durum", "times", "children",
						    "namespaces", "xmime-attrs" };
	int opt_index = 0;
	size_t di;
	char described[256];
	static const struct option opts[] = {
		{ "mailbox", required_argument, NULL, 'm' },
		{ "port", required_argument, NULL, 'p' },
		{ "port-file", required_argument, NULL, O_PORT_FILE },
		{ "http-port", required_argument, NULL, O_HTTP_PORT },
		{ "http-port-file", required_argument, NULL, O_HTTP_PORT_FILE },
		{ "cert", required_argument, NULL, O_CERT },
		{ "key", required_argument, NULL, O_KEY },
		{ "inline-base64", no_argument, NULL, O_INLINE },
		{ "faults", required_argument, NULL, O_FAULTS },
		{ "fault-rate", required_argument, NULL, O_RATE },
		{ "seed", required_argument, NULL, O_SEED },
		{ "fault-log", required_argument, NULL, O_FAULT_LOG },
		{ "fault-ops", required_argument, NULL, O_FAULT_OPS },
		{ "fault-limit", required_argument, NULL, O_FAULT_LIMIT },
		{ "evidence-delay-ms", required_argument, NULL, O_EV_DELAY },
		{ "sent-list-delay-ms", required_argument, NULL, O_LIST_DELAY },
		{ "request-log", required_argument, NULL, O_REQ_LOG },
		{ "otp-file", required_argument, NULL, O_OTP },
		{ "delay-ms", required_argument, NULL, O_DELAY },
		{ "slow-ms", required_argument, NULL, O_SLOW },
		{ "retry-after", required_argument, NULL, O_RETRY_AFTER },
		{ "max-request", required_argument, NULL, O_MAXREQ },
		{ "dialect", required_argument, NULL, O_DIALECT },
		{ "creds", required_argument, NULL, O_DIALECT },
		{ "strict-creds", optional_argument, NULL, O_DIALECT },
		{ "folders", required_argument, NULL, O_DIALECT },
		{ "empty-list", required_argument, NULL, O_DIALECT },
		{ "durum", required_argument, NULL, O_DIALECT },
		{ "times", required_argument, NULL, O_DIALECT },
		{ "children", required_argument, NULL, O_DIALECT },
		{ "namespaces", required_argument, NULL, O_DIALECT },
		{ "xmime-attrs", optional_argument, NULL, O_DIALECT },
		{ "foreground", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	/* 64 MiB: a 25 MB package inline in base64 must reach Yukle's own check. */
	struct kepsim_conf conf = { .slow_ms = 5000, .max_request = 64u << 20, .retry_after = "1" };
	const char *port_file = NULL, *http_port_file = NULL, *faults = NULL, *fault_log = NULL;
	const char *fault_ops = NULL;
	long fault_limit = 0;
	char *cert = NULL, *key = NULL, *end;
	long port = 0, http_port = -1, v;
	double rate = 0.3;
	unsigned long long seed = 1;
	struct http_server *https = NULL;
	struct revocation_http *rev = NULL;
	int c, bound = 0, hbound = 0, sig, rc = 1, verbosity = LOG_LVL_INFO;
	struct kerr err;
	sigset_t set;

	while ((c = getopt_long(argc, argv, "dh", opts, &opt_index)) != -1) {
		switch (c) {
		case 'm': conf.mailbox = optarg; break;
		case 'p': if (parse_int(optarg, 0, 65535, &port) < 0) goto usage; break;
		case O_PORT_FILE: port_file = optarg; break;
		case O_HTTP_PORT: if (parse_int(optarg, 0, 65535, &http_port) < 0) goto usage; break;
		case O_HTTP_PORT_FILE: http_port_file = optarg; break;
		case O_CERT: cert = xstrdup(optarg); break;
		case O_KEY: key = xstrdup(optarg); break;
		case O_INLINE: conf.inline_base64 = 1; break;
		case O_FAULTS: faults = optarg; break;
		case O_RATE:
			rate = strtod(optarg, &end);
			if (*end != '\0') goto usage;
			break;
		case O_SEED:
			seed = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0') goto usage;
			break;
		case O_FAULT_LOG: fault_log = optarg; break;
		case O_FAULT_OPS: fault_ops = optarg; break;
		case O_LIST_DELAY: if (parse_int(optarg, 0, 86400000, &v) < 0) goto usage; conf.sent_list_delay_ms = (int)v; break;
		case O_EV_DELAY: if (parse_int(optarg, 0, 86400000, &v) < 0) goto usage; conf.evidence_delay_ms = (int)v; break;
		case O_FAULT_LIMIT: if (parse_int(optarg, 0, 1L << 30, &fault_limit) < 0) goto usage; break;
		case O_REQ_LOG: conf.request_log = optarg; break;
		case O_OTP: conf.otp_file = optarg; break;
		case O_DELAY: if (parse_int(optarg, 0, 600000, &v) < 0) goto usage; conf.delay_ms = (int)v; break;
		case O_RETRY_AFTER:
			conf.retry_after_date = strncmp(optarg, "date:", 5) == 0;
			conf.retry_after = optarg + (conf.retry_after_date ? 5 : 0);
			if (strcmp(optarg, "none") == 0)
				conf.retry_after = NULL;
			else if (parse_int(conf.retry_after, 0, 86400, &v) < 0)
				goto usage;
			break;
		case O_SLOW: if (parse_int(optarg, 0, 600000, &v) < 0) goto usage; conf.slow_ms = (int)v; break;
		case O_MAXREQ: if (parse_int(optarg, 1024, 1L << 30, &v) < 0) goto usage; conf.max_request = (size_t)v; break;
		case O_DIALECT:
			for (di = 0; di < ARRAY_SIZE(dialect_opts); di++)
				if (strcmp(opts[opt_index].name, dialect_opts[di]) == 0)
					break;
			if (di == ARRAY_SIZE(dialect_opts) ||
			    dialect_option(dialect_opts[di], optarg, &err) < 0) {
				fprintf(stderr, "kepsim: %s\n", di < ARRAY_SIZE(dialect_opts) ? err.msg
						 : "unknown dialect switch");
				goto usage;
			}
			break;
		case 'd': verbosity = LOG_LVL_DEBUG; break;
		case 'h': fputs(usage_text, stdout); return 0;
		default: goto usage;
		}
	}
	if (optind != argc || conf.mailbox == NULL)
		goto usage;
	log_init("kepsim", 1, verbosity);
	if (faults_init(faults, rate, seed, fault_log, conf.inline_base64, &err) < 0 ||
	    faults_restrict(fault_ops, (unsigned long)fault_limit, &err) < 0) {
		fprintf(stderr, "kepsim: %s\n", err.msg);
		goto usage;
	}
	if (http_port < 0 && http_port_file != NULL)
		http_port = 0;
	if (cert == NULL)
		cert = xasprintf("%s/pki/https/server.crt", conf.mailbox);
	if (key == NULL)
		key = xasprintf("%s/pki/https/server.key", conf.mailbox);
	if (submit_init(&err) < 0) { /* libxml2 and xmlsec, before any thread */
		log_error("%s", err.msg);
		goto usage;
	}
	signal(SIGPIPE, SIG_IGN);
	/* Block the stop signals before any thread starts, so all inherit the
	 * mask and only sigwait() below sees them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	if (http_server_start(&conf, (int)port, cert, key, &https, &bound, &err) < 0) {
		log_error("%s", err.msg);
		goto out;
	}
	if (http_port >= 0 && revocation_http_start(conf.mailbox, (int)http_port, &rev, &hbound, &err) < 0) {
		log_error("%s", err.msg);
		goto out;
	}
	if (write_port(port_file, bound) < 0 || (rev != NULL && write_port(http_port_file, hbound) < 0))
		goto out;
	log_info("serving %s on https://127.0.0.1:%d/KepEYazismaV1.1/KepEYazismaCOREWSDL.php%s",
		 conf.mailbox, bound, conf.inline_base64 ? " (inline base64)" : " (MTOM)");
	dialect_describe(described, sizeof(described));
	log_info("dialect: %s", described);
	if (rev != NULL)
		log_info("CRL/OCSP on http://127.0.0.1:%d/", hbound);
	sigwait(&set, &sig);
	log_info("signal %d: stopping", sig);
	rc = 0;
out:
	revocation_http_stop(&rev);
	http_server_stop(&https);
	ops_shutdown();
	submit_shutdown();
	free(cert);
	free(key);
	return rc;
usage:
	fputs(usage_text, stderr);
	free(cert);
	free(key);
	return 2;
}
