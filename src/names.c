/*
 * Group, chart and display names per chart kind, as the reference read
 * service builds them (its lib/queries.ts): the very strings, quirks
 * included (a clickbench group's name says neither storage nor scale
 * factor; benchingest(8), DIFFERENCES FROM THE REFERENCE READ SERVICE).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

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

/* "" or the separator, for an optional part: "%s%s", opt(sep, v), text(v). */
static const char *
opt(const char *sep, const struct dim_value *v)
{
	return v->null ? "" : sep;
}

static const char *
text(const struct dim_value *v)
{
	return v->null ? "" : v->text;
}

/*
 * The query datasets whose groups have a name of their own; the TPC ones
 * only with a known storage and a scale factor.
 */
static const char *
query_group_base(const struct dim_value *v, char **made)
{
	static const char *const fixed[][2] = {
		{ "clickbench", "Clickbench" },
		{ "statpopgen", "Statistical and Population Genetics" },
		{ "polarsignals", "PolarSignals Profiling" },
	};
	const char *dataset = v[0].text, *storage = v[3].text, *label;
	size_t i;

	*made = NULL;
	label = strcmp(storage, "nvme") == 0 ? "NVMe" :
	    strcmp(storage, "s3") == 0 ? "S3" : NULL;
	if (label != NULL && !v[2].null && (strcmp(dataset, "tpch") == 0 ||
	    strcmp(dataset, "tpcds") == 0)) {
		*made = format("%s (%s) (SF=%s)", strcmp(dataset, "tpch") == 0 ?
		    "TPC-H" : "TPC-DS", label, v[2].text);
		return *made;
	}
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(dataset, fixed[i][0]) == 0)
			return fixed[i][1];
	return NULL;
}

/* v: dataset, dataset_variant, scale_factor, storage. */
static char *
query_group(const struct dim_value *v)
{
	const char *base;
	char *made, *s;

	base = query_group_base(v, &made);
	if (base != NULL)
		s = format("%s%s%s", base, opt(" / ", &v[1]), text(&v[1]));
	else
		s = format("%s%s%s%s%s [%s]", v[0].text, opt("/", &v[1]),
		    text(&v[1]), opt(" sf=", &v[2]), text(&v[2]), v[3].text);
	free(made);
	return s;
}

static char *
query_chart(const struct dim_value *v)
{
	return format("Q%s", v[4].text);
}

static char *
query_display(const struct dim_value *v)
{
	return format("%s%s%s%s%s Q%s [%s]", v[0].text, opt("/", &v[1]),
	    text(&v[1]), opt(" sf=", &v[2]), text(&v[2]), v[4].text,
	    v[3].text);
}

/* v: dataset, dataset_variant. */
static char *
dataset_and_variant(const struct dim_value *v)
{
	return format("%s%s%s", v[0].text, opt("/", &v[1]), text(&v[1]));
}

static char *
dataset_only(const struct dim_value *v)
{
	return strdup(v[0].text);
}

/* v: dataset, layout, threshold (as JavaScript writes it: slug.h). */
static char *
vector_search_group(const struct dim_value *v)
{
	return format("%s / %s", v[0].text, v[1].text);
}

static char *
vector_search_chart(const struct dim_value *v)
{
	return format("threshold=%s", v[2].text);
}

static char *
vector_search_display(const struct dim_value *v)
{
	return format("%s / %s (threshold=%s)", v[0].text, v[1].text,
	    v[2].text);
}

const struct kind_names names_query = {
	NULL, query_group, query_chart, query_display
};
const struct kind_names names_compression_time = {
	"Compression", NULL, dataset_and_variant, dataset_and_variant
};
const struct kind_names names_compression_size = {
	"Compression Size", NULL, dataset_and_variant, dataset_and_variant
};
const struct kind_names names_random_access = {
	"Random Access", NULL, dataset_only, dataset_only
};
const struct kind_names names_vector_search = {
	NULL, vector_search_group, vector_search_chart, vector_search_display
};
