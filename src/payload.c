/* The read routes' JSON answers, built in the read's snapshot. */
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "chart_sql.h"
#include "discover.h"
#include "payload.h"
#include "slug.h"

/* One row of a chart's values, pointing into its PGresult. */
struct point {
	const char *series;
	size_t commit;		/* index into the window, oldest first */
	const char *value;
};

struct window_commit {
	const char *sha;
	size_t index;
};

static int
oom(struct api_error *err)
{
	api_error_set(err, 500, "internal", "out of memory");
	return -1;
}

static int
cmp_window(const void *a, const void *b)
{
	return strcmp(((const struct window_commit *)a)->sha,
	    ((const struct window_commit *)b)->sha);
}

static int
cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;
	int c = strcmp(x->series, y->series);

	if (c != 0)
		return c;
	return x->commit < y->commit ? -1 : x->commit > y->commit;
}

static struct json_object *
json_string_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL :
	    json_object_new_string(PQgetvalue(res, row, col));
}

/* series: {"name": [v, null, ...]} aligned with the window's commits. */
static int
add_series(struct json_object *chart, PGresult *values,
    const struct window_commit *byhash, size_t ncommits,
    struct api_error *err)
{
	struct json_object *series, *arr = NULL;
	struct window_commit probe, *hit;
	struct point *pts;
	size_t i, n = 0, next = 0;
	int rows = PQntuples(values), r;

	series = json_object_new_object();
	json_object_object_add(chart, "series", series);
	if (rows == 0)
		return 0;
	if ((pts = calloc((size_t)rows, sizeof(*pts))) == NULL)
		return oom(err);
	for (r = 0; r < rows; r++) {
		probe.sha = PQgetvalue(values, r, 1);
		hit = bsearch(&probe, byhash, ncommits, sizeof(*byhash),
		    cmp_window);
		if (hit == NULL)	/* same timestamp, cut from the window */
			continue;
		pts[n].series = PQgetvalue(values, r, 0);
		pts[n].commit = hit->index;
		pts[n].value = PQgetvalue(values, r, 2);
		n++;
	}
	/* Bytewise, as strcmp compares: the contract's key order. */
	if (n > 0)
		qsort(pts, n, sizeof(*pts), cmp_point);
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(pts[i].series, pts[i - 1].series) != 0) {
			for (; arr != NULL && next < ncommits; next++)
				json_object_array_add(arr, NULL);
			arr = json_object_new_array_ext((int)ncommits);
			json_object_object_add(series, pts[i].series, arr);
			next = 0;
		}
		for (; next < pts[i].commit; next++)
			json_object_array_add(arr, NULL);
		json_object_array_add(arr, json_object_new_int64(
		    strtoll(pts[i].value, NULL, 10)));
		next = pts[i].commit + 1;
	}
	for (; arr != NULL && next < ncommits; next++)
		json_object_array_add(arr, NULL);
	free(pts);
	return 0;
}

/*
 * The chart payload's members, added to obj: display_name, unit_kind,
 * history, commits (oldest first) and series.  window 0 means all.
 */
static int
chart_fill(struct db *db, const struct chart_key *key, long long window,
    struct json_object *obj, struct api_error *err)
{
	struct json_object *history, *commits, *c;
	struct window_commit *byhash = NULL;
	PGresult *first = NULL, *win = NULL, *values = NULL;
	char *name;
	long long total = 0;
	size_t n = 0, i;
	int rc = -1;

	if ((first = chart_sql_earliest(db, key, err)) == NULL)
		goto out;
	if (PQgetisnull(first, 0, 0)) {
		api_error_set(err, 404, "not_found", "no measurements for "
		    "this chart");
		goto out;
	}
	if ((win = chart_sql_window(db, PQgetvalue(first, 0, 0), window,
	    err)) == NULL)
		goto out;
	n = (size_t)PQntuples(win);
	if (n > 0) {
		total = strtoll(PQgetvalue(win, 0, 0), NULL, 10);
		/* The oldest commit in the window bounds the values read. */
		if ((values = chart_sql_values(db, key,
		    PQgetvalue(win, (int)n - 1, 5), err)) == NULL)
			goto out;
		if ((byhash = calloc(n, sizeof(*byhash))) == NULL) {
			oom(err);
			goto out;
		}
	}

	if ((name = chart_display_name(key)) == NULL) {
		oom(err);
		goto out;
	}
	json_object_object_add(obj, "display_name",
	    json_object_new_string(name));
	free(name);
	json_object_object_add(obj, "unit_kind",
	    json_object_new_string(key->kind->unit_kind));
	history = json_object_new_object();
	json_object_object_add(history, "total_commits",
	    json_object_new_int64(total));
	json_object_object_add(history, "start_index",
	    json_object_new_int64(total - (long long)n));
	json_object_object_add(history, "loaded_commits",
	    json_object_new_int64((long long)n));
	json_object_object_add(history, "complete",
	    json_object_new_boolean(total == (long long)n));
	json_object_object_add(obj, "history", history);

	/* The query returns newest first; the payload is oldest first. */
	commits = json_object_new_array_ext((int)n);
	for (i = 0; i < n; i++) {
		int row = (int)(n - 1 - i);

		c = json_object_new_object();
		json_object_object_add(c, "sha", json_string_or_null(win,
		    row, 1));
		json_object_object_add(c, "timestamp", json_string_or_null(win,
		    row, 2));
		json_object_object_add(c, "message", json_string_or_null(win,
		    row, 3));
		json_object_object_add(c, "url", json_string_or_null(win,
		    row, 4));
		json_object_array_add(commits, c);
		byhash[i].sha = PQgetvalue(win, row, 1);
		byhash[i].index = i;
	}
	json_object_object_add(obj, "commits", commits);
	if (n > 0)
		qsort(byhash, n, sizeof(*byhash), cmp_window);
	if (values != NULL)
		rc = add_series(obj, values, byhash, n, err);
	else {
		json_object_object_add(obj, "series", json_object_new_object());
		rc = 0;
	}
out:
	free(byhash);
	PQclear(first);
	PQclear(win);
	PQclear(values);
	return rc;
}

/* {"name": ..., "slug": ...} of a chart, or of a group (key->group). */
static struct json_object *
named(const struct chart_key *key)
{
	struct json_object *o = NULL;
	char *name, *slug;

	name = key->group ? chart_group_name(key) : chart_name(key);
	slug = slug_encode(key);
	if (name != NULL && slug != NULL) {
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "slug", json_object_new_string(slug));
	}
	free(name);
	free(slug);
	return o;
}

/* The tree written out: p owns it from now on. */
static int
finish(struct payload *p, struct json_object *root, struct api_error *err)
{
	p->root = root;
	p->text = json_object_to_json_string_ext(root,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	p->len = strlen(p->text);
	(void)err;
	return 0;
}

int
payload_chart(struct db *db, const struct read_target *t, struct payload *p,
    struct api_error *err)
{
	struct json_object *o = json_object_new_object();

	if (chart_fill(db, &t->key, t->window, o, err) == 0)
		return finish(p, o, err);
	json_object_put(o);
	return -1;
}

int
payload_group(struct db *db, const struct read_target *t, struct payload *p,
    struct api_error *err)
{
	struct json_object *o = NULL, *charts, *c;
	struct keylist list = { 0 };
	char *name;
	size_t i;

	if (discover_charts(db, &t->key, &list, err) == -1)
		goto out;
	if (list.n == 0) {
		api_error_set(err, 404, "not_found", "no measurements for "
		    "this group");
		goto out;
	}
	if ((name = chart_group_name(&t->key)) == NULL) {
		oom(err);
		goto out;
	}
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	free(name);
	charts = json_object_new_array_ext((int)list.n);
	json_object_object_add(o, "charts", charts);
	for (i = 0; i < list.n; i++) {
		if ((c = named(&list.keys[i])) == NULL) {
			oom(err);
			goto fail;
		}
		json_object_array_add(charts, c);
		if (chart_fill(db, &list.keys[i], t->window, c, err) == -1)
			goto fail;
	}
	goto out;
fail:
	json_object_put(o);
	o = NULL;
out:
	keylist_free(&list);
	return o != NULL ? finish(p, o, err) : -1;
}

/* Every group of every kind, each with its charts' names and slugs. */
static int
all_groups(struct db *db, struct json_object *groups, struct api_error *err)
{
	struct keylist glist = { 0 }, clist = { 0 };
	struct json_object *g, *charts, *c;
	size_t k, i, j;
	int rc = 0;

	for (k = 0; k < CHART_KIND_COUNT && rc == 0; k++) {
		rc = discover_groups(db, &chart_kinds[k], &glist, err);
		for (i = 0; i < glist.n && rc == 0; i++) {
			if ((rc = discover_charts(db, &glist.keys[i], &clist,
			    err)) == -1 || clist.n == 0)
				continue;
			if ((g = named(&glist.keys[i])) == NULL) {
				rc = oom(err);
				break;
			}
			json_object_array_add(groups, g);
			charts = json_object_new_array_ext((int)clist.n);
			json_object_object_add(g, "charts", charts);
			for (j = 0; j < clist.n; j++) {
				if ((c = named(&clist.keys[j])) == NULL) {
					rc = oom(err);
					break;
				}
				json_object_array_add(charts, c);
			}
			keylist_free(&clist);
		}
		keylist_free(&clist);
		keylist_free(&glist);
	}
	return rc;
}

int
payload_groups(struct db *db, const struct read_target *t, struct payload *p,
    struct api_error *err)
{
	struct json_object *o = json_object_new_object(), *groups;

	(void)t;
	groups = json_object_new_array();
	json_object_object_add(o, "groups", groups);
	if (all_groups(db, groups, err) == 0)
		return finish(p, o, err);
	json_object_put(o);
	return -1;
}

void
payload_free(struct payload *p)
{
	json_object_put(p->root);
	memset(p, 0, sizeof(*p));
}
