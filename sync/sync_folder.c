/* sync_folder.c: mapping folder roles (inbox, sent) to the names the
 * provider lists. The contract says "ask, do not assume":
 * providers have shown INBOX.Sent and OUTBOX; a configured name always wins. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "sync_p.h"
#include "util.h"

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
