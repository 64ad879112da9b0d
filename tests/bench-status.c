/* bench-status.c: status lookups per second and their latency (p50, p99),
 * in-process (status_lookup_write: the text the API sends, on a store
 * connection per thread) and over HTTP on loopback (libcurl, one keep-alive connection per thread, against a
 * running `kepagent run`). Not a test: tests/bench-status.sh drives it.
 *
 * Each line also gives the CPU time per lookup, which holds on a loaded
 * machine where the rate does not: in-process the bench's own, over HTTP
 * the server's (BENCH_SERVER_PID, from /proc) and the clients'.
 *
 * Then one client asks batches of BENCH_BATCH (default 500) random keys, in
 * process (status_lookup_batch_write) and with POST /v1/status.
 *
 * Usage: bench-status STORE KEYS-FILE THREADS SECONDS [URL TOKEN-FILE] */
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <jansson.h>

#include "store.h"
#include "status_lookup.h"
#include "util.h"

struct run {
	const char *store, *url, *token;
	char **keys;
	size_t n_keys;
	double seconds;
	int http;
	size_t batch;       /* keys per request; 0: one key, GET */
};

struct worker {
	const struct run *r;
	unsigned seed;
	double *lat;        /* microseconds */
	size_t n, cap, found, errors;
	pthread_t th;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void record(struct worker *w, double us)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 4096;
		w->lat = xrealloc(w->lat, w->cap * sizeof(*w->lat));
	}
	w->lat[w->n++] = us;
}

static size_t sink(char *p, size_t sz, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return sz * n;
}

static size_t count_found(json_t *results)
{
	size_t i, n = 0;
	json_t *x;

	json_array_foreach(results, i, x)
		n += json_is_true(json_object_get(x, "found"));
	return n;
}

struct body {
	struct kbuf b;
};

static size_t keep(char *p, size_t sz, size_t n, void *arg)
{
	kbuf_append(&((struct body *)arg)->b, p, sz * n);
	return sz * n;
}

/* One request of r->batch random keys. */
static void one_batch(struct worker *w, struct store *st, CURL *c)
{
	const struct run *r = w->r;
	const char **keys = xcalloc(r->batch, sizeof(*keys));
	json_t *j = NULL, *arr = json_array();
	struct kerr err;
	size_t i;

	for (i = 0; i < r->batch; i++) {
		keys[i] = r->keys[rand_r(&w->seed) % r->n_keys];
		json_array_append_new(arr, json_string(keys[i]));
	}
	if (c == NULL) {
		/* What the API sends: the text, parsed here to count (as the
		 * HTTP client does). */
		struct kbuf text = { 0 };

		if (status_lookup_batch_write(st, keys, r->batch, &text, &err) < 0 ||
		    (j = json_loadb((const char *)text.data, text.len, 0, NULL)) == NULL)
			w->errors++;
		kbuf_free(&text);
	} else {
		json_t *req = json_pack("{s:o}", "keys", arr);
		char *body = json_dumps(req, JSON_COMPACT);
		struct body out = { { 0 } };
		long code = 0;

		json_decref(req);
		arr = NULL;
		curl_easy_setopt(c, CURLOPT_URL, r->url);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
		if (curl_easy_perform(c) != CURLE_OK)
			w->errors++;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code != 200 || (j = json_loadb((const char *)out.b.data, out.b.len, 0, NULL)) == NULL)
			w->errors++;
		kbuf_free(&out.b);
		free(body);
	}
	if (j != NULL) {
		json_t *res = json_object_get(j, "results");

		if (json_array_size(res) != r->batch)
			w->errors++;
		w->found += count_found(res);
	}
	json_decref(j);
	json_decref(arr);
	free(keys);
}

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct run *r = w->r;
	struct store *st = NULL;
	struct curl_slist *h = NULL;
	CURL *c = NULL;
	struct kerr err;
	double end;

	if (r->http) {
		char *auth = xasprintf("Authorization: Bearer %s", r->token);

		c = curl_easy_init();
		h = curl_slist_append(NULL, auth);
		free(auth);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	} else if (store_open(r->store, &st, &err) < 0) {
		fprintf(stderr, "bench-status: %s\n", err.msg);
		return NULL;
	}
	if (c != NULL && r->batch > 0) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	}
	end = now_s() + r->seconds;
	while (now_s() < end) {
		const char *key = r->keys[rand_r(&w->seed) % r->n_keys];
		double t0 = now_s();

		if (r->batch > 0) {
			one_batch(w, st, c);
		} else if (r->http) {
			char *esc = curl_easy_escape(c, key, 0), *url;
			long code = 0;

			url = xasprintf("%s/v1/status/%s", r->url, esc);
			curl_free(esc);
			curl_easy_setopt(c, CURLOPT_URL, url);
			if (curl_easy_perform(c) != CURLE_OK)
				w->errors++;
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
			free(url);
			if (code == 200)
				w->found++;
			else if (code != 404)
				w->errors++;
		} else {
			struct kbuf text = { 0 };
			int found;

			if (status_lookup_write(st, key, &text, &found, &err) < 0)
				w->errors++;
			else
				w->found += found;
			kbuf_free(&text);
		}
		record(w, (now_s() - t0) * 1e6);
	}
	curl_slist_free_all(h);
	if (c != NULL)
		curl_easy_cleanup(c);
	store_close(&st);
	return NULL;
}

/* CPU seconds of this process. */
static double self_cpu(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* CPU seconds of the server (BENCH_SERVER_PID), or -1. */
static double server_cpu(void)
{
	const char *pid = getenv("BENCH_SERVER_PID");
	unsigned long ut, st;
	char path[64], buf[1024], *p;
	FILE *f;
	size_t n;
	int i;

	if (pid == NULL || *pid == '\0')
		return -1;
	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields 14 and 15 (utime, stime), counted after the ")" of the name. */
	if ((p = strrchr(buf, ')')) == NULL)
		return -1;
	for (i = 2; i < 14 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p, " %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void bench(struct run *r, int threads, const char *name)
{
	struct worker *w = xcalloc((size_t)threads, sizeof(*w));
	size_t n = 0, found = 0, errors = 0, i, k;
	double *all, t0, el, cpu0 = self_cpu(), srv0 = r->http ? server_cpu() : -1, cpu, srv;
	int t;

	t0 = now_s();
	for (t = 0; t < threads; t++) {
		w[t].r = r;
		w[t].seed = 1234u + (unsigned)t;
		pthread_create(&w[t].th, NULL, work, &w[t]);
	}
	for (t = 0; t < threads; t++) {
		pthread_join(w[t].th, NULL);
		n += w[t].n;
		found += w[t].found;
		errors += w[t].errors;
	}
	el = now_s() - t0;
	cpu = self_cpu() - cpu0;
	srv = srv0 >= 0 ? server_cpu() - srv0 : -1;
	all = xmalloc((n ? n : 1) * sizeof(*all));
	for (t = 0, k = 0; t < threads; t++)
		for (i = 0; i < w[t].n; i++)
			all[k++] = w[t].lat[i];
	qsort(all, n, sizeof(*all), cmp);
	printf("%-10s %d threads: %zu %s in %.1f s = %.0f %s/s; latency p50 %.0f us,"
	       " p99 %.0f us; ", name, threads, n, r->batch ? "batches" : "lookups", el, (double)n / el,
	       r->batch ? "batches" : "lookups",
	       n ? all[n / 2] : 0.0, n ? all[(size_t)((double)n * 0.99)] : 0.0);
	printf("CPU per %s%s %.0f us", r->batch ? "batch" : "lookup", r->http ? ": clients" : "",
	       n ? cpu * 1e6 / (double)n : 0.0);
	if (srv >= 0)
		printf(", server %.0f us", n ? srv * 1e6 / (double)n : 0.0);
	if (r->batch)
		printf(", min %.0f us", n ? all[0] : 0.0);
	printf("; ");
	printf("%zu found, %zu errors\n", found, errors);
	for (t = 0; t < threads; t++)
		free(w[t].lat);
	free(w);
	free(all);
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	struct kbuf b = { 0 }, tok = { 0 };
	struct kerr err;
	char *s, *line, *save = NULL, *url;
	size_t batch;
	int threads;
	size_t i;

	if (argc != 5 && argc != 7) {
		fprintf(stderr, "usage: bench-status STORE KEYS THREADS SECONDS [URL TOKEN-FILE]\n");
		return 2;
	}
	r.store = argv[1];
	threads = atoi(argv[3]);
	r.seconds = atof(argv[4]);
	if (read_file(argv[2], 64u << 20, &b, &err) < 0) {
		fprintf(stderr, "bench-status: %s\n", err.msg);
		return 1;
	}
	s = (char *)kbuf_cstr(&b);
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		r.keys = xrealloc(r.keys, (r.n_keys + 1) * sizeof(*r.keys));
		r.keys[r.n_keys++] = line;
	}
	if (r.n_keys == 0 || threads < 1)
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	bench(&r, threads, "in-process");
	batch = getenv("BENCH_BATCH") ? (size_t)atoi(getenv("BENCH_BATCH")) : 500;
	if (batch > 0) {
		r.batch = batch;
		bench(&r, 1, "batch-in-process");
		r.batch = 0;
	}
	if (argc == 7) {
		if (read_file(argv[6], 4096, &tok, &err) < 0) {
			fprintf(stderr, "bench-status: %s\n", err.msg);
			return 1;
		}
		s = (char *)kbuf_cstr(&tok);
		s[strcspn(s, "\r\n")] = '\0';
		r.token = s;
		r.url = argv[5];
		r.http = 1;
		bench(&r, threads, "HTTP");
		if (batch > 0) {
			r.batch = batch;
			r.url = url = xasprintf("%s/v1/status", argv[5]);
			bench(&r, 1, "batch-HTTP");
			free(url);
		}
		kbuf_free(&tok);
	}
	for (i = 0; i < r.n_keys; i++)
		r.keys[i] = NULL;
	free(r.keys);
	kbuf_free(&b);
	curl_global_cleanup();
	return 0;
}
