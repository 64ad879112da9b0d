/* http.c: see http.h. */
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "log.h"
#include "util.h"

struct http_session {
	CURL *curl;
	CURLM *multi;          /* holds the connection cache between requests */
	char *ca_file;
	char *proxy;
	long connect_timeout_s;
	long transfer_timeout_s;
	long long max_body;
	char *tmp_dir;
	volatile sig_atomic_t *stop;
};

/* Response headers above this are refused (curl's own limit reports
 * "Out of memory", which would be retried as if the machine were short). */
#define HEADERS_MAX (64 * 1024)

struct sink {
	int fd;
	off_t len;
	long long max;
	int write_errno;
	int too_big;
	size_t header_len;
	int headers_too_big;
	volatile sig_atomic_t *stop;
	int stopped;
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int http_tmpfile(const char *dir, struct kerr *err)
{
	if (dir == NULL || *dir == '\0')
		dir = getenv("TMPDIR");
	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	return tmpfile_in(dir, "kepagent-http", err);
}

struct http_session *http_session_new(const struct http_opts *o, struct kerr *err)
{
	struct http_session *s;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		kerr_set(err, KERR_INTERNAL, "libcurl initialisation failed: %s",
			 curl_easy_strerror(curl_init_rc));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->curl = curl_easy_init();
	s->multi = curl_multi_init();
	if (s->curl == NULL || s->multi == NULL) {
		if (s->curl != NULL)
			curl_easy_cleanup(s->curl);
		if (s->multi != NULL)
			curl_multi_cleanup(s->multi);
		free(s);
		kerr_set(err, KERR_INTERNAL, "curl_easy_init failed");
		return NULL;
	}
	s->ca_file = o->ca_file ? xstrdup(o->ca_file) : NULL;
	s->proxy = o->proxy ? xstrdup(o->proxy) : NULL;
	s->tmp_dir = o->tmp_dir ? xstrdup(o->tmp_dir) : NULL;
	s->connect_timeout_s = o->connect_timeout_s > 0 ? o->connect_timeout_s : 30;
	s->transfer_timeout_s = o->transfer_timeout_s > 0 ? o->transfer_timeout_s : 300;
	s->max_body = o->max_body > 0 ? o->max_body : 128LL * 1024 * 1024;
	s->stop = o->stop;
	return s;
}

void http_session_free(struct http_session **sp)
{
	struct http_session *s = *sp;

	if (s == NULL)
		return;
	curl_multi_cleanup(s->multi);
	curl_easy_cleanup(s->curl);
	free(s->ca_file);
	free(s->proxy);
	free(s->tmp_dir);
	free(s);
	*sp = NULL;
}

void http_response_free(struct http_response *r)
{
	free(r->content_type);
	r->content_type = NULL;
	if (r->body_fd >= 0)
		close(r->body_fd);
	r->body_fd = -1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *k = arg;
	size_t len = size * nmemb;

	(void)data;
	k->header_len += len;
	if (k->header_len > HEADERS_MAX) {
		k->headers_too_big = 1;
		return 0;
	}
	return len;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct sink *k = arg;
	size_t len = size * nmemb, done = 0;
	ssize_t n;

	if (k->len + (off_t)len > k->max) {
		k->too_big = 1;
		return 0;
	}
	while (done < len) {
		n = write(k->fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			k->write_errno = errno;
			return 0;
		}
		done += (size_t)n;
	}
	k->len += (off_t)len;
	return len;
}

/* libcurl calls this often while data flows and about once a second while
 * the server is silent: a stop request ends even a hung answer at once,
 * not after the transfer timeout (systemd's stop timeout is 30 s). */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct sink *k = arg;

	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	if (k->stop != NULL && *k->stop) {
		k->stopped = 1;
		return 1;
	}
	return 0;
}

/* curl_easy_perform(), but driven through the session's multi handle so the
 * stop flag is looked at every 100 ms even while the server says nothing
 * (the progress callback alone runs only about once a second then, too
 * slow for a stop within 2 s on a busy machine). */
static CURLcode perform(struct http_session *s, struct sink *k)
{
	CURLcode res = CURLE_FAILED_INIT;
	CURLMsg *msg;
	int running = 1, left;

	if (curl_multi_add_handle(s->multi, s->curl) != CURLM_OK)
		return CURLE_FAILED_INIT;
	for (;;) {
		if (curl_multi_perform(s->multi, &running) != CURLM_OK)
			goto out;
		if (!running)
			break;
		if (k->stop != NULL && *k->stop) {
			k->stopped = 1;
			res = CURLE_ABORTED_BY_CALLBACK;
			goto out;
		}
		if (curl_multi_poll(s->multi, NULL, 0, 100, NULL) != CURLM_OK)
			goto out;
	}
	while ((msg = curl_multi_info_read(s->multi, &left)) != NULL)
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == s->curl)
			res = msg->data.result;
out:
	curl_multi_remove_handle(s->multi, s->curl);
	return res;
}

/* Plain http is accepted for loopback test servers only: credentials travel
 * in every request, so anything else must be TLS. */
static int url_allowed(const char *url)
{
	static const char *const loopback[] = {
		"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:",
		"http://localhost/", "http://[::1]:", "http://[::1]/",
	};
	size_t i;

	if (strncasecmp(url, "https://", 8) == 0)
		return 1;
	for (i = 0; i < ARRAY_SIZE(loopback); i++)
		if (strncasecmp(url, loopback[i], strlen(loopback[i])) == 0)
			return 1;
	return 0;
}

static int classify_curl(CURLcode rc, struct kerr *err, const char *url, const char *detail)
{
	const char *what = detail[0] ? detail : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_OUT_OF_MEMORY:
		/* What curl 7.x reports for a response header line above its own
		 * limit (100 KiB): a hostile answer, not worth retrying. */
		return kerr_set(err, KERR_PERMANENT,
				"%s: response refused by libcurl (a header line above its limit, "
				"or out of memory)", url);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return kerr_set(err, KERR_PERMANENT, "%s: %s", url, what);
	default:
		return kerr_set(err, KERR_TRANSIENT, "%s: %s", url, what);
	}
}

/* 1 when the request provably never left: the failure is one of setting up
 * the connection (name, TCP, TLS), which comes before any byte of the
 * request, and curl counted none sent. A fresh connection is assumed (the
 * `once` requests); on a reused one curl would have tried again itself. */
static int never_sent(CURL *c, CURLcode rc)
{
	long sent = -1;

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
		break;
	default:
		return 0;
	}
	return curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &sent) == CURLE_OK && sent == 0;
}

int http_post_soap(struct http_session *s, const char *url, const char *action,
		   const void *body, size_t len, int once, struct http_response *resp,
		   struct kerr *err)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	struct sink k = { .fd = -1 };
	char *soapaction;
	const char *ct = NULL;
	CURLcode rc;
	CURL *c = s->curl;

	resp->status = 0;
	resp->content_type = NULL;
	resp->body_fd = -1;
	resp->body_len = 0;
	resp->retry_after_s = -1;
	resp->date_ms = 0;
	/* Failures before the transfer: nothing left. */
	if (!url_allowed(url)) {
		kerr_set(err, KERR_CONFIG,
			 "endpoint %s: only https:// (or http:// on loopback) is allowed", url);
		goto unsent;
	}
	k.fd = http_tmpfile(s->tmp_dir, err);
	if (k.fd < 0)
		goto unsent;
	k.max = s->max_body;
	k.stop = s->stop;

	soapaction = xasprintf("SOAPAction: \"urn:%s\"", action);
	hdrs = curl_slist_append(hdrs, "Content-Type: text/xml; charset=UTF-8");
	hdrs = curl_slist_append(hdrs, soapaction);
	hdrs = curl_slist_append(hdrs, "Expect:");
	free(soapaction);

	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (s->ca_file != NULL) {
		/* Only ca_file is trusted: no built-in CA directory beside it, which would
		 * also trust the system's CAs for the provider (and read each of them). */
		curl_easy_setopt(c, CURLOPT_CAINFO, s->ca_file);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
	/* An empty string disables proxies, including the environment's. */
	curl_easy_setopt(c, CURLOPT_PROXY, s->proxy ? s->proxy : "");
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s->connect_timeout_s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, s->transfer_timeout_s);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_POST, 1L);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &k);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &k);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	if (s->stop != NULL) {
		curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
		curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
		curl_easy_setopt(c, CURLOPT_XFERINFODATA, &k);
	}
	curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, once ? 1L : 0L);

	rc = perform(s, &k);
	/* The request body held credentials: curl must not keep a pointer to it. */
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK) {
		close(k.fd);
		if (k.stopped)
			return kerr_set(err, KERR_INTERRUPTED, "%s %s: abandoned (stop requested)",
					url, action);
		if (k.too_big)
			return kerr_set(err, KERR_PERMANENT, "%s: response larger than %lld bytes",
					url, k.max);
		if (k.headers_too_big)
			return kerr_set(err, KERR_PERMANENT,
					"%s: response headers larger than %d bytes", url, HEADERS_MAX);
		if (k.write_errno)
			return kerr_errno(err, KERR_IO, k.write_errno,
					  "cannot write the response to a temporary file");
		classify_curl(rc, err, url, errbuf);
		if (err != NULL)
			err->not_performed = never_sent(c, rc);
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	resp->content_type = xstrdup(ct ? ct : "");
	resp->body_len = k.len;
	{
		/* curl reads both forms: delay-seconds and an HTTP-date (made
		 * relative to now; a date in the past is 0). */
		curl_off_t ra = -1;

		if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
			resp->retry_after_s = (long long)ra;
	}
	{
		/* The provider's clock: what its folder windows are dated by. */
		struct curl_header *h;
		time_t t;

		if (curl_easy_header(c, "Date", 0, CURLH_HEADER, -1, &h) == CURLHE_OK &&
		    (t = curl_getdate(h->value, NULL)) > 0)
			resp->date_ms = (int64_t)t * 1000;
	}
	if (lseek(k.fd, 0, SEEK_SET) < 0) {
		kerr_errno(err, KERR_IO, errno, "lseek on the response file");
		close(k.fd);
		free(resp->content_type);
		resp->content_type = NULL;
		return -1;
	}
	resp->body_fd = k.fd;
	log_debug("POST %s %s: HTTP %ld, %lld bytes, %s", url, action, resp->status,
		  (long long)k.len, resp->content_type);
	return 0;
unsent:
	if (err != NULL)
		err->not_performed = 1;
	return -1;
}

int http_status_check(const struct http_response *resp, struct kerr *err)
{
	long status = resp->status;

	if (status >= 200 && status < 300)
		return 0;
	if (status == 401 || status == 403) {
		kerr_set(err, KERR_AUTH, "the provider refused access (HTTP %ld)", status);
		if (err != NULL)
			err->not_performed = 1;
		return -1;
	}
	if (status >= 500 || status == 429) {
		kerr_set(err, KERR_TRANSIENT, "provider %s (HTTP %ld)",
			 status == 429 ? "busy" : "error", status);
		/* 503 and 429 say the request was not handled (RFC 9110 15.6.4,
		 * RFC 6585 4); a 500 or a gateway's 502/504 do not say that.
		 * Kept after reading the public clients (issue 17's review): PTT's
		 * own .NET API (EYazismaYukle, EYazismaSmimeGonder) catches every
		 * failure of the call alike, logs "Web Servisten Yanıt Alınamadı"
		 * and returns null, and the Node client (ptt-kep) lets node-soap's
		 * error through: neither retries, nor tells a 503 from a 500, so
		 * they give no provider-specific reason to doubt the RFCs. The
		 * proxies in front of such services answer 503 or 429 when they did
		 * not forward the request (no back end, a rate limit, maintenance);
		 * a back end lost after forwarding is 502 or 504. And no retry is
		 * blind: sync/send.c asks the sent folder before submitting again
		 * (a package the provider took after all is adopted), up to
		 * max_attempts, then parks the item. Left: a provider whose own
		 * back end answered 503 after taking the package and lists it only
		 * after the next run. To count them as unknown instead, drop them
		 * here: every 503/429 then ends parked for a person. */
		if (err != NULL)
			err->not_performed = status == 503 || status == 429;
		if (resp->retry_after_s > 0 && err != NULL) {
			size_t l = strlen(err->msg);

			err->retry_after_ms = resp->retry_after_s * 1000;
			snprintf(err->msg + l, sizeof(err->msg) - l, ", Retry-After %llds",
				 resp->retry_after_s);
		}
		return -1;
	}
	return kerr_set(err, KERR_PERMANENT, "unexpected HTTP status %ld", status);
}
