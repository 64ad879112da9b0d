/* provider.h: the KEP provider interface (a function table, as isync's
 * struct driver).
 *
 * A driver opens a session from plain options (no dependency on the
 * configuration module), logs in, lists folders, packages and evidence,
 * and downloads bytes straight into file descriptors the caller owns.
 * Errors are graded through struct kerr classes so the sync engine knows
 * what to do, and each message keeps the provider's own error text:
 *   KERR_AUTH       credentials, OTP or PIN refused: ask the officer
 *   KERR_TRANSIENT  network, timeout, HTTP 5xx, truncated: retry later
 *                   (kep_err_retryable() says so; the driver never retries)
 *   KERR_PERMANENT  the provider refused the request: retrying will not help
 *   KERR_PACKAGE    this one package or evidence item failed; go on with others
 * Lists returned to the caller are owned by it and freed with the matching
 * kep_*_list_free(). A session is used by one thread at a time; secrets in
 * it are wiped on close. */
#ifndef KEP_PROVIDER_H
#define KEP_PROVIDER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config_yaml.h"
#include "err.h"

/* What a download fetches: the whole signed package (what the sync stores),
 * the original message alone, or the original and each attachment. */
enum kep_part { KEP_PART_PACKAGE = 0, KEP_PART_ORIGINAL, KEP_PART_ATTACHMENTS };

/* A driver's own account keys (its conf_parse() result). Each driver defines
 * it; everyone else holds a pointer. */
struct kep_account_conf;

/* Everything a driver needs to open a session; strings are copied by open()
 * and may be freed by the caller right after. NULL means "not set". */
struct kep_provider_opts {
	const struct kep_account_conf *conf; /* the account's driver keys */
	const char *mailbox;           /* the account's KEP address as configured */
	const char *ca_file;           /* PEM trust for the endpoint; NULL: system store */
	const char *proxy;             /* curl proxy URL */
	long connect_timeout_s;        /* 0: 30 */
	long transfer_timeout_s;       /* 0: 300 */
	const char *tmp_dir;           /* responses are spooled here: the store's directory
	                                * (sync, doctor); NULL, $TMPDIR or /tmp, only
	                                * where there is no store (tests, ptt-probe) */
	volatile sig_atomic_t *stop;   /* a raised flag abandons a call in flight
	                                * (KERR_INTERRUPTED); NULL: none. Read only,
	                                * must outlive the session */
};

/* What the engine and the commands may know of an account's login. */
struct kep_login_info {
	const char *mode;              /* the login's name as configured ("base", ...) */
	int personal;                  /* a person or a card answers (code, PIN): the
	                                * login is never retried */
	int needs_officer;             /* it asks on a terminal (no file gives the
	                                * answer): an unattended run refuses it */
	const char *endpoint;          /* for check-config and doctor; NULL: none */
};

/* Findings of a driver's account check (check-config, doctor). */
enum kep_check_level { KEP_CHECK_OK = 0, KEP_CHECK_WARN, KEP_CHECK_FAIL };
struct kep_check_sink {
	/* check: a short topic ("secrets", "pkcs11"); msg: one line with the
	 * fix, never a secret. */
	void (*finding)(void *arg, enum kep_check_level lv, const char *check, const char *msg);
	void *arg;
};

struct kep_folder_list {
	size_t n;
	char **names;
};

/* One package of a listing. Strings are owned by the list; NULL when the
 * provider sent none. */
struct kep_package_info {
	char *kep_id;                  /* the package's KEP id */
	int64_t seq;                   /* the provider's sequence number in its folder;
	                                * -1 when missing or not a number */
	char *seq_text;                /* the provider's text of it when it is not a
	                                * plain non-negative number (seq -1), kept so
	                                * the store never loses it; else NULL */
	char *message_id;              /* the original message's id */
	char *from;
	char *from_kep;
	char *subject;
	char *kind;                    /* the provider's package type, as sent */
	char *kind_id;
	int status;                    /* 0 ok, else the provider's per-row error */
	char *error;                   /* the provider's text for it */
};
struct kep_package_list {
	size_t n;
	struct kep_package_info *items;
	int64_t provider_time_ms;      /* the provider's clock when it answered (its
	                                * HTTP Date), ms since the epoch; 0: unknown */
};

/* One evidence item (delil) of a package. */
struct kep_evidence_info {
	char *id;                      /* the delil's id */
	int code;                      /* its type code; -1 when missing; unknown codes are kept */
	char *text;                    /* the provider's description */
	int64_t time_ms;               /* the event time, ms since the epoch; 0: unknown */
	char *time_text;               /* the event time as the provider wrote it (naive
	                                * Turkish time, Z or an offset), or NULL */
	char *issuer;                  /* the KEP provider that issued it */
	int status;
	char *error;
};
struct kep_evidence_list {
	size_t n;
	struct kep_evidence_info *items;
};

/* A mailbox's storage quota and credit (PTT: KotaSorgula, KontorSorgula).
 * A figure the provider did not answer is -1. */
struct kep_quota {
	int64_t used_kb;
	int64_t total_kb;
	int64_t credit;                /* kontör (message credit) */
};
/* The share of the quota in use, 0..100 (may exceed 100); -1 when used or
 * total is unknown. The one rule for the quota warning: kep_quota_over()
 * is 1 when that share is at least warn_percent. */
int kep_quota_percent(const struct kep_quota *q);
int kep_quota_over(const struct kep_quota *q, long warn_percent);
/* One line for people (doctor, the refresh summary): "12.5 MB of 100.0 MB
 * used (12%), credit 40" with what is known; when over, the warning and the
 * fix are added. */
void kep_quota_describe(const struct kep_quota *q, long warn_percent, char *out, size_t n);

/* Which package: by kep_id, or (kep_id NULL) by seq, in folder (NULL: the
 * inbox). list_evidence, acknowledge and delete send both when known. */
struct kep_pkg_ref {
	const char *folder;
	const char *kep_id;
	int64_t seq;                   /* -1: unknown */
};

/* A listing window: the packages the provider dated in [start, end]; the
 * driver formats it as its service wants it. */
struct kep_window {
	time_t start, end;
};

/* Where the binary parts of a download go. A download may answer with
 * several parts (KEP_PART_ATTACHMENTS); part_fd is asked for each, in order, and
 * returns a descriptor it keeps owning (or -1 with err set to stop). */
struct kep_sink {
	int (*part_fd)(void *arg, unsigned index, struct kerr *err);
	void *arg;
};

/* Sending (kep-domain.md section 2). What Yukle takes is the signed S/MIME
 * message kepagent built (smime_build.h); MimeYap has the provider build it
 * and answers with the digest to sign (eHash) and its message id, which
 * SmimeGonder then sends with the signature. */
enum kep_paket_tur { KEP_PAKET_STANDART = 0, KEP_PAKET_EYAZISMA };

struct kep_attachment {
	const char *file_name;
	const char *content_type;      /* NULL: application/octet-stream */
	const void *data;
	size_t len;
};

struct kep_mime_request {
	enum kep_paket_tur tur;
	const char *paket_id;          /* ePaketId (EBYS's iletiID); NULL: none */
	const char *const *to;         /* kime, one element per address */
	size_t n_to;
	const char *const *cc;         /* bilgi, one element per address */
	size_t n_cc;
	const char *subject;
	const char *body;
	int html;                      /* eIcerikTur HTML, else TEXT */
	const struct kep_attachment *att;
	size_t n_att;
};

/* What the provider answered; strings malloc'd (kep_send_result_clear). */
struct kep_send_result {
	char *kep_id;                  /* Yukle, SmimeGonder: the package's kepId */
	char *mesaj_id;                /* MimeYap, SmimeGonder: the provider's mesajid */
	unsigned char *ehash;          /* MimeYap: the eHash text to sign, as sent */
	size_t ehash_len;
};
void kep_send_result_clear(struct kep_send_result *r);

struct kep_session;

struct kep_driver {
	const char *name;              /* the account's provider: key */
	const char *domain;            /* completes an address given without '@' */

	/* The account configuration, parsed by the driver (as isync's drivers
	 * parse their own store sections). conf_keys are the account keys the
	 * driver adds to the generic ones; conf/config.c checks the account's
	 * mapping against both (unknown, duplicate, missing required keys) and
	 * hands conf_parse the value nodes: v[i] for conf_keys[i], or NULL.
	 * account is the account's mapping and what names it in messages;
	 * relative paths resolve against dir. Every problem is reported
	 * through d (FILE:LINE:COL). Returns the driver's keys, never NULL
	 * (partly filled after an error), freed with conf_free. */
	const struct cy_key *conf_keys;
	size_t n_conf_keys;
	struct kep_account_conf *(*conf_parse)(struct cy_doc *d, yaml_node_t *account,
					       const char *what, yaml_node_t *const *v,
					       const char *dir);
	void (*conf_free)(struct kep_account_conf **c);
	void (*conf_login)(const struct kep_account_conf *c, struct kep_login_info *out);
	/* Proves the account's own files work (secrets, PIN, module), each
	 * result a finding; deep (doctor) also loads what a login would load. */
	void (*conf_check)(const struct kep_account_conf *c, int deep,
			   const struct kep_check_sink *sink);

	/* Validates options, reads the account's secrets and prepares the
	 * transport; no network traffic. */
	struct kep_session *(*open)(const struct kep_provider_opts *o, struct kerr *err);
	/* Wipes secrets, frees, sets *s to NULL. */
	void (*close)(struct kep_session **s);
	/* Logs in with the configured mode; asks for OTP or PIN if configured
	 * so. Wrong secrets: KERR_AUTH, never retried. */
	int (*login)(struct kep_session *s, struct kerr *err);
	int (*list_folders)(struct kep_session *s, struct kep_folder_list *out, struct kerr *err);
	/* Packages in folder (NULL: the inbox) dated in the window. */
	int (*list_packages)(struct kep_session *s, const char *folder, const struct kep_window *w,
			     struct kep_package_list *out, struct kerr *err);
	/* Streams the package's part(s) to the sink; *nparts (may be NULL)
	 * receives how many were written. */
	int (*download_package)(struct kep_session *s, const struct kep_pkg_ref *ref,
				enum kep_part part, const struct kep_sink *sink,
				unsigned *nparts, struct kerr *err);
	int (*list_evidence)(struct kep_session *s, const struct kep_pkg_ref *ref,
			     struct kep_evidence_list *out, struct kerr *err);
	/* Streams the evidence document (XML or ZIP as sent) to fd. */
	int (*download_evidence)(struct kep_session *s, const char *delil_id, int fd,
				 struct kerr *err);
	/* Marks the package received at the provider. */
	int (*acknowledge)(struct kep_session *s, const struct kep_pkg_ref *ref, struct kerr *err);
	/* Deletes the package at the provider. */
	int (*delete_package)(struct kep_session *s, const struct kep_pkg_ref *ref,
			      struct kerr *err);
	/* Yukle: submits a ready signed S/MIME message; out->kep_id. A refusal
	 * is KERR_PERMANENT with the provider's text. Any failure without
	 * err->not_performed means the package MAY have been taken (the answer
	 * was lost, or says nothing of it): the caller never submits it again
	 * on its own. err->not_performed: provably not taken (the request never
	 * left, or the provider refused it: SOAP Fault, durum 1, HTTP 503/429). */
	int (*upload)(struct kep_session *s, enum kep_paket_tur tur, const void *smime,
		      size_t len, struct kep_send_result *out, struct kerr *err);
	/* MimeYap with eOzetAlg SHA256: out->mesaj_id and out->ehash. Nothing is
	 * sent yet. */
	int (*mime_prepare)(struct kep_session *s, const struct kep_mime_request *req,
			    struct kep_send_result *out, struct kerr *err);
	/* SmimeGonder: sends the prepared message with the DER CAdES signature
	 * of its eHash; out->kep_id / mesaj_id as answered. Errors as upload. */
	int (*mime_send)(struct kep_session *s, const char *mesaj_id, const void *imza,
			 size_t len, struct kep_send_result *out, struct kerr *err);
	/* The mailbox's quota and credit, as far as the provider answers them
	 * (out's unanswered figures -1); fails only when nothing was answered.
	 * NULL: the driver knows no quota. */
	int (*quota)(struct kep_session *s, struct kep_quota *out, struct kerr *err);
};

/* The driver called name ("ptt"), or NULL. */
const struct kep_driver *kep_driver_find(const char *name);
/* The driver table, for the configuration: *n drivers. */
const struct kep_driver *const *kep_drivers(size_t *n);

/* The "needs an officer" rule, in one place: 0 when the account may log in
 * now (interactive: a person is at the terminal; or its login asks
 * nobody); else -1 with KERR_AUTH "account NAME logs in with MODE and needs
 * an officer: run `kepagent refresh --account NAME`". */
int kep_officer_check(const struct kep_driver *drv, const struct kep_account_conf *c,
		      const char *account, int interactive, struct kerr *err);
/* 1 when the sync engine may retry the operation later. */
int kep_err_retryable(const struct kerr *e);

void kep_folder_list_free(struct kep_folder_list *l);
void kep_package_list_free(struct kep_package_list *l);
void kep_evidence_list_free(struct kep_evidence_list *l);

#endif
