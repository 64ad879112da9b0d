/* sync_ack.c: the provider's acknowledgement per the account's ack policy. A package is only
 * ever acknowledged once its store transaction has committed (it is "due"
 * in the store), and recorded as done only after the provider answered: a
 * crash in between acknowledges it again on the next run, which the
 * provider takes as a no-op. The provider deletion follows only with delete_after_ack;
 * it is recorded due with the acknowledgement and done after the provider
 * answered, so a crash in between deletes on the next run. */
#include <stdlib.h>
#include <string.h>

#include "ack_policy.h"
#include "crashpoint.h"
#include "log.h"
#include "store_package.h"
#include "store_provider_delete.h"
#include "sync_p.h"

static int do_ack(struct sync_ctx *c, void *arg, struct kerr *err)
{
	return c->drv->acknowledge(c->sess, arg, err);
}

static int do_delete(struct sync_ctx *c, void *arg, struct kerr *err)
{
	return c->drv->delete_package(c->sess, arg, err);
}

/* The provider's reference to a stored package; row owns the strings. */
static int load_ref(struct sync_ctx *c, int64_t package_id, struct store_package_row **row,
		    struct kep_pkg_ref *ref, struct kerr *err)
{
	if (store_package_get(c->store, package_id, row, err) < 0)
		return -1;
	ref->folder = (*row)->meta.folder;
	ref->kep_id = (*row)->meta.kep_id;
	ref->seq = (*row)->meta.provider_seq;
	return 0;
}

/* The provider deletion, then recorded as done. A failure stays due. */
static void delete_one(struct sync_ctx *c, int64_t package_id, const struct kep_pkg_ref *ref)
{
	struct kerr err;

	crashpoint("delete-before");
	if (sync_call(c, "delete_package", do_delete, (void *)ref, &err) < 0) {
		sync_fail(c, ref->folder, ref->kep_id, &err);
		return;
	}
	crashpoint("delete-after-provider");
	if (store_provider_delete_done(c->store, package_id, &err) < 0) {
		sync_fail(c, ref->folder, ref->kep_id, &err);
		return;
	}
	sync_audit(c, "package.deleted", ref->kep_id, ref->folder);
	c->rep->deleted++;
}

int sync_ack_one(struct sync_ctx *c, int64_t package_id, struct kerr *err)
{
	struct store_package_row *row = NULL;
	struct kep_pkg_ref ref;
	int rc;

	if (load_ref(c, package_id, &row, &ref, err) < 0)
		return -1;
	if (row->meta.ack != STORE_ACK_DUE) {
		store_package_row_free(&row);
		return 0;
	}
	crashpoint("ack-before");
	rc = sync_call(c, "acknowledge", do_ack, &ref, err);
	if (rc == 0) {
		crashpoint("ack-after-provider");
		/* The deletion becomes due with the acknowledgement, atomically. */
		rc = store_package_ack_done(c->store, package_id, ack_policy_deletes(c->acct), err);
	}
	if (rc == 0) {
		crashpoint("ack-recorded");
		sync_audit(c, "package.acknowledged", ref.kep_id, ref.folder);
		c->rep->acknowledged++;
		log_info("%s: acknowledged %s", ref.folder, ref.kep_id);
		if (ack_policy_deletes(c->acct))
			delete_one(c, package_id, &ref);
	}
	if (rc < 0)
		kerr_prefix(err, "acknowledge %s", ref.kep_id);
	store_package_row_free(&row);
	return rc;
}

/* Deletions left due by an earlier run (killed, or the deletion failed). */
static void delete_due(struct sync_ctx *c)
{
	int64_t *ids = NULL;
	size_t n = 0, i;
	struct kerr err;

	if (!ack_policy_deletes(c->acct))
		return;
	if (store_provider_delete_due(c->store, c->acct->name, 1000, &ids, &n, &err) < 0) {
		sync_fail(c, NULL, NULL, &err);
		return;
	}
	for (i = 0; i < n && !c->fatal && !sync_stopping(c); i++) {
		struct store_package_row *row = NULL;
		struct kep_pkg_ref ref;

		if (load_ref(c, ids[i], &row, &ref, &err) < 0)
			sync_fail(c, NULL, NULL, &err);
		else
			delete_one(c, ids[i], &ref);
		store_package_row_free(&row);
	}
	free(ids);
}

void sync_ack_due(struct sync_ctx *c)
{
	int64_t *ids = NULL;
	size_t n = 0, i;
	struct kerr err;

	delete_due(c);
	if (!ack_policy_acks(c->acct) || c->fatal || sync_stopping(c))
		return;
	/* One pass: a failure stays due for the next run. */
	if (store_package_ack_due(c->store, c->acct->name, 1000, &ids, &n, &err) < 0) {
		sync_fail(c, NULL, NULL, &err);
		return;
	}
	for (i = 0; i < n && !c->fatal && !sync_stopping(c); i++)
		if (sync_ack_one(c, ids[i], &err) < 0)
			sync_fail(c, NULL, NULL, &err);
	free(ids);
}
