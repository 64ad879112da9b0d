/* store_evidence_p.h: reading evidence rows, shared inside store/. */
#ifndef KEP_STORE_EVIDENCE_P_H
#define KEP_STORE_EVIDENCE_P_H

#include <stddef.h>

#include "store_evidence.h"
#include "store_p.h"

/* The columns st_evidence_collect() reads, from evidence e joined to
 * evidence_seq q and (last, so a caller may extend its ON) accounts a. */
#define ST_EVIDENCE_SELECT "SELECT e.id, e.package_id, a.name, e.kep_id," \
	" COALESCE(q.kep_sira_no, -1)," \
	" e.delil_id, e.delil_tur_id, e.description, e.event_time, e.issuer," \
	" e.verdict, e.verdict_reason, e.raw_size, e.raw_sha256, e.stored_at, e.event_time_text," \
	" (SELECT min(m.package_id) FROM evidence_mails m WHERE m.evidence_id = e.id)," \
	" q.kep_sira_no_text" \
	" FROM evidence e LEFT JOIN evidence_seq q ON q.evidence_id = e.id" \
	" JOIN accounts a ON a.id = e.account_id"

/* The number of those columns. */
#define ST_EVIDENCE_NCOLS 18
/* Reads into r the ST_EVIDENCE_SELECT columns that start at column c of
 * st's current row. */
void st_evidence_row_read(sqlite3_stmt *st, int c, struct store_evidence_row *r);
/* Steps st (a statement of ST_EVIDENCE_SELECT ...) to its end, returning
 * every row (free with store_evidence_rows_free); finalizes st. */
int st_evidence_collect(struct store *s, sqlite3_stmt *st, struct store_evidence_row **rows_r,
			size_t *n_r, struct kerr *err);

#endif
