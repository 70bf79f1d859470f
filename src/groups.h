/*
 * The groups of the read API as the reference read service presents them:
 * each discovered with its charts (discover.h), named (names.h),
 * summarised (summary_sql.h) and described (description.h); the whole
 * list in its order (group_order.h).
 */
#ifndef BENCHINGEST_GROUPS_H
#define BENCHINGEST_GROUPS_H

#include "discover.h"
#include "jsonwrite.h"
#include "summary.h"

struct group {
	struct chart_key key;
	struct keylist charts;		/* in their order; never empty */
	char *name;
	char *description;		/* NULL: none */
	struct summary summary;		/* SUMMARY_NONE: none */
};

/*
 * Every group of every kind that has charts, in the order of /api/groups:
 * *out (the caller frees it with groups_free()) holds *n of them.
 */
int	groups_all(struct db *, struct group **out, size_t *n,
	    struct api_error *);
/*
 * The group of key, with its charts; 0 and g->charts.n == 0 when it has
 * none.  The caller frees it with group_free(), either way.
 */
int	group_one(struct db *, const struct chart_key *key, struct group *g,
	    struct api_error *);
/* Its "summary" and "description" members, each only if it has one. */
int	group_write_notes(struct jw *, const struct group *);
void	group_free(struct group *);
void	groups_free(struct group *, size_t n);

#endif
