/*
 * The read side's view of the record kinds, as one table with a row per
 * kind (records.h): how a chart and its group are keyed (the dimensions,
 * in slug order, which are also the order of the table's read index), how
 * series are named, which column is plotted, and how charts and groups
 * are named and summarised.  Discovery, slugs, queries and names walk these
 * definitions.  A chart's dimensions and its series columns are together
 * its kind's key fields but commit_sha, so that every row of the table
 * belongs to exactly one point of one series of one chart;
 * chart_kinds_check() checks that and the rest at start-up.
 */
#ifndef BENCHINGEST_CHARTS_H
#define BENCHINGEST_CHARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "records.h"

enum dim_type {
	DIM_STR,
	DIM_STR_OPT,		/* string or null */
	DIM_I32,
	DIM_F64
};

struct dim {
	const char *column;	/* also the slug member name */
	enum dim_type type;
};

/*
 * The summary a group of the kind carries (summary.h), as the reference
 * read service's lib/summary.ts has it per group kind.
 */
enum summary_kind {
	SUMMARY_NONE,
	SUMMARY_QUERY,		/* for some datasets: summary.h */
	SUMMARY_COMPRESSION,
	SUMMARY_COMPRESSION_SIZE,
	SUMMARY_RANDOM_ACCESS
};

struct kind_names;

#define CHART_MAX_DIMS	5
#define CHART_MAX_SERIES_COLUMNS	2

/* A dimension's value as text, exactly as it is sent to Postgres. */
struct dim_value {
	bool null;
	char *text;
};

struct chart_kind {
	const struct kind *record;	/* its record kind: table, fields */
	const char *chart_k;		/* slug "k" of a chart */
	const char *group_k;		/* slug "k" of its group */
	const char *chart_prefix;
	const char *group_prefix;
	const struct dim *dims;
	size_t ndims;			/* a chart's key: all of dims */
	size_t ngroup_dims;		/* a group's key: the first of them */
	/*
	 * Columns whose values, joined by ':', name a series of a chart; a
	 * value holding ':' is escaped (chart_sql.c, series_name_sql()).
	 */
	const char *series_columns[CHART_MAX_SERIES_COLUMNS + 1];
	const char *value_column;	/* an integer field */
	const char *unit_kind;
	const struct kind_names *names;	/* its groups' and charts' (names.h) */
	enum summary_kind summary;	/* what its groups' summary is */
	/*
	 * A table benchingest derives from the kind's table (sql/), one row
	 * per series: its dims and series columns, first_timestamp (the
	 * earliest commit_timestamp of the series' rows); NULL: none.
	 * Discovery reads it instead of walking the kind's table.
	 */
	const char *series_table;
	/*
	 * A table benchingest derives, one row per chart: its dims, under a
	 * unique index in the read API's order whose columns are, per
	 * dimension, the column COLLATE "C" (text), or (column IS NOT NULL)
	 * then COALESCE(column, '') COLLATE "C" (optional text), or the
	 * column (numbers), with the optional ones INCLUDEd; NULL: none.
	 * Listing every chart of the kind reads it, the index alone.
	 */
	const char *chart_table;
};

/* Indexed by enum kind_id, as record_kinds. */
extern const struct chart_kind chart_kinds[KIND_COUNT];

/*
 * Rows of kind carry their commit's timestamp (its record kind stamps
 * it), so no join with commits, and an index orders them by dims, series
 * columns, commit_timestamp DESC.
 */
bool	chart_has_commit_timestamp(const struct chart_kind *);
/*
 * What the compiler cannot see: every row there, linked to the record
 * kind of its index, dimensions and series columns that are exactly that
 * kind's key fields but commit_sha, of matching types, the value column an
 * integer field, unique slug names.  0, or -1 with why filled.
 */
int	chart_kinds_check(const struct chart_kind *kinds, size_t n,
	    char *why, size_t whylen);

/* A chart, or (group == true) a group of charts. */
struct chart_key {
	const struct chart_kind *kind;
	bool group;
	struct dim_value values[CHART_MAX_DIMS];
};

size_t	chart_key_ndims(const struct chart_key *);
/*
 * Two keys of one kind (both charts, or both groups) in the reference's
 * order of charts and groups: dimension by dimension, null first, text
 * bytewise (COLLATE "C"), numbers by value.
 */
int	chart_key_cmp(const struct chart_key *, const struct chart_key *);
void	chart_key_free(struct chart_key *);
int	chart_key_copy(struct chart_key *dst, const struct chart_key *src);

/*
 * A group's or a chart's name, a chart's display_name (names.h); the
 * caller frees them.  NULL: out of memory.
 */
char	*chart_group_name(const struct chart_key *);
char	*chart_name(const struct chart_key *);
char	*chart_display_name(const struct chart_key *);

#endif
