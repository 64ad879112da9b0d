/* sync_p.h: what the sync engine's files share (not for other modules). */
#ifndef KEP_SYNC_P_H
#define KEP_SYNC_P_H

#include <pthread.h>
#include <stdint.h>

#include "cms_verify.h"
#include "delil_verdict.h"
#include "package_view.h"
#include "provider.h"
#include "retry.h"
#include "store.h"
#include "store_evidence_mail.h"
#include "store_package_details.h"
#include "sync.h"
#include "util.h"

struct trust_store;
struct chain_cache;
struct revocation;
struct revcache_store;

struct sync_env {
	const struct config *cfg;
	int interactive;
	volatile sig_atomic_t *stop;
	struct trust_store *trust;
	struct chain_cache *cache;
	struct revocation *rev;
	struct revcache_store *rcs;
	char *store_dir;          /* where locks and download temp files go */
	struct retry_policy retry;
};

/* One sync_account() call. */
struct sync_ctx {
	const struct sync_env *env;
	const struct account_config *acct;
	const struct sync_hooks *hooks;
	struct sync_report *rep;
	struct store *store;
	const struct kep_driver *drv;
	struct kep_session *sess;
	struct verify_opts vo;
	int fatal;                /* auth or store failure: stop the account */
	struct kerr fatal_err;
	/* Held by sync_call() around each provider call: the download thread
	 * (sync_fetch.c) and this one share the session, which is used by one
	 * thread at a time. */
	pthread_mutex_t sess_mu;
	/* The provider's clock minus ours, from the HTTP Date of the last
	 * listing this run (sync_note_provider_time); 0 until one is known. */
	int64_t provider_skew_ms;
	int provider_skew_known;
	/* Several new packages per store transaction (sync_batch_*). */
	int batching;
	int batch_open;
	size_t batch_n;           /* new packages in the open batch */
	uint64_t batch_bytes;     /* their raw bytes */
	int64_t batch_t0;
	/* What is said of each package of the open batch (sync_package.c):
	 * counted, flagged, told to the hooks and logged once it is committed,
	 * dropped with it. batch_n of them. */
	struct sync_stored_note *batch_notes;
};

#define SYNC_ACTOR "sync"
/* Evidence is followed for sent packages at least this long. */
#define SYNC_EVIDENCE_DAYS 60
/* ... each package on its own schedule: polled again this soon after its
 * first poll or one that brought something new, then twice as long after
 * each poll that brought nothing, up to once a day. */
#define SYNC_EVIDENCE_POLL_MIN_MS (5 * 60 * 1000LL)
#define SYNC_EVIDENCE_POLL_MAX_MS (24 * 3600 * 1000LL)

/* 1 when a stop was requested. */
int sync_stopping(const struct sync_ctx *c);
/* Records a failed item in the report (and logs it); an auth or store
 * failure also marks the account's sync fatal. */
void sync_fail(struct sync_ctx *c, const char *folder, const char *item, const struct kerr *e);
/* A new item stored flagged: counted and listed in the report. */
void sync_flagged(struct sync_ctx *c, const char *what, const char *folder, const char *kep_id,
		  const char *item, const char *subject, const char *verdict, const char *reason);
/* Appends an audit line; failures are logged, not returned (the audit
 * never blocks the sync; the package insert writes its own line). */
void sync_audit(struct sync_ctx *c, const char *action, const char *object,
		const char *detail);

/* Records the provider's clock from a listing's answer (provider_ms: its
 * HTTP Date, 0 when it sent none): what the sent folder is searched by. */
void sync_note_provider_time(struct sync_ctx *c, int64_t provider_ms);

/* A provider call with retries and metrics: op names it for the hooks. */
typedef int sync_op_fn(struct sync_ctx *c, void *arg, struct kerr *err);
int sync_call(struct sync_ctx *c, const char *op, sync_op_fn *fn, void *arg, struct kerr *err);

/* A folder's package list, for sync_call(c, "list_packages", sync_do_list, ...):
 * the list is emptied before each try, so a retry keeps nothing of a failed
 * one. The caller frees list. */
struct sync_list_arg {
	const char *folder;
	struct kep_window w;
	struct kep_package_list list;
};
int sync_do_list(struct sync_ctx *c, void *arg, struct kerr *err);

/* An unlinked temporary file in the store's directory. */
int sync_tmpfile(const struct sync_ctx *c, struct kerr *err);

/* Appends the whole file behind fd (read from offset 0) to b; KERR_LIMIT
 * above max. */
int sync_read_fd(int fd, size_t max, struct kbuf *b, struct kerr *err);

/* sync_folder.c: the provider's folder list, asked for at most once per
 * SYNC_FOLDERS_TTL_S and kept in the store between runs (folders hardly
 * ever change, and an idle refresh should cost the provider few requests);
 * sync_folders_forget() after a folder could not be listed, so the next run
 * asks again. */
#define SYNC_FOLDERS_TTL_S 86400
int sync_folders(struct sync_ctx *c, struct kep_folder_list *l, struct kerr *err);
void sync_folders_forget(struct sync_ctx *c);
/* Folder roles from the provider's folder list; results malloc'd or NULL. */
void sync_map_roles(const struct account_config *acct, const struct kep_folder_list *l,
		    char **inbox_r, char **sent_r);

/* sync_fetch.c: sync_fetch_one() downloads one listed package into an
 * unlinked temporary file (returned, the caller closes it; -1 with err).
 * sync_fetch_start() downloads rows[0..n) in a thread of its own, in order,
 * at most the account's download_ahead (config.h) ahead of what
 * sync_fetch_take() has taken;
 * sync_fetch_take(f, k) waits for rows[k] (k = 0, 1, ... in turn) and
 * returns its file as sync_fetch_one() does. The thread calls only
 * sync_call() (the request hook runs in it); no crash point, store write or
 * report entry. sync_fetch_stop() ends the thread (after the download under
 * way), closes what was not taken and frees f. rows and c must outlive f. */
struct sync_fetch;
int sync_fetch_one(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		   struct kerr *err);
int sync_fetch_start(struct sync_ctx *c, const char *folder,
		     const struct kep_package_info *const *rows, size_t n,
		     struct sync_fetch **f_r, struct kerr *err);
int sync_fetch_take(struct sync_fetch *f, size_t k, struct kerr *err);
/* 1 when sync_fetch_take(f, k) would not wait. */
int sync_fetch_ready(struct sync_fetch *f, size_t k);
void sync_fetch_stop(struct sync_fetch **f);

/* sync_package.c: the commit policy of a folder's new packages. With
 * c->batching set (the received folder), store_it opens a transaction
 * (BEGIN IMMEDIATE) before the first new package and the packages that
 * follow are stored in it, each in its own savepoint (a package that fails
 * to store leaves the others in), so a batch pays one commit and one fsync.
 * sync_batch_commit() ends it. It is due before anything that needs the
 * packages durable or must not wait behind the write lock:
 * - a package acknowledged on store (on-store; a verified delil mail under
 *   on-import) or a delil mail (its delil is extracted after it): the batch
 *   is committed and that package stored alone, as before batching, so it
 *   is durable before its acknowledgement and at every crash point after
 *   its insert (on-store: one package per commit);
 * - the window's record (after the folder), which would skip the batch;
 * - any wait for the provider: the next download not there yet
 *   (sync_fetch_ready), or a revocation fetch (revcache_store.h), so the
 *   write lock is never held across a wait and the daemon's API writers
 *   wait at most one batch;
 * - SYNC_BATCH_PACKAGES packages, SYNC_BATCH_BYTES raw bytes, or
 *   SYNC_BATCH_MS since the batch opened (sync_batch_due).
 * A crash loses only the open batch, which was never acknowledged and
 * whose window was not recorded: the next run downloads it again. What a
 * new package makes the sync say (counted new, flagged, the hooks' stored,
 * the "stored" log line) is said when its batch is committed: a failed
 * commit, or a batch SQLite rolled back itself, is the run's store failure
 * and says nothing of its packages. Crash point batch-before-commit; the
 * batch's end is logged at debug level ("committing N package(s)" before
 * the crash point, "committed N package(s)" after).
 * The two ends that depend on timing (the next download not there yet,
 * SYNC_BATCH_MS) are not taken under a crash test (crashpoint_armed()):
 * there a batch ends by count, bytes and the packages stored alone only,
 * so each numbered crash point falls at the same package of the same batch
 * on every run (tests/crash-refresh.sh); the sync then waits for the next
 * download inside the batch. */
#define SYNC_BATCH_PACKAGES 16
#define SYNC_BATCH_BYTES (16u << 20)
#define SYNC_BATCH_MS 500
void sync_batch_commit(struct sync_ctx *c);
/* 1 when the open batch must end before package k of f (NULL: downloaded
 * one at a time) is taken: full, old, or k not downloaded yet (see above). */
int sync_batch_due(const struct sync_ctx *c, struct sync_fetch *f, size_t k);

/* sync_package.c: downloads, verifies and stores one listed package unless
 * stored already. *id_r gets its id; *new_r 1 when stored now.
 * sync_package_fetched(): the same for a package not stored yet that the
 * download thread f fetches as its k-th (sync_fetch_take). */
int sync_package(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		 int received, int64_t *id_r, int *new_r, struct kerr *err);
int sync_package_fetched(struct sync_ctx *c, struct sync_fetch *f, size_t k, const char *folder,
			 const struct kep_package_info *pi, int received, int64_t *id_r,
			 int *new_r, struct kerr *err);

/* sync_reuse.c: a listed row whose kepId is stored already (package id)
 * under another kepSiraNo. sync_kep_id_reused(): 1 when both numbers are
 * known and differ, 0 when not. sync_kep_id_reuse(): the listed package
 * downloaded by its kepSiraNo and kept beside the stored one, never over it
 * (store_kep_id_reuse.h), warned, audited and flagged once; nothing again
 * once its bytes are kept; -1 when they could not be had (the row is
 * recorded, the next listing tries again). */
int sync_kep_id_reused(struct sync_ctx *c, const struct kep_package_info *pi, int64_t id,
		       struct kerr *err);
int sync_kep_id_reuse(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		      int64_t id, struct kerr *err);

/* sync_evidence.c: a stored package (carrier_id) that is a delil delivered
 * as an e-mail (X-REM-Msg-Type: Message, the evidence XML attached inside
 * the signed entity): the XML stored and judged as a PaketDelilIndir item of
 * the package its MessageIdentifierByREMMD names; an envelope-signature
 * check (r) that is not acceptable makes the item's verdict as bad; the
 * carrier's pending extraction marked done (store_evidence_mail.h). 0 when
 * it is not such a message or the item is stored, -1 with err. */
struct mime_package;
struct mime_attachment;
struct pkg_report;
/* judged: its delil as sync_evidence_mail_kind() judged it (without an
 * original), judged again here only for the digest (delil_verdict_digest)
 * and left for the caller to free; NULL: judged here, once. */
int sync_evidence_mail(struct sync_ctx *c, int64_t carrier_id, const struct mime_package *mp,
		       const struct pkg_report *r, struct delil_verdict *judged,
		       struct kerr *err);
/* sync_evidence_mail.c: what a package is as a delil mail: none (not one,
 * or no evidence document inside its signed entity), evidence (its
 * envelope signature, r, is acceptable, and the delil it carries is signed
 * intact by a KEPHS: both are the provider's), or unverified (anyone may
 * have sent it, or the X-REM-Msg-Type header, which no signature covers,
 * was set on a genuine package: an ordinary received package, queued for
 * EBYS with its verdict). The delil is judged once: *judged 1 when dv
 * holds that judgement (without an original; the caller frees it and
 * passes it on to sync_evidence_mail), 0 when it was not judged (no delil,
 * the envelope not acceptable, an internal failure). */
enum store_evidence_mail sync_evidence_mail_kind(struct sync_ctx *c,
						 const struct mime_package *mp,
						 const struct pkg_report *r,
						 struct delil_verdict *dv, int *judged);
/* delil_judge() with the sync's trust (sync_evidence.c); orig may be empty
 * (the digest not checked), code 0 when no listing gave one. */
int sync_delil_judge(struct sync_ctx *c, const char *id, int code, const void *data, size_t len,
		     const struct kbuf *orig, struct delil_verdict *dv, struct kerr *err);
/* The evidence document a delil mail carries (inside its signed entity),
 * NULL when none or not a delil mail, by its label or its content:
 * mime_evidence_part(); points into mp. */
const struct mime_attachment *sync_evidence_mail_xml(const struct mime_package *mp);
/* sync_evidence_mail.c: the account's delil mails stored with their delil
 * not (yet) stored (a failure or a kill after the carrier committed):
 * each read back from the store, verified and extracted again. Failures are
 * recorded in the report. */
void sync_evidence_mail_retry(struct sync_ctx *c);
/* sync_evidence_mail.c: a batch of the account's packages stored before
 * delil mails were recognised (store_evidence_mail_unjudged()), each read
 * back, judged as a new package is (sync_evidence_mail_kind) and recorded:
 * a verified one becomes evidence (out of the import queue, acknowledged as
 * ack_policy_on_store says) and its delil is extracted; a forged one stays
 * an ordinary received package, its delil stored with its verdict.
 * Failures are recorded in the report; the mark stays for the next run. */
void sync_evidence_mail_backfill(struct sync_ctx *c);
/* sync_evidence.c: new evidence items of a stored package, unless final.
 * Failed items are recorded in the report here (and return 0); -1 means the
 * listing or the store failed (err set, not recorded). */
int sync_evidence(struct sync_ctx *c, const char *folder, const struct kep_package_info *pi,
		  int64_t package_id, struct kerr *err);
/* sync_evidence(), then the package's next poll scheduled (see
 * SYNC_EVIDENCE_POLL_MIN_MS); after a failure it is due on the next run. */
int sync_evidence_follow(struct sync_ctx *c, const char *folder,
			 const struct kep_package_info *pi, int64_t package_id, struct kerr *err);
/* sync_evidence_follow() for every stored package of folder dated since
 * since_ms whose evidence is not final and whose poll is due, except those
 * in listed (followed already). */
void sync_evidence_pending(struct sync_ctx *c, const char *folder, int64_t since_ms,
			   const struct kep_package_info *const *listed, size_t n_listed);

/* sync_ack.c: acknowledges one stored package (ack due) to the provider,
 * then records it; deletes it there when configured. */
int sync_ack_one(struct sync_ctx *c, int64_t package_id, struct kerr *err);
/* Every package whose acknowledgement (or deletion) is due. Failures are
 * recorded per package. */
void sync_ack_due(struct sync_ctx *c);

/* send.c: the account's outbox (send.h), run once the folders are mapped;
 * sync_send_link() after the sent folder links submitted items to their
 * stored packages. */
void sync_send(struct sync_ctx *c);
void sync_send_link(struct sync_ctx *c);

/* sync_backfill.c: a stored package read back through the content layer
 * (the store or the archive) and opened as one view (package_view.h), for
 * the back-fills and the retried extractions that judge stored packages
 * again; the view borrows raw. -1 when the bytes cannot be read (err set);
 * a package that does not parse is a view that says so. Free with
 * sync_stored_free() either way. */
struct sync_stored {
	struct kbuf raw;
	struct pkg_view v;
};
int sync_stored_open(struct sync_ctx *c, int64_t id, struct sync_stored *sp, struct kerr *err);
void sync_stored_free(struct sync_stored *sp);

/* sync_backfill.c: dates and recipients of a package from its MIME; the
 * strings borrow mp, which must outlive d. */
struct mime_package;
struct sync_details {
	struct store_package_details d;
	struct store_recipient *r;
};
void sync_details_derive(const struct mime_package *mp, struct sync_details *sd);
void sync_details_free(struct sync_details *sd);
/* Derives the details of a batch of packages stored without them. */
void sync_backfill(struct sync_ctx *c);

#endif
