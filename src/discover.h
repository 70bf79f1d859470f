/*
 * Which groups and charts have rows: a walk down a chart kind's dimensions
 * (charts.h), one skip scan per level (chart_sql_distinct()), inside the
 * read's snapshot.  Keys come out in the reference read service's order
 * (chart_key_cmp()).
 */
#ifndef BENCHINGEST_DISCOVER_H
#define BENCHINGEST_DISCOVER_H

#include "charts.h"
#include "db_read.h"

struct keylist {
	struct chart_key *keys;
	size_t n, cap;
};

/* Empties the list for reuse; what it held is freed. */
void	keylist_free(struct keylist *);
/* Adds every group of kind that has rows to out. */
int	discover_groups(struct db *, const struct chart_kind *,
	    struct keylist *out, struct api_error *);
/* Adds every chart of group that has rows to out. */
int	discover_charts(struct db *, const struct chart_key *group,
	    struct keylist *out, struct api_error *);

#endif
