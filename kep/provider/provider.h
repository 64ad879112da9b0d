/* provider.h: the KEP provider interface (a function table, as isync's
 * struct driver).
 *
 * A driver opens a session from plain options (no dependency on the
 * configuration module), logs in, lists folders, packages and evidence,
 * and downloads bytes straight into file descriptors the caller owns.
 * Errors are graded through struct kerr classes so the sync engine knows
 * what to do, and each message keeps the provider's own hataaciklama text:
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

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

enum kep_login_mode { KEP_LOGIN_BASE = 0, KEP_LOGIN_OTP, KEP_LOGIN_EIMZA };
enum kep_epart { KEP_EPART_ALL = 0, KEP_EPART_ORGM, KEP_EPART_ORGMATTACH };

/* Everything a driver needs; strings are copied by open() and may be freed
 * by the caller right after. NULL means "not set". */
struct kep_provider_opts {
	const char *endpoint;          /* SOAP endpoint URL */
	const char *ca_file;           /* PEM trust for the endpoint; NULL: system store */
	const char *proxy;             /* curl proxy URL */
	long connect_timeout_s;        /* 0: 30 */
	long transfer_timeout_s;       /* 0: 300 */
	const char *kep_hesap;         /* mailbox address */
	const char *tcno;              /* T.C. Kimlik No of the authorised person */
	const char *parola;            /* secret */
	const char *sifre;             /* secret */
	enum kep_login_mode login_mode;
	const char *otp_file;          /* OTP: read the code from this file; NULL: ask on the tty */
	const char *pkcs11_module;     /* EIMZA: PKCS#11 module path */
	const char *pkcs11_token;      /* EIMZA: token label; NULL: the first token with the key */
	const char *pkcs11_key_label;  /* EIMZA: key label; or */
	const char *pkcs11_key_id;     /* EIMZA: key id in hex */
	const char *pin_file;          /* EIMZA: read the PIN from this file; NULL: ask on the tty */
	const char *tmp_dir;           /* responses are spooled here (the store's directory);
	                                * NULL: $TMPDIR or /tmp */
};

struct kep_folder_list {
	size_t n;
	char **names;
};

/* One row of PaketSorgula. Strings are owned by the list; NULL when the
 * provider sent none. */
struct kep_package_info {
	char *kep_id;
	int64_t kep_sira_no;           /* -1 when missing or not a number */
	char *org_mesaj_id;
	char *from;
	char *from_kep;
	char *konu;
	char *tur;
	char *tur_id;
	int durum;                     /* 0 ok, else the provider's per-row error */
	char *hataaciklama;
};
struct kep_package_list {
	size_t n;
	struct kep_package_info *items;
};

/* One row of PaketDelilSorgula. */
struct kep_evidence_info {
	char *delil_id;
	int delil_tur_id;              /* -1 when missing; unknown codes are kept */
	char *aciklama;
	char *tarih;
	char *kephs;
	int durum;
	char *hataaciklama;
};
struct kep_evidence_list {
	size_t n;
	struct kep_evidence_info *items;
};

/* Which package: by kepId, or (kep_id NULL) by kepSiraNo, in folder
 * (NULL: INBOX). list_evidence, acknowledge and delete send both when known. */
struct kep_pkg_ref {
	const char *folder;
	const char *kep_id;
	int64_t kep_sira_no;           /* -1: unknown */
};

/* Where the binary parts of a download go. Indir may answer with several
 * ePaket parts (ORGMATTACH); part_fd is asked for each, in order, and
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
	const char *name;
	/* Validates options and prepares the transport; no network traffic. */
	struct kep_session *(*open)(const struct kep_provider_opts *o, struct kerr *err);
	/* Wipes secrets, frees, sets *s to NULL. */
	void (*close)(struct kep_session **s);
	/* Logs in with the configured mode; asks for OTP or PIN if configured
	 * so. Wrong secrets: KERR_AUTH, never retried. */
	int (*login)(struct kep_session *s, struct kerr *err);
	int (*list_folders)(struct kep_session *s, struct kep_folder_list *out, struct kerr *err);
	/* Packages in folder (NULL: INBOX) with dates in [start, end], given as
	 * "YYYY-MM-DDThh:mm:ss" in the provider's local time (kep_format_time). */
	int (*list_packages)(struct kep_session *s, const char *folder, const char *start,
			     const char *end, struct kep_package_list *out, struct kerr *err);
	/* Streams the package's ePaket part(s) to the sink; *nparts (may be
	 * NULL) receives how many were written. */
	int (*download_package)(struct kep_session *s, const struct kep_pkg_ref *ref,
				enum kep_epart part, const struct kep_sink *sink,
				unsigned *nparts, struct kerr *err);
	int (*list_evidence)(struct kep_session *s, const struct kep_pkg_ref *ref,
			     struct kep_evidence_list *out, struct kerr *err);
	/* Streams the evidence document (XML or ZIP as sent) to fd. */
	int (*download_evidence)(struct kep_session *s, const char *delil_id, int fd,
				 struct kerr *err);
	/* AlindiOnay: marks the package received at the provider. */
	int (*acknowledge)(struct kep_session *s, const struct kep_pkg_ref *ref, struct kerr *err);
	/* PaketSil. */
	int (*delete_package)(struct kep_session *s, const struct kep_pkg_ref *ref,
			      struct kerr *err);
	/* Yukle: submits a ready signed S/MIME message; out->kep_id. A refusal
	 * is KERR_PERMANENT with the provider's text; KERR_TRANSIENT means the
	 * answer was not received and the package MAY have been taken: the
	 * caller reconciles before it submits again. */
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
};

/* The driver called name ("ptt"), or NULL. */
const struct kep_driver *kep_driver_find(const char *name);

/* "BASE"/"OTP"/"EIMZA" (case-insensitive) -> mode; -1 when unknown. */
int kep_login_mode_parse(const char *s);
const char *kep_login_mode_name(enum kep_login_mode m);
/* "ALL"/"ORGM"/"ORGMATTACH" -> part; -1 when unknown. */
int kep_epart_parse(const char *s);
const char *kep_epart_name(enum kep_epart p);

/* Formats t as "YYYY-MM-DDThh:mm:ss" in Turkish time (UTC+3, no DST since
 * 2016), the time the provider's listing windows are in. buf >= 20 bytes. */
void kep_format_time(time_t t, char buf[20]);

/* 1 when the sync engine may retry the operation later. */
int kep_err_retryable(const struct kerr *e);

void kep_folder_list_free(struct kep_folder_list *l);
void kep_package_list_free(struct kep_package_list *l);
void kep_evidence_list_free(struct kep_evidence_list *l);

#endif
