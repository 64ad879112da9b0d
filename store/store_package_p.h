/* store_package_p.h: reading package rows, shared inside store/. */
#ifndef KEP_STORE_PACKAGE_P_H
#define KEP_STORE_PACKAGE_P_H

#include "store_package.h"
#include "store_p.h"

/* The columns st_package_row_read() reads, from packages p joined to
 * accounts a and package_seq q. */
#define ST_PACKAGE_COLS "p.id, a.name, p.folder, p.kep_id, COALESCE(q.kep_sira_no, -1)," \
	" q.kep_sira_no_text, p.org_mesaj_id," \
	" p.message_id, p.sender, p.sender_kep, p.subject, p.received_at," \
	" p.tur, p.tur_id, p.ileti_tip, p.ileti_id, p.belge_no, p.verdict, p.verdict_reason," \
	" p.provider_ack, p.provider_ack_time, p.raw_size, p.raw_sha256, p.stored_at"
/* The number of those columns. */
#define ST_PACKAGE_NCOLS 24

/* The row whose ST_PACKAGE_COLS start at column c of st's current row. */
struct store_package_row *st_package_row_read(sqlite3_stmt *st, int c);

#endif
