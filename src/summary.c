/*
 * Group summaries computed as the reference read service computes them.
 * Every floating point step is the one its JavaScript takes, in its order
 * (-ffp-contract=off: no fused multiply-add), with V8's log and exp.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsmath.h"
#include "jsstring.h"
#include "summary.h"

/* Math.min and Math.max of two numbers that are not NaN. */
static double
min2(double a, double b)
{
	return b < a ? b : a;
}

static double
max2(double a, double b)
{
	return b > a ? b : a;
}

const char *const summary_query_datasets[] = {
	"clickbench", "statpopgen", "polarsignals", "tpch", "tpcds", NULL
};

bool
summary_query_dataset(const char *dataset)
{
	const char *const *d;

	for (d = summary_query_datasets; *d != NULL; d++)
		if (strcmp(dataset, *d) == 0)
			return true;
	return false;
}

bool
summary_geomean(const double *v, size_t n, double *out)
{
	double sum = 0;
	size_t i, used = 0;

	for (i = 0; i < n; i++)
		if (v[i] > 0 && isfinite(v[i])) {
			sum += js_log(v[i]);
			used++;
		}
	if (used == 0)
		return false;
	*out = js_exp(sum / (double)used);
	return true;
}

void
summary_free(struct summary *s)
{
	size_t i;

	for (i = 0; i < s->nrankings; i++)
		free(s->rankings[i].name);
	free(s->rankings);
	memset(s, 0, sizeof(*s));
}

/* n rankings, their names copied from rows; -1 when out of memory. */
static int
rankings_new(struct summary *s, const struct summary_row *rows, size_t n)
{
	size_t i;

	if ((s->rankings = calloc(n, sizeof(*s->rankings))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((s->rankings[i].name = strdup(rows[i].name)) == NULL) {
			summary_free(s);
			return -1;
		}
		s->nrankings++;
	}
	return 0;
}

static int
cmp_time(const void *x, const void *y)
{
	const struct ranking *a = x, *b = y;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	return js_strcmp(a->name, b->name);
}

static int
cmp_score(const void *x, const void *y)
{
	const struct ranking *a = x, *b = y;

	if (a->score != b->score)
		return a->score < b->score ? -1 : 1;
	return js_strcmp(a->name, b->name);
}

int
summary_random_access(struct summary *s, const struct summary_row *rows,
    size_t n)
{
	double min = INFINITY;
	size_t i;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < n; i++)
		min = min2(min, rows[i].value);
	if (n == 0 || !(min > 0) || !isfinite(min))
		return 0;
	if (rankings_new(s, rows, n) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		s->rankings[i].time = rows[i].value;
		s->rankings[i].ratio = rows[i].value / min;
	}
	qsort(s->rankings, n, sizeof(*s->rankings), cmp_time);
	s->type = SUMMARY_RANDOM_ACCESS;
	return 0;
}

void
summary_compression(struct summary *s, const double *encode, size_t nencode,
    const double *decode, size_t ndecode)
{
	memset(s, 0, sizeof(*s));
	if (nencode == 0 && ndecode == 0)
		return;
	s->type = SUMMARY_COMPRESSION;
	s->dataset_count = nencode;
	s->has_compress = summary_geomean(encode, nencode, &s->compress);
	s->has_decompress = summary_geomean(decode, ndecode, &s->decompress);
}

void
summary_compression_size(struct summary *s, const double *ratios, size_t n)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	if (!summary_geomean(ratios, n, &s->mean))
		return;
	s->type = SUMMARY_COMPRESSION_SIZE;
	s->min = INFINITY;
	s->max = -INFINITY;
	for (i = 0; i < n; i++) {
		s->min = min2(s->min, ratios[i]);
		s->max = max2(s->max, ratios[i]);
	}
	s->dataset_count = n;
}

static int
cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;

	return (a > b) - (a < b);
}

static int
cmp_name(const void *x, const void *y)
{
	return js_strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The distinct values of a sorted array, in place; their number. */
static size_t
uniq(void *base, size_t n, size_t size, int (*cmp)(const void *,
    const void *))
{
	char *p = base;
	size_t i, out = 0;

	for (i = 0; i < n; i++)
		if (out == 0 || cmp(p + (out - 1) * size, p + i * size) != 0)
			memmove(p + out++ * size, p + i * size, size);
	return out;
}

/*
 * The query summary's table: its queries ascending, its series by name,
 * and the latest value of each series at each query (present or not).
 */
struct table {
	int *queries;
	const char **series;
	double *value;		/* [series * nqueries + query] */
	bool *has;
	size_t nqueries, nseries;
};

static void
table_free(struct table *t)
{
	free(t->queries);
	free(t->series);
	free(t->value);
	free(t->has);
}

static int
table_fill(struct table *t, const struct summary_row *rows, size_t n)
{
	const char **sp;
	int *qp;
	size_t i, q, r;

	memset(t, 0, sizeof(*t));
	if ((t->queries = calloc(n, sizeof(*t->queries))) == NULL ||
	    (t->series = calloc(n, sizeof(*t->series))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		t->queries[i] = rows[i].query_idx;
		t->series[i] = rows[i].name;
	}
	qsort(t->queries, n, sizeof(*t->queries), cmp_int);
	t->nqueries = uniq(t->queries, n, sizeof(*t->queries), cmp_int);
	qsort(t->series, n, sizeof(*t->series), cmp_name);
	t->nseries = uniq(t->series, n, sizeof(*t->series), cmp_name);
	if ((t->value = calloc(t->nseries * t->nqueries,
	    sizeof(*t->value))) == NULL || (t->has = calloc(t->nseries *
	    t->nqueries, sizeof(*t->has))) == NULL)
		return -1;
	/* A series named twice at one query: the later row, as a Map's set. */
	for (i = 0; i < n; i++) {
		qp = bsearch(&rows[i].query_idx, t->queries, t->nqueries,
		    sizeof(*t->queries), cmp_int);
		sp = bsearch(&rows[i].name, t->series, t->nseries,
		    sizeof(*t->series), cmp_name);
		q = (size_t)(qp - t->queries);
		r = (size_t)(sp - t->series) * t->nqueries + q;
		t->value[r] = rows[i].value;
		t->has[r] = true;
	}
	return 0;
}

/* One series' ranking from the table; false if it has none. */
static bool
rank_series(const struct table *t, size_t s, const double *best,
    double *ratios, struct ranking *out)
{
	const double *v = t->value + s * t->nqueries;
	const bool *has = t->has + s * t->nqueries;
	double total = 0, slowest = -INFINITY, penalty;
	size_t q;

	for (q = 0; q < t->nqueries; q++)
		if (has[q]) {
			total += v[q];
			if (v[q] > slowest)
				slowest = v[q];
		}
	if (!isfinite(slowest))
		return false;
	penalty = max2(slowest, 300000) * 2;
	for (q = 0; q < t->nqueries; q++)
		ratios[q] = (10 + (has[q] ? v[q] : penalty)) / (10 + best[q]);
	out->total_runtime = total;
	return summary_geomean(ratios, t->nqueries, &out->score);
}

int
summary_query(struct summary *s, const struct summary_row *rows, size_t n)
{
	struct table t;
	double *best = NULL, *ratios = NULL;
	size_t q, i;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return 0;
	if (table_fill(&t, rows, n) == -1 ||
	    (best = calloc(t.nqueries, sizeof(*best))) == NULL ||
	    (ratios = calloc(t.nqueries, sizeof(*ratios))) == NULL ||
	    (s->rankings = calloc(t.nseries, sizeof(*s->rankings))) == NULL)
		goto out;
	/* Every query has a value of some series: its best is finite. */
	for (q = 0; q < t.nqueries; q++) {
		best[q] = INFINITY;
		for (i = 0; i < t.nseries; i++)
			if (t.has[i * t.nqueries + q] &&
			    t.value[i * t.nqueries + q] < best[q])
				best[q] = t.value[i * t.nqueries + q];
	}
	for (i = 0; i < t.nseries; i++) {
		if (!rank_series(&t, i, best, ratios,
		    &s->rankings[s->nrankings]))
			continue;
		if ((s->rankings[s->nrankings].name = strdup(t.series[i])) ==
		    NULL)
			goto out;
		s->nrankings++;
	}
	if (s->nrankings > 0) {
		qsort(s->rankings, s->nrankings, sizeof(*s->rankings),
		    cmp_score);
		s->type = SUMMARY_QUERY;
	}
	rc = 0;
out:
	if (rc == -1 || s->nrankings == 0)
		summary_free(s);
	table_free(&t);
	free(best);
	free(ratios);
	return rc;
}

static int
write_rankings(struct jw *w, const struct summary *s)
{
	const struct ranking *r;
	size_t i;

	jw_key(w, "rankings");
	jw_array(w);
	for (i = 0; i < s->nrankings; i++) {
		r = &s->rankings[i];
		jw_object(w);
		jw_key(w, "name");
		jw_string(w, r->name);
		if (s->type == SUMMARY_RANDOM_ACCESS) {
			jw_key(w, "time");
			jw_number(w, r->time);
			jw_key(w, "ratio");
			jw_number(w, r->ratio);
		} else {
			jw_key(w, "score");
			jw_number(w, r->score);
			jw_key(w, "totalRuntime");
			jw_number(w, r->total_runtime);
		}
		jw_object_end(w);
	}
	return jw_array_end(w);
}

/* "type" and "title", first of every summary. */
static void
write_head(struct jw *w, const char *type, const char *title)
{
	jw_object(w);
	jw_key(w, "type");
	jw_string(w, type);
	jw_key(w, "title");
	jw_string(w, title);
}

static int
write_tail(struct jw *w, const char *explanation)
{
	jw_key(w, "explanation");
	jw_string(w, explanation);
	return jw_object_end(w);
}

int
summary_write(struct jw *w, const struct summary *s)
{
	switch (s->type) {
	case SUMMARY_NONE:
		return 0;
	case SUMMARY_RANDOM_ACCESS:
		write_head(w, "randomAccess", "Random Access Performance");
		write_rankings(w, s);
		return write_tail(w, "Random access time | Ratio to fastest "
		    "(lower is better)");
	case SUMMARY_QUERY:
		write_head(w, "queryBenchmark", "Performance Summary");
		write_rankings(w, s);
		return write_tail(w, "Geomean of query time ratio to fastest "
		    "(lower is better)");
	case SUMMARY_COMPRESSION:
		write_head(w, "compression", "Compression Throughput vs "
		    "Parquet");
		jw_key(w, "datasetCount");
		jw_int(w, (long long)s->dataset_count);
		jw_key(w, "explanation");
		jw_string(w, "Inverse geomean of Vortex/Parquet ratios (higher "
		    "is better)");
		if (s->has_compress) {
			jw_key(w, "compressRatio");
			jw_number(w, s->compress);
		}
		if (s->has_decompress) {
			jw_key(w, "decompressRatio");
			jw_number(w, s->decompress);
		}
		return jw_object_end(w);
	case SUMMARY_COMPRESSION_SIZE:
		write_head(w, "compressionSize", "Compression Size Summary");
		jw_key(w, "minRatio");
		jw_number(w, s->min);
		jw_key(w, "meanRatio");
		jw_number(w, s->mean);
		jw_key(w, "maxRatio");
		jw_number(w, s->max);
		jw_key(w, "datasetCount");
		jw_int(w, (long long)s->dataset_count);
		return write_tail(w, "Geomean of Vortex/Parquet size ratios "
		    "(lower is better)");
	}
	return 0;
}
