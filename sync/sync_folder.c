/* sync_folder.c: the provider's folder list (asked for once a day, see
 * sync_p.h) and mapping folder roles (inbox, sent) to the names it lists.
 * The contract says "ask, do not assume": providers have shown INBOX.Sent
 * and OUTBOX; a configured name always wins. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "store_folder_list.h"
#include "sync_p.h"
#include "util.h"

static int do_folders(struct sync_ctx *c, void *arg, struct kerr *err)
{
	return c->drv->list_folders(c->sess, arg, err);
}

int sync_folders(struct sync_ctx *c, struct kep_folder_list *l, struct kerr *err)
{
	int64_t now = now_ms();
	struct kerr e;
	int rc;

	rc = store_folders_get(c->store, c->acct->name, now - SYNC_FOLDERS_TTL_S * 1000LL,
			       &l->names, &l->n, &e);
	if (rc > 0)
		return 0;
	if (rc < 0)
		log_warn("%s (asking the provider)", e.msg);
	if (sync_call(c, "list_folders", do_folders, l, err) < 0)
		return -1;
	if (store_folders_put(c->store, c->acct->name, l->names, l->n, now, &e) < 0)
		log_warn("%s (the next run asks the provider again)", e.msg);
	return 0;
}

void sync_folders_forget(struct sync_ctx *c)
{
	struct kerr e;

	if (store_folders_forget(c->store, c->acct->name, &e) < 0)
		log_warn("%s", e.msg);
}

static int contains_ci(const char *s, const char *needle)
{
	return strcasestr(s, needle) != NULL;
}

static const char *find_inbox(const struct kep_folder_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->names[i], "INBOX") == 0)
			return l->names[i];
	for (i = 0; i < l->n; i++)
		if ((contains_ci(l->names[i], "INBOX") || contains_ci(l->names[i], "GELEN")) &&
		    !contains_ci(l->names[i], "sent"))
			return l->names[i];
	return NULL;
}

static const char *find_sent(const struct kep_folder_list *l)
{
	static const char *const exact[] = { "INBOX.Sent", "OUTBOX", "Sent", "GIDEN", "Giden",
					     "Gönderilen", "Sent Items" };
	static const char *const part[] = { "sent", "outbox", "giden", "gönderil" };
	size_t i, j;

	for (j = 0; j < ARRAY_SIZE(exact); j++)
		for (i = 0; i < l->n; i++)
			if (strcasecmp(l->names[i], exact[j]) == 0)
				return l->names[i];
	for (j = 0; j < ARRAY_SIZE(part); j++)
		for (i = 0; i < l->n; i++)
			if (contains_ci(l->names[i], part[j]))
				return l->names[i];
	return NULL;
}

static char *pick(const char *role, const char *configured, const char *found,
		  const struct kep_folder_list *l)
{
	size_t i;

	if (configured != NULL) {
		for (i = 0; i < l->n && strcmp(l->names[i], configured) != 0; i++)
			;
		if (i == l->n)
			log_warn("folder role %s: configured folder '%s' is not among the %zu the "
				 "provider lists; using it anyway", role, configured, l->n);
		else
			log_info("folder role %s: '%s' (configured)", role, configured);
		return xstrdup(configured);
	}
	if (found == NULL) {
		log_warn("folder role %s: no folder the provider lists looks like one; set "
			 "folders.%s in the configuration", role, role);
		return NULL;
	}
	log_info("folder role %s: '%s' (mapped automatically)", role, found);
	return xstrdup(found);
}

void sync_map_roles(const struct account_config *acct, const struct kep_folder_list *l,
		    char **inbox_r, char **sent_r)
{
	*inbox_r = pick("inbox", acct->folder_inbox, find_inbox(l), l);
	*sent_r = pick("sent", acct->folder_sent, find_sent(l), l);
	if (*inbox_r != NULL && *sent_r != NULL && strcmp(*inbox_r, *sent_r) == 0) {
		log_warn("folder roles inbox and sent both map to '%s'; syncing it as inbox only",
			 *inbox_r);
		free(*sent_r);
		*sent_r = NULL;
	}
}
