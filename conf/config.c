/* config.c: the schema of kepagent.yaml(5): which keys exist, their types,
 * defaults and cross-checks. Generic YAML reading is in config_yaml.c,
 * secrets in secrets.c. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_sending.h"
#include "config_yaml.h"
#include "log.h"

#define CONFIG_MAX_SIZE (1024 * 1024)
#define DEFAULT_STORE LOCALSTATEDIR "/lib/kepagent/kepagent.db"
#define DEFAULT_TOKEN SYSCONFDIR "/kepagent/api-token"
#define MAX_DRIVERS 16
#define MAX_ACCOUNT_KEYS 64
static const char *const ack_names[] = { "on-import", "on-store", "never", NULL };
static const char *const revocation_names[] = { "online", "offline", "require", NULL };
static const char *const level_names[] = { "error", "warn", "info", "debug", NULL };

const char *config_ack_policy_name(enum ack_policy p)
{
	return ack_names[p];
}

const char *config_revocation_name(enum revocation_mode m)
{
	return revocation_names[m];
}

struct loader {
	struct cy_doc d;
	struct config *cfg;
};

/* A path from the file: relative ones resolve against the file's directory,
 * because the daemon does not run where the administrator edited it. */
static int path_value(struct loader *l, yaml_node_t *n, const char *key, char **out)
{
	return cy_path(&l->d, n, key, l->cfg->dir, out);
}

static void path_list(struct loader *l, yaml_node_t *n, const char *key, char ***list,
		      size_t *count)
{
	size_t i, first = *count;

	cy_string_list(&l->d, n, key, list, count);
	for (i = first; i < *count; i++) {
		if ((*list)[i][0] != '/') {
			char *abs = xasprintf("%s/%s", l->cfg->dir, (*list)[i]);

			free((*list)[i]);
			(*list)[i] = abs;
		}
	}
}

static void enum_value(struct loader *l, yaml_node_t *n, const char *key,
		       const char *const *names, int *out)
{
	int v;

	if (n != NULL && cy_enum(&l->d, n, key, names, &v) == 0)
		*out = v;
}

static void parse_store(struct loader *l, yaml_node_t *n)
{
	static const struct cy_key keys[] = { { "path", 0, NULL } };
	yaml_node_t *v[ARRAY_SIZE(keys)];

	if (cy_mapping(&l->d, n, "store", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	if (v[0] != NULL)
		path_value(l, v[0], "path", &l->cfg->store_path);
}

static void parse_api(struct loader *l, yaml_node_t *n)
{
	static const struct cy_key keys[] = {
		{ "listen", 0, NULL }, { "port", 0, NULL }, { "token_file", 0, NULL },
		{ "tls_cert", 0, NULL }, { "tls_key", 0, NULL }, { "max_request_size", 0, NULL },
		{ "insecure_plain_http", 0, NULL },
	};
	yaml_node_t *v[ARRAY_SIZE(keys)];
	struct config *c = l->cfg;
	unsigned char addr[16];
	long port;

	if (cy_mapping(&l->d, n, "api", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	if (v[0] != NULL && cy_string(&l->d, v[0], "listen", &c->api_listen) == 0 &&
	    inet_pton(AF_INET, c->api_listen, addr) != 1 &&
	    inet_pton(AF_INET6, c->api_listen, addr) != 1)
		cy_error(&l->d, v[0], "an IPv4 or IPv6 address such as 127.0.0.1 or ::1",
			 "bad value '%s' for 'listen'", c->api_listen);
	if (v[1] != NULL && cy_int(&l->d, v[1], "port", 1, 65535, &port) == 0)
		c->api_port = (int)port;
	if (v[2] != NULL)
		path_value(l, v[2], "token_file", &c->api_token_file);
	if (v[3] != NULL)
		path_value(l, v[3], "tls_cert", &c->api_tls_cert);
	if (v[4] != NULL)
		path_value(l, v[4], "tls_key", &c->api_tls_key);
	if ((v[3] == NULL) != (v[4] == NULL))
		cy_error(&l->d, v[3] ? v[3] : v[4], "both tls_cert and tls_key, or neither",
			 "'%s' is set without '%s'", v[3] ? "tls_cert" : "tls_key",
			 v[3] ? "tls_key" : "tls_cert");
	if (v[5] != NULL)
		cy_size(&l->d, v[5], "max_request_size", 1024, 256UL * 1024 * 1024,
			&c->api_max_request_size);
	if (v[6] != NULL)
		cy_bool(&l->d, v[6], "insecure_plain_http", &c->api_insecure_plain_http);
}

static const char *const *driver_names(const char **joined);

/* trust.kephs: a list of {provider, certificates, subject, issuer}. */
static void parse_kephs(struct loader *l, yaml_node_t *n)
{
	static const struct cy_key keys[] = {
		{ "provider", 1, "ptt" }, { "certificates", 0, NULL }, { "subject", 0, NULL },
		{ "issuer", 0, NULL },
	};
	struct config *c = l->cfg;
	size_t i, count;

	if (cy_sequence(&l->d, n, "kephs",
			"a list of '- provider: ptt' entries with certificates or subject", &count) < 0)
		return;
	c->trust_kephs = xcalloc(count ? count : 1, sizeof(*c->trust_kephs));
	for (i = 0; i < count; i++) {
		yaml_node_t *e = cy_item(&l->d, n, i);
		struct kephs_config *k = &c->trust_kephs[c->n_trust_kephs++];
		yaml_node_t *v[ARRAY_SIZE(keys)];
		const char *const *names;
		const char *joined;
		int p;

		if (cy_mapping(&l->d, e, "trust.kephs entry", keys, ARRAY_SIZE(keys), v) < 0)
			continue;
		names = driver_names(&joined);
		if (v[0] != NULL && cy_enum(&l->d, v[0], "provider", names, &p) == 0)
			k->provider = xstrdup(names[p]);
		if (v[1] != NULL)
			path_list(l, v[1], "certificates", &k->certificates, &k->n_certificates);
		if (v[2] != NULL)
			cy_string(&l->d, v[2], "subject", &k->subject);
		if (v[3] != NULL)
			cy_string(&l->d, v[3], "issuer", &k->issuer);
		if (k->n_certificates == 0 && k->subject == NULL)
			cy_error(&l->d, e, "certificates: [...] or subject: \"O=...\"",
				 "a trust.kephs entry names no signer");
		if (k->issuer != NULL && k->subject == NULL)
			cy_error(&l->d, v[3], "a subject rule beside the issuer",
				 "'issuer' without 'subject'");
	}
}

static void parse_trust(struct loader *l, yaml_node_t *n)
{
	static const struct cy_key keys[] = {
		{ "anchors", 1, "a list of CA certificate files or directories" },
		{ "kamusm_store", 0, NULL }, { "intermediates", 0, NULL },
		{ "tsa_anchors", 0, NULL }, { "revocation", 0, NULL }, { "kephs", 0, NULL },
	};
	yaml_node_t *v[ARRAY_SIZE(keys)];
	struct config *c = l->cfg;
	int mode = REVOCATION_ONLINE;

	if (cy_mapping(&l->d, n, "trust", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	if (v[0] != NULL) {
		path_list(l, v[0], "anchors", &c->trust_anchors, &c->n_trust_anchors);
		if (c->n_trust_anchors == 0 && v[0]->type == YAML_SEQUENCE_NODE)
			cy_error(&l->d, v[0], "at least one file or directory",
				 "'anchors' is empty");
	}
	if (v[1] != NULL)
		path_list(l, v[1], "kamusm_store", &c->trust_kamusm_stores,
			  &c->n_trust_kamusm_stores);
	if (v[2] != NULL)
		path_list(l, v[2], "intermediates", &c->trust_intermediates,
			  &c->n_trust_intermediates);
	if (v[3] != NULL)
		path_list(l, v[3], "tsa_anchors", &c->trust_tsa_anchors, &c->n_trust_tsa_anchors);
	enum_value(l, v[4], "revocation", revocation_names, &mode);
	c->revocation = (enum revocation_mode)mode;
	if (v[5] != NULL)
		parse_kephs(l, v[5]);
}

static void parse_queue(struct loader *l, yaml_node_t *n)
{
	static const struct cy_key keys[] = { { "lease_seconds", 0, NULL },
					      { "max_attempts", 0, NULL } };
	yaml_node_t *v[ARRAY_SIZE(keys)];

	if (cy_mapping(&l->d, n, "queue", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	if (v[0] != NULL)
		cy_duration(&l->d, v[0], "lease_seconds", CONFIG_LEASE_MIN_SECONDS,
			    CONFIG_LEASE_MAX_SECONDS, &l->cfg->queue_lease_seconds);
	if (v[1] != NULL)
		cy_int(&l->d, v[1], "max_attempts", 1, 1000, &l->cfg->queue_max_attempts);
}

static void parse_retention(struct loader *l, yaml_node_t *n)
{
	static const struct cy_key keys[] = {
		{ "archive_after_years", 1, "a number of years from 1 to 100" },
		{ "archive_dir", 1, "a directory for archived messages" },
	};
	yaml_node_t *v[ARRAY_SIZE(keys)];

	if (cy_mapping(&l->d, n, "retention", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	if (v[0] != NULL)
		cy_int(&l->d, v[0], "archive_after_years", 1, 100,
		       &l->cfg->retention_archive_after_years);
	if (v[1] != NULL)
		path_value(l, v[1], "archive_dir", &l->cfg->retention_archive_dir);
}

static void parse_log(struct loader *l, yaml_node_t *n)
{
	static const struct cy_key keys[] = { { "level", 0, NULL } };
	yaml_node_t *v[ARRAY_SIZE(keys)];

	if (cy_mapping(&l->d, n, "log", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	enum_value(l, v[0], "level", level_names, &l->cfg->log_level);
}

static int valid_name(const char *s)
{
	size_t len = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

	return len > 0 && len <= 64 && s[len] == '\0';
}

/* local[@hsNN.kep.tr]: every KEP address lives under a provider's hsNN.kep.tr. */
static int valid_address(const char *s)
{
	const char *at = strchr(s, '@');
	size_t local = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-");

	if (local == 0 || local > 64)
		return 0;
	if (at == NULL)
		return s[local] == '\0';
	if (at != s + local)
		return 0;
	at++;
	return strlen(at) == 11 && strncasecmp(at, "hs", 2) == 0 && at[2] >= '0' && at[2] <= '9' &&
	       at[3] >= '0' && at[3] <= '9' && strcasecmp(at + 4, ".kep.tr") == 0;
}

/* scheme://host...: a URL with one of the given schemes and a host. */
static int valid_url(const char *s, const char *const *schemes)
{
	size_t i, len;

	if (strpbrk(s, " \t\r\n") != NULL)
		return 0;
	for (i = 0; schemes[i] != NULL; i++) {
		len = strlen(schemes[i]);
		if (strncasecmp(s, schemes[i], len) == 0 && strncmp(s + len, "://", 3) == 0)
			return s[len + 3] != '\0' && s[len + 3] != '/' && s[len + 3] != ':';
	}
	return 0;
}

static void folder_value(struct loader *l, yaml_node_t *n, const char *key, char **out)
{
	if (n == NULL || cy_string(&l->d, n, key, out) < 0)
		return;
	if (strcmp(*out, "auto") == 0) {
		free(*out);
		*out = NULL;
	}
}

static void parse_folders(struct loader *l, yaml_node_t *n, struct account_config *a)
{
	static const struct cy_key keys[] = { { "inbox", 0, NULL }, { "sent", 0, NULL } };
	yaml_node_t *v[ARRAY_SIZE(keys)];

	if (cy_mapping(&l->d, n, "folders", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	folder_value(l, v[0], "inbox", &a->folder_inbox);
	folder_value(l, v[1], "sent", &a->folder_sent);
}

enum {
	A_NAME, A_PROVIDER, A_CA_FILE, A_ADDRESS, A_FOLDERS, A_POLL, A_INITIAL_DAYS, A_OVERLAP,
	A_ACK, A_DELETE, A_PROXY, A_CONNECT_TIMEOUT, A_TIMEOUT, A_ENABLED, A_SENDING, A_QUOTA_WARN,
	A_DOWNLOAD_AHEAD, A_COUNT
};

/* The keys every account has, whatever its provider; the driver adds its
 * own (provider.h, conf_keys). */
static const struct cy_key account_keys[A_COUNT] = {
	[A_NAME] = { "name", 1, "a unique name of letters, digits, '.', '_' or '-'" },
	[A_PROVIDER] = { "provider", 1, NULL /* the driver names, see driver_names() */ },
	[A_CA_FILE] = { "ca_file", 0, NULL },
	[A_ADDRESS] = { "address", 1, "the KEP address, e.g. birim@hs01.kep.tr" },
	[A_FOLDERS] = { "folders", 0, NULL },
	[A_POLL] = { "poll_interval", 0, NULL },
	[A_INITIAL_DAYS] = { "initial_days", 0, NULL },
	[A_OVERLAP] = { "overlap_seconds", 0, NULL },
	[A_ACK] = { "ack_policy", 0, NULL },
	[A_DELETE] = { "delete_after_ack", 0, NULL },
	[A_PROXY] = { "proxy", 0, NULL },
	[A_CONNECT_TIMEOUT] = { "connect_timeout", 0, NULL },
	[A_TIMEOUT] = { "timeout", 0, NULL },
	[A_ENABLED] = { "enabled", 0, NULL },
	[A_SENDING] = { "sending", 0, NULL },
	[A_QUOTA_WARN] = { "quota_warn_percent", 0, NULL },
	[A_DOWNLOAD_AHEAD] = { "download_ahead", 0, NULL },
};

static void account_defaults(struct account_config *a)
{
	a->poll_interval = 300;
	a->initial_days = 30;
	a->overlap_seconds = 3600;
	a->ack_policy = ACK_ON_IMPORT;
	a->delete_after_ack = 0;
	a->connect_timeout = 15;
	a->timeout = 300;
	a->enabled = 1;
	a->quota_warn_percent = 90;
	a->download_ahead = CONFIG_DOWNLOAD_AHEAD_DEFAULT;
	config_sending_defaults(&a->sending);
}

/* The drivers' names, NULL-terminated, and joined for messages. */
static const char *const *driver_names(const char **joined)
{
	static const char *names[MAX_DRIVERS + 1];
	static char list[256];
	const struct kep_driver *const *drv;
	size_t i, n;

	drv = kep_drivers(&n);
	list[0] = '\0';
	for (i = 0; i < n && i < MAX_DRIVERS; i++) {
		names[i] = drv[i]->name;
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", drv[i]->name);
	}
	names[i] = NULL;
	*joined = list;
	return names;
}

/* The value of key in mapping n when it is a plain scalar, read before the
 * mapping is checked; NULL otherwise. */
static const char *peek(struct loader *l, yaml_node_t *n, const char *key)
{
	yaml_node_pair_t *p;

	if (n->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		const char *k = cy_scalar(yaml_document_get_node(&l->d.doc, p->key));

		if (k != NULL && strcmp(k, key) == 0)
			return cy_scalar(yaml_document_get_node(&l->d.doc, p->value));
	}
	return NULL;
}

/* The keys an account of driver drv may have: the generic ones, then the
 * driver's. With no known driver, every driver's keys are allowed (as
 * optional), so a wrong provider: is reported once, not as unknown keys. */
static size_t account_key_table(const struct kep_driver *drv, struct cy_key *keys)
{
	const struct kep_driver *const *all;
	size_t n = A_COUNT, ndrv, i, j, k;

	memcpy(keys, account_keys, sizeof(account_keys));
	keys[A_PROVIDER].expected = NULL;
	driver_names(&keys[A_PROVIDER].expected);
	if (drv != NULL) {
		for (i = 0; i < drv->n_conf_keys && n < MAX_ACCOUNT_KEYS; i++)
			keys[n++] = drv->conf_keys[i];
		return n;
	}
	all = kep_drivers(&ndrv);
	for (j = 0; j < ndrv; j++) {
		for (i = 0; i < all[j]->n_conf_keys && n < MAX_ACCOUNT_KEYS; i++) {
			for (k = 0; k < n && strcmp(keys[k].name, all[j]->conf_keys[i].name); k++)
				;
			if (k == n) {
				keys[n] = all[j]->conf_keys[i];
				keys[n++].required = 0;
			}
		}
	}
	return n;
}

/* The name to use in messages, read before the mapping is checked. */
static char *account_label(struct loader *l, yaml_node_t *n, size_t index)
{
	const char *v = peek(l, n, "name");

	if (v != NULL && valid_name(v))
		return xasprintf("account '%s'", v);
	return xasprintf("accounts[%zu]", index);
}

static void parse_account(struct loader *l, yaml_node_t *n, size_t index,
			  struct account_config *a)
{
	static const char *const proxies[] = { "http", "https", "socks4", "socks4a", "socks5",
					       "socks5h", NULL };
	struct cy_key keys[MAX_ACCOUNT_KEYS];
	yaml_node_t *v[MAX_ACCOUNT_KEYS];
	char *what = account_label(l, n, index);
	const struct account_config *dup;
	const char *joined;
	size_t nkeys;
	int e;

	account_defaults(a);
	a->driver = kep_driver_find(peek(l, n, "provider"));
	nkeys = account_key_table(a->driver, keys);
	if (cy_mapping(&l->d, n, what, keys, nkeys, v) < 0) {
		free(what);
		return;
	}
	if (v[A_NAME] && cy_string(&l->d, v[A_NAME], "name", &a->name) == 0) {
		if (!valid_name(a->name))
			cy_error(&l->d, v[A_NAME], account_keys[A_NAME].expected,
				 "bad value '%s' for 'name'", a->name);
		else if ((dup = config_find_account(l->cfg, a->name)) != NULL)
			cy_error(&l->d, v[A_NAME], "each account name once",
				 "duplicate account name '%s' (also accounts[%zu])", a->name,
				 (size_t)(dup - l->cfg->accounts));
	}
	/* Reported here (a bad value, a wrong type); chosen above. */
	if (v[A_PROVIDER] && cy_enum(&l->d, v[A_PROVIDER], "provider", driver_names(&joined),
				     &e) < 0)
		a->driver = NULL;
	if (a->driver != NULL)
		a->driver_conf = a->driver->conf_parse(&l->d, n, what, v + A_COUNT, l->cfg->dir);
	if (v[A_CA_FILE])
		path_value(l, v[A_CA_FILE], "ca_file", &a->ca_file);
	if (v[A_ADDRESS] && cy_string(&l->d, v[A_ADDRESS], "address", &a->address) == 0) {
		if (!valid_address(a->address))
			cy_error(&l->d, v[A_ADDRESS], "an address like birim or birim@hs01.kep.tr",
				 "bad value '%s' for 'address'", a->address);
		else if (strchr(a->address, '@') != NULL)
			a->mailbox = xstrdup(a->address);
		else if (a->driver != NULL)
			a->mailbox = xasprintf("%s@%s", a->address, a->driver->domain);
	}
	if (v[A_FOLDERS])
		parse_folders(l, v[A_FOLDERS], a);
	if (v[A_POLL])
		cy_duration(&l->d, v[A_POLL], "poll_interval", 1, 86400, &a->poll_interval);
	if (v[A_INITIAL_DAYS])
		cy_int(&l->d, v[A_INITIAL_DAYS], "initial_days", 1, 3650, &a->initial_days);
	if (v[A_OVERLAP])
		cy_duration(&l->d, v[A_OVERLAP], "overlap_seconds", 0, 86400, &a->overlap_seconds);
	if (v[A_QUOTA_WARN])
		cy_int(&l->d, v[A_QUOTA_WARN], "quota_warn_percent", 1, 100, &a->quota_warn_percent);
	if (v[A_DOWNLOAD_AHEAD])
		cy_int(&l->d, v[A_DOWNLOAD_AHEAD], "download_ahead", CONFIG_DOWNLOAD_AHEAD_MIN,
		       CONFIG_DOWNLOAD_AHEAD_MAX, &a->download_ahead);
	e = ACK_ON_IMPORT;
	enum_value(l, v[A_ACK], "ack_policy", ack_names, &e);
	a->ack_policy = (enum ack_policy)e;
	if (v[A_DELETE])
		cy_bool(&l->d, v[A_DELETE], "delete_after_ack", &a->delete_after_ack);
	if (v[A_PROXY] && cy_string(&l->d, v[A_PROXY], "proxy", &a->proxy) == 0 &&
	    !valid_url(a->proxy, proxies))
		cy_error(&l->d, v[A_PROXY], "a URL like http://proxy:3128 or socks5h://host:1080",
			 "bad value '%s' for 'proxy'", a->proxy);
	if (v[A_CONNECT_TIMEOUT])
		cy_duration(&l->d, v[A_CONNECT_TIMEOUT], "connect_timeout", 1, 600,
			    &a->connect_timeout);
	if (v[A_TIMEOUT])
		cy_duration(&l->d, v[A_TIMEOUT], "timeout", 1, 86400, &a->timeout);
	if (v[A_ENABLED])
		cy_bool(&l->d, v[A_ENABLED], "enabled", &a->enabled);
	if (v[A_SENDING])
		config_parse_sending(&l->d, v[A_SENDING], l->cfg->dir, &a->sending);
	free(what);
}

static void parse_accounts(struct loader *l, yaml_node_t *n)
{
	struct config *c = l->cfg;
	size_t i, count;

	if (cy_sequence(&l->d, n, "accounts", "a list of accounts, each starting with '- name: ...'",
			&count) < 0)
		return;
	c->accounts = xcalloc(count ? count : 1, sizeof(*c->accounts));
	for (i = 0; i < count; i++) {
		yaml_node_t *a = cy_item(&l->d, n, i);

		/* Counted only once parsed, so the duplicate check sees earlier ones. */
		parse_account(l, a, i, &c->accounts[i]);
		c->n_accounts++;
	}
}

static void parse_root(struct loader *l, yaml_node_t *root)
{
	static const struct cy_key keys[] = {
		{ "store", 0, NULL }, { "api", 0, NULL },
		{ "trust", 1, "trust: { anchors: [...] }" }, { "queue", 0, NULL },
		{ "retention", 0, NULL }, { "log", 0, NULL }, { "accounts", 0, NULL },
	};
	static void (*const parse[])(struct loader *, yaml_node_t *) = {
		parse_store, parse_api, parse_trust, parse_queue, parse_retention, parse_log,
		parse_accounts,
	};
	yaml_node_t *v[ARRAY_SIZE(keys)];
	size_t i;

	if (cy_mapping(&l->d, root, "the configuration", keys, ARRAY_SIZE(keys), v) < 0)
		return;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (v[i] != NULL)
			parse[i](l, v[i]);
	}
}

static void set_default(char **field, const char *value)
{
	if (*field == NULL)
		*field = xstrdup(value);
}

/* path made absolute, and its directory, so relative paths inside keep
 * meaning the same file after the daemon changes directory. */
static int locate(struct config *c, const char *path, struct kerr *err)
{
	char *real = realpath(path, NULL), *slash;

	if (real == NULL)
		return kerr_errno(err, KERR_CONFIG, errno, "cannot open %s", path);
	c->path = real;
	c->dir = xstrdup(real);
	slash = strrchr(c->dir, '/');
	if (slash == c->dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	return 0;
}

int config_load_report(const char *path, struct config **cfg_r, struct kbuf *report,
		       struct kerr *err)
{
	struct kbuf data = { 0 };
	struct loader l;
	yaml_node_t *root;
	size_t start = report->len;
	unsigned n;

	*cfg_r = NULL;
	l.cfg = xcalloc(1, sizeof(*l.cfg));
	l.cfg->api_port = 8470;
	l.cfg->api_max_request_size = 1024 * 1024;
	l.cfg->queue_lease_seconds = 300;
	l.cfg->queue_max_attempts = 10;
	l.cfg->log_level = LOG_LVL_INFO;
	if (locate(l.cfg, path, err) < 0 || read_file(path, CONFIG_MAX_SIZE, &data, err) < 0) {
		/* A file that cannot be read is a configuration error (exit 3). */
		err->cls = KERR_CONFIG;
		kbuf_printf(report, "%s\n", err->msg);
		config_free(&l.cfg);
		kbuf_free(&data);
		return -1;
	}
	root = cy_open(&l.d, path, data.data, data.len, 0, report);
	if (root != NULL)
		parse_root(&l, root);
	n = cy_errors(&l.d);
	cy_close(&l.d);
	kbuf_free(&data);
	if (n > 0) {
		const char *first = (const char *)report->data + start;
		int len = (int)strcspn(first, "\n");

		config_free(&l.cfg);
		if (n > 1)
			return kerr_set(err, KERR_CONFIG, "%.*s (and %u more errors)", len, first,
					n - 1);
		return kerr_set(err, KERR_CONFIG, "%.*s", len, first);
	}
	set_default(&l.cfg->store_path, DEFAULT_STORE);
	set_default(&l.cfg->api_listen, "127.0.0.1");
	set_default(&l.cfg->api_token_file, DEFAULT_TOKEN);
	/* log.level holds for every command that reads the configuration. */
	log_config_level(l.cfg->log_level);
	*cfg_r = l.cfg;
	return 0;
}

int config_load(const char *path, struct config **cfg_r, struct kerr *err)
{
	struct kbuf report = { 0 };
	int ret = config_load_report(path, cfg_r, &report, err);

	kbuf_free(&report);
	return ret;
}

const struct account_config *config_find_account(const struct config *cfg, const char *name)
{
	size_t i;

	for (i = 0; i < cfg->n_accounts; i++) {
		if (cfg->accounts[i].name != NULL && strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	}
	return NULL;
}

static void free_list(char ***list, size_t *n)
{
	size_t i;

	for (i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

void config_login_info(const struct account_config *acct, struct kep_login_info *out)
{
	acct->driver->conf_login(acct->driver_conf, out);
}

static void account_free(struct account_config *a)
{
	free(a->name);
	if (a->driver != NULL)
		a->driver->conf_free(&a->driver_conf);
	free(a->ca_file);
	free(a->address);
	free(a->mailbox);
	free(a->folder_inbox);
	free(a->folder_sent);
	free(a->proxy);
	config_sending_free(&a->sending);
}

void config_free(struct config **cfg)
{
	struct config *c = *cfg;
	size_t i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->dir);
	free(c->store_path);
	free(c->api_listen);
	free(c->api_token_file);
	free(c->api_tls_cert);
	free(c->api_tls_key);
	free_list(&c->trust_anchors, &c->n_trust_anchors);
	free_list(&c->trust_kamusm_stores, &c->n_trust_kamusm_stores);
	free_list(&c->trust_intermediates, &c->n_trust_intermediates);
	free_list(&c->trust_tsa_anchors, &c->n_trust_tsa_anchors);
	for (i = 0; i < c->n_trust_kephs; i++) {
		free_list(&c->trust_kephs[i].certificates, &c->trust_kephs[i].n_certificates);
		free(c->trust_kephs[i].provider);
		free(c->trust_kephs[i].subject);
		free(c->trust_kephs[i].issuer);
	}
	free(c->trust_kephs);
	free(c->retention_archive_dir);
	for (i = 0; i < c->n_accounts; i++)
		account_free(&c->accounts[i]);
	free(c->accounts);
	free(c);
	*cfg = NULL;
}
