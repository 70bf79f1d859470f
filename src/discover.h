/*
 * Which groups and charts have rows, inside the read's snapshot: one
 * statement per question, from the kind's chart table (every chart of
 * the kind), or its series table or a skip-scan walk down its dimensions
 * (chart_sql_keys(); charts.h), so the cost grows with the keys found,
 * not with the rows.  Keys come out in the reference
 * read service's order (chart_key_cmp()), which the statements' own
 * order already is.
 */
#ifndef BENCHINGEST_DISCOVER_H
#define BENCHINGEST_DISCOVER_H

#include "charts.h"
#include "db_read.h"

struct keylist {
	struct chart_key *keys;
	size_t n, cap;
};

/* Adds a copy of key; -1: out of memory. */
int	keylist_add(struct keylist *, const struct chart_key *);
/*
 * Adds key itself, whose values the list then owns (key's are left
 * empty); -1: out of memory, key untouched.
 */
int	keylist_take(struct keylist *, struct chart_key *);
/* Empties the list for reuse; what it held is freed. */
void	keylist_free(struct keylist *);
/* Adds every chart of group that has rows to out. */
int	discover_charts(struct db *, const struct chart_key *group,
	    struct keylist *out, struct api_error *);
/*
 * Adds every chart of kind that has rows to out: a group's charts are
 * consecutive (discover_same_group()).
 */
int	discover_kind(struct db *, const struct chart_kind *,
	    struct keylist *out, struct api_error *);
/* Whether two charts of one kind are in the same group. */
bool	discover_same_group(const struct chart_key *, const struct chart_key *);
/* The group of a chart, into group (chart_key_free() it); -1: no memory. */
int	discover_group_of(const struct chart_key *chart,
	    struct chart_key *group);

#endif
