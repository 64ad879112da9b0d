/* config_check.c: see config_check.h. */
#include "config_check.h"

#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret_file.h"
#include "util.h"

/* The sample configuration's placeholder values (contrib/kepagent.yaml.sample). */
#define SAMPLE_ACCOUNT_ADDRESS "birim@hs01.kep.tr"

struct ck {
	const struct config *cfg;
	const struct kep_check_sink *sink;
};

static void say(struct ck *c, enum kep_check_level lv, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void say(struct ck *c, enum kep_check_level lv, const char *check, const char *fmt, ...)
{
	char msg[1400];
	int n;
	va_list ap;

	n = snprintf(msg, sizeof(msg), "%s: ", c->cfg->path);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	c->sink->finding(c->sink->arg, lv, check, msg);
}

/* want: 'f' a regular file, 'd' a directory, 'e' either. Returns 0 when
 * the path is there, of the right type and readable. */
static int need(struct ck *c, const char *check, const char *what, const char *path, char want)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		say(c, KEP_CHECK_FAIL, check, "%s %s: %s; fix: create it or correct the path", what,
		    path, strerror(errno));
		return -1;
	}
	if ((want == 'f' && !S_ISREG(st.st_mode)) || (want == 'd' && !S_ISDIR(st.st_mode)) ||
	    (want == 'e' && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode))) {
		say(c, KEP_CHECK_FAIL, check, "%s %s is not a %s", what, path,
		    want == 'f' ? "regular file" : want == 'd' ? "directory" : "file or directory");
		return -1;
	}
	if (access(path, S_ISDIR(st.st_mode) ? R_OK | X_OK : R_OK) < 0) {
		say(c, KEP_CHECK_FAIL, check, "%s %s cannot be read by uid %ld: %s; fix: make it "
		    "readable by the service user", what, path, (long)geteuid(), strerror(errno));
		return -1;
	}
	return 0;
}

static void need_all(struct ck *c, const char *what, char **paths, size_t n, char want)
{
	size_t i;

	for (i = 0; i < n; i++)
		need(c, "trust", what, paths[i], want);
}

/* A directory the agent writes into. The agent creates it when missing,
 * but never its parents: a mistyped path must not grow a tree. */
static void writable_dir(struct ck *c, const char *check, const char *what, const char *dir)
{
	struct stat st;
	char *copy, *parent;

	if (stat(dir, &st) < 0 && errno == ENOENT) {
		copy = xstrdup(dir);
		parent = dirname(copy);
		if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode))
			say(c, KEP_CHECK_FAIL, check, "%s %s: neither it nor %s exists; fix: create "
			    "it (mode 0700, owned by the service user) or correct the path", what,
			    dir, parent);
		else if (access(parent, W_OK | X_OK) < 0)
			say(c, KEP_CHECK_FAIL, check, "%s %s is missing and uid %ld cannot create it "
			    "in %s; fix: create it (mode 0700, owned by the service user)", what,
			    dir, (long)geteuid(), parent);
		free(copy);
		return;
	}
	if (need(c, check, what, dir, 'd') < 0)
		return;
	if (access(dir, W_OK | X_OK) < 0)
		say(c, KEP_CHECK_FAIL, check, "%s %s is not writable by uid %ld: %s; fix: chown it "
		    "to the service user (mode 0700)", what, dir, (long)geteuid(), strerror(errno));
}

static void store_paths(struct ck *c)
{
	char *copy = xstrdup(c->cfg->store_path);
	struct stat st;

	writable_dir(c, "store", "store directory", dirname(copy));
	if (stat(c->cfg->store_path, &st) == 0 &&
	    (!S_ISREG(st.st_mode) || access(c->cfg->store_path, R_OK | W_OK) < 0))
		say(c, KEP_CHECK_FAIL, "store", "store %s is not a file the service user can read "
		    "and write; fix: chown it to the service user (mode 0600)", c->cfg->store_path);
	free(copy);
	if (c->cfg->retention_archive_dir != NULL)
		writable_dir(c, "store", "retention archive_dir", c->cfg->retention_archive_dir);
}

/* A file `kepagent run` refuses unless it is private (secret_file.h). */
static void secret(struct ck *c, const char *check, const char *what, const char *path)
{
	struct kerr err = { 0 };

	if (need(c, check, what, path, 'f') < 0)
		return;
	if (secret_file_check(path, &err) < 0)
		say(c, KEP_CHECK_FAIL, check, "%s: %s", what, err.msg);
}

static void accounts(struct ck *c)
{
	size_t i;
	char what[160];

	for (i = 0; i < c->cfg->n_accounts; i++) {
		const struct account_config *a = &c->cfg->accounts[i];

		if (a->ca_file != NULL) {
			snprintf(what, sizeof(what), "account '%s': ca_file", a->name);
			need(c, "endpoint", what, a->ca_file, 'f');
		}
		if (a->enabled && a->mailbox != NULL &&
		    strcmp(a->mailbox, SAMPLE_ACCOUNT_ADDRESS) == 0)
			say(c, KEP_CHECK_WARN, "account", "account '%s' is enabled with the sample's "
			    "address %s; fix: put the unit's own KEP address, T.C. number and "
			    "secrets there, or set enabled: false", a->name, a->mailbox);
	}
	if (c->cfg->n_accounts == 0)
		say(c, KEP_CHECK_WARN, "account", "no accounts configured: nothing will be synced");
}

void config_check_kephs(const struct config *cfg, const struct kep_check_sink *sink)
{
	struct ck c = { cfg, sink };
	size_t i, j;

	for (i = 0; i < cfg->n_trust_kephs; i++)
		need_all(&c, "trust kephs certificate", cfg->trust_kephs[i].certificates,
			 cfg->trust_kephs[i].n_certificates, 'e');
	for (i = 0; i < cfg->n_accounts; i++) {
		const struct account_config *a = &cfg->accounts[i];
		const char *prov = a->driver != NULL ? a->driver->name : NULL;
		int named = 0;

		if (!a->enabled || prov == NULL)
			continue;
		for (j = 0; j < cfg->n_trust_kephs && !named; j++)
			named = cfg->trust_kephs[j].provider != NULL &&
				strcmp(cfg->trust_kephs[j].provider, prov) == 0;
		if (!named)
			say(&c, KEP_CHECK_WARN, "trust-kephs", "account '%s': trust.kephs names no "
			    "signing certificate of provider '%s', so every envelope and delil of "
			    "it is stored untrusted (\"not by a KEPHS signing certificate\") and no "
			    "stage is shown; fix: add under trust: \"kephs: [{provider: %s, "
			    "certificates: [/etc/kepagent/trust/kephs]}]\" (the provider's signing "
			    "certificates) or a subject rule such as subject: \"O=PTT A.Ş.\"",
			    a->name, prov, prov);
	}
}

void config_check_paths(const struct config *cfg, const struct kep_check_sink *sink)
{
	struct ck c = { cfg, sink };

	secret(&c, "api-token", "api token_file", cfg->api_token_file);
	if (cfg->api_tls_cert != NULL) {
		need(&c, "api-tls", "api tls_cert", cfg->api_tls_cert, 'f');
		secret(&c, "api-tls", "api tls_key", cfg->api_tls_key);
	}
	need_all(&c, "trust anchor", cfg->trust_anchors, cfg->n_trust_anchors, 'e');
	need_all(&c, "trust kamusm_store", cfg->trust_kamusm_stores, cfg->n_trust_kamusm_stores, 'f');
	need_all(&c, "trust intermediate", cfg->trust_intermediates, cfg->n_trust_intermediates, 'e');
	need_all(&c, "trust tsa_anchor", cfg->trust_tsa_anchors, cfg->n_trust_tsa_anchors, 'e');
	store_paths(&c);
	accounts(&c);
	config_check_kephs(cfg, sink);
}
