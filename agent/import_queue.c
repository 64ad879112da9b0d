/* import_queue.c: see import_queue.h. */
#include "import_queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "ack_policy.h"
#include "config.h"
#include "crashpoint.h"
#include "store.h"
#include "store_archive.h"
#include "store_eyp.h"
#include "store_package.h"
#include "store_part.h"
#include "store_queue.h"
#include "store_queue_lease.h"
#include "store_verification.h"
#include "reply.h"
#include "evidence_query.h"

#define CONTENT_MAX (64u << 20)

/* A QueueItem: the Package object (evidence_query.h) and the queue's state. */
static json_t *item_json(struct store *st, const struct store_queue_view *v, const char *lease,
			 struct kerr *err)
{
	const struct store_queue_item *it = &v->item;
	json_t *j;
	char b[32];

	if (evidence_query_package(st, it->package_id, &j, err) < 0)
		return NULL;
	json_object_update_new(j, json_pack("{s:s, s:I, s:s?, s:s?, s:o}",
			 "state", store_queue_state_name(it->state),
			 "attempts", (json_int_t)it->attempts, "lease", lease,
			 "lease_until", it->state == STORE_Q_CLAIMED ?
				reply_time(it->lease_expires, b) : NULL,
			 "last_reason", reply_text(it->last_reason)));
	return j;
}

int import_queue_list(struct store *st, const char *account, int state, size_t limit,
		   size_t offset, json_t **out, struct kerr *err)
{
	struct store_queue_filter f = { .account = account, .state = state, .limit = limit };
	struct store_queue_view *v = NULL;
	int64_t total = 0;
	json_t *items;
	size_t n = 0, i;

	if (store_queue_view_list(st, &f, offset, &v, &n, &total, err) < 0)
		return -1;
	items = json_array();
	for (i = 0; i < n; i++) {
		json_t *j = item_json(st, &v[i], NULL, err);

		if (j == NULL) {
			json_decref(items);
			store_queue_views_free(&v, n);
			return -1;
		}
		json_array_append_new(items, j);
	}
	store_queue_views_free(&v, n);
	*out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	return 0;
}

static void new_lease(char out[33])
{
	unsigned char r[16];

	if (RAND_bytes(r, sizeof(r)) != 1)
		abort(); /* no randomness: a guessable lease would break the queue's promise */
	hex_encode(r, sizeof(r), out);
}

/* 0 means the configured default; otherwise within the range the
 * configuration itself allows for queue.lease_seconds. */
static int check_lease_seconds(long *lease_seconds, const struct config *cfg, struct kerr *err)
{
	if (*lease_seconds == 0)
		*lease_seconds = cfg->queue_lease_seconds;
	else if (*lease_seconds < CONFIG_LEASE_MIN_SECONDS ||
		 *lease_seconds > CONFIG_LEASE_MAX_SECONDS)
		return kerr_set(err, KERR_USAGE, "lease_seconds must be %d..%d",
				CONFIG_LEASE_MIN_SECONDS, CONFIG_LEASE_MAX_SECONDS);
	return 0;
}

int import_queue_claim(struct store *st, const struct config *cfg, const char *account,
		    size_t count, long lease_seconds, json_t **out, struct kerr *err)
{
	struct store_queue_item *its = NULL;
	size_t n = 0, i;
	json_t *items;
	char lease[33];

	if (count == 0 || count > SVC_QUEUE_MAX_CLAIM)
		return kerr_set(err, KERR_USAGE, "count must be 1..%d", SVC_QUEUE_MAX_CLAIM);
	if (check_lease_seconds(&lease_seconds, cfg, err) < 0)
		return -1;
	/* One token for the whole claim: it is what the claimer holds. */
	new_lease(lease);
	if (store_queue_claim(st, lease, account, count, (int64_t)lease_seconds * 1000, &its, &n,
			      err) < 0)
		return -1;
	items = json_array();
	for (i = 0; i < n; i++) {
		struct store_queue_view *v = NULL;

		if (store_queue_view_get(st, its[i].package_id, &v, err) < 0) {
			json_decref(items);
			store_queue_items_free(&its, n);
			return -1;
		}
		json_t *j = item_json(st, v, lease, err);

		store_queue_views_free(&v, 1);
		if (j == NULL) {
			json_decref(items);
			store_queue_items_free(&its, n);
			return -1;
		}
		json_array_append_new(items, j);
	}
	store_queue_items_free(&its, n);
	*out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items));
	return 0;
}

static int lease_refused(int64_t id, enum store_lease l, const char **code_r, struct kerr *err)
{
	if (l == STORE_LEASE_EXPIRED) {
		*code_r = "lease_expired";
		return kerr_set(err, KERR_USAGE, "the lease on item %lld has expired; claim it again",
				(long long)id);
	}
	*code_r = "lease_mismatch";
	return kerr_set(err, KERR_USAGE, "item %lld is not claimed with this lease", (long long)id);
}

/* Checks the lease; fills code and err when it does not hold. */
static int hold(struct store *st, int64_t id, const char *lease, const char **code_r,
		struct kerr *err)
{
	enum store_lease l;

	if (lease == NULL || *lease == '\0') {
		*code_r = "bad_parameter";
		return kerr_set(err, KERR_USAGE, "a lease is required");
	}
	if (store_queue_lease_check(st, id, lease, now_ms(), &l, err) < 0) {
		*code_r = reply_code(err);
		return -1;
	}
	return l == STORE_LEASE_HELD ? 0 : lease_refused(id, l, code_r, err);
}

static int is_attachment(const struct store_part_row *p)
{
	return strcmp(p->meta.role, "attachment") == 0 || strcmp(p->meta.role, "eyp") == 0;
}

static json_t *attachments_json(struct store *st, int64_t id, struct kerr *err)
{
	struct store_part_row *parts = NULL;
	size_t n = 0, i;
	json_t *a;
	char h[65];

	if (store_part_list(st, id, &parts, &n, err) < 0)
		return NULL;
	a = json_array();
	for (i = 0; i < n; i++) {
		const struct store_part_row *p = &parts[i];

		if (!is_attachment(p))
			continue;
		json_array_append_new(a, json_pack("{s:i, s:o, s:s, s:s?, s:I, s:s}",
			"index", p->idx, "filename", reply_text(p->meta.file_name),
			"safe_name", p->meta.safe_name ? p->meta.safe_name : "attachment.bin",
			"content_type", p->meta.content_type, "size", (json_int_t)p->size,
			"sha256", hex_encode(p->sha256, 32, h)));
	}
	store_part_rows_free(&parts, n);
	return a;
}

static json_t *opt_str(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_incref(v) : json_null();
}

/* The package's main document and attachment list (store_eyp.h) into the
 * Ustveri object: main_document {name, type, size, digest} or null, and
 * attachments [{name, description, type, size, digest}]. Rows stored before
 * the list existed give the Ek entries with size null and digest "unknown". */
static void ustveri_files(json_t *j, const char *stored)
{
	json_t *list = stored ? json_loads(stored, 0, NULL) : NULL, *x, *main_doc = json_null();
	json_t *att = json_array();
	size_t i;

	json_array_foreach(list, i, x) {
		json_t *m = json_object_get(x, "main"), *size = json_object_get(x, "size");
		json_t *d = json_object_get(x, "digest");
		json_t *name = opt_str(x, "name"), *item;

		if (m == NULL) { /* before the list: {dosya_adi, ad, mime} */
			json_decref(name);
			name = opt_str(x, "dosya_adi");
		}
		item = json_pack("{s:o, s:o, s:o, s:o, s:s}", "name", name,
			"description", opt_str(x, m ? "description" : "ad"),
			"type", opt_str(x, m ? "type" : "mime"),
			"size", json_is_integer(size) ? json_incref(size) : json_null(),
			"digest", json_is_string(d) ? json_string_value(d) : "unknown");
		if (json_is_true(m) && json_is_null(main_doc)) {
			json_object_del(item, "description");
			main_doc = item;
		} else {
			json_array_append_new(att, item);
		}
	}
	json_decref(list);
	json_object_set_new(j, "main_document", main_doc);
	json_object_set_new(j, "attachments", att);
}

static json_t *ustveri_json(struct store *st, int64_t id, struct kerr *err, int *rc)
{
	struct store_eyp *e = NULL;
	json_t *j;

	*rc = store_eyp_get(st, id, &e, err);
	if (*rc <= 0)
		return json_null();
	j = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?}", "belge_id", e->belge_id, "konu", e->konu,
		      "tarih", e->tarih, "belge_no", e->belge_no, "olusturan", e->olusturan);
	ustveri_files(j, e->attachments_json);
	store_eyp_free(&e);
	return j;
}

int import_queue_detail(struct store *st, int64_t id, const char *lease, json_t **out,
		     const char **code_r, struct kerr *err)
{
	struct store_verification_row *vr = NULL;
	struct store_package_row *p = NULL;
	struct store_queue_view *v = NULL;
	json_t *j, *att, *ust;
	size_t nv = 0;
	int rc;

	if (hold(st, id, lease, code_r, err) < 0)
		return -1;
	if (store_queue_view_get(st, id, &v, err) < 0 || store_package_get(st, id, &p, err) < 0 ||
	    store_verification_list(st, STORE_VERIF_PACKAGE, id, &vr, &nv, err) < 0 ||
	    (att = attachments_json(st, id, err)) == NULL) {
		*code_r = reply_code(err);
		store_queue_views_free(&v, v ? 1 : 0);
		store_package_row_free(&p);
		store_verification_rows_free(&vr, nv);
		return -1;
	}
	ust = ustveri_json(st, id, err, &rc);
	j = rc >= 0 ? item_json(st, v, lease, err) : NULL;
	if (j == NULL) {
		json_decref(ust);
		json_decref(att);
		*code_r = reply_code(err);
		store_queue_views_free(&v, 1);
		store_package_row_free(&p);
		store_verification_rows_free(&vr, nv);
		return -1;
	}
	json_object_update_new(j, json_pack(
		"{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:{s:s, s:s?, s:o}}",
		"kep_sira_no", p->meta.provider_seq >= 0 ?
			json_integer((json_int_t)p->meta.provider_seq) : json_null(),
		"org_mesaj_id", reply_text(p->meta.org_mesaj_id),
		"message_id", reply_text(p->meta.message_id),
		"ileti_tip", reply_text(p->meta.ileti_tip), "ileti_id", reply_text(p->meta.ileti_id),
		"ustveri", ust, "attachments", att,
		"verification", "overall", p->meta.verdict ? p->meta.verdict : "unverified",
		"reason", p->meta.verdict_reason, "checks", evidence_query_checks_json(vr, nv)));
	store_queue_views_free(&v, 1);
	store_package_row_free(&p);
	store_verification_rows_free(&vr, nv);
	*out = j;
	return 0;
}

/* A content type safe to put in a header: type/subtype of token characters. */
static char *header_ctype(const char *ct, const char *def)
{
	size_t i, slash = 0;

	for (i = 0; ct != NULL && ct[i] != '\0' && i < 128; i++) {
		unsigned char c = (unsigned char)ct[i];

		if (c == '/' && slash == 0 && i > 0)
			slash = i;
		else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || strchr("!#$&^_.+-", c) != NULL))
			return xstrdup(def);
	}
	if (ct == NULL || ct[i] != '\0' || slash == 0 || ct[slash + 1] == '\0')
		return xstrdup(def);
	return xstrdup(ct);
}

void import_content_meta_free(struct import_content_meta *m)
{
	free(m->content_type);
	free(m->file_name);
	free(m->safe_name);
	memset(m, 0, sizeof(*m));
}

/* The first part with role (or, for attachments, index n). */
static int find_part(struct store *st, int64_t id, enum import_content what, int n,
		     int64_t *part_r, struct import_content_meta *meta, struct kerr *err)
{
	struct store_part_row *parts = NULL;
	size_t np = 0, i;
	int found = 0;

	if (store_part_list(st, id, &parts, &np, err) < 0)
		return -1;
	for (i = 0; i < np && !found; i++) {
		const struct store_part_row *p = &parts[i];

		if (what == SVC_ORIGINAL)
			found = strcmp(p->meta.role, "original") == 0;
		else if (what == SVC_EYP)
			found = strcmp(p->meta.role, "eyp") == 0;
		else
			found = p->idx == n && is_attachment(p);
		if (found) {
			*part_r = p->id;
			meta->content_type = what == SVC_ORIGINAL ? xstrdup("message/rfc822") :
					     what == SVC_EYP ? xstrdup("application/eyazisma") :
					     header_ctype(p->meta.content_type,
							  "application/octet-stream");
			meta->file_name = p->meta.file_name ? xstrdup(p->meta.file_name) : NULL;
			meta->safe_name = xstrdup(p->meta.safe_name ? p->meta.safe_name
						  : "attachment.bin");
			meta->size = p->size;
			memcpy(meta->sha256, p->sha256, 32);
		}
	}
	store_part_rows_free(&parts, np);
	if (!found)
		return kerr_set(err, KERR_NOTFOUND, "item %lld has no %s", (long long)id,
				what == SVC_ORIGINAL ? "original message" :
				what == SVC_EYP ? "e-Yazisma package" : "such attachment");
	return 0;
}

int import_queue_content(struct store *st, int64_t id, const char *lease, enum import_content what,
		      int n, struct kbuf *out, struct import_content_meta *meta,
		      const char **code_r, struct kerr *err)
{
	struct store_package_row *p = NULL;
	int64_t part = 0;

	memset(meta, 0, sizeof(*meta));
	if (hold(st, id, lease, code_r, err) < 0)
		return -1;
	if (what == SVC_PACKAGE) {
		if (store_package_get(st, id, &p, err) < 0)
			goto fail;
		meta->content_type = xstrdup("message/rfc822");
		meta->size = p->raw_size;
		memcpy(meta->sha256, p->raw_sha256, 32);
		store_package_row_free(&p);
		if (store_content_read_mem(st, STORE_BLOB_PACKAGE_RAW, id, CONTENT_MAX, out,
					   err) < 0)
			goto fail_content;
		return 0;
	}
	if (find_part(st, id, what, n, &part, meta, err) < 0)
		goto fail;
	if (store_content_read_mem(st, STORE_BLOB_PART, part, CONTENT_MAX, out, err) < 0)
		goto fail_content;
	return 0;
fail_content:
	/* The row is there: its bytes must be too. */
	if (err->cls != KERR_LIMIT && err->cls != KERR_BUSY) {
		*code_r = "content_unavailable";
		import_content_meta_free(meta);
		return -1;
	}
fail:
	*code_r = reply_code(err);
	import_content_meta_free(meta);
	return -1;
}

static const struct account_config *account_of(const struct config *cfg, struct store *st,
					       int64_t id, struct kerr *err)
{
	struct store_package_row *p = NULL;
	const struct account_config *a;

	if (store_package_get(st, id, &p, err) < 0)
		return NULL;
	a = config_find_account(cfg, p->meta.account);
	store_package_row_free(&p);
	return a;
}

static int result(struct store *st, int64_t id, json_t **out, const char **code_r,
		  struct kerr *err)
{
	struct store_queue_view *v = NULL;

	if (store_queue_view_get(st, id, &v, err) < 0) {
		*code_r = reply_code(err);
		return -1;
	}
	*out = item_json(st, v, NULL, err);
	store_queue_views_free(&v, 1);
	if (*out == NULL) {
		*code_r = reply_code(err);
		return -1;
	}
	return 0;
}

int import_queue_extend(struct store *st, const struct config *cfg, int64_t id, const char *lease,
			long lease_seconds, json_t **out, const char **code_r, struct kerr *err)
{
	int64_t until = 0;
	int l;

	if (lease == NULL || *lease == '\0') {
		*code_r = "bad_parameter";
		return kerr_set(err, KERR_USAGE, "a lease is required");
	}
	if (check_lease_seconds(&lease_seconds, cfg, err) < 0) {
		*code_r = "bad_parameter";
		return -1;
	}
	l = store_queue_lease_extend(st, id, lease, (int64_t)lease_seconds * 1000, &until, err);
	if (l < 0) {
		*code_r = reply_code(err);
		return -1;
	}
	if (l != STORE_LEASE_HELD)
		return lease_refused(id, (enum store_lease)l, code_r, err);
	return result(st, id, out, code_r, err);
}

/* Runs the lease check and the change in one write transaction, so the
 * lease cannot run out and be taken by another claimer in between. */
int import_queue_ack(struct store *st, const struct config *cfg, int64_t id, const char *lease,
		  const char *actor, json_t **out, const char **code_r, struct kerr *err)
{
	const struct account_config *acct;
	struct store_queue_view *v = NULL;
	int acked;

	if (store_begin(st, err) < 0) {
		*code_r = reply_code(err);
		return -1;
	}
	if (store_queue_view_get(st, id, &v, err) < 0) {
		*code_r = reply_code(err);
		goto fail;
	}
	acked = v->item.state == STORE_Q_ACKED;
	store_queue_views_free(&v, 1);
	if (!acked) {
		if (hold(st, id, lease, code_r, err) < 0)
			goto fail;
		acct = account_of(cfg, st, id, err);
		if (ack_policy_queue_acked(st, acct, id, actor, err) < 0)
			goto fail_code;
	}
	crashpoint("queue-ack-before-commit");
	if (store_commit(st, err) < 0)
		goto fail_code;
	crashpoint("queue-ack-committed");
	return result(st, id, out, code_r, err);
fail_code:
	*code_r = reply_code(err);
fail:
	store_rollback(st);
	return -1;
}

int import_queue_reject(struct store *st, const struct config *cfg, int64_t id, const char *lease,
		     const char *reason, long retry_seconds, const char *actor, json_t **out,
		     const char **code_r, struct kerr *err)
{
	if (reason == NULL || *reason == '\0' || strlen(reason) > 1000) {
		*code_r = "bad_parameter";
		return kerr_set(err, KERR_USAGE, "a reason of 1..1000 bytes is required");
	}
	if (retry_seconds < 0)
		retry_seconds = SVC_QUEUE_RETRY_DEFAULT;
	if (store_begin(st, err) < 0) {
		*code_r = reply_code(err);
		return -1;
	}
	if (hold(st, id, lease, code_r, err) < 0)
		goto fail;
	if (store_queue_reject(st, id, actor, reason, (int64_t)retry_seconds * 1000,
			       (int)cfg->queue_max_attempts, err) < 0) {
		*code_r = reply_code(err);
		goto fail;
	}
	crashpoint("queue-reject-before-commit");
	if (store_commit(st, err) < 0) {
		*code_r = reply_code(err);
		goto fail;
	}
	crashpoint("queue-reject-committed");
	return result(st, id, out, code_r, err);
fail:
	store_rollback(st);
	return -1;
}
