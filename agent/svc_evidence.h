/* svc_evidence.h: evidence and packages as auditors see them, for the CLI
 * and the API: searches (EvidenceList, PackageList of doc/openapi.yaml), one
 * evidence item with its checks, and the JSON builders the status lookup and
 * the queue share. Returned JSON is owned by the caller. Thread-safe with
 * one store per thread. */
#ifndef KEP_SVC_EVIDENCE_H
#define KEP_SVC_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

struct store;
struct store_search;
struct store_evidence_row;
struct store_verification_row;

/* Evidence: delil_id, delil_tur_id, label ("Kabul Edildi" or "Bilinmeyen
 * delil (kod N)"), known, event_time, issuer, verdict, ... */
json_t *svc_evidence_json(const struct store_evidence_row *r);
/* Array of Check objects. */
json_t *svc_checks_json(const struct store_verification_row *rows, size_t n);

int svc_evidence_search(struct store *st, const struct store_search *q, json_t **out,
			struct kerr *err);
int svc_package_search(struct store *st, const struct store_search *q, json_t **out,
		       struct kerr *err);
/* One evidence item with its checks ("checks"). KERR_NOTFOUND when none. */
int svc_evidence_show(struct store *st, int64_t id, json_t **out, struct kerr *err);

#endif
