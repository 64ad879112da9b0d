/* Unit test of the configuration loader (conf/config.c) and of the PTT
 * driver's own account keys and secrets file (kep/provider/ptt/ptt_config.c,
 * ptt_secrets.c), which the loader hands it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "log.h"
#include "ptt_config.h"

static char *data_path(const char *name)
{
	const char *top = getenv("top_srcdir");
	char *rel, *abs;

	rel = xasprintf("%s/tests/data/config/%s", top ? top : ".", name);
	abs = realpath(rel, NULL);
	free(rel);
	assert_non_null(abs);
	return abs;
}

static void test_valid(void **state)
{
	struct config *cfg = NULL;
	struct kerr err = { 0 };
	const struct account_config *a, *b;
	const struct kep_account_conf *pa, *pb;
	struct kep_login_info li;
	char *path = data_path("valid.yaml"), *dir, *want;

	(void)state;
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_non_null(cfg);
	dir = xstrdup(path);
	*strrchr(dir, '/') = '\0';
	assert_string_equal(cfg->path, path);
	assert_string_equal(cfg->dir, dir);

	want = xasprintf("%s/state/kepagent.db", dir);
	assert_string_equal(cfg->store_path, want);
	free(want);
	assert_string_equal(cfg->api_listen, "::1");
	assert_int_equal(cfg->api_port, 18470);
	assert_string_equal(cfg->api_token_file, "/etc/kepagent/api-token");
	want = xasprintf("%s/tls/api.key", dir);
	assert_string_equal(cfg->api_tls_key, want);
	free(want);
	assert_int_equal(cfg->api_max_request_size, 2 * 1024 * 1024);

	assert_int_equal(cfg->n_trust_anchors, 1);
	want = xasprintf("%s/roots", dir);
	assert_string_equal(cfg->trust_anchors[0], want);
	free(want);
	assert_int_equal(cfg->n_trust_kamusm_stores, 1);
	assert_int_equal(cfg->n_trust_intermediates, 2);
	assert_string_equal(cfg->trust_intermediates[1], "/abs/b.pem");
	assert_int_equal(cfg->n_trust_tsa_anchors, 1);
	assert_int_equal(cfg->revocation, REVOCATION_REQUIRE);
	assert_int_equal(cfg->queue_lease_seconds, 120);
	assert_int_equal(cfg->queue_max_attempts, 7);
	assert_int_equal(cfg->retention_archive_after_years, 10);
	assert_int_equal(cfg->log_level, LOG_LVL_DEBUG);

	assert_int_equal(cfg->n_accounts, 2);
	a = config_find_account(cfg, "birim-1");
	assert_ptr_equal(a, &cfg->accounts[0]);
	assert_string_equal(a->address, "birim");
	assert_string_equal(a->mailbox, "birim@hs01.kep.tr");
	assert_ptr_equal(a->driver, kep_driver_find("ptt"));
	pa = a->driver_conf;
	assert_non_null(pa);
	assert_string_equal(pa->endpoint,
			    "https://127.0.0.1:8443/KepEYazismaV1.1/KepEYazismaCOREWSDL.php");
	assert_string_equal(pa->tcno, "12345678901");
	assert_int_equal(pa->login, PTT_LOGIN_OTP);
	assert_string_equal(pa->otp_file, "/run/kepagent/otp");
	/* An OTP read from a file needs nobody at a terminal, but is never retried. */
	config_login_info(a, &li);
	assert_string_equal(li.mode, "otp");
	assert_int_equal(li.personal, 1);
	assert_int_equal(li.needs_officer, 0);
	assert_int_equal(kep_officer_check(a->driver, a->driver_conf, a->name, 0, &err), 0);
	assert_string_equal(a->folder_inbox, "INBOX");
	assert_null(a->folder_sent); /* auto */
	assert_int_equal(a->poll_interval, 90);
	assert_int_equal(a->initial_days, 7);
	assert_int_equal(a->overlap_seconds, 3600);
	assert_int_equal(a->ack_policy, ACK_ON_STORE);
	assert_int_equal(a->delete_after_ack, 1);
	assert_string_equal(a->proxy, "socks5h://127.0.0.1:1080");
	assert_int_equal(a->connect_timeout, 5);
	assert_int_equal(a->timeout, 600);
	assert_int_equal(a->enabled, 0);
	assert_int_equal(pa->has_pkcs11, 0);
	want = xasprintf("%s/birim.secrets", dir);
	assert_string_equal(pa->secrets_file, want);
	free(want);

	/* The second account leaves most keys to their defaults. */
	b = config_find_account(cfg, "hukuk.2");
	assert_non_null(b);
	assert_string_equal(b->mailbox, "hukuk@hs05.kep.tr");
	pb = b->driver_conf;
	assert_string_equal(pb->tcno, "01234567890");
	assert_int_equal(pb->login, PTT_LOGIN_EIMZA);
	assert_int_equal(pb->has_pkcs11, 1);
	assert_string_equal(pb->pkcs11.module, "libsofthsm2.so"); /* bare: for dlopen */
	assert_string_equal(pb->pkcs11.key_label, "01");
	want = xasprintf("%s/hukuk.pin", dir);
	assert_string_equal(pb->pkcs11.pin_file, want);
	free(want);
	assert_null(b->ca_file);
	assert_null(b->folder_inbox);
	assert_int_equal(b->poll_interval, 300);
	assert_int_equal(b->initial_days, 30);
	assert_int_equal(b->overlap_seconds, 3600);
	assert_int_equal(b->ack_policy, ACK_ON_IMPORT);
	assert_int_equal(b->delete_after_ack, 0);
	assert_int_equal(b->connect_timeout, 15);
	assert_int_equal(b->timeout, 300);
	assert_int_equal(b->enabled, 1);
	assert_int_equal(b->download_ahead, CONFIG_DOWNLOAD_AHEAD_DEFAULT);
	assert_int_equal(CONFIG_DOWNLOAD_AHEAD_DEFAULT, 4);
	assert_null(config_find_account(cfg, "nobody"));

	config_free(&cfg);
	assert_null(cfg);
	config_free(&cfg);
	free(dir);
	free(path);
}

/* A minimal file gets the documented defaults. */
static void test_defaults(void **state)
{
	char dir[] = "/tmp/kep-config-XXXXXX";
	struct config *cfg = NULL;
	struct kerr err = { 0 };
	char *path;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/k.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("trust:\n  anchors: /etc/ssl/certs\n", f);
	fclose(f);
	assert_int_equal(config_load(path, &cfg, &err), 0);
	assert_string_equal(cfg->store_path, LOCALSTATEDIR "/lib/kepagent/kepagent.db");
	assert_string_equal(cfg->api_listen, "127.0.0.1");
	assert_int_equal(cfg->api_port, 8470);
	assert_string_equal(cfg->api_token_file, SYSCONFDIR "/kepagent/api-token");
	assert_null(cfg->api_tls_cert);
	assert_int_equal(cfg->revocation, REVOCATION_ONLINE);
	assert_int_equal(cfg->queue_lease_seconds, 300);
	assert_int_equal(cfg->queue_max_attempts, 10);
	assert_int_equal(cfg->retention_archive_after_years, 0);
	assert_int_equal(cfg->log_level, LOG_LVL_INFO);
	assert_int_equal(cfg->n_accounts, 0);
	config_free(&cfg);
	unlink(path);
	rmdir(dir);
	free(path);
}

static void test_errors(void **state)
{
	struct config *cfg = (struct config *)1;
	struct kerr err = { 0 };
	struct kbuf report = { 0 };
	char *path = data_path("bad-many.yaml"), *want;

	(void)state;
	assert_int_equal(config_load(path, &cfg, &err), -1);
	assert_null(cfg);
	assert_int_equal(err.cls, KERR_CONFIG);
	want = xasprintf("%s:4:15: bad value 'maybe' for 'revocation' (expected one of: online, "
			 "offline, require) (and 2 more errors)", path);
	assert_string_equal(err.msg, want);
	free(want);

	assert_int_equal(config_load_report(path, &cfg, &report, &err), -1);
	want = xasprintf("%s:4:15: bad value 'maybe' for 'revocation' (expected one of: online, "
			 "offline, require)\n"
			 "%s:6:18: bad value '-5' for 'lease_seconds' (expected seconds from 10 "
			 "to 86400, optionally with a suffix s, m or h)\n"
			 "%s:8:3: unknown key 'colour' in api (expected one of: listen, port, "
			 "token_file, tls_cert, tls_key, max_request_size, insecure_plain_http)\n", path, path, path);
	assert_string_equal(kbuf_cstr(&report), want);
	free(want);
	kbuf_free(&report);
	free(path);

	assert_int_equal(config_load("/nonexistent/k.yaml", &cfg, &err), -1);
	/* A configuration that cannot be read is a configuration error (exit 3). */
	assert_int_equal(err.cls, KERR_CONFIG);
}

static char *write_config(const char *dir, const char *secrets_line)
{
	char *path = xasprintf("%s/k.yaml", dir);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "trust: {anchors: [roots]}\n"
		   "accounts:\n"
		   "  - name: a\n"
		   "    provider: ptt\n"
		   "    endpoint: https://127.0.0.1/ws\n"
		   "    address: a@hs01.kep.tr\n"
		   "    tcno: 12345678901\n"
		   "    %s\n", secrets_line);
	fclose(f);
	return path;
}

static void test_secrets(void **state)
{
	char dir[] = "/tmp/kep-config-XXXXXX";
	struct config *cfg = NULL;
	struct kerr err = { 0 };
	const struct kep_account_conf *pa;
	char *path, *sp, *parola = NULL, *sifre = NULL;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = write_config(dir, "secrets_file: a.secrets");
	sp = xasprintf("%s/a.secrets", dir);
	f = fopen(sp, "w");
	assert_non_null(f);
	fputs("# comment\nparola: 'gizli parola'\nsifre: 123456\n", f);
	fclose(f);
	assert_int_equal(config_load(path, &cfg, &err), 0);
	pa = cfg->accounts[0].driver_conf;
	assert_string_equal(pa->secrets_file, sp);

	assert_int_equal(chmod(sp, 0600), 0);
	assert_int_equal(ptt_secrets_load(pa->secrets_file, &parola, &sifre, NULL, &err), 0);
	assert_string_equal(parola, "gizli parola");
	assert_string_equal(sifre, "123456");
	secret_free(&parola);
	secret_free(&sifre);
	assert_null(parola);

	/* Mode bits decide, not whether a read would fail (root reads anything). */
	assert_int_equal(chmod(sp, 0644), 0);
	assert_int_equal(ptt_secrets_load(pa->secrets_file, &parola, &sifre, NULL, &err), -1);
	assert_null(parola);
	assert_null(sifre);
	assert_int_equal(err.cls, KERR_CONFIG);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_null(strstr(err.msg, "gizli"));

	/* A bad secrets file: the message has the position, not the content. */
	assert_int_equal(chmod(sp, 0600), 0);
	f = fopen(sp, "w");
	assert_non_null(f);
	fputs("parola: gizli\nsifre: [123456]\n", f);
	fclose(f);
	assert_int_equal(ptt_secrets_load(pa->secrets_file, &parola, &sifre, NULL, &err), -1);
	assert_null(parola);
	assert_non_null(strstr(err.msg, "a.secrets:2:8: wrong type for 'sifre': a sequence"));
	assert_null(strstr(err.msg, "gizli"));
	assert_null(strstr(err.msg, "123456"));

	config_free(&cfg);
	unlink(sp);
	unlink(path);
	rmdir(dir);
	free(sp);
	free(path);
}

static struct config *load_text(const char *dir, const char *text, struct kbuf *report,
			       struct kerr *err)
{
	char *path = xasprintf("%s/p.yaml", dir);
	struct config *cfg = NULL;
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	config_load_report(path, &cfg, report, err);
	unlink(path);
	free(path);
	return cfg;
}

/* download_ahead: the pipeline's depth per account, 1..16. */
static void test_download_ahead(void **state)
{
	char dir[] = "/tmp/kep-config-XXXXXX";
	static const char *const bad[] = { "0", "17", "-1", "four" };
	struct kbuf report = { 0 };
	struct kerr err = { 0 };
	struct config *cfg;
	char *text;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 1; i <= 16; i += 15) {
		text = xasprintf("trust: {anchors: [roots]}\naccounts:\n  - name: a\n"
				 "    provider: ptt\n    endpoint: https://127.0.0.1/ws\n"
				 "    address: a\n    tcno: 12345678901\n    secrets_file: a.secrets\n"
				 "    download_ahead: %zu\n", i);
		cfg = load_text(dir, text, &report, &err);
		free(text);
		if (cfg == NULL)
			fail_msg("download_ahead %zu: %s", i, kbuf_cstr(&report));
		assert_int_equal(cfg->accounts[0].download_ahead, (long)i);
		config_free(&cfg);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		report.len = 0;
		text = xasprintf("trust: {anchors: [roots]}\naccounts:\n  - name: a\n"
				 "    provider: ptt\n    endpoint: https://127.0.0.1/ws\n"
				 "    address: a\n    tcno: 12345678901\n    secrets_file: a.secrets\n"
				 "    download_ahead: %s\n", bad[i]);
		cfg = load_text(dir, text, &report, &err);
		free(text);
		assert_null(cfg);
		if (strstr(kbuf_cstr(&report), "p.yaml:9:21: ") == NULL ||
		    strstr(kbuf_cstr(&report), "'download_ahead'") == NULL)
			fail_msg("download_ahead %s: %s", bad[i], kbuf_cstr(&report));
	}
	kbuf_free(&report);
	rmdir(dir);
}

/* The driver is chosen by provider:, parses its own keys, and owns the
 * officer rule; an unknown provider is one error, not one per driver key. */
static void test_provider(void **state)
{
	char dir[] = "/tmp/kep-config-XXXXXX";
	struct kbuf report = { 0 };
	struct kerr err = { 0 };
	struct config *cfg;
	const char *r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	cfg = load_text(dir, "trust: {anchors: [roots]}\n"
			     "accounts:\n"
			     "  - name: a\n"
			     "    provider: nosuch\n"
			     "    endpoint: https://127.0.0.1/ws\n"
			     "    address: a\n"
			     "    tcno: 12345678901\n"
			     "    secrets_file: a.secrets\n", &report, &err);
	assert_null(cfg);
	r = kbuf_cstr(&report);
	assert_non_null(strstr(r, "p.yaml:4:15: bad value 'nosuch' for 'provider' "
				  "(expected one of: ptt)\n"));
	assert_null(strchr(strchr(r, '\n') + 1, '\n'));
	report.len = 0;

	/* A key of no driver and no account: unknown, with every allowed key. */
	cfg = load_text(dir, "trust: {anchors: [roots]}\n"
			     "accounts:\n"
			     "  - name: a\n"
			     "    provider: ptt\n"
			     "    endpoint: https://127.0.0.1/ws\n"
			     "    address: a\n"
			     "    tcno: 12345678901\n"
			     "    secrets_file: a.secrets\n"
			     "    colour: red\n", &report, &err);
	assert_null(cfg);
	assert_non_null(strstr(kbuf_cstr(&report), "p.yaml:9:5: unknown key 'colour' in account "
				  "'a' (expected one of: name, provider, ca_file, address, folders, "
				  "poll_interval, initial_days, overlap_seconds, ack_policy, "
				  "delete_after_ack, proxy, connect_timeout, timeout, enabled, sending, "
				  "quota_warn_percent, download_ahead, endpoint, tcno, secrets_file, login, otp_file, "
				  "pkcs11)"));
	report.len = 0;

	/* An e-imza card with no PIN file needs a person at the terminal. */
	cfg = load_text(dir, "trust: {anchors: [roots]}\n"
			     "accounts:\n"
			     "  - name: kart\n"
			     "    provider: ptt\n"
			     "    endpoint: https://127.0.0.1/ws\n"
			     "    address: kart@hs02.kep.tr\n"
			     "    tcno: 12345678901\n"
			     "    secrets_file: a.secrets\n"
			     "    login: eimza\n"
			     "    pkcs11: {module: m.so, token: t, key: k}\n", &report, &err);
	assert_non_null(cfg);
	assert_string_equal(cfg->accounts[0].mailbox, "kart@hs02.kep.tr");
	assert_int_equal(kep_officer_check(cfg->accounts[0].driver, cfg->accounts[0].driver_conf,
					   "kart", 1, &err), 0);
	assert_int_equal(kep_officer_check(cfg->accounts[0].driver, cfg->accounts[0].driver_conf,
					   "kart", 0, &err), -1);
	assert_int_equal(err.cls, KERR_AUTH);
	assert_string_equal(err.msg, "account kart logs in with eimza and needs an officer: "
			    "run `kepagent refresh --account kart`");
	config_free(&cfg);
	kbuf_free(&report);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_provider),
		cmocka_unit_test(test_download_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
