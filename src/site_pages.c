/* The site's pages: the read API's JSON answers, read back and written as HTML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "jsonparse.h"
#include "payload.h"
#include "site_html.h"
#include "site_pages.h"
#include "slug.h"
#include "window.h"

/* The members of a summary and of its rankings that hold numbers. */
enum { S_COMPRESS, S_DECOMPRESS, S_MIN, S_MEAN, S_MAX, S_DATASETS, S_NUMS };
static const char *const summary_nums[S_NUMS] = {
	"compressRatio", "decompressRatio", "minRatio", "meanRatio",
	"maxRatio", "datasetCount"
};
enum { R_SCORE, R_TOTAL, R_TIME, R_RATIO, R_NUMS };
static const char *const ranking_nums[R_NUMS] = {
	"score", "totalRuntime", "time", "ratio"
};

struct ranking {
	struct jp_str name;
	double num[R_NUMS];
};

struct summary {
	struct jp_str type, title, explanation;
	struct ranking *rankings;
	size_t nrankings;
	double num[S_NUMS];
	bool has[S_NUMS];
};

struct chart_link {
	struct jp_str name, slug;
};

/* A group as /api/groups lists it. */
struct group {
	struct jp_str name, slug, description;	/* description.ptr: NULL */
	struct summary *summary;		/* NULL: none */
	struct chart_link *charts;
	size_t ncharts;
};

/* A series' newest value in a chart's window. */
struct latest {
	struct jp_str series;
	struct jp_num value;
	size_t commit;
};

/* A chart answer, as much of it as a page shows. */
struct chart {
	struct jp_str slug, display_name, unit_kind;
	const char **shas;
	size_t nshas;
	struct latest *latest;
	size_t nlatest;
};

/* Every engine or every format of series_meta, each once. */
struct names {
	char **v;
	size_t n, cap;
};

/* One page being rendered: what is parsed lives in the arena. */
struct page {
	const struct site_source *src;
	struct db *db;
	struct arena *arena;
	struct api_error *err;
	struct names engines, formats;
};

/* The read API's own builders, in the read's snapshot. */
static const struct site_source api = {
	payload_groups, payload_group, payload_chart
};

/* Room for one more element of a vector held in the arena. */
static void *
grow(struct page *pg, void *v, size_t n, size_t *cap, size_t size)
{
	void *p;

	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8;
	if ((p = arena_alloc(pg->arena, *cap * size)) == NULL)
		return NULL;
	if (n > 0)
		memcpy(p, v, n * size);
	return p;
}

/* Our own answer did not read as the documented shape. */
static int
bad_answer(struct page *pg, struct jp *jp, const char *what)
{
	api_error_set(pg->err, 500, "internal", "site: %s: %s at byte %zu",
	    what, jp->error[0] ? jp->error : "unexpected member", jp_offset(jp));
	return -1;
}

static int
str(struct page *pg, struct jp *jp, struct jp_str *s)
{
	return jp_string(jp, s) == -1 ? bad_answer(pg, jp, "string") : 0;
}

/* A string or null (s->ptr NULL). */
static int
str_or_null(struct page *pg, struct jp *jp, struct jp_str *s)
{
	memset(s, 0, sizeof(*s));
	if (jp_peek(jp) == JP_NULL)
		return jp_literal(jp, JP_NULL) == -1 ?
		    bad_answer(pg, jp, "null") : 0;
	return str(pg, jp, s);
}

static int
number(struct page *pg, struct jp *jp, double *v)
{
	struct jp_num n;
	char buf[64];

	if (jp_number(jp, &n) == -1 || n.len >= sizeof(buf))
		return bad_answer(pg, jp, "number");
	memcpy(buf, n.text, n.len);
	buf[n.len] = '\0';
	*v = strtod(buf, NULL);
	return 0;
}

static int
skip(struct page *pg, struct jp *jp)
{
	return jp_skip(jp, JP_SKIP_DEPTH_MAX) == -1 ?
	    bad_answer(pg, jp, "value") : 0;
}

/* The index of name in names[n], or n. */
static size_t
lookup(const struct jp_str *name, const char *const *names, size_t n)
{
	size_t i;

	for (i = 0; i < n && !jp_str_eq(name, names[i]); i++)
		;
	return i;
}

/* Reads one element of an array into *elem (zeroed). */
typedef int	(*elem_fn)(struct page *, struct jp *, void *elem);

/* An array of elements of size bytes, each read by fn: *v, *n of them. */
static int
parse_array(struct page *pg, struct jp *jp, const char *what, void **v,
    size_t *n, size_t size, elem_fn fn)
{
	size_t j, cap = 0;
	void *elem;
	int rc;

	*v = NULL;
	*n = 0;
	if (jp_array_begin(jp) == -1)
		return bad_answer(pg, jp, what);
	for (j = 0; (rc = jp_array_next(jp, j)) == 1; j++) {
		if ((*v = grow(pg, *v, *n, &cap, size)) == NULL) {
			api_error_oom(pg->err);
			return -1;
		}
		elem = (char *)*v + (*n)++ * size;
		memset(elem, 0, size);
		if (fn(pg, jp, elem) == -1)
			return -1;
	}
	return rc == -1 ? bad_answer(pg, jp, what) : 0;
}

/*
 * A whole answer, {"MEMBER": [element, ...], ...}: the elements of that
 * member, the others skipped.
 */
static int
parse_answer(struct page *pg, struct jp *jp, const char *member, void **v,
    size_t *n, size_t size, elem_fn fn)
{
	struct jp_str m;
	size_t i;
	int rc;

	*v = NULL;
	*n = 0;
	if (jp_object_begin(jp) == -1)
		return bad_answer(pg, jp, member);
	for (i = 0; (rc = jp_object_next(jp, i, &m)) == 1; i++) {
		rc = jp_str_eq(&m, member) ?
		    parse_array(pg, jp, member, v, n, size, fn) : skip(pg, jp);
		if (rc == -1)
			return -1;
	}
	return rc == -1 || jp_end(jp) == -1 ? bad_answer(pg, jp, member) : 0;
}

static int
parse_ranking(struct page *pg, struct jp *jp, void *elem)
{
	struct ranking *r = elem;
	struct jp_str m;
	size_t i, k;
	int rc;

	if (jp_object_begin(jp) == -1)
		return bad_answer(pg, jp, "ranking");
	for (i = 0; (rc = jp_object_next(jp, i, &m)) == 1; i++) {
		if (jp_str_eq(&m, "name"))
			rc = str(pg, jp, &r->name);
		else if ((k = lookup(&m, ranking_nums, R_NUMS)) < R_NUMS)
			rc = number(pg, jp, &r->num[k]);
		else
			rc = skip(pg, jp);
		if (rc == -1)
			return -1;
	}
	return rc == -1 ? bad_answer(pg, jp, "ranking") : 0;
}

static int
parse_summary(struct page *pg, struct jp *jp, struct summary **out)
{
	struct summary *s;
	struct jp_str m;
	void *v;
	size_t i, k;
	int rc;

	if ((s = *out = arena_alloc(pg->arena, sizeof(*s))) == NULL)
		return api_error_oom(pg->err);
	memset(s, 0, sizeof(*s));
	if (jp_object_begin(jp) == -1)
		return bad_answer(pg, jp, "summary");
	for (i = 0; (rc = jp_object_next(jp, i, &m)) == 1; i++) {
		if (jp_str_eq(&m, "type"))
			rc = str(pg, jp, &s->type);
		else if (jp_str_eq(&m, "title"))
			rc = str(pg, jp, &s->title);
		else if (jp_str_eq(&m, "explanation"))
			rc = str(pg, jp, &s->explanation);
		else if ((k = lookup(&m, summary_nums, S_NUMS)) < S_NUMS) {
			s->has[k] = true;
			rc = number(pg, jp, &s->num[k]);
		} else if (jp_str_eq(&m, "rankings")) {
			rc = parse_array(pg, jp, "rankings", &v, &s->nrankings,
			    sizeof(*s->rankings), parse_ranking);
			s->rankings = v;
		} else
			rc = skip(pg, jp);
		if (rc == -1)
			return bad_answer(pg, jp, "summary");
	}
	return rc == -1 ? bad_answer(pg, jp, "summary") : 0;
}

static int
parse_link(struct page *pg, struct jp *jp, void *elem)
{
	struct chart_link *c = elem;
	struct jp_str m;
	size_t i;
	int rc;

	if (jp_object_begin(jp) == -1)
		return bad_answer(pg, jp, "chart link");
	for (i = 0; (rc = jp_object_next(jp, i, &m)) == 1; i++) {
		if (jp_str_eq(&m, "name"))
			rc = str(pg, jp, &c->name);
		else if (jp_str_eq(&m, "slug"))
			rc = str(pg, jp, &c->slug);
		else
			rc = skip(pg, jp);
		if (rc == -1)
			return -1;
	}
	return rc == -1 ? bad_answer(pg, jp, "chart link") : 0;
}

static int
parse_group(struct page *pg, struct jp *jp, void *elem)
{
	struct group *g = elem;
	struct jp_str m;
	void *v;
	size_t i;
	int rc;

	if (jp_object_begin(jp) == -1)
		return bad_answer(pg, jp, "group");
	for (i = 0; (rc = jp_object_next(jp, i, &m)) == 1; i++) {
		if (jp_str_eq(&m, "name"))
			rc = str(pg, jp, &g->name);
		else if (jp_str_eq(&m, "slug"))
			rc = str(pg, jp, &g->slug);
		else if (jp_str_eq(&m, "description"))
			rc = str_or_null(pg, jp, &g->description);
		else if (jp_str_eq(&m, "summary"))
			rc = jp_peek(jp) == JP_OBJECT ?
			    parse_summary(pg, jp, &g->summary) : skip(pg, jp);
		else if (jp_str_eq(&m, "charts")) {
			rc = parse_array(pg, jp, "charts", &v, &g->ncharts,
			    sizeof(*g->charts), parse_link);
			g->charts = v;
		} else
			rc = skip(pg, jp);
		if (rc == -1)
			return -1;
	}
	return rc == -1 ? bad_answer(pg, jp, "group") : 0;
}

/* Adds s to the names unless it is there. */
static int
name_add(struct page *pg, struct names *names, const struct jp_str *s)
{
	size_t i;

	for (i = 0; i < names->n; i++)
		if (jp_str_eq(s, names->v[i]))
			return 0;
	if ((names->v = grow(pg, names->v, names->n, &names->cap,
	    sizeof(*names->v))) == NULL ||
	    (names->v[names->n] = arena_alloc(pg->arena, s->len + 1)) == NULL)
		return api_error_oom(pg->err);
	memcpy(names->v[names->n], s->ptr, s->len);
	names->v[names->n++][s->len] = '\0';
	return 0;
}

/* series_meta: {"SERIES": {"engine": E, "format": F}, ...} */
static int
parse_meta(struct page *pg, struct jp *jp)
{
	struct jp_str m, v;
	size_t i, j;
	int rc;

	if (jp_object_begin(jp) == -1)
		return bad_answer(pg, jp, "series_meta");
	for (i = 0; (rc = jp_object_next(jp, i, &m)) == 1; i++) {
		if (jp_object_begin(jp) == -1)
			return bad_answer(pg, jp, "series_meta");
		for (j = 0; (rc = jp_object_next(jp, j, &m)) == 1; j++) {
			if (!jp_str_eq(&m, "engine") &&
			    !jp_str_eq(&m, "format")) {
				if (skip(pg, jp) == -1)
					return -1;
				continue;
			}
			if (str_or_null(pg, jp, &v) == -1)
				return -1;
			if (v.ptr != NULL && name_add(pg, m.ptr[0] == 'e' ?
			    &pg->engines : &pg->formats, &v) == -1)
				return -1;
		}
		if (rc == -1)
			return bad_answer(pg, jp, "series_meta");
	}
	return rc == -1 ? bad_answer(pg, jp, "series_meta") : 0;
}

/* series: {"SERIES": [v or null per commit], ...}: each one's newest v. */
static int
parse_series(struct page *pg, struct jp *jp, struct chart *c)
{
	struct latest l;
	struct jp_str m;
	size_t i, j, cap = 0;
	bool seen;
	int rc;

	if (jp_object_begin(jp) == -1)
		return bad_answer(pg, jp, "series");
	for (i = 0; (rc = jp_object_next(jp, i, &m)) == 1; i++) {
		l.series = m;
		seen = false;
		if (jp_array_begin(jp) == -1)
			return bad_answer(pg, jp, "series");
		for (j = 0; (rc = jp_array_next(jp, j)) == 1; j++) {
			if (jp_peek(jp) == JP_NULL) {
				if (jp_literal(jp, JP_NULL) == -1)
					return bad_answer(pg, jp, "series");
				continue;
			}
			if (jp_number(jp, &l.value) == -1)
				return bad_answer(pg, jp, "series");
			l.commit = j;
			seen = true;
		}
		if (rc == -1)
			return bad_answer(pg, jp, "series");
		if (!seen)
			continue;
		if ((c->latest = grow(pg, c->latest, c->nlatest, &cap,
		    sizeof(*c->latest))) == NULL)
			return api_error_oom(pg->err);
		c->latest[c->nlatest++] = l;
	}
	return rc == -1 ? bad_answer(pg, jp, "series") : 0;
}

/* commits: [{"sha": ..., ...}, ...], the shas kept. */
static int
parse_commits(struct page *pg, struct jp *jp, struct chart *c)
{
	struct jp_str m, sha;
	size_t i, j, cap = 0;
	int rc;

	if (jp_array_begin(jp) == -1)
		return bad_answer(pg, jp, "commits");
	for (i = 0; (rc = jp_array_next(jp, i)) == 1; i++) {
		if ((c->shas = grow(pg, c->shas, c->nshas, &cap,
		    sizeof(*c->shas))) == NULL)
			return api_error_oom(pg->err);
		c->shas[c->nshas] = "";
		if (jp_object_begin(jp) == -1)
			return bad_answer(pg, jp, "commit");
		for (j = 0; (rc = jp_object_next(jp, j, &m)) == 1; j++) {
			if (!jp_str_eq(&m, "sha"))
				rc = skip(pg, jp);
			else if ((rc = str(pg, jp, &sha)) == 0)
				c->shas[c->nshas] = sha.ptr;
			if (rc == -1)
				return -1;
		}
		if (rc == -1)
			return bad_answer(pg, jp, "commit");
		c->nshas++;
	}
	return rc == -1 ? bad_answer(pg, jp, "commits") : 0;
}

/* A chart answer, alone or as a member of a group answer's charts. */
static int
parse_chart(struct page *pg, struct jp *jp, void *elem)
{
	struct chart *c = elem;
	struct jp_str m;
	size_t i;
	int rc;

	if (jp_object_begin(jp) == -1)
		return bad_answer(pg, jp, "chart");
	for (i = 0; (rc = jp_object_next(jp, i, &m)) == 1; i++) {
		if (jp_str_eq(&m, "slug"))
			rc = str(pg, jp, &c->slug);
		else if (jp_str_eq(&m, "display_name"))
			rc = str(pg, jp, &c->display_name);
		else if (jp_str_eq(&m, "unit_kind"))
			rc = str(pg, jp, &c->unit_kind);
		else if (jp_str_eq(&m, "commits"))
			rc = parse_commits(pg, jp, c);
		else if (jp_str_eq(&m, "series"))
			rc = parse_series(pg, jp, c);
		else if (jp_str_eq(&m, "series_meta"))
			rc = parse_meta(pg, jp);
		else
			rc = skip(pg, jp);
		if (rc == -1)
			return -1;
	}
	if (rc == -1 || c->unit_kind.ptr == NULL)
		return bad_answer(pg, jp, "chart");
	return 0;
}

/*
 * An answer of the read API, built in process (in the read's snapshot),
 * where the parser may write (strings are decoded in place and point into
 * it): *text, the caller's to free(); or, when text is NULL, a copy in the
 * arena.
 */
static int
answer(struct page *pg, const struct read_target *t, char **text,
    struct jp *jp)
{
	struct payload p = { 0 };
	char *copy;

	if (text != NULL)
		*text = NULL;
	if (t->route->build(pg->db, t, &p, pg->err) == -1)
		return -1;
	if (text != NULL) {
		*text = p.text;
		jp_init(jp, p.text, p.len);
		return 0;
	}
	if ((copy = arena_alloc(pg->arena, p.len + 1)) == NULL) {
		payload_free(&p);
		api_error_oom(pg->err);
		return -1;
	}
	memcpy(copy, p.text, p.len + 1);
	jp_init(jp, copy, p.len);
	payload_free(&p);
	return 0;
}

/* /api/groups, parsed; its text lives as long as the arena. */
static int
all_groups(struct page *pg, struct group **groups, size_t *n)
{
	struct read_route route = { "groups", READ_NO_SLUG, pg->src->groups,
	    NULL };
	struct read_target t = { &route, { 0 }, WINDOW_DEFAULT, false };
	struct jp jp;
	void *v = NULL;
	int rc;

	*n = 0;
	rc = answer(pg, &t, NULL, &jp) == -1 ? -1 :
	    parse_answer(pg, &jp, "groups", &v, n, sizeof(**groups),
	    parse_group);
	*groups = v;
	return rc;
}

/* <dl class="latest"> of a chart's newest values, or nothing. */
static void
render_latest(struct strbuf *sb, const struct chart *c)
{
	const struct latest *l;
	size_t i;

	if (c->nlatest == 0)
		return;
	sb_str(sb, "<dl class=\"latest\">\n");
	for (i = 0; i < c->nlatest; i++) {
		l = &c->latest[i];
		sb_str(sb, "<div><dt>");
		html_text(sb, l->series.ptr, l->series.len);
		sb_str(sb, "</dt><dd data-value=\"");
		html_text(sb, l->value.text, l->value.len);
		sb_str(sb, "\" data-commit=\"");
		html_str(sb, l->commit < c->nshas ? c->shas[l->commit] : "");
		sb_str(sb, "\">");
		html_value(sb, l->value.text, l->value.len, c->unit_kind.ptr);
		sb_str(sb, "</dd></div>\n");
	}
	sb_str(sb, "</dl>\n");
}

static void
render_row(struct strbuf *sb, const char *th, const struct summary *s,
    int k)
{
	if (!s->has[k])
		return;
	sb_printf(sb, "<tr><th scope=\"row\">%s</th><td>", th);
	if (k == S_DATASETS)
		sb_printf(sb, "%.0f", s->num[k]);
	else
		html_ratio(sb, s->num[k]);
	sb_str(sb, "</td></tr>\n");
}

static void
render_summary(struct strbuf *sb, const struct summary *s)
{
	const struct ranking *r;
	bool query, random;
	size_t i;

	query = jp_str_eq(&s->type, "queryBenchmark");
	random = jp_str_eq(&s->type, "randomAccess");
	sb_str(sb, "<section class=\"summary-card\" data-type=\"");
	html_text(sb, s->type.ptr, s->type.len);
	sb_str(sb, "\">\n<h3>");
	html_text(sb, s->title.ptr, s->title.len);
	sb_str(sb, "</h3>\n<table>\n");
	if (query || random)
		sb_printf(sb, "<thead><tr><th>#</th><th>%s</th></tr></thead>\n",
		    query ? "Series</th><th>Score</th><th>Total runtime" :
		    "Format</th><th>Time</th><th>Ratio");
	sb_str(sb, "<tbody>\n");
	for (i = 0; (query || random) && i < s->nrankings; i++) {
		r = &s->rankings[i];
		sb_printf(sb, "<tr><td>%zu</td><th scope=\"row\">", i + 1);
		html_text(sb, r->name.ptr, r->name.len);
		sb_str(sb, "</th><td>");
		if (query) {
			html_ratio(sb, r->num[R_SCORE]);
			sb_str(sb, "</td><td>");
			html_number(sb, r->num[R_TOTAL], "time_ns");
		} else {
			html_number(sb, r->num[R_TIME], "time_ns");
			sb_str(sb, "</td><td>");
			html_ratio(sb, r->num[R_RATIO]);
		}
		sb_str(sb, "</td></tr>\n");
	}
	if (jp_str_eq(&s->type, "compression")) {
		render_row(sb, "Compression throughput", s, S_COMPRESS);
		render_row(sb, "Decompression throughput", s, S_DECOMPRESS);
		render_row(sb, "Datasets", s, S_DATASETS);
	} else if (jp_str_eq(&s->type, "compressionSize")) {
		render_row(sb, "Smallest size ratio", s, S_MIN);
		render_row(sb, "Mean size ratio", s, S_MEAN);
		render_row(sb, "Largest size ratio", s, S_MAX);
		render_row(sb, "Datasets", s, S_DATASETS);
	}
	sb_str(sb, "</tbody>\n</table>\n<p class=\"explanation\">");
	html_text(sb, s->explanation.ptr, s->explanation.len);
	sb_str(sb, "</p>\n</section>\n");
}

static const struct chart *
chart_of(const struct chart *charts, size_t n, const struct jp_str *slug)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (charts[i].slug.len == slug->len &&
		    memcmp(charts[i].slug.ptr, slug->ptr, slug->len) == 0)
			return &charts[i];
	return NULL;
}

/*
 * A group's section: its name, description, summary and charts, with
 * each chart's latest values from the group's answer (default window).
 */
static int
render_group(struct page *pg, struct strbuf *sb, const struct group *g)
{
	struct read_route route = { "group", READ_GROUP_SLUG, pg->src->group,
	    NULL };
	struct read_target t = { &route, { 0 }, WINDOW_DEFAULT, false };
	const struct chart *c;
	struct chart *charts;
	struct jp jp;
	char *text = NULL;
	void *v = NULL;
	size_t i, n = 0;
	int rc = -1;

	if (slug_decode(g->slug.ptr, &t.key, pg->err) == -1)
		return -1;
	if (answer(pg, &t, &text, &jp) == -1 ||
	    parse_answer(pg, &jp, "charts", &v, &n, sizeof(*charts),
	    parse_chart) == -1)
		goto out;
	charts = v;
	sb_str(sb, "<section class=\"group\" id=\"group-");
	html_text(sb, g->slug.ptr, g->slug.len);
	sb_str(sb, "\" data-group=\"");
	html_text(sb, g->slug.ptr, g->slug.len);
	sb_str(sb, "\">\n<details class=\"group-toggle\"><summary>"
	    "<h2 class=\"group-name\">");
	html_text(sb, g->name.ptr, g->name.len);
	sb_printf(sb, "</h2> <span class=\"group-count\">%zu chart%s</span>"
	    "</summary></details>\n", g->ncharts, g->ncharts == 1 ? "" : "s");
	if (g->description.ptr != NULL) {
		sb_str(sb, "<p class=\"group-description\">");
		html_text(sb, g->description.ptr, g->description.len);
		sb_str(sb, "</p>\n");
	}
	if (g->summary != NULL)
		render_summary(sb, g->summary);
	sb_str(sb, "<ol class=\"charts\">\n");
	for (i = 0; i < g->ncharts; i++) {
		if ((c = chart_of(charts, n, &g->charts[i].slug)) == NULL) {
			api_error_set(pg->err, 500, "internal", "site: chart "
			    "%s not in its group's answer",
			    g->charts[i].slug.ptr);
			goto out;
		}
		sb_str(sb, "<li class=\"chart\" id=\"chart-");
		html_str(sb, g->charts[i].slug.ptr);
		sb_str(sb, "\" data-chart=\"");
		html_str(sb, g->charts[i].slug.ptr);
		sb_str(sb, "\" data-unit=\"");
		html_str(sb, c->unit_kind.ptr);
		sb_str(sb, "\">\n<h3 class=\"chart-name\"><a href=\"/chart/");
		html_str(sb, g->charts[i].slug.ptr);
		sb_str(sb, "\">");
		html_str(sb, g->charts[i].name.ptr);
		sb_str(sb, "</a></h3>\n");
		render_latest(sb, c);
		sb_str(sb, "</li>\n");
	}
	sb_str(sb, "</ol>\n</section>\n");
	rc = 0;
out:
	free(text);
	chart_key_free(&t.key);
	return rc;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The engine/format filter: every value of series_meta, sorted. */
static void
render_filters(struct strbuf *sb, struct names *engines,
    struct names *formats)
{
	struct names *dims[2] = { engines, formats };
	static const char *const dim[2] = { "engine", "format" };
	static const char *const legend[2] = { "Engine", "Format" };
	size_t d, i;

	if (engines->n == 0 && formats->n == 0)
		return;
	sb_str(sb, "<form id=\"filters\" class=\"filters\" hidden>\n");
	for (d = 0; d < 2; d++) {
		if (dims[d]->n == 0)
			continue;
		qsort(dims[d]->v, dims[d]->n, sizeof(*dims[d]->v), cmp_name);
		sb_printf(sb, "<fieldset data-dim=\"%s\"><legend>%s</legend>\n",
		    dim[d], legend[d]);
		for (i = 0; i < dims[d]->n; i++) {
			sb_str(sb, "<label><input type=\"checkbox\" value=\"");
			html_str(sb, dims[d]->v[i]);
			sb_str(sb, "\" checked> ");
			html_str(sb, dims[d]->v[i]);
			sb_str(sb, "</label>\n");
		}
		sb_str(sb, "</fieldset>\n");
	}
	sb_str(sb, "</form>\n");
}

/* The page as the payload's text, which the payload then owns. */
static int
page_done(struct page *pg, struct strbuf *sb, struct payload *p)
{
	if (sb->failed)
		return api_error_oom(pg->err);
	memset(p, 0, sizeof(*p));
	p->content_type = SITE_HTML_TYPE;
	p->text = sb->data;
	p->len = sb->len;
	memset(sb, 0, sizeof(*sb));
	return 0;
}

int
site_landing_from(const struct site_source *src, struct db *db,
    struct payload *p, struct api_error *err)
{
	struct page pg = { src, db, arena_new(), err, { 0 }, { 0 } };
	struct strbuf sb = { 0 }, sections = { 0 };
	struct group *groups = NULL;
	size_t i, n = 0;
	int rc = -1;

	if (pg.arena == NULL)
		return api_error_oom(err);
	if (all_groups(&pg, &groups, &n) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (render_group(&pg, &sections, &groups[i]) == -1)
			goto out;
	html_page_begin(&sb, SITE_TITLE, "landing", false);
	render_filters(&sb, &pg.engines, &pg.formats);
	sb_str(&sb, "</header>\n");
	if (n == 0)
		sb_str(&sb, "<main id=\"groups\"><p class=\"empty\">No data "
		    "ingested yet.</p></main>\n");
	else {
		sb_str(&sb, "<div class=\"layout\">\n<nav id=\"group-nav\" "
		    "class=\"group-nav\" aria-label=\"Groups\">\n"
		    "<h2>Groups</h2>\n<ol>\n");
		for (i = 0; i < n; i++) {
			sb_str(&sb, "<li><a href=\"#group-");
			html_str(&sb, groups[i].slug.ptr);
			sb_str(&sb, "\">");
			html_str(&sb, groups[i].name.ptr);
			sb_str(&sb, "</a></li>\n");
		}
		sb_str(&sb, "</ol>\n</nav>\n<main id=\"groups\">\n");
		sb_add(&sb, sections.data, sections.len);
		sb_str(&sb, "</main>\n</div>\n");
	}
	html_page_end(&sb, "landing");
	rc = page_done(&pg, &sb, p);
out:
	sb_free(&sb);
	sb_free(&sections);
	arena_free(pg.arena);
	return rc;
}

int
site_landing(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	(void)target;
	return site_landing_from(&api, db, p, err);
}

int
site_chart_from(const struct site_source *src, struct db *db,
    const struct chart_key *key, struct payload *p, struct api_error *err)
{
	struct read_route route = { "chart", READ_CHART_SLUG, src->chart,
	    NULL };
	struct read_target t = { &route, *key, WINDOW_DEFAULT, false };
	struct page pg = { src, db, arena_new(), err, { 0 }, { 0 } };
	struct strbuf sb = { 0 }, title = { 0 };
	const struct group *g = NULL;
	struct group *groups = NULL;
	struct chart c = { 0 };
	struct jp jp;
	char *text = NULL, *slug = NULL;
	size_t i, j, n = 0;
	int rc = -1;

	if (pg.arena == NULL)
		return api_error_oom(err);
	/* The page's view state is in its query, never its window. */
	if (answer(&pg, &t, &text, &jp) == -1 ||
	    parse_chart(&pg, &jp, &c) == -1 ||
	    all_groups(&pg, &groups, &n) == -1)
		goto out;
	if ((slug = slug_encode(key)) == NULL) {
		api_error_oom(err);
		goto out;
	}
	/* The group that lists it, for the way back. */
	for (i = 0; i < n && g == NULL; i++)
		for (j = 0; j < groups[i].ncharts && g == NULL; j++)
			if (jp_str_eq(&groups[i].charts[j].slug, slug))
				g = &groups[i];
	sb_str(&title, c.display_name.ptr);
	sb_str(&title, " \xc2\xb7 " SITE_TITLE);
	if (title.failed) {
		api_error_oom(err);
		goto out;
	}
	html_page_begin(&sb, title.data, "chart", true);
	sb_str(&sb, "</header>\n<main>\n");
	if (g != NULL) {
		sb_str(&sb, "<p class=\"breadcrumb\"><a href=\"/?open=");
		html_str(&sb, g->slug.ptr);
		sb_str(&sb, "#group-");
		html_str(&sb, g->slug.ptr);
		sb_str(&sb, "\">");
		html_str(&sb, g->name.ptr);
		sb_str(&sb, "</a></p>\n");
	}
	sb_str(&sb, "<article class=\"chart chart-full\" id=\"chart-");
	html_str(&sb, slug);
	sb_str(&sb, "\" data-chart=\"");
	html_str(&sb, slug);
	sb_str(&sb, "\" data-unit=\"");
	html_str(&sb, c.unit_kind.ptr);
	sb_str(&sb, "\">\n<h1 class=\"chart-name\">");
	html_str(&sb, c.display_name.ptr);
	sb_str(&sb, "</h1>\n");
	render_latest(&sb, &c);
	sb_str(&sb, "</article>\n</main>\n");
	html_page_end(&sb, "chart");
	rc = page_done(&pg, &sb, p);
out:
	free(text);
	free(slug);
	sb_free(&sb);
	sb_free(&title);
	arena_free(pg.arena);
	return rc;
}

int
site_chart(struct db *db, const struct read_target *target,
    struct payload *p, struct api_error *err)
{
	return site_chart_from(&api, db, &target->key, p, err);
}

void
site_reply_error(struct http_request *req, const struct api_error *err)
{
	struct strbuf sb = { 0 };
	char retry[64] = "";
	int status = err->status;

	req->summary.error_class = err->class;
	if (status >= 500) {
		snprintf(req->summary.internal, sizeof(req->summary.internal),
		    "%s", err->message);
		html_page_begin(&sb, "Unavailable \xc2\xb7 " SITE_TITLE,
		    "error", false);
		sb_str(&sb, "</header>\n<main>\n<h1>Unavailable</h1>\n"
		    "<p>The benchmarks cannot be shown just now; please try "
		    "again in a moment.</p>\n</main>\n");
		html_page_end(&sb, "error");
	} else {
		status = 404;
		html_not_found(&sb);
	}
	if (err->retry_after > 0)
		snprintf(retry, sizeof(retry), "Retry-After: %d\r\n",
		    err->retry_after);
	http_reply_as(req, status, SITE_HTML_TYPE, HTTP_NO_STORE,
	    retry[0] ? retry : NULL, sb.failed ? NULL : sb.data,
	    sb.failed ? 0 : sb.len);
	sb_free(&sb);
}
