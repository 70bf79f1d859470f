/*
 * The rows a group's summary is computed from (summary.h), read inside
 * the read's snapshot: one statement per group that has a summary, whose
 * text its chart kind's summary_kind (charts.h) chooses.
 */
#ifndef BENCHINGEST_SUMMARY_SQL_H
#define BENCHINGEST_SUMMARY_SQL_H

#include "charts.h"
#include "db_read.h"
#include "summary.h"

struct summary_prefetch {
	PGresult *res;		/* the rows of every query group, in order */
};

/*
 * The summary of group, whose charts (discover.h, in their order) are
 * charts[0..ncharts); s->type is SUMMARY_NONE when it has none.  0, or -1
 * with err filled.
 */
int	summary_sql_group(struct db *, const struct chart_key *group,
	    const struct chart_key *charts, size_t ncharts,
	    const struct summary_prefetch *, struct summary *s,
	    struct api_error *);
/*
 * Every query group's summary rows at once (one statement), for a read of
 * every group: summary_sql_group() then takes a query group's rows from
 * it (prefetch NULL: it reads them itself).
 */
int	summary_sql_prefetch(struct db *, struct summary_prefetch *,
	    struct api_error *);
void	summary_prefetch_free(struct summary_prefetch *);

#endif
