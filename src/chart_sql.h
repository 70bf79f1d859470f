/*
 * The read side's SQL, built from the chart-kind table (charts.h): the
 * skip scan that discovers the values of a key's next dimension, the
 * window of commits, and a chart's rows.  Every function runs its
 * statement inside the read's snapshot (db_read.h); the result is the
 * caller's to PQclear(), NULL with err filled on failure.
 */
#ifndef BENCHINGEST_CHART_SQL_H
#define BENCHINGEST_CHART_SQL_H

#include "charts.h"
#include "db_read.h"

/*
 * The distinct values of dimension `depth` under the values key has for
 * the dimensions before it, in index order with NULL last: one row each,
 * (value as text, or NULL).  One index probe per value.
 */
PGresult	*chart_sql_distinct(struct db *, const struct chart_key *,
		    size_t depth, struct api_error *);
/* The earliest commit timestamp of the chart's rows: one row, NULL if none. */
PGresult	*chart_sql_earliest(struct db *, const struct chart_key *,
		    struct api_error *);
/*
 * The window: the newest `window` commits (0: all) from `since` on,
 * newest first, as (count of all commits from since, sha, timestamp as
 * the reference read service writes it ("2026-06-18 11:59:00+00": UTC,
 * the fraction cut), message ('' for none), url, timestamp).
 */
PGresult	*chart_sql_window(struct db *, const char *since,
		    long long window, struct api_error *);
/*
 * The chart's rows of commits from `since` on, as (series name, commit
 * sha, value as text, then each of the kind's series columns), in no
 * order.  since NULL: every row, a query timing without commit_timestamp
 * included (the reference read service shows one in the window "all").
 */
PGresult	*chart_sql_values(struct db *, const struct chart_key *,
		    const char *since, struct api_error *);

#endif
