/* mailbox.h: reading the FORMAT.md directory.
 *
 * Nothing is cached: every call reads the directory again, so packages and
 * evidence that writers rename into place appear at the next request.
 * Entries whose names start with '.' are being written and are ignored.
 * Returned objects are owned by the caller (free with the *_free functions).
 * Thread-safe: no shared state besides the state files (mailbox_state.h). */
#ifndef KEPSIM_MAILBOX_H
#define KEPSIM_MAILBOX_H

#include <jansson.h>
#include <openssl/x509.h>

#include "err.h"
#include "util.h"

struct account {
	char *name;       /* the directory name == kepHesap */
	char *dir;        /* MAILBOX/accounts/<name> */
	json_t *json;     /* account.json */
};

/* Finds accounts/<hesap> (or the single accounts/<hesap>@... when hesap
 * has no domain, as some EBYS store it). KERR_NOTFOUND when absent. */
int account_load(const char *mailbox, const char *hesap, struct account **out, struct kerr *err);
void account_free(struct account **a);
/* A string field of account.json, or NULL. */
const char *account_str(const struct account *a, const char *key);
/* 1 when account.json lists folder in "folders". */
int account_has_folder(const struct account *a, const char *folder);
/* account.json's integer field, or def. */
long long account_int(const struct account *a, const char *key, long long def);
/* The certificate account.json names under key ("eimza_cert", "muhur_cert"):
 * a PEM path relative to the mailbox (or the account directory), or absolute.
 * NULL when not configured or unreadable (logged). Free with X509_free. */
X509 *account_cert(const char *mailbox, const struct account *a, const char *key);
/* The folder sent packages go to: account.json "sent_folder" when listed,
 * else OUTBOX or INBOX.Sent when listed, else the first folder that is not
 * INBOX; NULL when there is none. Borrowed from the account. */
const char *account_sent_folder(const struct account *a);
/* 1 when accounts/<addr> exists (a kepsim account can receive there). */
int account_exists(const char *mailbox, const char *addr);

struct pkg {
	char *folder;
	long long sirano;
	char *dir;        /* .../<FOLDER>/<kepSiraNo> */
	json_t *meta;     /* meta.json */
};
struct pkg_list {
	struct pkg *v;
	size_t n;
};

/* The folder's complete packages by kepSiraNo; deleted ones (PaketSil)
 * only when with_deleted. */
int mailbox_packages(const char *mailbox, const struct account *a, const char *folder,
		     int with_deleted, struct pkg_list *out, struct kerr *err);
/* One package by kepId and/or kepSiraNo (both given: both must match).
 * KERR_NOTFOUND when there is none (or it is deleted and !with_deleted). */
int mailbox_find(const char *mailbox, const struct account *a, const char *folder,
		 const char *kep_id, const char *sirano, int with_deleted, struct pkg *out,
		 struct kerr *err);
void pkg_free(struct pkg *p);
void pkg_list_free(struct pkg_list *l);
/* A meta.json field as text ("" when absent); numbers are printed into buf. */
const char *meta_text(json_t *meta, const char *key, char buf[32]);

struct delil_list {
	json_t **v;       /* each delil/<delilId>.json, in delilId order */
	size_t n;
};
int mailbox_delils(const struct pkg *p, struct delil_list *out, struct kerr *err);
void delil_list_free(struct delil_list *l);
/* The bytes of evidence delilId of any folder of the account. */
int mailbox_delil_bytes(const struct account *a, const char *delil_id, struct kbuf *out,
			struct kerr *err);

/* 1 when name is safe as one path component (no '/', no leading '.'). */
int safe_component(const char *name);

#endif
