/* evidence_query.h: evidence and packages as auditors see them, for the CLI
 * and the API: searches (EvidenceList, PackageList of doc/openapi.yaml), one
 * evidence item with its checks, and the JSON builders the status lookup and
 * the queue share. Returned JSON is owned by the caller. Thread-safe with
 * one store per thread. */
#ifndef KEP_EVIDENCE_QUERY_H
#define KEP_EVIDENCE_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "err.h"

struct store;
struct store_search;
struct store_evidence_row;
struct store_verification_row;

struct kbuf;
/* Evidence: id, delil_id, delil_tur_id, label ("Kabul Edildi" or "Bilinmeyen
 * delil (kod N)"), known, event_time, provider_time, issuer, verdict,
 * reason, account, kep_id, package_id, carrier_package_id. The one home of
 * the shape: written as JSON text into b (json_text.h), which the status
 * lookup sends as it is; evidence_query_json() is the same parsed. */
void evidence_query_write(struct kbuf *b, const struct store_evidence_row *r);
json_t *evidence_query_json(const struct store_evidence_row *r);
struct store_package_row;
struct store_package_details;
/* The Package object: id, account, folder, kep_id, subject, sender,
 * sender_kep, recipients [{role, address, name}], date (the message's own
 * Date:), provider_time (KEP arrival or submission), stored_at, verdict; d
 * NULL when the package has no details yet (null times, no recipients). The
 * one shape of a package for the API, every --json command and bundles. */
json_t *evidence_query_package_json(const struct store_package_row *p,
				    const struct store_package_details *d);
/* The same read from the store; KERR_NOTFOUND when there is no package id. */
int evidence_query_package(struct store *st, int64_t id, json_t **out, struct kerr *err);
/* Array of Check objects. */
json_t *evidence_query_checks_json(const struct store_verification_row *rows, size_t n);

int evidence_query_search(struct store *st, const struct store_search *q, json_t **out,
			struct kerr *err);
int evidence_query_packages(struct store *st, const struct store_search *q, json_t **out,
		       struct kerr *err);
/* One evidence item with its checks ("checks"). KERR_NOTFOUND when none. */
int evidence_query_show(struct store *st, int64_t id, json_t **out, struct kerr *err);

#endif
