/* api_health.h: GET /healthz (public) and GET /metrics, served by the
 * daemon. req->user is the struct daemon *. Thread-safe. */
#ifndef KEP_API_HEALTH_H
#define KEP_API_HEALTH_H

#include "api_server.h"

void api_h_healthz(const struct api_request *req, struct api_response *resp);
void api_h_metrics(const struct api_request *req, struct api_response *resp);

#endif
