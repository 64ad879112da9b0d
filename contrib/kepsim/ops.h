/* ops.h: the EYWS operations over the mailbox.
 *
 * ops_run() answers one parsed request: a SOAP Fault for an unknown
 * operation, durum=1 with a Turkish hataaciklama for wrong credentials or
 * unknown packages, else the operation's result. Content faults (durum1-
 * transient, duplicate/reordered list entries, unknown-package evidence)
 * are applied here; transport faults are the HTTP layer's. Key request
 * parameters and the result are added to log (the request-log record).
 * Thread-safe; the returned response is the caller's (soap_resp_free). */
#ifndef KEPSIM_OPS_H
#define KEPSIM_OPS_H

#include <stdint.h>
#include <jansson.h>

#include "faults.h"
#include "kepsim.h"
#include "soap.h"

struct soap_resp *ops_run(const struct kepsim_conf *conf, const struct soap_req *req,
			  enum fault fault, uint64_t seq, json_t *log);
/* Frees the login sessions (at shutdown). */
void ops_shutdown(void);

#endif
