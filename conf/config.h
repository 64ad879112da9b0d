/* config.h: the kepagent configuration (kepagent.yaml(5)).
 *
 * config_load() reads and validates the whole file strictly (unknown keys,
 * wrong types, bad values, missing required keys and duplicate keys are
 * errors) and returns a struct config whose fields other modules read
 * directly. Every default is already filled in; every path is absolute
 * (relative paths in the file resolve against the file's directory).
 * Strings and arrays belong to the config and live until config_free().
 * A loaded config is never modified, so any number of threads may read it.
 * An account's provider keys (credentials, login, endpoint) are its
 * driver's: conf/ checks the generic keys and hands the driver the rest
 * (provider.h, conf_parse); secrets are read by the driver when it opens a
 * session, never kept in the config.
 * (autoconf's config.h is force-included by path, so "config.h" is this
 * header; see AUTOMAKE_OPTIONS in Makefile.am.) */
#ifndef KEP_CONFIG_H
#define KEP_CONFIG_H

#include <stddef.h>

#include "err.h"
#include "provider.h"
#include "util.h"

/* The range of a queue lease, in the configuration and in each claim. */
#define CONFIG_LEASE_MIN_SECONDS 10
#define CONFIG_LEASE_MAX_SECONDS 86400

enum ack_policy { ACK_ON_IMPORT = 0, ACK_ON_STORE, ACK_NEVER };
enum revocation_mode {
	REVOCATION_ONLINE = 0, /* fetch CRL/OCSP; unknown status is reported, not fatal */
	REVOCATION_OFFLINE,    /* never fetch; use only CRLs found in the trust dirs */
	REVOCATION_REQUIRE,    /* fetch; an unknown status makes the verdict fail */
};

/* Sending (the outbox): who signs, and which provider operations carry it
 * (conf/config_sending.c). */
enum send_mode { SEND_OFF = 0, SEND_SEAL, SEND_OFFICER };
enum send_path { SEND_YUKLE = 0, SEND_MIMEYAP };
struct pkcs11_config {
	char *module;           /* PKCS#11 module path */
	char *token;            /* token label */
	char *key;              /* key label or hex id */
	char *pin_file;         /* NULL: ask on the terminal (officer only) */
};
struct sending_config {
	enum send_mode mode;    /* SEND_OFF without a sending: block */
	enum send_path path;    /* default SEND_YUKLE */
	struct pkcs11_config pkcs11; /* the seal's token or the officer's card */
	long max_attempts;      /* submissions the provider refused before an item is
	                         * parked; default 5 */
	long park_after_s;      /* reconcile_park_after_seconds: a submission whose
	                         * answer is unknown and that the sent folder does
	                         * not list is parked this long after it (never
	                         * submitted again by itself); default 600 */
};

/* One entry of trust.kephs: a provider's signing identities, as
 * certificate files (exact match) and/or a subject (+ issuer) rule. */
struct kephs_config {
	char *provider;         /* the driver's name ("ptt") */
	char **certificates;    /* absolute paths; may be empty when subject is set */
	size_t n_certificates;
	char *subject;          /* "O=PTT A.Ş., C=TR"; NULL when none */
	char *issuer;           /* NULL: any issuer under the anchors */
};

struct account_config {
	char *name;             /* unique, [A-Za-z0-9._-] */
	const struct kep_driver *driver;    /* chosen by provider: */
	struct kep_account_conf *driver_conf; /* its own keys (the driver's, opaque here) */
	char *ca_file;          /* NULL: the system CA store */
	char *address;          /* KEP address as written (EBYS often without @hs01.kep.tr) */
	char *mailbox;          /* full address, the driver's domain added if missing: what
	                         * the provider is sent (kepHesap), as the public clients do */
	char *folder_inbox;     /* NULL: "auto" (map the role from DizinSorgula) */
	char *folder_sent;      /* NULL: "auto" */
	long poll_interval;     /* seconds, default 300 */
	long initial_days;      /* default 30 */
	long overlap_seconds;   /* default 3600 */
	enum ack_policy ack_policy; /* default ACK_ON_IMPORT */
	int delete_after_ack;   /* default 0 */
	char *proxy;            /* NULL: no proxy configured */
	long connect_timeout;   /* seconds, default 15 */
	long timeout;           /* seconds, default 300 */
	int enabled;            /* default 1 */
	long quota_warn_percent; /* warn when the mailbox is this full, 1..100; default 90 */
	/* Packages downloaded ahead of the one being verified and stored
	 * (sync/sync_fetch.c), CONFIG_DOWNLOAD_AHEAD_MIN..MAX; 0 (an account
	 * not loaded from a file) means the default. */
	long download_ahead;
	struct sending_config sending;
};

#define CONFIG_DOWNLOAD_AHEAD_DEFAULT 4
#define CONFIG_DOWNLOAD_AHEAD_MIN 1
#define CONFIG_DOWNLOAD_AHEAD_MAX 16

struct config {
	char *path;            /* absolute path of the file loaded */
	char *dir;             /* its directory (absolute) */

	char *store_path;      /* default LOCALSTATEDIR/lib/kepagent/kepagent.db */

	char *api_listen;      /* default "127.0.0.1" */
	int api_port;          /* default 8470 */
	char *api_token_file;  /* default SYSCONFDIR/kepagent/api-token */
	char *api_tls_cert;    /* NULL, or both cert and key set */
	char *api_tls_key;
	size_t api_max_request_size; /* bytes, default 1 MiB */
	int api_insecure_plain_http; /* serve plain HTTP on a non-loopback address */

	char **trust_anchors;  /* files or directories, at least one */
	size_t n_trust_anchors;
	char **trust_kamusm_stores; /* Kamu SM certificate store XML files */
	size_t n_trust_kamusm_stores;
	char **trust_intermediates;
	size_t n_trust_intermediates;
	char **trust_tsa_anchors;
	size_t n_trust_tsa_anchors;
	struct kephs_config *trust_kephs; /* who may sign envelopes and delils */
	size_t n_trust_kephs;
	enum revocation_mode revocation; /* default REVOCATION_ONLINE */

	long queue_lease_seconds; /* default 300; CONFIG_LEASE_MIN..MAX_SECONDS */
	long queue_max_attempts;  /* default 10 */

	long retention_archive_after_years; /* 0: never archive (the default) */
	char *retention_archive_dir;        /* set when archive_after_years > 0 */

	int log_level;         /* an enum log_level (log.h), default LOG_LVL_INFO */

	struct account_config *accounts;
	size_t n_accounts;
};

/* Loads and validates path. On success returns 0 and *cfg_r (free with
 * config_free). On failure returns -1, sets *cfg_r to NULL and puts the first
 * problem, "FILE:LINE:COLUMN: message (expected ...)", in err (KERR_CONFIG,
 * also when the file cannot be read), noting how many more there are.
 * A valid file's log.level is applied (log_config_level(), log.h). */
int config_load(const char *path, struct config **cfg_r, struct kerr *err);

/* As config_load, and also appends every problem found, one line each, to
 * report (which the caller owns). */
int config_load_report(const char *path, struct config **cfg_r, struct kbuf *report,
		       struct kerr *err);

/* Frees *cfg and sets it to NULL; NULL is fine. */
void config_free(struct config **cfg);

/* The account called name, or NULL. Points into cfg. */
const struct account_config *config_find_account(const struct config *cfg, const char *name);

/* The account's login as its driver describes it (provider.h). */
void config_login_info(const struct account_config *acct, struct kep_login_info *out);

/* "off", "seal", "officer". */
const char *config_send_mode_name(enum send_mode m);

/* Names of enum values as written in the file. */
const char *config_ack_policy_name(enum ack_policy p);
const char *config_revocation_name(enum revocation_mode m);

#endif
