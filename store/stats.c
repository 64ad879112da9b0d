/* stats.c: see store_stats.h. */
#include "store_stats.h"

#include <stdlib.h>

#include "store_p.h"
#include "util.h"

static const char stats_sql[] =
	"SELECT 'packages', coalesce(verdict, 'none'), count(*) FROM packages GROUP BY 2"
	" UNION ALL "
	"SELECT 'evidence', coalesce(verdict, 'none'), count(*) FROM evidence GROUP BY 2"
	" UNION ALL "
	"SELECT 'queue', state, count(*) FROM import_queue GROUP BY 2"
	" UNION ALL "
	"SELECT 'outbox', state, count(*) FROM outbox GROUP BY 2";

int store_stats_collect(struct store *store, struct store_stats *out, struct kerr *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	out->n = 0;
	out->rows = NULL;
	if (st_prepare(store, stats_sql, &st, err) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == cap) {
			cap = cap ? cap * 2 : 16;
			out->rows = xrealloc(out->rows, cap * sizeof(*out->rows));
		}
		out->rows[out->n].what = st_col_str(st, 0);
		out->rows[out->n].label = st_col_str(st, 1);
		out->rows[out->n].count = st_col_int64(st, 2);
		out->n++;
	}
	st_finalize(store, st);
	if (rc != SQLITE_DONE) {
		store_stats_free(out);
		return st_err(store, err, "collecting statistics");
	}
	return 0;
}

void store_stats_free(struct store_stats *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		free(st->rows[i].what);
		free(st->rows[i].label);
	}
	free(st->rows);
	st->rows = NULL;
	st->n = 0;
}
