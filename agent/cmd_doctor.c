/* cmd_doctor.c: `kepagent doctor`: checks a deployment, one line per check.
 *
 * Each check prints "ok", "warn" or "FAIL", what it looked at and, when it
 * is not ok, what to do about it. Warnings do not fail the run; any FAIL
 * makes the exit status 1 (3 when the configuration itself is invalid). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "commands.h"
#include "config.h"
#include "config_check.h"
#include "secret_file.h"
#include "store.h"
#include "store_integrity.h"
#include "trust.h"

#define EXPIRY_WARN_DAYS 30
#define DISK_FAIL_BYTES (100ULL << 20)
#define DISK_WARN_BYTES (1ULL << 30)

enum level { OK = 0, WARN, FAIL };

struct report {
	int json;
	int fails;
	json_t *checks;
};

static void say(struct report *r, enum level lv, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void say(struct report *r, enum level lv, const char *check, const char *fmt, ...)
{
	static const char *const names[] = { "ok", "warn", "FAIL" };
	char msg[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (lv == FAIL)
		r->fails++;
	if (r->json)
		json_array_append_new(r->checks, json_pack("{s:s, s:s, s:s}", "check", check,
							   "result", lv == FAIL ? "fail" : names[lv],
							   "message", msg));
	else
		printf("%-4s %-12s %s\n", names[lv], check, msg);
}

/* Loads one anchor source and judges the expiry of every certificate in it. */
static void check_anchor(struct report *r, const char *path, enum trust_kind kind)
{
	struct trust_store *ts = trust_new();
	STACK_OF(X509_OBJECT) *objs;
	struct kerr err = { 0 };
	time_t soon = time(NULL) + EXPIRY_WARN_DAYS * 86400;
	int i, n = 0, expired = 0, expiring = 0;

	if (trust_load(ts, kind, path, &err) < 0) {
		say(r, FAIL, "trust", "%s: %s; fix: put the Kamu SM roots (PEM or certificate store XML) there",
		    path, err.msg);
		trust_free(&ts);
		return;
	}
	objs = X509_STORE_get0_objects(trust_x509_store(ts, kind));
	for (i = 0; i < sk_X509_OBJECT_num(objs); i++) {
		X509 *c = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objs, i));

		if (c == NULL)
			continue;
		n++;
		if (X509_cmp_current_time(X509_get0_notAfter(c)) <= 0)
			expired++;
		else if (X509_cmp_time(X509_get0_notAfter(c), &soon) <= 0)
			expiring++;
	}
	if (expired > 0)
		say(r, FAIL, "trust", "%s: %d of %d certificates have expired; fix: install current roots",
		    path, expired, n);
	else if (expiring > 0)
		say(r, WARN, "trust", "%s: %d of %d certificates expire within %d days", path,
		    expiring, n, EXPIRY_WARN_DAYS);
	else
		say(r, OK, "trust", "%s: %d certificates, none expired", path, n);
	trust_free(&ts);
}

static void check_trust(struct report *r, const struct config *cfg)
{
	size_t i;

	for (i = 0; i < cfg->n_trust_anchors; i++)
		check_anchor(r, cfg->trust_anchors[i], TRUST_ANCHOR);
	for (i = 0; i < cfg->n_trust_kamusm_stores; i++)
		check_anchor(r, cfg->trust_kamusm_stores[i], TRUST_ANCHOR);
	for (i = 0; i < cfg->n_trust_tsa_anchors; i++)
		check_anchor(r, cfg->trust_tsa_anchors[i], TRUST_TSA_ANCHOR);
}

struct account_sink {
	struct report *r;
	const char *account;
};

static void on_finding(void *arg, enum kep_check_level lv, const char *check, const char *msg)
{
	struct account_sink *as = arg;

	say(as->r, lv == KEP_CHECK_FAIL ? FAIL : lv == KEP_CHECK_WARN ? WARN : OK, check,
	    "account %s: %s", as->account, msg);
}

/* The account's own files (secrets, PIN, PKCS#11 token): its driver knows them. */
static void check_account_files(struct report *r, const struct account_config *a)
{
	struct account_sink as = { r, a->name };
	struct kep_check_sink sink = { on_finding, &as };

	a->driver->conf_check(a->driver_conf, 1, &sink);
}

static void on_kephs(void *arg, enum kep_check_level lv, const char *check, const char *msg)
{
	say(arg, lv == KEP_CHECK_FAIL ? FAIL : lv == KEP_CHECK_WARN ? WARN : OK, check, "%s", msg);
}

/* Who may sign envelopes and delils (trust.kephs): config_check.h's rule. */
static void check_kephs(struct report *r, const struct config *cfg)
{
	struct kep_check_sink sink = { on_kephs, r };

	config_check_kephs(cfg, &sink);
}

static size_t discard(char *p, size_t sz, size_t n, void *ud)
{
	(void)p;
	(void)ud;
	return sz * n;
}

/* The endpoint's leaf certificate, fetched without verifying it: what a
 * refused handshake was shown, so the FAIL line can say self-signed or
 * name the issuer ca_file lacks. subject/issuer: caller frees; NULL when
 * even an unverified handshake fails. */
static void peer_certificate(const char *url, const char *proxy, char **subject, char **issuer)
{
	struct curl_certinfo *ci = NULL;
	CURL *c = curl_easy_init();
	struct curl_slist *sl;

	*subject = *issuer = NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	if (proxy != NULL)
		curl_easy_setopt(c, CURLOPT_PROXY, proxy);
	/* The handshake is what counts: a refused request after it still
	 * leaves the certificate. */
	(void)curl_easy_perform(c);
	if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) == CURLE_OK && ci != NULL &&
	    ci->num_of_certs > 0) {
		for (sl = ci->certinfo[0]; sl != NULL; sl = sl->next) {
			if (strncmp(sl->data, "Subject:", 8) == 0 && *subject == NULL)
				*subject = xstrdup(sl->data + 8 + strspn(sl->data + 8, " "));
			else if (strncmp(sl->data, "Issuer:", 7) == 0 && *issuer == NULL)
				*issuer = xstrdup(sl->data + 7 + strspn(sl->data + 7, " "));
		}
	}
	curl_easy_cleanup(c);
}

/* A refused TLS handshake: self-signed (a test server, a TLS-intercepting
 * proxy or the wrong host) or issued by a CA that ca_file does not hold. */
static void say_untrusted(struct report *r, const struct account_config *a, const char *endpoint,
			  const char *url, const char *why)
{
	char *subject, *issuer;

	peer_certificate(url, a->proxy, &subject, &issuer);
	if (subject != NULL && issuer != NULL && strcmp(subject, issuer) == 0)
		say(r, FAIL, "endpoint", "account %s: TLS certificate of %s is self-signed (%s), "
		    "not issued by a CA; fix: check the endpoint URL and any TLS-intercepting "
		    "proxy (a provider's certificate is CA-issued); only for a test provider put "
		    "this certificate in ca_file", a->name, endpoint, subject);
	else if (issuer != NULL)
		say(r, FAIL, "endpoint", "account %s: TLS certificate of %s not trusted: issued by "
		    "%s, which %s does not hold (%s); fix: set ca_file to the CA that issued the "
		    "provider's certificate", a->name, endpoint, issuer,
		    a->ca_file ? a->ca_file : "the system CA store", why);
	else
		say(r, FAIL, "endpoint", "account %s: TLS certificate of %s not trusted (%s); fix: "
		    "set ca_file to the CA that issued the provider's certificate", a->name,
		    endpoint, why);
	free(subject);
	free(issuer);
}

static void check_endpoint(struct report *r, const struct account_config *a)
{
	struct kep_login_info li = { 0 };
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode rc;
	CURL *c;
	char *url;

	config_login_info(a, &li);
	if (li.endpoint == NULL)
		return;
	c = curl_easy_init();
	url = xasprintf("%s?wsdl", li.endpoint);

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (a->ca_file != NULL) {
		/* As in the sync: ca_file alone, not the system CA directory too. */
		curl_easy_setopt(c, CURLOPT_CAINFO, a->ca_file);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	if (a->proxy != NULL)
		curl_easy_setopt(c, CURLOPT_PROXY, a->proxy);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
	    rc == CURLE_SSL_CERTPROBLEM)
		say_untrusted(r, a, li.endpoint, url, errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else if (rc != CURLE_OK)
		say(r, FAIL, "endpoint", "account %s: %s unreachable (%s); fix: check the URL, DNS, "
		    "firewall and proxy settings", a->name, li.endpoint,
		    errbuf[0] ? errbuf : curl_easy_strerror(rc));
	else if (status >= 500)
		say(r, WARN, "endpoint", "account %s: %s answers HTTP %ld", a->name, li.endpoint, status);
	else
		say(r, OK, "endpoint", "account %s: %s reachable over verified TLS (HTTP %ld)", a->name,
		    li.endpoint, status);
	curl_easy_cleanup(c);
	free(url);
}

/* The mailbox's quota, asked as the sync asks it after each run: a full
 * PTT mailbox blocks sending. Not answered is not a failure. */
static void check_quota(struct report *r, const struct account_config *a,
			struct kep_session *s)
{
	struct kep_quota q;
	struct kerr err = { 0 };
	char line[512];

	if (a->driver->quota == NULL)
		return;
	if (a->driver->quota(s, &q, &err) < 0) {
		say(r, WARN, "quota", "account %s: the provider did not answer the quota: %s",
		    a->name, err.msg);
		return;
	}
	kep_quota_describe(&q, a->quota_warn_percent, line, sizeof(line));
	say(r, kep_quota_over(&q, a->quota_warn_percent) ? WARN : OK, "quota", "account %s: %s",
	    a->name, line);
}

/* A real login, for accounts whose login asks nobody (a password: BASE):
 * it proves the secrets, the KEP address form and the T.C. number, which
 * no local check can. A login a person answers (SMS code, card PIN) is not
 * tried: a wrong PIN counts against the card. */
static void check_login(struct report *r, const struct config *cfg,
			const struct account_config *a)
{
	struct kep_login_info li = { 0 };
	struct kep_provider_opts o = { 0 };
	struct kep_folder_list fl = { 0, NULL };
	struct kep_session *s;
	struct kerr err = { 0 };
	char *dircopy = xstrdup(cfg->store_path);
	struct stat st;

	config_login_info(a, &li);
	if (li.personal) {
		say(r, OK, "login", "account %s logs in with %s: an officer is needed to answer "
		    "it, so doctor does not try (endpoint and TLS checked above); run 'kepagent "
		    "refresh --account %s' at a terminal to prove it", a->name, li.mode, a->name);
		free(dircopy);
		return;
	}
	o.conf = a->driver_conf;
	o.mailbox = a->mailbox;
	o.ca_file = a->ca_file;
	o.proxy = a->proxy;
	o.connect_timeout_s = a->connect_timeout;
	o.transfer_timeout_s = a->timeout;
	/* Answers spool beside the store (never $TMPDIR), when it is there. */
	o.tmp_dir = stat(dirname(dircopy), &st) == 0 ? dircopy : NULL;
	s = a->driver->open(&o, &err);
	if (s == NULL || a->driver->login(s, &err) < 0)
		say(r, FAIL, "login", "account %s: %s; fix: %s", a->name, err.msg,
		    err.cls == KERR_AUTH ? "check the parola and sifre in the secrets file, the "
		    "KEP address (as the provider lists it, e.g. birim@hs01.kep.tr) and the T.C. "
		    "number of the authorised person" : "check the endpoint and the network, then "
		    "run doctor again");
	else if (a->driver->list_folders(s, &fl, &err) < 0)
		say(r, FAIL, "login", "account %s: logged in, but listing folders failed: %s; fix: "
		    "ask the provider whether the account may use the web service", a->name,
		    err.msg);
	else
		say(r, OK, "login", "account %s: logged in as %s (%s), %zu folder(s)", a->name,
		    a->mailbox, li.mode, fl.n);
	if (s != NULL && err.cls == KERR_NONE)
		check_quota(r, a, s);
	kep_folder_list_free(&fl);
	if (s != NULL)
		a->driver->close(&s);
	free(dircopy);
}

static void check_store(struct report *r, const struct config *cfg)
{
	char *dircopy = xstrdup(cfg->store_path);
	const char *dir = dirname(dircopy);
	struct store *s = NULL;
	struct kerr err = { 0 };
	struct statvfs vfs;
	struct stat stt;

	if (stat(cfg->store_path, &stt) < 0 && errno == ENOENT) {
		if (stat(dir, &stt) < 0)
			say(r, FAIL, "store", "directory %s is missing; fix: create it (mode 0700, owned by "
			    "the service user)", dir);
		else
			say(r, OK, "store", "%s does not exist yet; it is created on the first run",
			    cfg->store_path);
	} else if (store_open(cfg->store_path, &s, &err) < 0) {
		say(r, FAIL, "store", "%s", err.msg);
	} else if (store_quick_check(s, &err) < 0) {
		say(r, FAIL, "store", "%s: %s; fix: restore from backup", cfg->store_path, err.msg);
	} else {
		say(r, OK, "store", "%s opens, schema current, integrity ok", cfg->store_path);
	}
	store_close(&s);
	if (statvfs(dir, &vfs) == 0) {
		unsigned long long avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;

		say(r, avail < DISK_FAIL_BYTES ? FAIL : avail < DISK_WARN_BYTES ? WARN : OK, "disk",
		    "%llu MiB free for %s%s", avail >> 20, dir,
		    avail < DISK_WARN_BYTES ? "; fix: free space (packages reach 25 MB each)" : "");
	}
	free(dircopy);
}

/* A private file owned by another user than the one doctor runs as: root
 * reads it, the service user (doctor run as it) would not. NULL when the
 * owner is the running user. */
static const char *foreign_owner(const char *path, char *buf, size_t sz)
{
	struct stat st;

	if (stat(path, &st) < 0 || st.st_uid == geteuid())
		return NULL;
	snprintf(buf, sz, "uid %ld", (long)st.st_uid);
	return buf;
}

static void check_token(struct report *r, const struct config *cfg)
{
	struct kbuf b = { 0 };
	struct kerr err = { 0 };
	char owner[32];

	if (secret_file_read(cfg->api_token_file, 4096, &b, &err) < 0)
		say(r, FAIL, "api-token", "%s", err.msg);
	else if (b.len < 16)
		say(r, FAIL, "api-token", "%s holds fewer than 16 characters; fix: write a long random "
		    "token into it", cfg->api_token_file);
	else if (foreign_owner(cfg->api_token_file, owner, sizeof(owner)) != NULL)
		say(r, WARN, "api-token", "%s is owned by %s, not by the user doctor runs as (uid %ld); "
		    "fix: chown it to the service user (run doctor as that user to prove it)",
		    cfg->api_token_file, owner, (long)geteuid());
	else
		say(r, OK, "api-token", "%s is private", cfg->api_token_file);
	secret_kbuf_free(&b);
}

/* The API's TLS key is a secret as the token is; the certificate must
 * parse and be current. */
static void check_api_tls(struct report *r, const struct config *cfg)
{
	struct kerr err = { 0 };
	X509 *cert = NULL;
	FILE *f;

	if (cfg->api_tls_cert == NULL)
		return;
	if (secret_file_check(cfg->api_tls_key, &err) < 0) {
		say(r, FAIL, "api-tls", "%s", err.msg);
		return;
	}
	f = fopen(cfg->api_tls_cert, "r");
	if (f != NULL) {
		cert = PEM_read_X509(f, NULL, NULL, NULL);
		fclose(f);
	}
	if (cert == NULL)
		say(r, FAIL, "api-tls", "%s: no PEM certificate can be read; fix: put the API's "
		    "certificate there (PEM), readable by the service user", cfg->api_tls_cert);
	else if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0)
		say(r, FAIL, "api-tls", "%s has expired; fix: renew the API's certificate",
		    cfg->api_tls_cert);
	else
		say(r, OK, "api-tls", "%s current, key %s private", cfg->api_tls_cert,
		    cfg->api_tls_key);
	X509_free(cert);
}

/* Under systemd: whether kepagent.service is enabled and running. */
static void check_unit(struct report *r)
{
	char active[64] = "", enabled[64] = "";
	FILE *p;

	if (access("/run/systemd/system", F_OK) != 0)
		return; /* systemd is not the init system here: nothing to ask */
	if ((p = popen("systemctl is-active kepagent.service 2>/dev/null", "r")) != NULL) {
		if (fgets(active, sizeof(active), p) == NULL)
			active[0] = '\0';
		pclose(p);
	}
	if ((p = popen("systemctl is-enabled kepagent.service 2>/dev/null", "r")) != NULL) {
		if (fgets(enabled, sizeof(enabled), p) == NULL)
			enabled[0] = '\0';
		pclose(p);
	}
	active[strcspn(active, "\n")] = '\0';
	enabled[strcspn(enabled, "\n")] = '\0';
	if (strcmp(active, "failed") == 0)
		say(r, FAIL, "unit", "kepagent.service has failed; fix: see 'journalctl -u kepagent', "
		    "correct it, then 'systemctl restart kepagent'");
	else if (strcmp(active, "active") != 0 || strcmp(enabled, "enabled") != 0)
		say(r, WARN, "unit", "kepagent.service is %s and %s; fix: 'systemctl enable --now "
		    "kepagent' once doctor passes", active[0] ? active : "unknown",
		    enabled[0] ? enabled : "not installed");
	else
		say(r, OK, "unit", "kepagent.service is enabled and running");
}

int cmd_doctor(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "no-network", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct report r = { 0 };
	struct config *cfg = NULL;
	struct kerr err = { 0 };
	int network = 1, c;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "jnh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			r.json = 1;
			break;
		case 'n':
			network = 0;
			break;
		case 'h':
			printf("Usage: kepagent doctor [--json] [--no-network]\n\n"
			       "Checks a deployment and prints one line per check with a fix:\n"
			       "configuration, secrets file permissions, API token, trust anchors present\n"
			       "and not expired, each endpoint's TLS and reachability and a real login\n"
			       "of each enabled password (BASE) account (skipped with --no-network),\n"
			       "PKCS#11 module and token, the store's integrity and free\n"
			       "disk space. Exit status 1 when a check fails, 3 when the configuration\n"
			       "is invalid.\n");
			return KEXIT_OK;
		default:
			return cmd_usage_error("doctor", "see 'kepagent doctor --help'");
		}
	}
	if (optind < argc)
		return cmd_usage_error("doctor", "unexpected argument '%s'", argv[optind]);
	r.checks = json_array();
	if (config_load(ctx->config_path, &cfg, &err) < 0) {
		say(&r, FAIL, "config", "%s; fix: run 'kepagent check-config' for every problem", err.msg);
	} else {
		say(&r, OK, "config", "%s is valid (%zu accounts)", cfg->path, cfg->n_accounts);
		check_token(&r, cfg);
		check_api_tls(&r, cfg);
		check_trust(&r, cfg);
		check_kephs(&r, cfg);
		for (i = 0; i < cfg->n_accounts; i++) {
			check_account_files(&r, &cfg->accounts[i]);
			if (network)
				check_endpoint(&r, &cfg->accounts[i]);
			if (network && cfg->accounts[i].enabled)
				check_login(&r, cfg, &cfg->accounts[i]);
		}
		check_store(&r, cfg);
		check_unit(&r);
	}
	if (r.json) {
		json_t *o = json_pack("{s:o, s:b}", "checks", r.checks, "ok", r.fails == 0);

		json_dumpf(o, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(o);
	} else {
		json_decref(r.checks);
		printf("%s: %d check%s failed\n", r.fails ? "doctor" : "doctor: all good", r.fails,
		       r.fails == 1 ? "" : "s");
	}
	c = cfg == NULL ? KEXIT_CONFIG : r.fails ? KEXIT_FAILURE : KEXIT_OK;
	config_free(&cfg);
	return c;
}
