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

/*
 * The tree being built.  json-c tells of a failed allocation only by a
 * NULL from a constructor or -1 from an add; each is noted in failed, and
 * a tree that failed is thrown away whole, never sent.
 */
struct tree {
	struct json_object *root;
	bool failed;
};

/* o, just made: NULL means json-c ran out of memory. */
static struct json_object *
made(struct tree *t, struct json_object *o)
{
	if (o == NULL)
		t->failed = true;
	return o;
}

/* A string, or JSON null for NULL. */
static struct json_object *
string(struct tree *t, const char *s)
{
	return s == NULL ? NULL : made(t, json_object_new_string(s));
}

static struct json_object *
integer(struct tree *t, long long v)
{
	return made(t, json_object_new_int64(v));
}

/* Adds v (NULL: JSON null) to object o and returns it; else frees it. */
static struct json_object *
set(struct tree *t, struct json_object *o, const char *key,
    struct json_object *v)
{
	if (o == NULL || json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		t->failed = true;
		return NULL;
	}
	return v;
}

/* Appends v (NULL: JSON null) to array a and returns it; else frees it. */
static struct json_object *
push(struct tree *t, struct json_object *a, struct json_object *v)
{
	if (a == NULL || json_object_array_add(a, v) != 0) {
		json_object_put(v);
		t->failed = true;
		return NULL;
	}
	return v;
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
column(struct tree *t, PGresult *res, int row, int col)
{
	return string(t, PQgetisnull(res, row, col) ? NULL :
	    PQgetvalue(res, row, col));
}

/* series: {"name": [v, null, ...]} aligned with the window's commits. */
static int
add_series(struct tree *t, struct json_object *chart, PGresult *values,
    const struct window_commit *byhash, size_t ncommits,
    struct api_error *err)
{
	struct json_object *series, *arr = NULL;
	struct window_commit probe, *hit;
	struct point *pts;
	size_t i, n = 0, next = 0;
	int rows = PQntuples(values), r;

	series = set(t, chart, "series", made(t, json_object_new_object()));
	if (rows == 0)
		return 0;
	if ((pts = calloc((size_t)rows, sizeof(*pts))) == NULL)
		return api_error_oom(err);
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
	for (i = 0; i < n && !t->failed; i++) {
		if (i == 0 || strcmp(pts[i].series, pts[i - 1].series) != 0) {
			for (; arr != NULL && next < ncommits; next++)
				push(t, arr, NULL);
			arr = set(t, series, pts[i].series,
			    made(t, json_object_new_array_ext((int)ncommits)));
			next = 0;
		}
		for (; next < pts[i].commit; next++)
			push(t, arr, NULL);
		push(t, arr, integer(t, strtoll(pts[i].value, NULL, 10)));
		next = pts[i].commit + 1;
	}
	for (; arr != NULL && next < ncommits; next++)
		push(t, arr, NULL);
	free(pts);
	return 0;
}

/*
 * The chart payload's members, added to obj: display_name, unit_kind,
 * history, commits (oldest first) and series.  window 0 means all.
 */
static int
chart_fill(struct db *db, const struct chart_key *key, long long window,
    struct tree *t, struct json_object *obj, struct api_error *err)
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
		api_error_set(err, 404, "not_found", "chart not found");
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
			api_error_oom(err);
			goto out;
		}
	}

	if ((name = chart_display_name(key)) == NULL) {
		api_error_oom(err);
		goto out;
	}
	set(t, obj, "display_name", string(t, name));
	free(name);
	set(t, obj, "unit_kind", string(t, key->kind->unit_kind));
	history = set(t, obj, "history", made(t, json_object_new_object()));
	set(t, history, "total_commits", integer(t, total));
	set(t, history, "start_index", integer(t, total - (long long)n));
	set(t, history, "loaded_commits", integer(t, (long long)n));
	set(t, history, "complete",
	    made(t, json_object_new_boolean(total == (long long)n)));

	/* The query returns newest first; the payload is oldest first. */
	commits = set(t, obj, "commits",
	    made(t, json_object_new_array_ext((int)n)));
	for (i = 0; i < n; i++) {
		int row = (int)(n - 1 - i);

		c = push(t, commits, made(t, json_object_new_object()));
		set(t, c, "sha", column(t, win, row, 1));
		set(t, c, "timestamp", column(t, win, row, 2));
		set(t, c, "message", column(t, win, row, 3));
		set(t, c, "url", column(t, win, row, 4));
		byhash[i].sha = PQgetvalue(win, row, 1);
		byhash[i].index = i;
	}
	if (n > 0)
		qsort(byhash, n, sizeof(*byhash), cmp_window);
	if (values != NULL)
		rc = add_series(t, obj, values, byhash, n, err);
	else {
		set(t, obj, "series", made(t, json_object_new_object()));
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
named(struct tree *t, const struct chart_key *key)
{
	struct json_object *o = NULL;
	char *name, *slug;

	name = key->group ? chart_group_name(key) : chart_name(key);
	slug = slug_encode(key);
	if (name == NULL || slug == NULL)
		t->failed = true;
	else {
		o = made(t, json_object_new_object());
		set(t, o, "name", string(t, name));
		set(t, o, "slug", string(t, slug));
	}
	free(name);
	free(slug);
	return o;
}

/*
 * The tree written out into p, which owns it from then on; or, if
 * anything failed on the way (rc -1 with err filled, or json-c out of
 * memory), thrown away.
 */
static int
finish(struct payload *p, struct tree *t, int rc, struct api_error *err)
{
	if (rc == 0 && !t->failed && (p->text =
	    json_object_to_json_string_ext(t->root, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE)) != NULL) {
		p->root = t->root;
		p->len = strlen(p->text);
		return 0;
	}
	json_object_put(t->root);
	t->root = NULL;
	p->text = NULL;
	return rc == 0 ? api_error_oom(err) : -1;
}

int
payload_chart(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	struct tree t = { NULL, false };
	int rc;

	t.root = made(&t, json_object_new_object());
	rc = chart_fill(db, &target->key, target->window, &t, t.root, err);
	return finish(p, &t, rc, err);
}

int
payload_group(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	struct tree t = { NULL, false };
	struct json_object *charts, *c;
	struct keylist list = { 0 };
	char *name;
	size_t i;
	int rc = -1;

	if (discover_charts(db, &target->key, &list, err) == -1)
		goto out;
	if (list.n == 0) {
		api_error_set(err, 404, "not_found", "group not found");
		goto out;
	}
	if ((name = chart_group_name(&target->key)) == NULL) {
		api_error_oom(err);
		goto out;
	}
	t.root = made(&t, json_object_new_object());
	set(&t, t.root, "name", string(&t, name));
	free(name);
	charts = set(&t, t.root, "charts",
	    made(&t, json_object_new_array_ext((int)list.n)));
	for (i = 0; i < list.n && !t.failed; i++) {
		c = push(&t, charts, named(&t, &list.keys[i]));
		if (c != NULL && chart_fill(db, &list.keys[i], target->window,
		    &t, c, err) == -1)
			goto out;
	}
	rc = 0;
out:
	keylist_free(&list);
	return finish(p, &t, rc, err);
}

/* Every group of every kind, each with its charts' names and slugs. */
static int
all_groups(struct db *db, struct tree *t, struct json_object *groups,
    struct api_error *err)
{
	struct keylist glist = { 0 }, clist = { 0 };
	struct json_object *g, *charts;
	size_t k, i, j;
	int rc = 0;

	for (k = 0; k < KIND_COUNT && rc == 0 && !t->failed; k++) {
		rc = discover_groups(db, &chart_kinds[k], &glist, err);
		for (i = 0; i < glist.n && rc == 0 && !t->failed; i++) {
			if ((rc = discover_charts(db, &glist.keys[i], &clist,
			    err)) == -1 || clist.n == 0)
				continue;
			g = push(t, groups, named(t, &glist.keys[i]));
			charts = set(t, g, "charts",
			    made(t, json_object_new_array_ext((int)clist.n)));
			for (j = 0; j < clist.n && !t->failed; j++)
				push(t, charts, named(t, &clist.keys[j]));
			keylist_free(&clist);
		}
		keylist_free(&clist);
		keylist_free(&glist);
	}
	return rc;
}

int
payload_groups(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	struct tree t = { NULL, false };
	struct json_object *groups;
	int rc;

	(void)target;
	t.root = made(&t, json_object_new_object());
	groups = set(&t, t.root, "groups", made(&t, json_object_new_array()));
	rc = all_groups(db, &t, groups, err);
	return finish(p, &t, rc, err);
}

void
payload_free(struct payload *p)
{
	json_object_put(p->root);
	memset(p, 0, sizeof(*p));
}
