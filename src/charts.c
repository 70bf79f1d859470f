/* The chart-kind table: keys, series, titles of each kind's charts. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charts.h"

#define NDIMS(a)	(sizeof(a) / sizeof((a)[0]))
#define DIMS(a)		(a), NDIMS(a)

static const struct dim query_dims[] = {
	{ "dataset", DIM_STR },
	{ "dataset_variant", DIM_STR_OPT },
	{ "scale_factor", DIM_STR_OPT },
	{ "storage", DIM_STR },
	{ "query_idx", DIM_I32 },
};

static const struct dim compression_dims[] = {
	{ "dataset", DIM_STR },
	{ "dataset_variant", DIM_STR_OPT },
};

static const struct dim random_access_dims[] = {
	{ "dataset", DIM_STR },
};

static const struct dim vector_search_dims[] = {
	{ "dataset", DIM_STR },
	{ "layout", DIM_STR },
	{ "threshold", DIM_F64 },
};

_Static_assert(NDIMS(query_dims) <= CHART_MAX_DIMS &&
    NDIMS(compression_dims) <= CHART_MAX_DIMS &&
    NDIMS(random_access_dims) <= CHART_MAX_DIMS &&
    NDIMS(vector_search_dims) <= CHART_MAX_DIMS,
    "a chart kind has more than CHART_MAX_DIMS dimensions");

static char *
format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
format(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* The names benchmark readers know; anything else is shown as stored. */
static const char *
dataset_title(const char *dataset)
{
	static const char *const titles[][2] = {
		{ "tpch", "TPC-H" },
		{ "tpcds", "TPC-DS" },
		{ "clickbench", "ClickBench" },
	};
	size_t i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (strcmp(dataset, titles[i][0]) == 0)
			return titles[i][1];
	return dataset;
}

static const char *
storage_title(const char *storage)
{
	if (strcmp(storage, "nvme") == 0)
		return "NVMe";
	if (strcmp(storage, "s3") == 0)
		return "S3";
	return storage;
}

/* "TPC-H", or "TPC-H variant" when the dataset has a variant. */
static char *
dataset_with_variant(const struct dim_value *dataset,
    const struct dim_value *variant)
{
	return format("%s%s%s", dataset_title(dataset->text),
	    variant->null ? "" : " ", variant->null ? "" : variant->text);
}

/* "TPC-H (NVMe) (SF=1)" */
static char *
query_group_name(const struct dim_value *v)
{
	char *base, *s;

	if ((base = dataset_with_variant(&v[0], &v[1])) == NULL)
		return NULL;
	s = format("%s (%s)%s%s%s", base, storage_title(v[3].text),
	    v[2].null ? "" : " (SF=", v[2].null ? "" : v[2].text,
	    v[2].null ? "" : ")");
	free(base);
	return s;
}

static char *
query_chart_name(const struct dim_value *v)
{
	return format("Q%s", v[4].text);
}

static char *
compression_time_group_name(const struct dim_value *v)
{
	(void)v;
	return strdup("Compression time");
}

static char *
compression_size_group_name(const struct dim_value *v)
{
	(void)v;
	return strdup("Compression size");
}

static char *
compression_chart_name(const struct dim_value *v)
{
	return dataset_with_variant(&v[0], &v[1]);
}

static char *
random_access_group_name(const struct dim_value *v)
{
	(void)v;
	return strdup("Random access");
}

static char *
random_access_chart_name(const struct dim_value *v)
{
	return strdup(dataset_title(v[0].text));
}

static char *
vector_search_group_name(const struct dim_value *v)
{
	return format("Vector search: %s (%s)", dataset_title(v[0].text),
	    v[1].text);
}

static char *
vector_search_chart_name(const struct dim_value *v)
{
	return format("threshold %s", v[2].text);
}

#define RECORD(id)	[id] = { &record_kinds[id]

const struct chart_kind chart_kinds[KIND_COUNT] = {
	RECORD(KIND_QUERY_MEASUREMENT), "QueryMeasurement", "QueryGroup",
	  "qm", "qmg", DIMS(query_dims), 4,
	  { "engine", "format" }, "value_ns", "time_ns",
	  query_group_name, query_chart_name, " ",
	  .series_table = "query_series" },
	RECORD(KIND_COMPRESSION_TIME), "CompressionTime",
	  "CompressionTimeGroup", "ct", "ctg", DIMS(compression_dims), 0,
	  { "format", "op" }, "value_ns", "time_ns",
	  compression_time_group_name, compression_chart_name, ": " },
	RECORD(KIND_COMPRESSION_SIZE), "CompressionSize",
	  "CompressionSizeGroup", "cs", "csg", DIMS(compression_dims), 0,
	  { "format" }, "value_bytes", "bytes",
	  compression_size_group_name, compression_chart_name, ": " },
	RECORD(KIND_RANDOM_ACCESS_TIME), "RandomAccess", "RandomAccessGroup",
	  "rat", "rag", DIMS(random_access_dims), 0,
	  { "format" }, "value_ns", "time_ns",
	  random_access_group_name, random_access_chart_name, ": " },
	RECORD(KIND_VECTOR_SEARCH_RUN), "VectorSearch", "VectorSearchGroup",
	  "vsr", "vsg", DIMS(vector_search_dims), 2,
	  { "flavor" }, "value_ns", "time_ns",
	  vector_search_group_name, vector_search_chart_name, ", " },
};

bool
chart_has_commit_timestamp(const struct chart_kind *kind)
{
	return kind->record->stamps_commit_timestamp;
}

/* The field types of a dimension: DIM_STR_OPT is FT_STR_OPT, and so on. */
static bool
dim_matches(enum dim_type d, enum field_type f)
{
	switch (d) {
	case DIM_STR:
		return f == FT_STR;
	case DIM_STR_OPT:
		return f == FT_STR_OPT;
	case DIM_I32:
		return f == FT_I32;
	case DIM_F64:
		return f == FT_F64;
	}
	return false;
}

/* Where column is among the dimensions and series columns, or -1. */
static int
key_column(const struct chart_kind *c, const char *column)
{
	size_t i, n;

	for (i = 0; i < c->ndims; i++)
		if (strcmp(c->dims[i].column, column) == 0)
			return (int)i;
	for (n = 0; c->series_columns[n] != NULL; n++)
		if (strcmp(c->series_columns[n], column) == 0)
			return (int)(c->ndims + n);
	return -1;
}

static int
check_chart_kind(const struct chart_kind *c, char *why, size_t whylen)
{
	const struct kind *k = c->record;
	const struct field *f;
	size_t i, keys = 0, series;
	int at;

	if (c->ndims == 0 || c->ndims > CHART_MAX_DIMS ||
	    c->ngroup_dims > c->ndims) {
		snprintf(why, whylen, "%s: %zu dimensions, %zu of the group",
		    c->chart_k, c->ndims, c->ngroup_dims);
		return -1;
	}
	for (series = 0; series <= CHART_MAX_SERIES_COLUMNS &&
	    c->series_columns[series] != NULL; series++)
		;
	if (series == 0 || series > CHART_MAX_SERIES_COLUMNS) {
		snprintf(why, whylen, "%s: %zu series columns", c->chart_k,
		    series);
		return -1;
	}
	/* Every key field but commit_sha, once, as a dimension or series. */
	for (i = FIELD_COMMIT_SHA + 1; i < k->nfields && k->fields[i].key;
	    i++) {
		f = &k->fields[i];
		if ((at = key_column(c, f->name)) == -1) {
			snprintf(why, whylen, "%s: key field %s is neither a "
			    "dimension nor a series column", c->chart_k,
			    f->name);
			return -1;
		}
		if ((size_t)at < c->ndims ? !dim_matches(c->dims[at].type,
		    f->type) : f->type != FT_STR) {
			snprintf(why, whylen, "%s: %s has another type than "
			    "its field", c->chart_k, f->name);
			return -1;
		}
		keys++;
	}
	if (keys != c->ndims + series) {
		snprintf(why, whylen, "%s: a dimension or series column that "
		    "is not a key field of %s, or one named twice", c->chart_k,
		    k->name);
		return -1;
	}
	for (i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, c->value_column) == 0)
			break;
	if (i == k->nfields || k->fields[i].type != FT_I64) {
		snprintf(why, whylen, "%s: value column %s is not an integer "
		    "field of %s", c->chart_k, c->value_column, k->name);
		return -1;
	}
	return 0;
}

int
chart_kinds_check(const struct chart_kind *kinds, size_t n, char *why,
    size_t whylen)
{
	const char *a, *b;
	size_t i, j;

	for (i = 0; i < n; i++)
		if (kinds[i].record != &record_kinds[i] ||
		    kinds[i].chart_k == NULL || kinds[i].group_k == NULL) {
			snprintf(why, whylen, "chart kind %zu: no row, or not "
			    "the row of record kind %zu", i, i);
			return -1;
		}
	/* The "k" of a slug says its kind and whether it names a group. */
	for (i = 0; i < 2 * n; i++)
		for (j = 0; j < i; j++) {
			a = i % 2 ? kinds[i / 2].group_k : kinds[i / 2].chart_k;
			b = j % 2 ? kinds[j / 2].group_k : kinds[j / 2].chart_k;
			if (strcmp(a, b) == 0) {
				snprintf(why, whylen, "two chart kinds name "
				    "slugs \"%s\"", a);
				return -1;
			}
		}
	for (i = 0; i < n; i++)
		if (check_chart_kind(&kinds[i], why, whylen) == -1)
			return -1;
	return 0;
}

size_t
chart_key_ndims(const struct chart_key *key)
{
	return key->group ? key->kind->ngroup_dims : key->kind->ndims;
}

void
chart_key_free(struct chart_key *key)
{
	size_t i;

	for (i = 0; i < CHART_MAX_DIMS; i++) {
		free(key->values[i].text);
		key->values[i].text = NULL;
	}
}

int
chart_key_copy(struct chart_key *dst, const struct chart_key *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	dst->kind = src->kind;
	dst->group = src->group;
	for (i = 0; i < chart_key_ndims(src); i++) {
		dst->values[i].null = src->values[i].null;
		if (src->values[i].null)
			continue;
		if ((dst->values[i].text = strdup(src->values[i].text)) ==
		    NULL) {
			chart_key_free(dst);
			return -1;
		}
	}
	return 0;
}

char *
chart_group_name(const struct chart_key *key)
{
	return key->kind->group_name(key->values);
}

char *
chart_name(const struct chart_key *key)
{
	return key->kind->chart_name(key->values);
}

char *
chart_display_name(const struct chart_key *key)
{
	char *group, *chart, *s = NULL;

	group = chart_group_name(key);
	chart = chart_name(key);
	if (group != NULL && chart != NULL)
		s = format("%s%s%s", group, key->kind->display_sep, chart);
	free(group);
	free(chart);
	return s;
}
