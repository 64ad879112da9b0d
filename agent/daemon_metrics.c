/* daemon_metrics.c: the Prometheus text exposition of /metrics.
 *
 * Per-account figures come from the schedulers, provider request counts and
 * latencies from the sync's hooks, verdict and queue counts from the store
 * (read on each scrape: they must survive restarts). */
#include "daemon_p.h"

#include <stdio.h>
#include <string.h>

#include "cms_verify.h"
#include "log.h"
#include "store.h"
#include "store_stats.h"

static const double bucket_le[] = { 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };

void daemon_metrics_request(struct daemon *d, const char *op, double seconds, int ok)
{
	struct op_metric *m = NULL;
	size_t i;

	pthread_mutex_lock(&d->mu);
	for (i = 0; i < d->n_ops; i++)
		if (strcmp(d->ops[i].name, op) == 0)
			m = &d->ops[i];
	if (m == NULL && d->n_ops < DAEMON_MAX_OPS) {
		m = &d->ops[d->n_ops++];
		snprintf(m->name, sizeof(m->name), "%s", op);
	}
	if (m != NULL) {
		if (ok)
			m->ok++;
		else
			m->failed++;
		m->seconds_sum += seconds;
		for (i = 0; i < sizeof(bucket_le) / sizeof(bucket_le[0]); i++)
			if (seconds <= bucket_le[i])
				m->bucket[i]++;
	}
	pthread_mutex_unlock(&d->mu);
}

static void render_accounts(struct daemon *d, struct kbuf *out)
{
	size_t i;

	kbuf_append_str(out,
		"# HELP kepagent_packages_synced_total Packages stored by refreshes since start.\n"
		"# TYPE kepagent_packages_synced_total counter\n");
	for (i = 0; i < d->n_scheds; i++)
		kbuf_printf(out, "kepagent_packages_synced_total{account=\"%s\"} %lu\n",
			    d->scheds[i]->st.name, d->scheds[i]->st.packages_synced);
	kbuf_append_str(out,
		"# HELP kepagent_evidence_synced_total Evidence items stored by refreshes since start.\n"
		"# TYPE kepagent_evidence_synced_total counter\n");
	for (i = 0; i < d->n_scheds; i++)
		kbuf_printf(out, "kepagent_evidence_synced_total{account=\"%s\"} %lu\n",
			    d->scheds[i]->st.name, d->scheds[i]->st.evidence_synced);
	kbuf_append_str(out,
		"# HELP kepagent_last_success_timestamp_seconds End of the last successful refresh.\n"
		"# TYPE kepagent_last_success_timestamp_seconds gauge\n");
	for (i = 0; i < d->n_scheds; i++)
		kbuf_printf(out, "kepagent_last_success_timestamp_seconds{account=\"%s\"} %.3f\n",
			    d->scheds[i]->st.name, (double)d->scheds[i]->st.last_success_ms / 1000.0);
	kbuf_append_str(out,
		"# HELP kepagent_consecutive_failures Refreshes failed in a row.\n"
		"# TYPE kepagent_consecutive_failures gauge\n");
	for (i = 0; i < d->n_scheds; i++)
		kbuf_printf(out, "kepagent_consecutive_failures{account=\"%s\"} %d\n",
			    d->scheds[i]->st.name, d->scheds[i]->st.consecutive_failures);
	kbuf_append_str(out,
		"# HELP kepagent_refreshing Whether a refresh of the account runs now.\n"
		"# TYPE kepagent_refreshing gauge\n");
	for (i = 0; i < d->n_scheds; i++)
		kbuf_printf(out, "kepagent_refreshing{account=\"%s\"} %d\n",
			    d->scheds[i]->st.name, d->scheds[i]->st.refreshing);
}

/* One gauge per account that has the figure (val() >= 0). */
static void render_quota_gauge(struct daemon *d, struct kbuf *out, const char *name,
			       const char *help, int64_t (*val)(const struct account_status *),
			       double scale)
{
	size_t i;

	kbuf_printf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
	for (i = 0; i < d->n_scheds; i++) {
		const struct account_status *st = &d->scheds[i]->st;

		if (st->quota_known && val(st) >= 0)
			kbuf_printf(out, "%s{account=\"%s\"} %.0f\n", name, st->name,
				    (double)val(st) * scale);
	}
}

static int64_t q_used(const struct account_status *st) { return st->quota_used_kb; }
static int64_t q_total(const struct account_status *st) { return st->quota_total_kb; }
static int64_t q_credit(const struct account_status *st) { return st->credit; }
static int64_t q_over(const struct account_status *st)
{
	return st->quota_used_kb >= 0 && st->quota_total_kb > 0 ? st->quota_over : -1;
}
static int64_t q_warn(const struct account_status *st) { return st->quota_warn_percent; }

/* The quota asked after each refresh: a full PTT mailbox blocks sending. */
static void render_quota(struct daemon *d, struct kbuf *out)
{
	render_quota_gauge(d, out, "kepagent_quota_used_bytes",
			   "Mailbox storage in use at the provider (KotaSorgula).", q_used, 1024);
	render_quota_gauge(d, out, "kepagent_quota_total_bytes",
			   "Mailbox storage quota at the provider (KotaSorgula).", q_total, 1024);
	render_quota_gauge(d, out, "kepagent_quota_warning",
			   "1 when the mailbox is at or above quota_warn_percent full.", q_over, 1);
	render_quota_gauge(d, out, "kepagent_quota_warn_percent",
			   "The account's quota warning threshold (percent).", q_warn, 1);
	render_quota_gauge(d, out, "kepagent_credit",
			   "Message credit (kontor) at the provider (KontorSorgula).", q_credit, 1);
}

static void render_ops(struct daemon *d, struct kbuf *out)
{
	size_t i, b;

	kbuf_append_str(out,
		"# HELP kepagent_provider_requests_total Requests to the provider by operation and outcome.\n"
		"# TYPE kepagent_provider_requests_total counter\n");
	for (i = 0; i < d->n_ops; i++) {
		kbuf_printf(out, "kepagent_provider_requests_total{op=\"%s\",result=\"ok\"} %lu\n",
			    d->ops[i].name, d->ops[i].ok);
		kbuf_printf(out, "kepagent_provider_requests_total{op=\"%s\",result=\"error\"} %lu\n",
			    d->ops[i].name, d->ops[i].failed);
	}
	kbuf_append_str(out,
		"# HELP kepagent_provider_request_seconds Latency of requests to the provider.\n"
		"# TYPE kepagent_provider_request_seconds histogram\n");
	for (i = 0; i < d->n_ops; i++) {
		const struct op_metric *m = &d->ops[i];

		for (b = 0; b < sizeof(bucket_le) / sizeof(bucket_le[0]); b++)
			kbuf_printf(out, "kepagent_provider_request_seconds_bucket{op=\"%s\",le=\"%g\"} %lu\n",
				    m->name, bucket_le[b], m->bucket[b]);
		kbuf_printf(out, "kepagent_provider_request_seconds_bucket{op=\"%s\",le=\"+Inf\"} %lu\n",
			    m->name, m->ok + m->failed);
		kbuf_printf(out, "kepagent_provider_request_seconds_sum{op=\"%s\"} %.6f\n",
			    m->name, m->seconds_sum);
		kbuf_printf(out, "kepagent_provider_request_seconds_count{op=\"%s\"} %lu\n",
			    m->name, m->ok + m->failed);
	}
}

static void render_store(struct daemon *d, struct kbuf *out)
{
	struct store_stats st = { 0 };
	struct kerr err = { 0 };
	struct store *s = daemon_store(d, &err);
	static const char *const what[] = { "packages", "evidence", "queue", "outbox" };
	static const char *const metric[] = { "kepagent_packages_by_verdict",
		"kepagent_evidence_by_verdict", "kepagent_queue_items", "kepagent_outbox_items" };
	size_t i, w;

	if (s == NULL || store_stats_collect(s, &st, &err) < 0) {
		log_warn("metrics: %s", err.msg);
		kbuf_append_str(out, "kepagent_store_up 0\n");
		return;
	}
	kbuf_append_str(out, "# HELP kepagent_store_up Whether the store could be read.\n"
			"# TYPE kepagent_store_up gauge\nkepagent_store_up 1\n");
	for (w = 0; w < ARRAY_SIZE(what); w++) {
		const char *label = w >= 2 ? "state" : "verdict";

		kbuf_printf(out, "# HELP %s Items in the store by %s.\n# TYPE %s gauge\n",
			    metric[w], label, metric[w]);
		for (i = 0; i < st.n; i++)
			if (strcmp(st.rows[i].what, what[w]) == 0)
				kbuf_printf(out, "%s{%s=\"%s\"} %lld\n", metric[w], label,
					    st.rows[i].label, (long long)st.rows[i].count);
	}
	store_stats_free(&st);
}

void daemon_metrics_render(struct daemon *d, struct kbuf *out)
{
	kbuf_printf(out, "# HELP kepagent_build_info The running kepagent's version (always 1).\n"
		    "# TYPE kepagent_build_info gauge\n"
		    "kepagent_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	kbuf_printf(out, "# HELP kepagent_start_timestamp_seconds When the daemon started.\n"
		    "# TYPE kepagent_start_timestamp_seconds gauge\n"
		    "kepagent_start_timestamp_seconds %.3f\n", (double)d->started_ms / 1000.0);
	/* A signer's chain is built once per configuration and account (the
	 * chain cache, kept across refreshes): this grows with new signers and
	 * after a reload, not with packages. */
	kbuf_printf(out, "# HELP kepagent_chain_builds_total Certificate chains built and judged "
		    "in full (not answered by the chain cache).\n"
		    "# TYPE kepagent_chain_builds_total counter\n"
		    "kepagent_chain_builds_total %lu\n", cms_verify_chain_builds());
	pthread_mutex_lock(&d->mu);
	render_accounts(d, out);
	render_quota(d, out);
	render_ops(d, out);
	pthread_mutex_unlock(&d->mu);
	render_store(d, out);
}
