/* Unit test of what a failed request says about its effect
 * (err->not_performed, kep/provider/http.h): set only when the request
 * provably never left (nothing listens on the port) or the server said it
 * did not handle it (HTTP 503, 429, 401); never for an answer that broke off
 * after the request was read, an HTML 500 or a gateway's 502/504, after which
 * a submission may have been performed. A one-connection HTTP server runs
 * in a child process on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "http.h"
#include "util.h"

static const char body[] = "<Envelope/>";

/* A listening socket on a free loopback port. */
static int listen_any(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* Serves one connection: reads the whole request, then answers `answer`
 * (NULL: closes without a byte). Returns the child's pid. */
static pid_t serve_once(int lfd, const char *answer)
{
	pid_t pid = fork();
	char buf[4096];
	size_t got = 0;
	ssize_t n;
	int c;

	assert_true(pid >= 0);
	if (pid > 0) {
		close(lfd);
		return pid;
	}
	c = accept(lfd, NULL, NULL);
	if (c < 0)
		_exit(1);
	/* Headers and the body of known length: the request reached us. */
	while (got < sizeof(buf) - 1 && (n = read(c, buf + got, sizeof(buf) - 1 - got)) > 0) {
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n") && strstr(buf, body))
			break;
	}
	if (answer != NULL && write(c, answer, strlen(answer)) < 0)
		_exit(1);
	close(c);
	_exit(0);
}

/* POSTs once (a submission: a fresh connection) to port; returns the
 * result and fills resp/err. */
static int post(int port, struct http_response *resp, struct kerr *err)
{
	struct http_opts o = { .connect_timeout_s = 5, .transfer_timeout_s = 10 };
	struct http_session *s = http_session_new(&o, err);
	char url[64];
	int rc;

	assert_non_null(s);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/ws", port);
	memset(err, 0, sizeof(*err));
	err->not_performed = 7;  /* must be set either way */
	rc = http_post_soap(s, url, "Yukle", body, strlen(body), 1, resp, err);
	http_session_free(&s);
	return rc;
}

static void reap(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
}

static void test_nothing_listens(void **state)
{
	struct http_response resp;
	struct kerr err;
	int port, fd = listen_any(&port);

	(void)state;
	close(fd);      /* the port is free: connect is refused */
	assert_int_equal(post(port, &resp, &err), -1);
	assert_int_equal(err.cls, KERR_TRANSIENT);
	assert_int_equal(err.not_performed, 1);
}

static void test_closed_after_request(void **state)
{
	struct http_response resp;
	struct kerr err;
	int port, fd = listen_any(&port);
	pid_t pid = serve_once(fd, NULL);

	(void)state;
	assert_int_equal(post(port, &resp, &err), -1);
	assert_int_equal(err.cls, KERR_TRANSIENT);
	/* Read and perhaps performed: unknown. */
	assert_int_equal(err.not_performed, 0);
	reap(pid);
}

static void test_cut_off_answer(void **state)
{
	struct http_response resp;
	struct kerr err;
	int port, fd = listen_any(&port);
	pid_t pid = serve_once(fd, "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n<Env");

	(void)state;
	assert_int_equal(post(port, &resp, &err), -1);
	assert_int_equal(err.not_performed, 0);
	reap(pid);
}

/* An answered status: http_status_check's verdict on its effect. */
static void status_case(const char *line, int not_performed)
{
	struct http_response resp;
	struct kerr err;
	int port, fd = listen_any(&port);
	char *answer = xasprintf("HTTP/1.1 %s\r\nContent-Type: text/html\r\nContent-Length: 5\r\n"
				 "Connection: close\r\n\r\nhello", line);
	pid_t pid = serve_once(fd, answer);

	assert_int_equal(post(port, &resp, &err), 0);
	reap(pid);
	kerr_clear(&err);
	assert_int_equal(http_status_check(&resp, &err), -1);
	if (err.not_performed != not_performed)
		fail_msg("HTTP %s: not_performed %d, expected %d", line, err.not_performed,
			 not_performed);
	http_response_free(&resp);
	free(answer);
}

static void test_statuses(void **state)
{
	(void)state;
	status_case("503 Service Unavailable", 1);
	status_case("429 Too Many Requests", 1);
	status_case("401 Unauthorized", 1);
	status_case("500 Internal Server Error", 0);
	status_case("502 Bad Gateway", 0);
	status_case("504 Gateway Timeout", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_listens),
		cmocka_unit_test(test_closed_after_request),
		cmocka_unit_test(test_cut_off_answer),
		cmocka_unit_test(test_statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
