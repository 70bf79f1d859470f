/* The read routes' JSON answers, written with jw_ in the read's snapshot. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "chart_sql.h"
#include "groups.h"
#include "jsonwrite.h"
#include "jsstring.h"
#include "payload.h"
#include "slug.h"
#include "strbuf.h"

/*
 * The values a group's batch of series holds, about: each series has at
 * most one per commit of W, and a value costs some 24 bytes in a batch,
 * against the 2 to 11 of its JSON.
 */
#define VALUES_PER_BATCH	8192

/* A slot of a series that no row filled: null in its array. */
#define NO_VALUE	LLONG_MIN

/*
 * The series columns a series is tagged with in series_meta, in the
 * reference's member order: what its front end filters engines and
 * formats by.  A kind without them (vector search) has no series_meta.
 */
static const char *const tag_columns[] = { "engine", "format" };
#define NTAGS	(sizeof(tag_columns) / sizeof(tag_columns[0]))

/*
 * A chart's series, each once: its name, its tags (NULL: none), and its
 * value at each commit of the chart's window, oldest first (NO_VALUE:
 * none), which its row for that commit fills in: the array it is written
 * as, with no sort of its rows.
 */
struct series {
	char *name;
	char *tag[NTAGS];
	long long *value;
};

struct names {
	struct series **s;
	size_t n, cap;
};

/* A commit of W by its sha ... */
struct window_commit {
	const char *key;
	size_t index;		/* in W, newest first */
};

/* ... or by a time no other commit of W has (microseconds, as binary). */
struct window_time {
	long long t;
	size_t index;
};

/*
 * What the charts of one read share: the window W of the newest commits
 * from the earliest chart's start on (newest first), the number of
 * commits from each chart's start, and the values of every chart, chart
 * after chart, through a cursor (chart_sql.h).
 */
struct chart_reads {
	PGresult *earliest;	/* a row per chart */
	PGresult *win;		/* W, and the commit after it if any */
	size_t nwin;		/* W's size */
	PGresult *totals;	/* per chart_reads.later, in that order */
	struct window_commit *bysha;	/* every commit of W */
	struct window_time *bytime;	/* those whose time is W's alone */
	size_t nbytime;
	struct db_cursor values;
	bool pending;		/* values is on a row not yet taken */
	bool values_open;
	size_t near;		/* the bytime entry a row was last found at */
	size_t pinned;		/* dims shared by the charts (the rows lack them) */
};

static int
cmp_window(const void *a, const void *b)
{
	return strcmp(((const struct window_commit *)a)->key,
	    ((const struct window_commit *)b)->key);
}

static int
cmp_time(const void *a, const void *b)
{
	long long x = ((const struct window_time *)a)->t;
	long long y = ((const struct window_time *)b)->t;

	return x < y ? -1 : x > y;
}

/* A big-endian 32 or 64-bit integer of Postgres's binary format. */
static long long
be_int(const unsigned char *p, size_t n)
{
	unsigned long long v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return n == 4 ? (long long)(int)(unsigned)v : (long long)v;
}

/* The elements of a one-dimensional array in binary format. */
struct array {
	const unsigned char *p, *end;
};

/*
 * The array in row r, column col of res; false for NULL, or for anything
 * but an array of at most one dimension.
 */
static bool
array_open(struct array *a, PGresult *res, int r, int col)
{
	long long ndim;

	if (PQgetisnull(res, r, col))
		return false;
	a->p = (const unsigned char *)PQgetvalue(res, r, col);
	a->end = a->p + PQgetlength(res, r, col);
	if (a->end - a->p < 12 || (ndim = be_int(a->p, 4)) < 0 || ndim > 1 ||
	    a->end - a->p < 12 + 8 * ndim)
		return false;
	a->p += 12 + 8 * ndim;
	return true;
}

/*
 * The next element and its length; NULL when none is left, or at a NULL
 * element or a malformed one (then a->p is not at a->end).
 */
static const unsigned char *
array_next(struct array *a, size_t *len)
{
	const unsigned char *e;
	long long n;

	if (a->end - a->p < 4 || (n = be_int(a->p, 4)) < 0 ||
	    n > a->end - a->p - 4)
		return NULL;
	e = a->p + 4;
	a->p = e + n;
	*len = (size_t)n;
	return e;
}

/*
 * Whether s is an array index as JavaScript sees an object's key: the
 * canonical decimal of an integer below 2^32 - 1 ("0", "17"; not "017",
 * "+1" or "4294967295"), its value in *v.
 */
static bool
array_index(const char *s, unsigned long long *v)
{
	size_t i;

	*v = 0;
	for (i = 0; s[i] >= '0' && s[i] <= '9' && i < 10; i++)
		*v = *v * 10 + (unsigned long long)(s[i] - '0');
	return i > 0 && s[i] == '\0' && (s[0] != '0' || i == 1) &&
	    *v < 4294967295ULL;
}

/*
 * The order of an object's keys in JSON.stringify: array indices first,
 * by value, then the others in their order of insertion, which the
 * reference read service sorts as JavaScript compares strings (UTF-16).
 */
static int
cmp_key(const char *a, const char *b)
{
	unsigned long long x, y;
	bool ia = array_index(a, &x), ib = array_index(b, &y);

	if (ia && ib)
		return x < y ? -1 : x > y;
	if (ia != ib)
		return ia ? -1 : 1;
	return js_strcmp(a, b);
}

static int
cmp_series(const void *a, const void *b)
{
	return cmp_key((*(struct series *const *)a)->name,
	    (*(struct series *const *)b)->name);
}

static void
series_free(struct series *s)
{
	size_t t;

	if (s == NULL)
		return;
	free(s->name);
	for (t = 0; t < NTAGS; t++)
		free(s->tag[t]);
	free(s->value);
	free(s);
}

static void
names_free(struct names *n)
{
	size_t i;

	for (i = 0; i < n->n; i++)
		series_free(n->s[i]);
	free(n->s);
	memset(n, 0, sizeof(*n));
}

/*
 * The series named in row r of res (column col; its tags in tagcol[],
 * -1 for none), added to n with ncommits empty values if new.  Its
 * address stays the same until n is freed; NULL: out of memory.
 */
static struct series *
names_intern(struct names *n, PGresult *res, int r, int col,
    const int tagcol[NTAGS], size_t ncommits)
{
	const char *name = PQgetvalue(res, r, col);
	struct series **p, *s;
	size_t i, t;

	for (i = 0; i < n->n; i++)
		if (strcmp(n->s[i]->name, name) == 0)
			return n->s[i];
	if (n->n == n->cap) {
		if ((p = realloc(n->s, (n->cap ? n->cap * 2 : 8) *
		    sizeof(struct series *))) == NULL)
			return NULL;
		n->s = p;
		n->cap = n->cap ? n->cap * 2 : 8;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (s->name = strdup(name)) == NULL ||
	    (s->value = malloc(ncommits * sizeof(*s->value))) == NULL) {
		series_free(s);
		return NULL;
	}
	for (i = 0; i < ncommits; i++)
		s->value[i] = NO_VALUE;
	for (t = 0; t < NTAGS; t++)
		if (tagcol[t] != -1 && (s->tag[t] = strdup(PQgetvalue(res, r,
		    tagcol[t]))) == NULL) {
			series_free(s);
			return NULL;
		}
	return n->s[n->n++] = s;
}

/*
 * The columns of chart_sql_values()' rows that hold the tags of kind
 * (-1: the kind has no such series column); false if it has none.
 */
static bool
tag_columns_of(const struct chart_kind *kind, int first, int col[NTAGS])
{
	size_t t, j;
	bool tagged = false;

	for (t = 0; t < NTAGS; t++) {
		col[t] = -1;
		for (j = 0; kind->series_columns[j] != NULL; j++)
			if (strcmp(kind->series_columns[j], tag_columns[t]) == 0)
				col[t] = first + (int)j;
		tagged |= col[t] != -1;
	}
	return tagged;
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

/*
 * Whether row r of res, whose columns from `col` on are the values of
 * key's dimensions from `pinned` on, is of key's chart.
 */
static bool
row_of_chart(PGresult *res, int r, int col, const struct chart_key *key,
    size_t pinned)
{
	const struct dim_value *v;
	const char *text;
	size_t d;

	for (d = pinned; d < key->kind->ndims; d++, col++) {
		v = &key->values[d];
		if (PQgetisnull(res, r, col) != v->null)
			return false;
		if (v->null)
			continue;
		text = PQgetvalue(res, r, col);
		if (key->kind->dims[d].type == DIM_F64 ?
		    strtod(text, NULL) != strtod(v->text, NULL) :
		    strcmp(text, v->text) != 0)
			return false;
	}
	return true;
}

/*
 * The index in W of the commit at time t, if only that commit of W has
 * it, else -1.  A series' values come newest first, so the entry before
 * the last one found is tried before a search.
 */
static long long
time_commit(struct chart_reads *r, long long t)
{
	size_t lo = 0, hi = r->nbytime, mid;

	if (r->near > 0 && r->near <= r->nbytime &&
	    r->bytime[r->near - 1].t == t)
		return (long long)r->bytime[--r->near].index;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->bytime[mid].t < t)
			lo = mid + 1;
		else if (r->bytime[mid].t > t)
			hi = mid;
		else {
			r->near = mid;
			return (long long)r->bytime[mid].index;
		}
	}
	return -1;
}

/* The index in W of the commit whose sha is the len bytes at sha, or -1. */
static long long
sha_commit(struct chart_reads *r, const unsigned char *sha, size_t len)
{
	size_t lo = 0, hi = r->nwin, mid;
	const char *key;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		key = r->bysha[mid].key;
		if ((c = strncmp(key, (const char *)sha, len)) == 0)
			c = key[len] != '\0';
		if (c < 0)
			lo = mid + 1;
		else if (c > 0)
			hi = mid;
		else
			return (long long)r->bysha[mid].index;
	}
	return -1;
}

/*
 * The values of one series (row of the cursor) into its slots of the
 * chart's window, the newest n commits of W: a value comes with its
 * commit's time, which only that commit of W has, or with its commit's
 * sha; a value of another commit (older, or at a time shared with one
 * cut from W) is dropped.  The series is added to names at its first
 * value in the window.  -1: out of memory; -2: a malformed array.
 */
static int
take_series(struct chart_reads *r, PGresult *res, int row, int ncol,
    const int tagcol[NTAGS], size_t n, struct names *names)
{
	struct array at, values;
	struct series *series = NULL;
	const unsigned char *e, *v;
	size_t len, vlen;
	long long w;
	int pair;

	/* Times and their values, then shas and theirs. */
	for (pair = 0; pair < 2; pair++) {
		if (!array_open(&at, res, row, ncol + 1 + 2 * pair))
			continue;
		if (!array_open(&values, res, row, ncol + 2 + 2 * pair))
			return -2;
		while ((e = array_next(&at, &len)) != NULL) {
			if ((v = array_next(&values, &vlen)) == NULL ||
			    vlen != 8 || (pair == 0 && len != 8))
				return -2;
			w = pair == 0 ? time_commit(r, be_int(e, 8)) :
			    sha_commit(r, e, len);
			if (w < 0 || (size_t)w >= n)
				continue;
			if (series == NULL && (series = names_intern(names,
			    res, row, ncol, tagcol, n)) == NULL)
				return -1;
			series->value[n - 1 - (size_t)w] = be_int(v, 8);
		}
		if (at.p != at.end || values.p != values.end)
			return -2;
	}
	return 0;
}

/*
 * The values of key's chart: the cursor's rows while they are the
 * chart's, a series each (take_series()).
 */
static int
take_values(struct chart_reads *r, const struct chart_key *key, size_t n,
    struct names *names, struct api_error *err)
{
	size_t ncol = key->kind->ndims - r->pinned;
	int got, rc, tagcol[NTAGS];

	(void)tag_columns_of(key->kind, (int)ncol + 5, tagcol);
	while (r->values_open) {
		if (!r->pending) {
			if ((got = db_cursor_next(&r->values, err)) == -1)
				return -1;
			if (got == 0) {
				r->values_open = false;
				break;
			}
			r->pending = true;
		}
		if (!row_of_chart(r->values.batch, r->values.row, 0, key,
		    r->pinned))
			break;		/* the next chart's */
		r->pending = false;
		if ((rc = take_series(r, r->values.batch, r->values.row,
		    (int)ncol, tagcol, n, names)) == -1)
			return api_error_oom(err);
		if (rc == -2) {
			api_error_set(err, 500, "internal", "values: not an "
			    "array of bigint");
			return -1;
		}
	}
	return 0;
}

/*
 * series_meta: {"name": {"engine": e, "format": f}, ...}, a series' tag
 * columns as stored, for the series of names (sorted, n > 0); nothing for
 * a kind without tag columns.
 */
static void
write_series_meta(struct jw *jw, const struct chart_kind *kind,
    const struct names *names)
{
	int col[NTAGS];
	size_t t, i;

	if (!tag_columns_of(kind, 0, col))
		return;
	jw_key(jw, "series_meta");
	jw_object(jw);
	for (i = 0; i < names->n; i++) {
		jw_key(jw, names->s[i]->name);
		jw_object(jw);
		for (t = 0; t < NTAGS; t++) {
			if (col[t] == -1)
				continue;
			jw_key(jw, tag_columns[t]);
			jw_string(jw, names->s[i]->tag[t]);
		}
		jw_object_end(jw);
	}
	jw_object_end(jw);
}

/*
 * series: {"name": [v, null, ...]} aligned with the window's commits (keys
 * in JSON.stringify's order: array indices first, by value, then
 * bytewise), and series_meta when a series has tags.
 */
static int
write_series(struct jw *jw, struct chart_reads *r,
    const struct chart_key *key, size_t ncommits, struct api_error *err)
{
	struct names names = { 0 };
	const struct series *s;
	size_t i, c;

	if (take_values(r, key, ncommits, &names, err) == -1) {
		names_free(&names);
		return -1;
	}
	if (names.n > 1)
		qsort(names.s, names.n, sizeof(struct series *), cmp_series);
	jw_key(jw, "series");
	jw_object(jw);
	for (i = 0; i < names.n && !jw->failed; i++) {
		s = names.s[i];
		jw_key(jw, s->name);
		jw_array(jw);
		for (c = 0; c < ncommits; c++) {
			if (s->value[c] == NO_VALUE)
				jw_null(jw);
			else
				jw_int(jw, s->value[c]);
		}
		jw_array_end(jw);
	}
	jw_object_end(jw);
	if (names.n > 0)
		write_series_meta(jw, key->kind, &names);
	names_free(&names);
	return 0;
}

/*
 * The chart payload's members, written into the object open in jw:
 * display_name, unit_kind, history, commits (oldest first), series and
 * series_meta.
 * Its window is the newest n commits of W, total the commits from its
 * start on.
 */
static int
chart_fill(struct chart_reads *r, const struct chart_key *key, size_t n,
    long long total, struct jw *jw, struct api_error *err)
{
	PGresult *win = r->win;
	char *name;
	size_t i;
	int row;

	if ((name = chart_display_name(key)) == NULL)
		return api_error_oom(err);
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

	/* W is newest first; the payload is oldest first. */
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
	}
	jw_array_end(jw);
	return write_series(jw, r, key, n, err);
}

static void
chart_reads_free(struct chart_reads *r)
{
	PQclear(r->earliest);
	PQclear(r->win);
	PQclear(r->totals);
	free(r->bysha);
	free(r->bytime);
	db_cursor_free(&r->values);
	memset(r, 0, sizeof(*r));
}

/*
 * The start of chart (its earliest commit time, as Postgres writes it in
 * the read's session: UTC, ISO), from r->earliest's rows from *row on,
 * which are in the order of the charts asked for; NULL if it has none.
 */
static const char *
chart_start(struct chart_reads *r, const struct chart_key *chart, int *row)
{
	int ncol = (int)(chart->kind->ndims - r->pinned);

	for (; *row < PQntuples(r->earliest); (*row)++)
		if (row_of_chart(r->earliest, *row, 0, chart, r->pinned))
			return PQgetisnull(r->earliest, *row, ncol) ? NULL :
			    PQgetvalue(r->earliest, *row, ncol);
	return NULL;
}

/*
 * How rows find their commit in W (newest first, so equal times are
 * adjacent): by time, where W has the one commit of that time; by sha,
 * for the times in *tied (NULL: none): those two commits of W share, and
 * W's oldest if the newest commit cut from W (the row after W) shares it.
 */
static int
window_index(struct chart_reads *r, struct strbuf *tied, const char **list,
    struct api_error *err)
{
	size_t n = r->nwin, i, j, ntied = 0;
	bool cut_shares;
	const char *ts;

	if ((r->bysha = calloc(n, sizeof(*r->bysha))) == NULL ||
	    (r->bytime = calloc(n, sizeof(*r->bytime))) == NULL)
		return api_error_oom(err);
	for (i = 0; i < n; i++) {
		r->bysha[i].key = PQgetvalue(r->win, (int)i, 1);
		r->bysha[i].index = i;
	}
	qsort(r->bysha, n, sizeof(*r->bysha), cmp_window);
	cut_shares = (size_t)PQntuples(r->win) > n &&
	    strcmp(PQgetvalue(r->win, (int)n, 5), PQgetvalue(r->win,
	    (int)n - 1, 5)) == 0;
	sb_str(tied, "{");
	for (i = 0; i < n; i = j) {
		ts = PQgetvalue(r->win, (int)i, 5);
		for (j = i + 1; j < n && strcmp(PQgetvalue(r->win, (int)j, 5),
		    ts) == 0; j++)
			;
		if (j - i == 1 && (j < n || !cut_shares)) {
			r->bytime[r->nbytime].t = strtoll(PQgetvalue(r->win,
			    (int)i, 6), NULL, 10);
			r->bytime[r->nbytime++].index = i;
		} else
			sb_printf(tied, "%s\"%s\"", ntied++ ? "," : "", ts);
	}
	sb_str(tied, "}");
	qsort(r->bytime, r->nbytime, sizeof(*r->bytime), cmp_time);
	*list = ntied > 0 ? tied->data : NULL;
	return tied->failed ? api_error_oom(err) : 0;
}

/*
 * Reads what the charts[0..ncharts) (ncharts >= 1, under key's first
 * `pinned` values) need, in a fixed number of statements whatever their
 * number: each one's start, the window W from the earliest start, the
 * commit counts from the other starts (totals[i] for charts[i]), the
 * values cursor from W's oldest commit.  A chart without a start is 404.
 */
static int
chart_reads_open(struct db *db, const struct chart_key *key, size_t pinned,
    const struct chart_key *charts, size_t ncharts, long long window,
    struct chart_reads *r, long long *totals, struct api_error *err)
{
	struct strbuf later = { 0 }, tied = { 0 };
	const char **starts = NULL, *since = NULL, *tied_list = NULL;
	size_t i, nlater = 0;
	int row = 0, rc = -1, w;

	memset(r, 0, sizeof(*r));
	r->pinned = pinned;
	if ((starts = calloc(ncharts, sizeof(*starts))) == NULL)
		return api_error_oom(err);
	if ((r->earliest = chart_sql_earliest(db, key, pinned, err)) == NULL)
		goto out;
	/*
	 * Timestamps in the session's format compare as text in time order
	 * (UTC, fixed widths; "+" sorts before a fraction's ".").
	 */
	for (i = 0; i < ncharts; i++) {
		if ((starts[i] = chart_start(r, &charts[i], &row)) == NULL) {
			api_error_set(err, 404, "not_found", "chart not found");
			goto out;
		}
		if (since == NULL || strcmp(starts[i], since) < 0)
			since = starts[i];
	}
	if ((r->win = chart_sql_window(db, since, window, err)) == NULL)
		goto out;
	w = PQntuples(r->win);
	if (window > 0 && w > window)
		w = (int)window;
	r->nwin = (size_t)w;
	sb_str(&later, "{");
	for (i = 0; i < ncharts; i++) {
		totals[i] = w > 0 ? strtoll(PQgetvalue(r->win, 0, 0), NULL,
		    10) : 0;
		if (strcmp(starts[i], since) != 0) {
			totals[i] = -1;
			sb_printf(&later, "%s\"%s\"", nlater++ ? "," : "",
			    starts[i]);
		}
	}
	sb_str(&later, "}");
	if (later.failed) {
		api_error_oom(err);
		goto out;
	}
	if (nlater > 0) {
		if ((r->totals = chart_sql_totals(db, later.data, err)) == NULL)
			goto out;
		for (i = 0, row = 0; i < ncharts; i++)
			if (totals[i] == -1)
				totals[i] = strtoll(PQgetvalue(r->totals, row++,
				    0), NULL, 10);
	}
	if (w > 0) {
		if (window_index(r, &tied, &tied_list, err) == -1 ||
		    chart_sql_values(&r->values, db, key, pinned,
		    PQgetvalue(r->win, w - 1, 5), tied_list, window == 0,
		    w < VALUES_PER_BATCH ? VALUES_PER_BATCH / w : 1, err) == -1)
			goto out;
		r->values_open = true;
	}
	rc = 0;
out:
	free(starts);
	sb_free(&later);
	sb_free(&tied);
	return rc;
}

/* A chart's window: the newest n of W, n its commits or the window. */
static size_t
chart_window(long long window, long long total)
{
	return (size_t)(window > 0 && window < total ? window : total);
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
	const struct chart_key *key = &target->key;
	struct chart_reads r;
	struct strbuf out = { 0 };
	struct jw jw;
	long long total;
	int rc;

	jw_init(&jw, jw_sink_strbuf, &out, err);
	rc = chart_reads_open(db, key, key->kind->ndims, key, 1,
	    target->window, &r, &total, err);
	if (rc == 0) {
		jw_object(&jw);
		rc = chart_fill(&r, key, chart_window(target->window, total),
		    total, &jw, err);
		jw_object_end(&jw);
	}
	chart_reads_free(&r);
	return finish(p, &jw, &out, rc);
}

int
payload_group(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	struct chart_reads r = { 0 };
	struct group g;
	struct strbuf out = { 0 };
	long long *totals = NULL;
	struct jw jw;
	size_t i;
	int rc = -1;

	jw_init(&jw, jw_sink_strbuf, &out, err);
	if (group_one(db, &target->key, &g, err) == -1)
		goto out;
	if (g.charts.n == 0) {
		api_error_set(err, 404, "not_found", "group not found");
		goto out;
	}
	if ((totals = calloc(g.charts.n, sizeof(*totals))) == NULL) {
		api_error_oom(err);
		goto out;
	}
	if (chart_reads_open(db, &target->key, target->key.kind->ngroup_dims,
	    g.charts.keys, g.charts.n, target->window, &r, totals, err) == -1)
		goto out;
	jw_object(&jw);
	jw_key(&jw, "name");
	jw_string(&jw, g.name);
	group_write_notes(&jw, &g);
	jw_key(&jw, "charts");
	jw_array(&jw);
	for (i = 0; i < g.charts.n && !jw.failed; i++) {
		jw_object(&jw);
		if (named(&jw, &g.charts.keys[i], err) == -1 ||
		    chart_fill(&r, &g.charts.keys[i], chart_window(target->window,
		    totals[i]), totals[i], &jw, err) == -1)
			goto out;
		jw_object_end(&jw);
	}
	jw_array_end(&jw);
	jw_object_end(&jw);
	rc = 0;
out:
	chart_reads_free(&r);
	free(totals);
	group_free(&g);
	return finish(p, &jw, &out, rc);
}

/*
 * Every group of every kind, each with its charts' names and slugs: one
 * statement per kind finds them all (discover_kind()).
 */
static int
all_groups(struct db *db, struct jw *jw, struct api_error *err)
{
	struct group *groups;
	size_t n, i, j;
	int rc;

	if (groups_all(db, &groups, &n, err) == -1)
		return -1;
	for (i = 0, rc = 0; i < n && rc == 0; i++) {
		jw_object(jw);
		rc = named(jw, &groups[i].key, err);
		jw_key(jw, "charts");
		jw_array(jw);
		for (j = 0; j < groups[i].charts.n && rc == 0; j++) {
			jw_object(jw);
			rc = named(jw, &groups[i].charts.keys[j], err);
			jw_object_end(jw);
		}
		jw_array_end(jw);
		group_write_notes(jw, &groups[i]);
		jw_object_end(jw);
	}
	groups_free(groups, n);
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
