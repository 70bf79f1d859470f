#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <malloc.h>

#include <json.h>
#include <libpq-fe.h>
#include <xxhash.h>

#include "charts.h"
#include "db_read.h"
#include "generation.h"
#include "read.h"
#include "readlimit.h"
#include "slug.h"
#include "strbuf.h"

/* After an answer this large, idle memory goes back to the system. */
#define READ_TRIM_BYTES	((size_t)1 << 20)
/*
 * The longest cache key header: a slug is at most 8 KiB, and nginx reads
 * the probe's headers into its fastcgi_buffer_size (16k in the snippet).
 */
#define READ_CACHE_KEY_MAX	12288

struct keylist {
	struct chart_key *keys;
	size_t n, cap;
};

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

long long
read_window(const char *query)
{
	const char *p = query, *v, *end;
	long long n = 0;
	size_t len, i;

	for (; p != NULL && *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if (strncmp(p, "n=", 2) != 0)
			continue;
		v = p + 2;
		len = (size_t)(end - v);
		if (len == 3 && strncasecmp(v, "all", 3) == 0)
			return 0;
		i = v[0] == '-' ? 1 : 0;
		if (len == i)
			return READ_WINDOW_DEFAULT;
		for (; i < len; i++) {
			if (!isdigit((unsigned char)v[i]))
				return READ_WINDOW_DEFAULT;
			if (n < READ_WINDOW_MAX)
				n = n * 10 + (v[i] - '0');
		}
		if (v[0] == '-' || n < 1)
			return 1;
		return n > READ_WINDOW_MAX ? READ_WINDOW_MAX : n;
	}
	return READ_WINDOW_DEFAULT;
}

static const char *
dim_sql_type(enum dim_type t)
{
	switch (t) {
	case DIM_I32:
		return "integer";
	case DIM_F64:
		return "double precision";
	default:
		return "text";
	}
}

/*
 * "dataset = $1::text AND dataset_variant IS NULL AND ..." over the first n
 * dimensions: IS NULL rather than IS NOT DISTINCT FROM, which no index
 * serves.
 */
static void
key_conditions(struct strbuf *sql, const struct chart_key *key, size_t n,
    const char *alias, const char **params, int *nparams)
{
	const struct dim *d;
	size_t i;

	sb_str(sql, "true");
	for (i = 0; i < n; i++) {
		d = &key->kind->dims[i];
		sb_printf(sql, " AND %s%s", alias, d->column);
		if (key->values[i].null) {
			sb_str(sql, " IS NULL");
			continue;
		}
		params[(*nparams)++] = key->values[i].text;
		sb_printf(sql, " = $%d::%s", *nparams, dim_sql_type(d->type));
	}
}

/* "dataset, dataset_variant, ...": the first n columns, index order. */
static void
key_columns(struct strbuf *sql, const struct chart_kind *kind, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sb_printf(sql, "%s%s", i ? ", " : "", kind->dims[i].column);
}

static int
oom(struct api_error *err)
{
	api_error_set(err, 500, "internal", "out of memory");
	return -1;
}

static int
keylist_add(struct keylist *l, const struct chart_key *key)
{
	struct chart_key *p;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap ? l->cap * 2 : 16;
		if ((p = realloc(l->keys, cap * sizeof(*p))) == NULL)
			return -1;
		l->keys = p;
		l->cap = cap;
	}
	if (chart_key_copy(&l->keys[l->n], key) == -1)
		return -1;
	l->n++;
	return 0;
}

static void
keylist_free(struct keylist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		chart_key_free(&l->keys[i]);
	free(l->keys);
	memset(l, 0, sizeof(*l));
}

/*
 * The distinct values of dimension `depth` under the values key already
 * has for the dimensions before it, in index order with NULL last.  A skip
 * scan: one index probe per value, never a pass over the table.
 */
static PGresult *
distinct_values(struct db *db, const struct chart_key *key, size_t depth,
    struct api_error *err)
{
	const struct chart_kind *kind = key->kind;
	const char *col = kind->dims[depth].column;
	const char *params[CHART_MAX_DIMS];
	struct strbuf sql = { 0 }, where = { 0 }, order = { 0 };
	PGresult *res = NULL;
	int nparams = 0;

	key_conditions(&where, key, depth, "", params, &nparams);
	key_columns(&order, kind, depth + 1);
	sb_printf(&sql, "WITH RECURSIVE s(v, i) AS ((SELECT %s, 1 FROM %s "
	    "WHERE %s AND %s IS NOT NULL ORDER BY %s LIMIT 1) UNION ALL "
	    "SELECT (SELECT %s FROM %s WHERE %s AND %s > s.v ORDER BY %s "
	    "LIMIT 1), s.i + 1 FROM s WHERE s.v IS NOT NULL) "
	    "SELECT v::text, i FROM s WHERE v IS NOT NULL",
	    col, kind->table, where.data, col, order.data,
	    col, kind->table, where.data, col, order.data);
	if (kind->dims[depth].type == DIM_STR_OPT)
		sb_printf(&sql, " UNION ALL SELECT NULL, 2147483647 WHERE "
		    "EXISTS (SELECT 1 FROM %s WHERE %s AND %s IS NULL)",
		    kind->table, where.data, col);
	sb_str(&sql, " ORDER BY 2");
	if (sql.failed || where.failed || order.failed)
		oom(err);
	else
		res = db_read_query(db, sql.data, nparams, params, err);
	sb_free(&sql);
	sb_free(&where);
	sb_free(&order);
	return res;
}

/* A value as the slug and the SQL carry it. */
static int
dim_value_set(struct dim_value *v, const struct dim *dim, const char *text,
    bool null)
{
	char canonical[64];

	v->null = null;
	v->text = NULL;
	if (null)
		return 0;
	if (dim->type == DIM_F64) {
		if (slug_format_f64(strtod(text, NULL), canonical,
		    sizeof(canonical)) == -1)
			return 1;	/* NaN or infinite: no JSON for it */
		text = canonical;
	}
	return (v->text = strdup(text)) == NULL ? -1 : 0;
}

/* Every key under key's first `depth` values, down to `until` values. */
static int
walk(struct db *db, struct chart_key *key, size_t depth, size_t until,
    struct keylist *out, struct api_error *err)
{
	const struct dim *dim;
	PGresult *res;
	int i, rc = 0;

	if (depth == until)
		return keylist_add(out, key) == -1 ? oom(err) : 0;
	if ((res = distinct_values(db, key, depth, err)) == NULL)
		return -1;
	dim = &key->kind->dims[depth];
	for (i = 0; i < PQntuples(res) && rc == 0; i++) {
		rc = dim_value_set(&key->values[depth], dim,
		    PQgetvalue(res, i, 0), PQgetisnull(res, i, 0));
		if (rc == -1)
			rc = oom(err);
		else if (rc == 1)
			rc = 0;		/* skipped */
		else
			rc = walk(db, key, depth + 1, until, out, err);
		free(key->values[depth].text);
		key->values[depth].text = NULL;
	}
	PQclear(res);
	return rc;
}

/* The charts of a group, in order. */
static int
group_charts(struct db *db, const struct chart_key *group,
    struct keylist *charts, struct api_error *err)
{
	struct chart_key key;
	int rc;

	if (chart_key_copy(&key, group) == -1)
		return oom(err);
	key.group = false;
	rc = walk(db, &key, group->kind->ngroup_dims, group->kind->ndims,
	    charts, err);
	chart_key_free(&key);
	return rc;
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

/*
 * The name of a row's series: its series columns joined by ':'.  So that
 * no two series share a name, a joined value that holds ':' has its '\'
 * and ':' escaped with '\'; any other value is used as stored, which keeps
 * ordinary names exactly "engine:format".  A name of one column is the
 * value itself.
 */
static void
series_name_sql(struct strbuf *sql, const struct chart_kind *kind)
{
	const char *const *col;

	if (kind->series_columns[1] == NULL) {
		sb_printf(sql, "m.%s", kind->series_columns[0]);
		return;
	}
	for (col = kind->series_columns; *col != NULL; col++)
		sb_printf(sql, "%sCASE WHEN strpos(m.%s, ':') > 0 THEN "
		    "replace(replace(m.%s, E'\\\\', E'\\\\\\\\'), ':', "
		    "E'\\\\:') ELSE m.%s END", col == kind->series_columns ?
		    "" : " || ':' || ", *col, *col, *col);
}

/*
 * The earliest commit_timestamp of a chart whose index ends in its series
 * columns and commit_timestamp DESC: a skip scan over the series, then one
 * backward probe per series, rather than a pass over every row.  ORDER BY
 * names every index column up to the one sought, because only then does
 * the planner follow the index (IS NULL does not fix a column for it).
 */
static void
earliest_by_series_sql(struct strbuf *sql, const struct chart_kind *kind,
    const char *where)
{
	const char *const *sc = kind->series_columns;
	struct strbuf cols = { 0 }, prev = { 0 }, order = { 0 }, back = { 0 };
	size_t i;

	for (i = 0; i < kind->ndims; i++) {
		sb_printf(&order, "m.%s, ", kind->dims[i].column);
		sb_printf(&back, "m.%s DESC, ", kind->dims[i].column);
	}
	for (i = 0; sc[i] != NULL; i++) {
		sb_printf(&cols, "%sm.%s", i ? ", " : "", sc[i]);
		sb_printf(&prev, "%ss.%s", i ? ", " : "", sc[i]);
		sb_printf(&order, "%sm.%s", i ? ", " : "", sc[i]);
		sb_printf(&back, "m.%s DESC, ", sc[i]);
	}
	if (cols.failed || prev.failed || order.failed || back.failed)
		sql->failed = true;
	else
		sb_printf(sql, "WITH RECURSIVE s AS ((SELECT %s FROM %s m "
		    "WHERE %s ORDER BY %s LIMIT 1) UNION ALL SELECT n.* FROM s "
		    "CROSS JOIN LATERAL (SELECT %s FROM %s m WHERE %s AND "
		    "(%s) > (%s) ORDER BY %s LIMIT 1) n) "
		    "SELECT min(x.t) FROM s CROSS JOIN LATERAL "
		    "(SELECT m.commit_timestamp AS t FROM %s m WHERE %s AND "
		    "(%s) = (%s) AND m.commit_timestamp IS NOT NULL "
		    "ORDER BY %sm.commit_timestamp LIMIT 1) x",
		    cols.data, kind->table, where, order.data,
		    cols.data, kind->table, where, cols.data, prev.data,
		    order.data, kind->table, where, cols.data, prev.data,
		    back.data);
	sb_free(&cols);
	sb_free(&prev);
	sb_free(&order);
	sb_free(&back);
}

/*
 * A query over one chart's rows by their commit's timestamp: the earliest
 * (values false), or from `since` on its series, commit sha and value.
 * Kinds that carry the timestamp are read alone, others joined to commits.
 */
static PGresult *
chart_query(struct db *db, const struct chart_key *key, bool values,
    const char *since, struct api_error *err)
{
	const struct chart_kind *kind = key->kind;
	const char *params[CHART_MAX_DIMS + 1];
	struct strbuf sql = { 0 }, where = { 0 };
	PGresult *res = NULL;
	int nparams = 0;

	key_conditions(&where, key, kind->ndims, "m.", params, &nparams);
	if (where.failed) {
		oom(err);
		goto out;
	}
	if (values) {
		sb_str(&sql, "SELECT ");
		series_name_sql(&sql, kind);
		sb_printf(&sql, ", m.commit_sha, m.%s FROM %s m%s WHERE %s",
		    kind->value_column, kind->table,
		    kind->has_commit_timestamp ? "" :
		    " JOIN commits c ON c.commit_sha = m.commit_sha",
		    where.data);
		params[nparams++] = since;
		sb_printf(&sql, " AND %s >= $%d::timestamptz",
		    kind->has_commit_timestamp ? "m.commit_timestamp" :
		    "c.timestamp", nparams);
	} else if (kind->has_commit_timestamp)
		earliest_by_series_sql(&sql, kind, where.data);
	else
		sb_printf(&sql, "SELECT min(c.timestamp) FROM %s m JOIN commits "
		    "c ON c.commit_sha = m.commit_sha WHERE %s", kind->table,
		    where.data);
	if (sql.failed)
		oom(err);
	else
		res = db_read_query(db, sql.data, nparams, params, err);
out:
	sb_free(&sql);
	sb_free(&where);
	return res;
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
	static const char window_sql[] =
	    "SELECT (SELECT count(*) FROM commits WHERE timestamp >= $1), "
	    "w.commit_sha, w.timestamp::text, "
	    "rtrim(split_part(w.message, E'\\n', 1), E'\\r'), w.url, "
	    "w.timestamp FROM (SELECT * FROM commits WHERE timestamp >= $1 "
	    "ORDER BY timestamp DESC, commit_sha DESC LIMIT $2) w";
	struct json_object *history, *commits, *c;
	struct window_commit *byhash = NULL;
	PGresult *first = NULL, *win = NULL, *values = NULL;
	const char *params[2];
	char limit[32], *name;
	long long total = 0;
	size_t n = 0, i;
	int rc = -1;

	if ((first = chart_query(db, key, false, NULL, err)) == NULL)
		goto out;
	if (PQgetisnull(first, 0, 0)) {
		api_error_set(err, 404, "not_found", "no measurements for "
		    "this chart");
		goto out;
	}
	snprintf(limit, sizeof(limit), "%lld", window);
	params[0] = PQgetvalue(first, 0, 0);
	params[1] = window > 0 ? limit : NULL;
	if ((win = db_read_query(db, window_sql, 2, params, err)) == NULL)
		goto out;
	n = (size_t)PQntuples(win);
	if (n > 0) {
		total = strtoll(PQgetvalue(win, 0, 0), NULL, 10);
		/* The oldest commit in the window bounds the values read. */
		if ((values = chart_query(db, key, true,
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

/* {"name": ..., "slug": ...} of a chart or group. */
static struct json_object *
named(const struct chart_key *key, char *name)
{
	struct json_object *o;
	char *slug = slug_encode(key);

	if (name == NULL || slug == NULL) {
		free(name);
		free(slug);
		return NULL;
	}
	o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "slug", json_object_new_string(slug));
	free(name);
	free(slug);
	return o;
}

static bool
etag_listed(const char *header, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = header;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t,");
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (strncmp(p, etag, n) == 0 && (p[n] == '\0' || p[n] == ',' ||
		    p[n] == ' ' || p[n] == '\t'))
			return true;
		p = strchr(p, ',');
	}
	return false;
}

/*
 * A read's 200 (or 304): no-cache tells browsers to revalidate with the
 * ETag; nginx ignores it and caches under the generation, unless no
 * listener is running, when nothing may be cached (X-Accel-Expires: 0).
 */
static void
reply_read(struct http_request *req, struct json_object *o)
{
	const char *body = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(body);
	char etag[24], headers[160];

	snprintf(etag, sizeof(etag), "\"%016" PRIx64 "\"",
	    (uint64_t)XXH64(body, len, 0));
	snprintf(headers, sizeof(headers), "ETag: %s\r\n%s", etag,
	    generation_listening() ? "" : "X-Accel-Expires: 0\r\n");
	if (req->if_none_match != NULL && etag_listed(req->if_none_match,
	    etag))
		http_reply(req, 304, HTTP_NO_CACHE, headers, NULL, 0);
	else
		http_reply(req, 200, HTTP_NO_CACHE, headers, body, len);
	json_object_put(o);
	/* A big answer's many small blocks would stay with the worker. */
	if (len > READ_TRIM_BYTES)
		malloc_trim(0);
}

struct read_route;

/*
 * What a read request asks for, parsed once.  Its answer depends on this
 * and on the data, nothing else: not on other query parameters, not on
 * how the slug or n were spelled.
 */
struct read_target {
	const struct read_route *route;
	struct chart_key key;	/* of the slug, when the route has one */
	long long window;	/* read_window(); 0: all */
};

/*
 * A read route: what its path holds besides the route, its name in the
 * cache key, and what builds its answer inside the read's snapshot.
 */
struct read_route {
	const char *name;
	const char *prefix;	/* a slug follows it; NULL: no slug, no window */
	bool group;		/* the slug names a group, not a chart */
	struct json_object *(*build)(struct db *, const struct read_target *,
	    struct api_error *);
};

/* The slug after a route's prefix, decoded into a chart or a group key. */
static int
route_key(struct http_request *req, const struct read_route *route,
    struct chart_key *key, struct api_error *err)
{
	if (slug_decode(req->path + strlen(route->prefix), key, err) == -1)
		return -1;
	if (key->group != route->group) {
		api_error_set(err, 400, "bad_request", "bad slug: a %s slug, "
		    "not a %s slug", key->group ? "group" : "chart",
		    route->group ? "group" : "chart");
		chart_key_free(key);
		return -1;
	}
	return 0;
}

void
read_no_cache_key(struct http_request *req)
{
	req->summary.quiet = true;
	http_reply(req, 204, HTTP_PROBE, NULL, NULL, 0);
}

/*
 * nginx's probe: the key its cache stores this request's answer under,
 * "<generation> <route>[ <canonical slug> <window>]".  Computed from the
 * target the answer is computed from, it cannot disagree with the answer.
 */
static void
reply_cache_key(struct http_request *req, const struct read_target *t)
{
	struct strbuf h = { 0 };
	char gen[GENERATION_TEXT_MAX], *slug = NULL;

	generation_text(gen, sizeof(gen));
	sb_printf(&h, "X-Benchingest-Cache-Key: %s %s", gen, t->route->name);
	if (t->route->prefix != NULL) {
		if ((slug = slug_encode(&t->key)) == NULL)
			h.failed = true;
		else if (t->window == 0)
			sb_printf(&h, " %s all", slug);
		else
			sb_printf(&h, " %s %lld", slug, t->window);
	}
	sb_str(&h, "\r\n");
	/* Out of memory, or too long for nginx's buffer: no key, no cache. */
	if (h.failed || h.len > READ_CACHE_KEY_MAX)
		read_no_cache_key(req);
	else {
		req->summary.quiet = true;
		http_reply(req, 204, HTTP_PROBE, h.data, NULL, 0);
	}
	free(slug);
	sb_free(&h);
}

/*
 * Parses what the request asks for into *t.  Returns 0 when the caller is
 * to answer it from *t (then read_target_free() it), -1 when it has been
 * answered here: a bad slug, or nginx's probe for the cache key.  A slug
 * that does not decode has no key, so its 400 is neither looked up nor
 * stored.
 */
static int
read_target(struct http_request *req, const struct read_route *route,
    struct read_target *t)
{
	struct api_error err;

	memset(t, 0, sizeof(*t));
	t->route = route;
	api_error_clear(&err);
	if (route->prefix != NULL) {
		if (route_key(req, route, &t->key, &err) == -1) {
			if (req->cache_key_probe)
				read_no_cache_key(req);
			else
				http_reply_error(req, &err);
			return -1;
		}
		t->window = read_window(req->query);
	}
	if (req->cache_key_probe) {
		reply_cache_key(req, t);
		chart_key_free(&t->key);
		return -1;
	}
	return 0;
}

static void
read_target_free(struct read_target *t)
{
	chart_key_free(&t->key);
}

static struct json_object *
build_chart(struct db *db, const struct read_target *t, struct api_error *err)
{
	struct json_object *o = json_object_new_object();

	if (chart_fill(db, &t->key, t->window, o, err) == 0)
		return o;
	json_object_put(o);
	return NULL;
}

static struct json_object *
build_group(struct db *db, const struct read_target *t, struct api_error *err)
{
	struct json_object *o = NULL, *charts, *c;
	struct keylist list = { 0 };
	char *name;
	size_t i;

	if (group_charts(db, &t->key, &list, err) == -1)
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
		if ((c = named(&list.keys[i], chart_name(&list.keys[i]))) ==
		    NULL) {
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
	return o;
}

/* Every group of every kind, each with its charts' names and slugs. */
static int
all_groups(struct db *db, struct json_object *groups, struct api_error *err)
{
	struct keylist glist = { 0 }, clist = { 0 };
	struct json_object *g, *charts, *c;
	struct chart_key key;
	size_t k, i, j;
	int rc = 0;

	for (k = 0; k < CHART_KIND_COUNT && rc == 0; k++) {
		memset(&key, 0, sizeof(key));
		key.kind = &chart_kinds[k];
		key.group = true;
		rc = walk(db, &key, 0, key.kind->ngroup_dims, &glist, err);
		for (i = 0; i < glist.n && rc == 0; i++) {
			if ((rc = group_charts(db, &glist.keys[i], &clist,
			    err)) == -1 || clist.n == 0)
				continue;
			if ((g = named(&glist.keys[i],
			    chart_group_name(&glist.keys[i]))) == NULL) {
				rc = oom(err);
				break;
			}
			json_object_array_add(groups, g);
			charts = json_object_new_array_ext((int)clist.n);
			json_object_object_add(g, "charts", charts);
			for (j = 0; j < clist.n; j++) {
				if ((c = named(&clist.keys[j],
				    chart_name(&clist.keys[j]))) == NULL) {
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

static struct json_object *
build_groups(struct db *db, const struct read_target *t, struct api_error *err)
{
	struct json_object *o = json_object_new_object(), *groups;

	(void)t;
	groups = json_object_new_array();
	json_object_object_add(o, "groups", groups);
	if (all_groups(db, groups, err) == 0)
		return o;
	json_object_put(o);
	return NULL;
}

static const struct read_route groups_route = {
	"groups", NULL, false, build_groups
};
static const struct read_route chart_route = {
	"chart", "/api/chart/", false, build_chart
};
static const struct read_route group_route = {
	"group", "/api/group/", true, build_group
};

/*
 * Every read: parse the request (which answers nginx's cache key probe),
 * take one of the max_concurrent_reads slots or answer 503 at once, build
 * the answer in one snapshot under read_timeout, reply, give the slot back.
 */
static void
read_answer(struct http_request *req, struct route_ctx *ctx,
    const struct read_route *route)
{
	const struct config *cfg = ctx->cfg;
	struct json_object *o = NULL;
	struct read_target t;
	struct api_error err;
	bool slot;

	if (read_target(req, route, &t) == -1)
		return;
	api_error_clear(&err);
	if (!(slot = readlimit_take(cfg->max_concurrent_reads))) {
		api_error_set(&err, 503, "unavailable", "%lld reads under way "
		    "(max_concurrent_reads)", cfg->max_concurrent_reads);
		err.retry_after = 1;
	} else if (db_read_begin(ctx->db, cfg->read_timeout, &err) == 0) {
		o = route->build(ctx->db, &t, &err);
		db_read_end(ctx->db);
	}
	read_target_free(&t);
	if (o != NULL)
		reply_read(req, o);
	else
		http_reply_error(req, &err);
	if (slot)
		readlimit_release();
}

void
read_groups(struct http_request *req, struct route_ctx *ctx)
{
	read_answer(req, ctx, &groups_route);
}

void
read_chart(struct http_request *req, struct route_ctx *ctx)
{
	read_answer(req, ctx, &chart_route);
}

void
read_group(struct http_request *req, struct route_ctx *ctx)
{
	read_answer(req, ctx, &group_route);
}
