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

/* A query group's key: dataset, variant, scale factor, storage. */
#define QUERY_GROUP_DIMS	4

struct prefetch_group {
	int key_row;		/* its row of res */
	size_t first, n;	/* its rows, rows[first..first + n) */
};

/* The rows of every query group, grouped, each group's in order. */
struct summary_prefetch {
	PGresult *res;
	struct summary_row *rows;
	char *names;		/* the rows' names: "engine:format" */
	struct prefetch_group *groups;
	size_t ngroups;
	size_t *slots;		/* hash table: a group's index + 1, 0 empty */
	size_t nslots;		/* a power of two */
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
 * Every query group's summary rows at once (one statement, a row per
 * group from query_summaries, in no order; a hash table of the groups), for
 * a read of every group: summary_sql_group() then takes a query group's
 * rows from it (prefetch NULL: it reads them itself).
 */
int	summary_sql_prefetch(struct db *, struct summary_prefetch *,
	    struct api_error *);
void	summary_prefetch_free(struct summary_prefetch *);

#endif
