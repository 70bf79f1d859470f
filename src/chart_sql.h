/*
 * The read side's SQL, built from the chart-kind table (charts.h): the
 * keys that have rows, the window of commits, and a chart's rows.  Every function runs its
 * statement inside the read's snapshot (db_read.h); the result is the
 * caller's to PQclear(), NULL with err filled on failure.
 */
#ifndef BENCHINGEST_CHART_SQL_H
#define BENCHINGEST_CHART_SQL_H

#include "charts.h"
#include "db_read.h"

/*
 * The distinct values of the dimensions pinned..depth-1 that have rows
 * under key's first `pinned` values, one row each (a column per
 * dimension, NULL for null), ordered by dimension, null last, text
 * bytewise, whatever the database's collation.  One statement, whose cost grows with the number
 * of keys found, not with the rows under them.
 */
PGresult	*chart_sql_keys(struct db *, const struct chart_key *,
		    size_t pinned, size_t depth, struct api_error *);
/* The earliest commit timestamp of the chart's rows: one row, NULL if none. */
PGresult	*chart_sql_earliest(struct db *, const struct chart_key *,
		    struct api_error *);
/*
 * The window: the newest `window` commits (0: all) from `since` on,
 * newest first, as (count of all commits from since, sha, timestamp as
 * text, first line of the message, url, timestamp).
 */
PGresult	*chart_sql_window(struct db *, const char *since,
		    long long window, struct api_error *);
/*
 * The chart's rows of commits from `since` on, as (series name, commit
 * sha, value as text), in no order.
 */
PGresult	*chart_sql_values(struct db *, const struct chart_key *,
		    const char *since, struct api_error *);

#endif
