/* Groups with their charts, name, summary and description, in order. */
#include <stdlib.h>
#include <string.h>

#include "description.h"
#include "group_order.h"
#include "groups.h"
#include "summary_sql.h"

void
group_free(struct group *g)
{
	chart_key_free(&g->key);
	keylist_free(&g->charts);
	free(g->name);
	free(g->description);
	summary_free(&g->summary);
	memset(g, 0, sizeof(*g));
}

void
groups_free(struct group *g, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		group_free(&g[i]);
	free(g);
}

/*
 * Name, description and summary of g, whose key and charts are there;
 * its query summary from pre if not NULL.
 */
static int
group_fill(struct db *db, struct group *g, const struct summary_prefetch *pre,
    struct api_error *err)
{
	if ((g->name = chart_group_name(&g->key)) == NULL ||
	    group_description(g->name, &g->description) == -1)
		return api_error_oom(err);
	return summary_sql_group(db, &g->key, g->charts.keys, g->charts.n,
	    pre, &g->summary, err);
}

int
group_one(struct db *db, const struct chart_key *key, struct group *g,
    struct api_error *err)
{
	memset(g, 0, sizeof(*g));
	if (chart_key_copy(&g->key, key) == -1)
		return api_error_oom(err);
	if (discover_charts(db, key, &g->charts, err) == -1)
		return -1;
	return g->charts.n == 0 ? 0 : group_fill(db, g, NULL, err);
}

/*
 * kind's groups, each with its charts, filled and appended to *out: one
 * statement finds every chart of the kind (discover_kind()), whose
 * groups' charts are consecutive.
 */
static int
add_kind(struct db *db, const struct chart_kind *kind,
    const struct summary_prefetch *pre, struct group **out, size_t *n,
    struct api_error *err)
{
	struct keylist charts = { 0 };
	struct group *p, *g;
	size_t i, j, k;
	int rc = -1;

	if (discover_kind(db, kind, &charts, err) == -1)
		goto out;
	for (i = 0; i < charts.n; i = j) {
		for (j = i + 1; j < charts.n && discover_same_group(
		    &charts.keys[i], &charts.keys[j]); j++)
			;
		if ((p = realloc(*out, (*n + 1) * sizeof(*p))) == NULL) {
			api_error_oom(err);
			goto out;
		}
		*out = p;
		g = memset(&p[*n], 0, sizeof(*g));
		if (discover_group_of(&charts.keys[i], &g->key) == -1)
			api_error_oom(err);
		else {
			for (k = i; k < j && keylist_take(&g->charts,
			    &charts.keys[k]) == 0; k++)
				;
			if (k < j)
				api_error_oom(err);
			else if (group_fill(db, g, pre, err) == 0) {
				(*n)++;
				continue;
			}
		}
		group_free(g);
		goto out;
	}
	rc = 0;
out:
	keylist_free(&charts);
	return rc;
}

/* groups in the order of order[]: a permutation of 0..n-1. */
static void
permute(struct group *groups, size_t n, const size_t *order,
    struct group *tmp)
{
	size_t i;

	for (i = 0; i < n; i++)
		tmp[i] = groups[order[i]];
	memcpy(groups, tmp, n * sizeof(*groups));
}

/* Discovery order (kind, then key) is the tie-break of the sort. */
static int
sort_groups(struct group *groups, size_t n)
{
	const char **names = NULL;
	struct group *tmp = NULL;
	size_t *order = NULL, i;
	int rc = -1;

	if (n == 0)
		return 0;
	if ((names = calloc(n, sizeof(*names))) == NULL ||
	    (order = calloc(n, sizeof(*order))) == NULL ||
	    (tmp = calloc(n, sizeof(*tmp))) == NULL)
		goto out;
	for (i = 0; i < n; i++)
		names[i] = groups[i].name;
	if (group_order_sort(names, n, order) == -1)
		goto out;
	permute(groups, n, order, tmp);
	rc = 0;
out:
	free(names);
	free(order);
	free(tmp);
	return rc;
}

int
groups_all(struct db *db, struct group **out, size_t *n,
    struct api_error *err)
{
	struct summary_prefetch pre = { NULL };
	size_t k;
	int rc;

	*out = NULL;
	*n = 0;
	/* Every query group's summary rows in one statement. */
	rc = summary_sql_prefetch(db, &pre, err);
	for (k = 0; k < KIND_COUNT && rc == 0; k++)
		rc = add_kind(db, &chart_kinds[k], &pre, out, n, err);
	summary_prefetch_free(&pre);
	if (rc == 0 && sort_groups(*out, *n) == -1)
		rc = api_error_oom(err);
	if (rc == -1) {
		groups_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

int
group_write_notes(struct jw *jw, const struct group *g)
{
	if (g->summary.type != SUMMARY_NONE) {
		jw_key(jw, "summary");
		summary_write(jw, &g->summary);
	}
	if (g->description != NULL) {
		jw_key(jw, "description");
		jw_string(jw, g->description);
	}
	return jw->failed ? -1 : 0;
}
