/* provider.c: driver lookup and the helpers every driver shares. */
#include "provider.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

extern const struct kep_driver kep_driver_ptt;

static const struct kep_driver *const drivers[] = {
	&kep_driver_ptt,
};

const struct kep_driver *kep_driver_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < ARRAY_SIZE(drivers); i++)
		if (strcasecmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}

const struct kep_driver *const *kep_drivers(size_t *n)
{
	*n = ARRAY_SIZE(drivers);
	return drivers;
}

int kep_officer_check(const struct kep_driver *drv, const struct kep_account_conf *c,
		      const char *account, int interactive, struct kerr *err)
{
	struct kep_login_info li = { 0 };

	drv->conf_login(c, &li);
	if (interactive || !li.needs_officer)
		return 0;
	return kerr_set(err, KERR_AUTH, "account %s logs in with %s and needs an officer: "
			"run `kepagent refresh --account %s`", account, li.mode, account);
}

int kep_quota_percent(const struct kep_quota *q)
{
	if (q->used_kb < 0 || q->total_kb <= 0)
		return -1;
	return (int)(q->used_kb * 100 / q->total_kb);
}

int kep_quota_over(const struct kep_quota *q, long warn_percent)
{
	int p = kep_quota_percent(q);

	return p >= 0 && p >= warn_percent;
}

void kep_quota_describe(const struct kep_quota *q, long warn_percent, char *out, size_t n)
{
	int pct = kep_quota_percent(q);
	size_t l = 0;

	out[0] = '\0';
	if (q->used_kb >= 0 && q->total_kb > 0)
		l = (size_t)snprintf(out, n, "%.1f MB of %.1f MB used (%d%%)",
				     (double)q->used_kb / 1024.0, (double)q->total_kb / 1024.0, pct);
	else if (q->used_kb >= 0)
		l = (size_t)snprintf(out, n, "%.1f MB used (quota not answered)",
				     (double)q->used_kb / 1024.0);
	else if (q->total_kb >= 0)
		l = (size_t)snprintf(out, n, "quota %.1f MB (use not answered)",
				     (double)q->total_kb / 1024.0);
	if (l < n && q->credit >= 0)
		l += (size_t)snprintf(out + l, n - l, "%scredit %lld", l ? ", " : "",
				      (long long)q->credit);
	if (l < n && kep_quota_over(q, warn_percent))
		snprintf(out + l, n - l, "; above the %ld%% warning: sending is blocked once the "
			 "mailbox is full: delete old packages at the provider or raise the quota",
			 warn_percent);
}

int kep_err_retryable(const struct kerr *e)
{
	return e->cls == KERR_TRANSIENT;
}

void kep_send_result_clear(struct kep_send_result *r)
{
	free(r->kep_id);
	free(r->mesaj_id);
	free(r->ehash);
	memset(r, 0, sizeof(*r));
}

void kep_folder_list_free(struct kep_folder_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->names[i]);
	free(l->names);
	memset(l, 0, sizeof(*l));
}

void kep_package_list_free(struct kep_package_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct kep_package_info *p = &l->items[i];

		free(p->kep_id);
		free(p->message_id);
		free(p->from);
		free(p->from_kep);
		free(p->subject);
		free(p->kind);
		free(p->kind_id);
		free(p->seq_text);
		free(p->error);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}

void kep_evidence_list_free(struct kep_evidence_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		struct kep_evidence_info *e = &l->items[i];

		free(e->id);
		free(e->text);
		free(e->time_text);
		free(e->issuer);
		free(e->error);
	}
	free(l->items);
	memset(l, 0, sizeof(*l));
}
