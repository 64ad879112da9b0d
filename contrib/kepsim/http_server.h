/* http_server.h: the HTTPS SOAP endpoint (libmicrohttpd, GnuTLS).
 *
 * Listens on 127.0.0.1 only, one thread per connection. POST to any path
 * is a SOAP request; GET with ?wsdl returns the WSDL. Transport faults are
 * applied here (see faults.h); each request is logged to --request-log.
 * conf must outlive the server. http_server_stop() waits for the threads. */
#ifndef KEPSIM_HTTP_SERVER_H
#define KEPSIM_HTTP_SERVER_H

#include "err.h"
#include "kepsim.h"

struct http_server;

/* port 0 picks a free port; *bound_port says which. */
int http_server_start(const struct kepsim_conf *conf, int port, const char *cert_path,
		      const char *key_path, struct http_server **out, int *bound_port,
		      struct kerr *err);
void http_server_stop(struct http_server **s);

/* Shared with revocation_http.c: the port a daemon listens on. */
struct MHD_Daemon;
int mhd_bound_port(struct MHD_Daemon *d);

#endif
