#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charts.h"

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

const struct chart_kind chart_kinds[CHART_KIND_COUNT] = {
	{ "QueryMeasurement", "QueryGroup", "qm", "qmg",
	  "query_measurements", query_dims, 5, 4,
	  { "engine", "format" }, "value_ns", "time_ns", true,
	  query_group_name, query_chart_name, " " },
	{ "CompressionTime", "CompressionTimeGroup", "ct", "ctg",
	  "compression_times", compression_dims, 2, 0,
	  { "format", "op" }, "value_ns", "time_ns", false,
	  compression_time_group_name, compression_chart_name, ": " },
	{ "CompressionSize", "CompressionSizeGroup", "cs", "csg",
	  "compression_sizes", compression_dims, 2, 0,
	  { "format" }, "value_bytes", "bytes", false,
	  compression_size_group_name, compression_chart_name, ": " },
	{ "RandomAccess", "RandomAccessGroup", "rat", "rag",
	  "random_access_times", random_access_dims, 1, 0,
	  { "format" }, "value_ns", "time_ns", false,
	  random_access_group_name, random_access_chart_name, ": " },
	{ "VectorSearch", "VectorSearchGroup", "vsr", "vsg",
	  "vector_search_runs", vector_search_dims, 3, 2,
	  { "flavor" }, "value_ns", "time_ns", false,
	  vector_search_group_name, vector_search_chart_name, ", " },
};

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
