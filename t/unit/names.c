/*
 * Names and order of groups and charts, as the reference read service
 * gives them (t/reference, its lib/queries.ts): group, chart link and
 * display names of every kind, the order of charts inside a group
 * (chart_key_cmp), the order of groups (GROUP_ORDER, then JavaScript's
 * string order), and that string order itself.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/charts.h"
#include "../../src/group_order.h"
#include "../../src/jsstring.h"
#include "tap.h"

/* A key of kind k from its values; NULL stands for a null dimension. */
static struct chart_key
key(enum kind_id k, bool group, const char *v0, const char *v1,
    const char *v2, const char *v3, const char *v4)
{
	const char *v[CHART_MAX_DIMS] = { v0, v1, v2, v3, v4 };
	struct chart_key key;
	size_t i;

	memset(&key, 0, sizeof(key));
	key.kind = &chart_kinds[k];
	key.group = group;
	for (i = 0; i < CHART_MAX_DIMS; i++) {
		key.values[i].null = v[i] == NULL;
		key.values[i].text = (char *)v[i];
	}
	return key;
}

static void
is_name(char *got, const char *want, const char *what)
{
	ok(got != NULL && strcmp(got, want) == 0, "%s: \"%s\" (got \"%s\")",
	    what, want, got ? got : "(null)");
	free(got);
}

static void
query_names(void)
{
	struct chart_key k;

	k = key(KIND_QUERY_MEASUREMENT, true, "tpch", NULL, "1", "nvme", NULL);
	is_name(chart_group_name(&k), "TPC-H (NVMe) (SF=1)", "tpch group");
	k = key(KIND_QUERY_MEASUREMENT, true, "tpch", NULL, "0.1", "nvme",
	    NULL);
	is_name(chart_group_name(&k), "TPC-H (NVMe) (SF=0.1)",
	    "the scale factor as stored");
	k = key(KIND_QUERY_MEASUREMENT, true, "tpch", "v2", "1", "nvme", NULL);
	is_name(chart_group_name(&k), "TPC-H (NVMe) (SF=1) / v2",
	    "a variant after the base name");
	k = key(KIND_QUERY_MEASUREMENT, true, "tpcds", NULL, "10", "s3", NULL);
	is_name(chart_group_name(&k), "TPC-DS (S3) (SF=10)", "tpcds on S3");
	k = key(KIND_QUERY_MEASUREMENT, true, "tpch", NULL, NULL, "nvme", NULL);
	is_name(chart_group_name(&k), "tpch [nvme]",
	    "tpch without a scale factor: the plain form");
	k = key(KIND_QUERY_MEASUREMENT, true, "tpch", NULL, "1", "gcs", NULL);
	is_name(chart_group_name(&k), "tpch sf=1 [gcs]",
	    "tpch on an unknown storage: the plain form");
	k = key(KIND_QUERY_MEASUREMENT, true, "clickbench", NULL, "1", "s3",
	    NULL);
	is_name(chart_group_name(&k), "Clickbench",
	    "clickbench: neither storage nor scale factor");
	k = key(KIND_QUERY_MEASUREMENT, true, "clickbench", "partitioned",
	    NULL, "nvme", NULL);
	is_name(chart_group_name(&k), "Clickbench / partitioned",
	    "clickbench with a variant");
	k = key(KIND_QUERY_MEASUREMENT, true, "statpopgen", NULL, NULL, "nvme",
	    NULL);
	is_name(chart_group_name(&k), "Statistical and Population Genetics",
	    "statpopgen");
	k = key(KIND_QUERY_MEASUREMENT, true, "polarsignals", NULL, NULL, "s3",
	    NULL);
	is_name(chart_group_name(&k), "PolarSignals Profiling",
	    "polarsignals, storage left out");
	k = key(KIND_QUERY_MEASUREMENT, true, "gharchive", "big", "1", "s3",
	    NULL);
	is_name(chart_group_name(&k), "gharchive/big sf=1 [s3]",
	    "another dataset: dataset/variant sf=N [storage]");

	k = key(KIND_QUERY_MEASUREMENT, false, "tpch", NULL, "1", "nvme", "1");
	is_name(chart_name(&k), "Q1", "a query chart's link name");
	is_name(chart_display_name(&k), "tpch sf=1 Q1 [nvme]",
	    "a query chart's display name");
	k = key(KIND_QUERY_MEASUREMENT, false, "clickbench", NULL, NULL,
	    "nvme", "0");
	is_name(chart_display_name(&k), "clickbench Q0 [nvme]",
	    "display name without scale factor");
	k = key(KIND_QUERY_MEASUREMENT, false, "gharchive", "big", "1", "s3",
	    "-1");
	is_name(chart_display_name(&k), "gharchive/big sf=1 Q-1 [s3]",
	    "display name with variant");
}

static void
other_names(void)
{
	struct chart_key k;

	k = key(KIND_COMPRESSION_TIME, true, NULL, NULL, NULL, NULL, NULL);
	is_name(chart_group_name(&k), "Compression", "compression times");
	k = key(KIND_COMPRESSION_SIZE, true, NULL, NULL, NULL, NULL, NULL);
	is_name(chart_group_name(&k), "Compression Size", "compression sizes");
	k = key(KIND_RANDOM_ACCESS_TIME, true, NULL, NULL, NULL, NULL, NULL);
	is_name(chart_group_name(&k), "Random Access", "random access");
	k = key(KIND_COMPRESSION_TIME, false, "taxi", "v2", NULL, NULL, NULL);
	is_name(chart_name(&k), "taxi/v2", "a compression chart, variant");
	is_name(chart_display_name(&k), "taxi/v2",
	    "its display name is its name");
	k = key(KIND_COMPRESSION_SIZE, false, "taxi", NULL, NULL, NULL, NULL);
	is_name(chart_name(&k), "taxi", "a size chart, no variant");
	k = key(KIND_RANDOM_ACCESS_TIME, false, "taxi", NULL, NULL, NULL,
	    NULL);
	is_name(chart_display_name(&k), "taxi", "a random-access chart");
	k = key(KIND_VECTOR_SEARCH_RUN, true, "sift-1m", "hnsw", NULL, NULL,
	    NULL);
	is_name(chart_group_name(&k), "sift-1m / hnsw", "a vector group");
	k = key(KIND_VECTOR_SEARCH_RUN, false, "sift-1m", "hnsw", "1e-7", NULL,
	    NULL);
	is_name(chart_name(&k), "threshold=1e-7", "a vector chart");
	is_name(chart_display_name(&k), "sift-1m / hnsw (threshold=1e-7)",
	    "a vector chart's display name");
}

static int
cmp(enum kind_id k, const char *a[5], const char *b[5])
{
	struct chart_key x, y;

	x = key(k, false, a[0], a[1], a[2], a[3], a[4]);
	y = key(k, false, b[0], b[1], b[2], b[3], b[4]);
	return chart_key_cmp(&x, &y);
}

static void
chart_order(void)
{
	const char *q9[5] = { "tpch", NULL, "1", "nvme", "9" };
	const char *q10[5] = { "tpch", NULL, "1", "nvme", "10" };
	const char *qm1[5] = { "tpch", NULL, "1", "nvme", "-1" };
	const char *nosf[5] = { "tpch", NULL, NULL, "nvme", "1" };
	const char *v2[5] = { "tpch", "v2", "1", "nvme", "1" };
	const char *taxi[5] = { "taxi", NULL };
	const char *taxiv[5] = { "taxi", "v2" };
	const char *wide[5] = { "Wide Table 1000", NULL };
	const char *ang[5] = { "\xc3\xa5ngstr\xc3\xb6m", NULL };
	const char *t08[5] = { "sift", "flat", "0.8" };
	const char *t1[5] = { "sift", "flat", "1" };
	const char *t1e21[5] = { "sift", "flat", "1e+21" };

	ok(cmp(KIND_QUERY_MEASUREMENT, q9, q10) < 0, "Q9 before Q10");
	ok(cmp(KIND_QUERY_MEASUREMENT, qm1, q9) < 0, "Q-1 before Q9");
	ok(cmp(KIND_QUERY_MEASUREMENT, nosf, q9) < 0,
	    "a null scale factor first");
	ok(cmp(KIND_QUERY_MEASUREMENT, q10, v2) < 0, "a null variant first");
	ok(cmp(KIND_COMPRESSION_TIME, taxi, taxiv) < 0,
	    "taxi before taxi/v2");
	ok(cmp(KIND_COMPRESSION_TIME, wide, taxi) < 0,
	    "uppercase before lowercase (bytes)");
	ok(cmp(KIND_COMPRESSION_TIME, taxi, ang) < 0,
	    "non-ASCII after ASCII (bytes)");
	ok(cmp(KIND_COMPRESSION_TIME, taxi, taxi) == 0, "equal keys");
	ok(cmp(KIND_VECTOR_SEARCH_RUN, t08, t1) < 0 &&
	    cmp(KIND_VECTOR_SEARCH_RUN, t1, t1e21) < 0,
	    "thresholds by value: 0.8, 1, 1e+21");
}

static void
string_order(void)
{
	ok(js_strcmp("A", "a") < 0, "uppercase before lowercase");
	ok(js_strcmp("ab", "abc") < 0 && js_strcmp("abc", "ab") > 0,
	    "a prefix first");
	ok(js_strcmp("\xe3\x83\x87", "\xe3\x83\x87") == 0, "equal");
	/* U+1F600 is D83D DE00 in UTF-16, U+FF21 is FF21. */
	ok(js_strcmp("\xf0\x9f\x98\x80", "\xef\xbc\xa1") < 0,
	    "an emoji before a fullwidth letter (UTF-16, not bytes)");
	ok(js_strcmp("\xef\xbc\xa1", "\xf0\x9f\x98\x80") > 0,
	    "and the other way round");
	ok(js_strcmp("\xed\x9f\xbf", "\xf0\x9f\x98\x80") < 0,
	    "U+D7FF before a surrogate pair");
	ok(js_strcmp("\xf0\x90\x80\x80", "\xf0\x9f\x98\x80") < 0,
	    "surrogate pairs in code point order");
	ok(js_strcmp("a\xff", "a\xfe") > 0, "bytes that are not UTF-8");
}

/* Captured: the reference's /api/groups on t/lib/RealisticData.pm. */
static const char *const captured[] = {
	"Compression", "Compression Size", "Clickbench", "Clickbench",
	"TPC-H (NVMe) (SF=1)", "TPC-H (S3) (SF=1)", "TPC-H (NVMe) (SF=10)",
	"TPC-H (S3) (SF=10)", "TPC-H (NVMe) (SF=100)", "TPC-H (S3) (SF=100)",
	"TPC-H (NVMe) (SF=1000)", "TPC-H (S3) (SF=1000)",
	"TPC-DS (NVMe) (SF=1)", "TPC-DS (NVMe) (SF=10)",
	"PolarSignals Profiling", "PolarSignals Profiling", "Random Access",
	"Clickbench / partitioned", "Statistical and Population Genetics",
	"TPC-DS (NVMe) (SF=100)", "TPC-DS (S3) (SF=1)",
	"TPC-H (NVMe) (SF=0.1)", "TPC-H (NVMe) (SF=1) / v2",
	"cohere-large-10m / flat", "cohere-large-10m / partitioned",
	"fineweb [nvme]", "fineweb [s3]", "gharchive sf=1 [s3]",
	"gharchive/big sf=1 [s3]", "openai-5m / flat", "openai-5m / ivf",
	"sift-1m / flat", "sift-1m / hnsw", "tpch [nvme]",
	"v\xc3\xab" "ctor-\xc3\xbc / flat",
	"\xe3\x83\x87\xe3\x83\xbc\xe3\x82\xbf [nvme]",
	"\xf0\x9f\x98\x80-emoji [nvme]", "\xef\xbc\xa1-fullwidth [nvme]",
};

#define NCAPTURED	(sizeof(captured) / sizeof(captured[0]))

static void
group_order_test(void)
{
	const char *names[NCAPTURED];
	size_t order[NCAPTURED], i, j;
	bool same = true;

	ok(group_order_cmp("Random Access", "Clickbench / partitioned") < 0,
	    "a listed group before any other");
	ok(group_order_cmp("Compression", "Compression Size") < 0,
	    "listed groups in the list's order");
	ok(group_order_cmp("TPC-DS (S3) (SF=1)", "TPC-H (NVMe) (SF=0.1)") < 0,
	    "unlisted ones by name");
	/* Backwards, with the two pairs of equal names told apart by place. */
	for (i = 0; i < NCAPTURED; i++)
		names[i] = captured[NCAPTURED - 1 - i];
	ok(group_order_sort(names, NCAPTURED, order) == 0, "sorts");
	for (i = 0; i < NCAPTURED; i++)
		if (strcmp(names[order[i]], captured[i]) != 0) {
			diag("at %zu: %s, want %s", i, names[order[i]],
			    captured[i]);
			same = false;
		}
	ok(same, "the captured order of 38 groups");
	for (i = 0; i + 1 < NCAPTURED; i++)
		if (strcmp(names[order[i]], names[order[i + 1]]) == 0)
			break;
	j = i;
	ok(j + 1 < NCAPTURED && order[j] < order[j + 1],
	    "groups of one name keep their discovery order");
}

int
main(void)
{
	query_names();
	other_names();
	chart_order();
	string_order();
	group_order_test();
	return done_testing();
}
