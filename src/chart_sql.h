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
 * dimension, NULL for null), ordered as chart_key_cmp() orders keys: by
 * dimension, null first, text bytewise, whatever the database's collation.  One statement, whose cost grows with the number
 * of keys found, not with the rows under them.
 */
PGresult	*chart_sql_keys(struct db *, const struct chart_key *,
		    size_t pinned, size_t depth, struct api_error *);
/*
 * The earliest commit time of each chart under key's first `pinned` values
 * (pinned == ndims: key's chart): a row per chart with rows, (the values
 * of its dimensions pinned..ndims-1, the earliest as text, NULL if none
 * is known), in chart_sql_keys()' order; for one chart, one row.  From
 * the series table if the kind has one.
 */
PGresult	*chart_sql_earliest(struct db *, const struct chart_key *,
		    size_t pinned, struct api_error *);
/*
 * The window: the newest `window` commits (0: all) from `since` on,
 * newest first, and then the newest commit that cuts (if window is not
 * all and there is one), as (count of all commits from since, sha,
 * timestamp as the reference read service writes it ("2026-06-18
 * 11:59:00+00": UTC, the fraction cut), message ('' for none), url,
 * timestamp, timestamp in microseconds from 2000-01-01 UTC: a timestamptz
 * in binary).
 */
PGresult	*chart_sql_window(struct db *, const char *since,
		    long long window, struct api_error *);
/*
 * The number of commits from each timestamp of since, a Postgres array
 * ("{...}"), on: a row each, in since's order.
 */
PGresult	*chart_sql_totals(struct db *, const char *since,
		    struct api_error *);
/*
 * The values from `since` on of the charts under key's first `pinned`
 * values, a row per series, chart after chart in chart_sql_keys()'
 * order, through cursor c, `batch` rows at a time (a chart's at once),
 * in binary: (the values of the chart's dimensions pinned..ndims-1 as
 * text, series name, then two pairs of arrays: times (timestamptz[]) and
 * values (bigint[]) of the rows known by their time, commit shas
 * (text[]) and values of those known by their commit, each pair NULL for
 * none; then each of the kind's series columns); within a chart in no
 * order.  A kind with a series table is read series by series, one index
 * range each, and its values come by time (the index has no sha), but
 * those whose time is one of tied (a Postgres array of timestamps,
 * "{...}"; NULL: none), which come by commit; with all, its rows without
 * a commit_timestamp come too, by commit (the reference read service
 * shows them in the window "all").  Another kind's come by commit.
 */
int		chart_sql_values(struct db_cursor *, struct db *,
		    const struct chart_key *, size_t pinned, const char *since,
		    const char *tied, bool all, int batch, struct api_error *);

#endif
