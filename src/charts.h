/*
 * The read side's view of the five record kinds, as one table: how a chart
 * and its group are keyed (the dimensions, in slug order, which are also the
 * order of the table's read index), how series are named, which column is
 * plotted, and how charts and groups are titled.  Discovery, slugs, queries
 * and names all walk these definitions.
 */
#ifndef BENCHINGEST_CHARTS_H
#define BENCHINGEST_CHARTS_H

#include <stdbool.h>
#include <stddef.h>

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

#define CHART_MAX_DIMS	5
#define CHART_MAX_SERIES_COLUMNS	2

/* A dimension's value as text, exactly as it is sent to Postgres. */
struct dim_value {
	bool null;
	char *text;
};

struct chart_kind {
	const char *chart_k;		/* slug "k" of a chart */
	const char *group_k;		/* slug "k" of its group */
	const char *chart_prefix;
	const char *group_prefix;
	const char *table;
	const struct dim *dims;
	size_t ndims;			/* a chart's key: all of dims */
	size_t ngroup_dims;		/* a group's key: the first of them */
	/*
	 * Columns whose values, joined by ':', name a series of a chart; a
	 * value holding ':' is escaped (chart_sql.c, series_name_sql()).
	 */
	const char *series_columns[CHART_MAX_SERIES_COLUMNS + 1];
	const char *value_column;
	const char *unit_kind;
	/*
	 * Rows carry their commit's timestamp, so no join with commits, and an
	 * index orders them by dims, series columns, commit_timestamp DESC.
	 */
	bool has_commit_timestamp;
	/* Titles from the dimension values; NULL when out of memory. */
	char *(*group_name)(const struct dim_value *);
	char *(*chart_name)(const struct dim_value *);
	const char *display_sep;	/* between group and chart name */
};

#define CHART_KIND_COUNT	5

extern const struct chart_kind chart_kinds[CHART_KIND_COUNT];

/* A chart, or (group == true) a group of charts. */
struct chart_key {
	const struct chart_kind *kind;
	bool group;
	struct dim_value values[CHART_MAX_DIMS];
};

size_t	chart_key_ndims(const struct chart_key *);
void	chart_key_free(struct chart_key *);
int	chart_key_copy(struct chart_key *dst, const struct chart_key *src);

/* Human-readable titles; the caller frees them.  NULL: out of memory. */
char	*chart_group_name(const struct chart_key *);
char	*chart_name(const struct chart_key *);
char	*chart_display_name(const struct chart_key *);

#endif
