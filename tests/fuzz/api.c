/* libFuzzer target: the local API as a client reaches it. Each input is the
 * bytes of one HTTP connection (request line, headers, body; several
 * requests when kept alive), sent over loopback TCP to a real api_server
 * with the real route table (agent/api_routes.c) and a real daemon and store
 * behind it: libmicrohttpd's request parsing (percent-decoding of the path
 * and query, headers, chunked bodies, the multipart/form-data splitting of
 * POST /v1/outbox), then the frame's routing, token, size limits and JSON
 * bodies, and each handler's path and query parameters. The store holds
 * queued packages, two of them leased to the seeds' Kep-Lease and one with
 * parts, so queue items and downloads (ETag, Range) are reached, and two
 * parked outbox items (the first signed, so resubmittable; the second not),
 * so a person's resubmit and abandon are reached; the daemon's refreshes do
 * nothing. At exit the server and the daemon are stopped, before OpenSSL's
 * own exit handler runs (see cleanup). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include "api_routes.h"
#include "api_server.h"
#include "config.h"
#include "daemon.h"
#include "store.h"
#include "store_account.h"
#include "store_outbox.h"
#include "store_package.h"
#include "store_queue.h"

#define TOKEN "fuzz-api-token-0123456789abcdef"
#define LEASE "00112233445566778899aabbccddeeff"

/* The trust anchor: a self-signed EC certificate of no one. */
static const char ROOT_PEM[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBiDCCAS2gAwIBAgIUbNf/fOGHp8V2Pb7VOTUyAzDvIz8wCgYIKoZIzj0EAwIw\n"
	"GDEWMBQGA1UEAwwNZnV6ei1hcGkgcm9vdDAgFw0yNjEyMDMxOTMwMDZaGA8yMTI2\n"
	"MTEwOTE5MzAwNlowGDEWMBQGA1UEAwwNZnV6ei1hcGkgcm9vdDBZMBMGByqGSM49\n"
	"AgEGCCqGSM49AwEHA0IABLLjdaTZ3v2W3kHV2e+UA99RDV2S3caxA96KqYtpczP4\n"
	"XfaMWAR8QCUwtH6uDF2p7U6tMRufywqgN6N018d/3KyjUzBRMB0GA1UdDgQWBBQF\n"
	"03QrUHL9X1bSjPF1RzYx0qOqHDAfBgNVHSMEGDAWgBQF03QrUHL9X1bSjPF1RzYx\n"
	"0qOqHDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQC/Imner8tN\n"
	"yXUXEDNgCeia6k4c2CaYRy7hBbFz/jgtaQIhAMkeEd8VYZRAi/ZzEyToy3PRNH2G\n"
	"m+sKn4JBIGo+sGhO\n"
	"-----END CERTIFICATE-----\n";

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/fuzz-api-XXXXXX";
static struct daemon *dmn;
static struct api_server *srv;
static unsigned short port;

static int no_sync(struct daemon *d, const struct config *cfg,
		   const struct account_config *acct, volatile sig_atomic_t *stop,
		   struct daemon_sync_result *res, struct kerr *err)
{
	(void)d, (void)cfg, (void)acct, (void)stop, (void)err;
	memset(res, 0, sizeof(*res));
	return 0;
}

static void die(const char *what, const struct kerr *err)
{
	fprintf(stderr, "fuzz-api: %s: %s\n", what, err != NULL ? err->msg : strerror(errno));
	exit(1);
}

static void write_text(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		die(path, NULL);
}

/* Outbox items 1 and 2, both parked by the reconciliation (their answer
 * lost, not in the sent folder); item 1 with its signed S/MIME package, so
 * a resubmission is taken; item 2 parked before it was signed, so only
 * abandoning it is. */
static void seed_outbox(struct store *st)
{
	static const struct store_recipient to = { "to", "b@hs01.kep.tr", NULL };
	static const char smime[] = "MIME-Version: 1.0\r\n\r\nsigned\r\n";
	const struct store_outbox_file_in signed_pkg = {
		STORE_OB_FILE_SMIME, NULL, "message/rfc822", store_content_mem(smime, sizeof(smime) - 1)
	};
	struct store_outbox_step park = {
		.from = STORE_OB_ACCEPTED, .to = STORE_OB_PARKED,
		.provider_text = "submission unanswered and not in the sent folder",
	};
	struct store_outbox_new n = {
		.account = "acct", .ileti_tip = "standart", .path = "yukle", .sign_mode = "seal",
		.subject = "fuzz", .body = "body", .body_type = "text",
		.recipients = &to, .n_recipients = 1,
	};
	static const char *const keys[] = { "parked-signed", "parked-unsigned" };
	unsigned char sha[32];
	char mid[64];
	struct kerr err;
	int64_t id;
	size_t i;
	int existing;

	for (i = 0; i < 2; i++) {
		snprintf(mid, sizeof(mid), "<outbox-%zu@fuzz.kep.tr>", i + 1);
		SHA256((const unsigned char *)keys[i], strlen(keys[i]), sha);
		n.idem_key = keys[i];
		n.message_id = mid;
		n.request_sha256 = sha;
		park.add_file = i == 0 ? &signed_pkg : NULL;
		if (store_outbox_insert(st, &n, &id, &existing, &err) < 0 || id != (int64_t)i + 1 ||
		    store_outbox_step(st, id, &park, &err) < 0)
			die("outbox", &err);
	}
}

/* Three queued packages in INBOX; the second has its original message
 * and an attachment as parts. The first
 * two are leased to LEASE for ten years (the seeds send it), the third is
 * left for claims. */
static void seed_store(const char *path)
{
	static const char mime[] = "From: a@kep.tr\r\nSubject: fuzz\r\nMessage-ID: <m1@kep.tr>\r\n"
				   "\r\nbody\r\n";
	static const char pdf[] = "%PDF-1.4 fuzz attachment\n";
	struct store_part parts[] = {
		{ { "original", "message/rfc822", NULL, NULL }, store_content_mem(mime, sizeof(mime) - 1) },
		{ { "attachment", "application/pdf", "Ek \"1\".pdf", "Ek_1_.pdf" },
		  store_content_mem(pdf, sizeof(pdf) - 1) },
	};
	struct store_package p = { 0 };
	struct store_queue_item *items = NULL;
	struct store *st = NULL;
	size_t n = 0;
	struct kerr err;
	int64_t id;

	if (store_open(path, &st, &err) < 0 ||
	    store_account_ensure(st, "acct", "acct@hs01.kep.tr", "ptt", NULL, &err) < 0 ||
	    store_begin(st, &err) < 0)
		die("store", &err);
	p.meta.account = "acct";
	p.meta.folder = "INBOX";
	p.meta.kep_id = "<k1@kep.tr>";
	p.meta.message_id = "<m1@kep.tr>";
	p.meta.sender = "a@kep.tr";
	p.meta.subject = "fuzz";
	p.meta.received_at = 1700000000000LL;
	p.raw = store_content_mem(mime, sizeof(mime) - 1);
	p.enqueue = 1;
	if (store_package_insert(st, &p, &id, NULL, &err) < 0)
		die("package 1", &err);
	p.meta.kep_id = "<k2@kep.tr>";
	p.parts = parts;
	p.n_parts = 2;
	if (store_package_insert(st, &p, &id, NULL, &err) < 0)
		die("package 2", &err);
	p.meta.kep_id = "<k3@kep.tr>";
	p.parts = NULL;
	p.n_parts = 0;
	if (store_package_insert(st, &p, &id, NULL, &err) < 0 || store_commit(st, &err) < 0)
		die("package 3", &err);
	if (store_queue_claim(st, LEASE, "acct", 2, 10 * 365 * 86400000LL, &items, &n, &err) < 0 ||
	    n != 2)
		die("lease", &err);
	store_queue_items_free(&items, n);
	seed_outbox(st);
	store_close(&st);
}

/* At exit (libFuzzer's exit(0) when its time is up): the server first,
 * whose workers then end, each freeing what OpenSSL keeps for its thread
 * (its error queue, its DRBGs) through OpenSSL's thread-exit key; then the
 * daemon, its schedulers and their store connections; then the directory.
 * This must run before OPENSSL_cleanup, OpenSSL's own exit handler, which
 * deletes that key: a worker that ends after it leaves its state behind for
 * LeakSanitizer. Exit handlers run last registered first, so OpenSSL is
 * initialised (its handler registered) before this one is: with options
 * it has not done yet, since OPENSSL_init_crypto(0, NULL) returns at once
 * and registers nothing (OpenSSL's handler then came at the first request,
 * after this one, and ran first). */
static void cleanup(void)
{
	char cmd[64];

	api_server_stop(&srv);
	daemon_free(&dmn);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz-api: cannot remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct api_server_opts ao = { 0 };
	struct config *cfg = NULL;
	char path[256], yaml[1024];
	struct kerr err;

	(void)argc, (void)argv;
	if (mkdtemp(dir) == NULL)
		die(dir, NULL);
	if (OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CRYPTO_STRINGS, NULL) != 1)
		die("OpenSSL", NULL);
	atexit(cleanup);
	write_text("secrets.yaml", "parola: x\nsifre: y\n");
	snprintf(path, sizeof(path), "%s/secrets.yaml", dir);
	chmod(path, 0600);
	snprintf(yaml, sizeof(yaml),
		 "store:\n  path: %s/kepagent.db\n"
		 "trust:\n  anchors: [%s/roots]\n"
		 "accounts:\n"
		 "  - name: acct\n    provider: ptt\n    endpoint: https://127.0.0.1:9/\n"
		 "    address: acct@hs01.kep.tr\n    tcno: \"10000000146\"\n"
		 "    secrets_file: %s/secrets.yaml\n    poll_interval: 86400\n"
		 "    sending:\n      mode: officer\n      path: yukle\n"
		 "      pkcs11:\n        module: %s/none.so\n        token: T\n        key: k\n",
		 dir, dir, dir, dir);
	write_text("kepagent.yaml", yaml);
	snprintf(path, sizeof(path), "%s/roots", dir);
	mkdir(path, 0700);
	write_text("roots/root.pem", ROOT_PEM);
	snprintf(path, sizeof(path), "%s/kepagent.yaml", dir);
	if (config_load(path, &cfg, &err) < 0)
		die("config", &err);
	snprintf(path, sizeof(path), "%s/kepagent.db", dir);
	seed_store(path);
	if (daemon_start(cfg, no_sync, &dmn, &err) < 0)
		die("daemon", &err);
	ao.token = TOKEN;
	ao.max_body = 64 * 1024;
	ao.threads = 2;
	ao.idle_timeout = 5;
	ao.routes = api_routes;
	ao.user = dmn;
	if (api_server_start(&ao, &srv, &err) < 0)
		die("api", &err);
	port = api_server_port(srv);
	return 0;
}

/* Sends the input, then reads the answers until the server closes. The
 * write side is closed only once the first answer came (or none came for
 * 10 ms): libmicrohttpd (epoll, edge-triggered) reads a request and the FIN
 * behind it in one go and then keeps a kept-alive connection open until
 * its idle timeout; a FIN arriving after it answered is seen at once. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct pollfd pfd;
	size_t off = 0;
	char buf[16384];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), sending = 1, open_wr = 1;

	if (fd < 0)
		die("socket", NULL);
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS)
		die("connect", NULL);
	for (;;) {
		ssize_t n;
		int rc;

		pfd.fd = fd;
		pfd.events = POLLIN | (sending ? POLLOUT : 0);
		rc = poll(&pfd, 1, sending || !open_wr ? 1000 : 10);
		if (rc < 0 && errno != EINTR)
			die("poll", NULL);
		if (rc == 0 && !sending && open_wr) {
			shutdown(fd, SHUT_WR);
			open_wr = 0;
		}
		if (sending && (pfd.revents & POLLOUT)) {
			n = off < size ? send(fd, data + off, size - off, MSG_NOSIGNAL) : 0;
			if (n > 0)
				off += (size_t)n;
			/* Everything sent, or the server stopped reading (an early answer). */
			if (off == size || (n < 0 && errno != EAGAIN && errno != EINTR))
				sending = 0;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
				break;
			if (n > 0 && !sending && open_wr) {
				shutdown(fd, SHUT_WR);
				open_wr = 0;
			}
		}
	}
	close(fd);
	return 0;
}
