/* store_search.h: read-only queries for the EBYS and auditor interface.
 *
 * Evidence and package searches for auditors (date range, account,
 * counterpart address, stage, verdict, paging) and the evidence of a kepId
 * for status lookups when the package itself is not stored. Rows are owned by
 * the caller: store_evidence_rows_free() (store_evidence.h). Thread safety: as struct store. */
#ifndef KEP_STORE_SEARCH_H
#define KEP_STORE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "store_evidence.h"
#include "store_package.h"

struct store_search {
	int64_t from, to;          /* event_time (evidence) / provider_time, else stored_at
				    * (packages), ms; 0: open */
	const char *account;       /* NULL: all */
	const char *counterpart;   /* sender or recipient address (equal, case-insensitive),
				    * or part of the sender's or a recipient's name */
	int64_t stage;             /* evidence: delilTurId; 0: any */
	const char *folder;        /* packages: NULL: any */
	const char *verdict;       /* NULL: any */
	size_t limit;              /* 0: 100 */
	size_t offset;
};

int store_search_evidence(struct store *store, const struct store_search *q,
			  struct store_evidence_row **rows_r, size_t *n_r, struct kerr *err);
/* Ids of matching packages, newest first; read each with store_package_get().
 * *ids_r (free()) is NULL when none. */
int store_search_packages(struct store *store, const struct store_search *q,
			  int64_t **ids_r, size_t *n_r, struct kerr *err);

/* The number of matches of the same query without limit and offset. */
int store_search_evidence_count(struct store *store, const struct store_search *q,
				int64_t *n_r, struct kerr *err);
int store_search_packages_count(struct store *store, const struct store_search *q,
				int64_t *n_r, struct kerr *err);

/* Evidence of kep_id in any account whose package is not stored (package_id
 * NULL), by event time. */
int store_evidence_orphans(struct store *store, const char *kep_id,
			   struct store_evidence_row **rows_r, size_t *n_r, struct kerr *err);
/* The packages stored under each of keys[0..n) as their kepId, with their
 * evidence, read by one statement (the status lookup's batch): a hit per
 * package, in key order, a key's packages oldest first, each one's evidence
 * by event time; a key with none has no hit. Free with
 * store_kep_id_hits_free(). */
struct store_kep_id_hit {
	size_t key;                     /* index into keys */
	struct store_package_row *pkg;
	struct store_evidence_row *ev;
	size_t nev;
};
int store_packages_by_kep_ids(struct store *store, const char *const *keys, size_t n,
			      struct store_kep_id_hit **hits_r, size_t *n_r, struct kerr *err);
void store_kep_id_hits_free(struct store_kep_id_hit **hits, size_t n);
/* One evidence item by id; KERR_NOTFOUND when there is none. */
int store_evidence_get(struct store *store, int64_t id, struct store_evidence_row **row_r,
		       struct kerr *err);

#endif
