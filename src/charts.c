/* The chart-kind table: keys, series, names and summary of each kind. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charts.h"
#include "names.h"

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

#define RECORD(id)	[id] = { &record_kinds[id]

const struct chart_kind chart_kinds[KIND_COUNT] = {
	RECORD(KIND_QUERY_MEASUREMENT), "QueryMeasurement", "QueryGroup",
	  "qm", "qmg", DIMS(query_dims), 4,
	  { "engine", "format" }, "value_ns", "time_ns",
	  &names_query, SUMMARY_QUERY, .series_table = "query_series",
	  .chart_table = "query_charts" },
	RECORD(KIND_COMPRESSION_TIME), "CompressionTime",
	  "CompressionTimeGroup", "ct", "ctg", DIMS(compression_dims), 0,
	  { "format", "op" }, "value_ns", "time_ns",
	  &names_compression_time, SUMMARY_COMPRESSION },
	RECORD(KIND_COMPRESSION_SIZE), "CompressionSize",
	  "CompressionSizeGroup", "cs", "csg", DIMS(compression_dims), 0,
	  { "format" }, "value_bytes", "bytes",
	  &names_compression_size, SUMMARY_COMPRESSION_SIZE },
	RECORD(KIND_RANDOM_ACCESS_TIME), "RandomAccess", "RandomAccessGroup",
	  "rat", "rag", DIMS(random_access_dims), 0,
	  { "format" }, "value_ns", "time_ns",
	  &names_random_access, SUMMARY_RANDOM_ACCESS },
	RECORD(KIND_VECTOR_SEARCH_RUN), "VectorSearch", "VectorSearchGroup",
	  "vsr", "vsg", DIMS(vector_search_dims), 2,
	  { "flavor" }, "value_ns", "time_ns",
	  &names_vector_search, SUMMARY_NONE },
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
		    kinds[i].chart_k == NULL || kinds[i].group_k == NULL ||
		    kinds[i].names == NULL || (kinds[i].names->group == NULL) ==
		    (kinds[i].names->group_name == NULL) ||
		    kinds[i].names->chart == NULL ||
		    kinds[i].names->display == NULL) {
			snprintf(why, whylen, "chart kind %zu: no row, not "
			    "the row of record kind %zu, or without names", i,
			    i);
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

/* Null first; text bytewise; numbers by value. */
static int
dim_value_cmp(const struct dim *dim, const struct dim_value *a,
    const struct dim_value *b)
{
	long long i, j;
	double x, y;

	if (a->null || b->null)
		return b->null - a->null;
	switch (dim->type) {
	case DIM_I32:
		i = strtoll(a->text, NULL, 10);
		j = strtoll(b->text, NULL, 10);
		return (i > j) - (i < j);
	case DIM_F64:
		x = strtod(a->text, NULL);
		y = strtod(b->text, NULL);
		return (x > y) - (x < y);
	default:
		return strcmp(a->text, b->text);
	}
}

int
chart_key_cmp(const struct chart_key *a, const struct chart_key *b)
{
	size_t i;
	int c;

	for (i = 0; i < chart_key_ndims(a); i++)
		if ((c = dim_value_cmp(&a->kind->dims[i], &a->values[i],
		    &b->values[i])) != 0)
			return c;
	return 0;
}

char *
chart_group_name(const struct chart_key *key)
{
	const struct kind_names *names = key->kind->names;

	if (names->group == NULL)
		return strdup(names->group_name);
	return names->group(key->values);
}

char *
chart_name(const struct chart_key *key)
{
	return key->kind->names->chart(key->values);
}

char *
chart_display_name(const struct chart_key *key)
{
	return key->kind->names->display(key->values);
}
