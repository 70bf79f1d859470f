/* The read routes' JSON answers, written with jw_ in the read's snapshot. */
#include <stdlib.h>
#include <string.h>

#include "chart_sql.h"
#include "discover.h"
#include "jsonwrite.h"
#include "payload.h"
#include "slug.h"
#include "strbuf.h"

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

/* A result's value as a JSON string, or null. */
static void
column(struct jw *jw, PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		jw_null(jw);
	else
		jw_string(jw, PQgetvalue(res, row, col));
}

/* Nulls for the commits from *next up to (not including) until. */
static void
nulls(struct jw *jw, size_t *next, size_t until)
{
	for (; *next < until; (*next)++)
		jw_null(jw);
}

/* series: {"name": [v, null, ...]} aligned with the window's commits. */
static int
write_series(struct jw *jw, PGresult *values,
    const struct window_commit *byhash, size_t ncommits,
    struct api_error *err)
{
	struct window_commit probe, *hit;
	struct point *pts = NULL;
	size_t i, n = 0, next = 0;
	int rows = values == NULL ? 0 : PQntuples(values), r;

	jw_key(jw, "series");
	jw_object(jw);
	if (rows > 0 && (pts = calloc((size_t)rows, sizeof(*pts))) == NULL)
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
	for (i = 0; i < n && !jw->failed; i++) {
		if (i == 0 || strcmp(pts[i].series, pts[i - 1].series) != 0) {
			if (i > 0) {
				nulls(jw, &next, ncommits);
				jw_array_end(jw);
			}
			jw_key(jw, pts[i].series);
			jw_array(jw);
			next = 0;
		}
		nulls(jw, &next, pts[i].commit);
		jw_int(jw, strtoll(pts[i].value, NULL, 10));
		next = pts[i].commit + 1;
	}
	if (n > 0) {
		nulls(jw, &next, ncommits);
		jw_array_end(jw);
	}
	jw_object_end(jw);
	free(pts);
	return 0;
}

/*
 * The chart payload's members, written into the object open in jw:
 * display_name, unit_kind, history, commits (oldest first) and series.
 * window 0 means all.
 */
static int
chart_fill(struct db *db, const struct chart_key *key, long long window,
    struct jw *jw, struct api_error *err)
{
	struct window_commit *byhash = NULL;
	PGresult *first = NULL, *win = NULL, *values = NULL;
	char *name;
	long long total = 0;
	size_t n = 0, i;
	int rc = -1, row;

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
	jw_key(jw, "display_name");
	jw_string(jw, name);
	free(name);
	jw_key(jw, "unit_kind");
	jw_string(jw, key->kind->unit_kind);
	jw_key(jw, "history");
	jw_object(jw);
	jw_key(jw, "total_commits");
	jw_int(jw, total);
	jw_key(jw, "start_index");
	jw_int(jw, total - (long long)n);
	jw_key(jw, "loaded_commits");
	jw_int(jw, (long long)n);
	jw_key(jw, "complete");
	jw_bool(jw, total == (long long)n);
	jw_object_end(jw);

	/* The query returns newest first; the payload is oldest first. */
	jw_key(jw, "commits");
	jw_array(jw);
	for (i = 0; i < n; i++) {
		row = (int)(n - 1 - i);
		jw_object(jw);
		jw_key(jw, "sha");
		column(jw, win, row, 1);
		jw_key(jw, "timestamp");
		column(jw, win, row, 2);
		jw_key(jw, "message");
		column(jw, win, row, 3);
		jw_key(jw, "url");
		column(jw, win, row, 4);
		jw_object_end(jw);
		byhash[i].sha = PQgetvalue(win, row, 1);
		byhash[i].index = i;
	}
	jw_array_end(jw);
	if (n > 0)
		qsort(byhash, n, sizeof(*byhash), cmp_window);
	rc = write_series(jw, values, byhash, n, err);
out:
	free(byhash);
	PQclear(first);
	PQclear(win);
	PQclear(values);
	return rc;
}

/* "name" and "slug" of a chart, or of a group (key->group). */
static int
named(struct jw *jw, const struct chart_key *key, struct api_error *err)
{
	char *name, *slug;
	int rc = 0;

	name = key->group ? chart_group_name(key) : chart_name(key);
	slug = slug_encode(key);
	if (name == NULL || slug == NULL)
		rc = api_error_oom(err);
	else {
		jw_key(jw, "name");
		jw_string(jw, name);
		jw_key(jw, "slug");
		jw_string(jw, slug);
	}
	free(name);
	free(slug);
	return rc;
}

/*
 * The answer written, handed to p (rc 0 and the writer never failed); or,
 * if anything failed on the way (err filled), thrown away.
 */
static int
finish(struct payload *p, struct jw *jw, struct strbuf *out, int rc)
{
	if (rc == 0 && jw_finish(jw) == 0) {
		p->text = out->data;
		p->len = out->len;
		return 0;
	}
	sb_free(out);
	return -1;
}

int
payload_chart(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	struct strbuf out = { 0 };
	struct jw jw;
	int rc;

	jw_init(&jw, jw_sink_strbuf, &out, err);
	jw_object(&jw);
	rc = chart_fill(db, &target->key, target->window, &jw, err);
	jw_object_end(&jw);
	return finish(p, &jw, &out, rc);
}

int
payload_group(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	struct keylist list = { 0 };
	struct strbuf out = { 0 };
	struct jw jw;
	char *name;
	size_t i;
	int rc = -1;

	jw_init(&jw, jw_sink_strbuf, &out, err);
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
	jw_object(&jw);
	jw_key(&jw, "name");
	jw_string(&jw, name);
	free(name);
	jw_key(&jw, "charts");
	jw_array(&jw);
	for (i = 0; i < list.n && !jw.failed; i++) {
		jw_object(&jw);
		if (named(&jw, &list.keys[i], err) == -1 ||
		    chart_fill(db, &list.keys[i], target->window, &jw,
		    err) == -1)
			goto out;
		jw_object_end(&jw);
	}
	jw_array_end(&jw);
	jw_object_end(&jw);
	rc = 0;
out:
	keylist_free(&list);
	return finish(p, &jw, &out, rc);
}

/*
 * Every group of every kind, each with its charts' names and slugs: one
 * statement per kind finds them all (discover_kind()).
 */
static int
all_groups(struct db *db, struct jw *jw, struct api_error *err)
{
	struct keylist clist = { 0 };
	struct chart_key group;
	size_t k, i, j;
	int rc = 0;

	for (k = 0; k < KIND_COUNT && rc == 0 && !jw->failed; k++) {
		rc = discover_kind(db, &chart_kinds[k], &clist, err);
		for (i = 0; i < clist.n && rc == 0; i = j) {
			if (discover_group_of(&clist.keys[i], &group) == -1) {
				rc = api_error_oom(err);
				break;
			}
			jw_object(jw);
			rc = named(jw, &group, err);
			chart_key_free(&group);
			jw_key(jw, "charts");
			jw_array(jw);
			for (j = i; j < clist.n && rc == 0 &&
			    discover_same_group(&clist.keys[i],
			    &clist.keys[j]); j++) {
				jw_object(jw);
				rc = named(jw, &clist.keys[j], err);
				jw_object_end(jw);
			}
			jw_array_end(jw);
			jw_object_end(jw);
		}
		keylist_free(&clist);
	}
	return rc;
}

int
payload_groups(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	struct strbuf out = { 0 };
	struct jw jw;
	int rc;

	(void)target;
	jw_init(&jw, jw_sink_strbuf, &out, err);
	jw_object(&jw);
	jw_key(&jw, "groups");
	jw_array(&jw);
	rc = all_groups(db, &jw, err);
	jw_array_end(&jw);
	jw_object_end(&jw);
	return finish(p, &jw, &out, rc);
}

void
payload_free(struct payload *p)
{
	free(p->text);
	memset(p, 0, sizeof(*p));
}
