/*
 * Group descriptions by group name, as the reference read service words
 * them; its quirks are kept (benchingest(8), DIFFERENCES FROM THE
 * REFERENCE READ SERVICE): the scale factor is the digits that follow
 * the first "SF=" up to the first other character, so "SF=0.1" reads as
 * 0, and a variant's group ("TPC-H (NVMe) (SF=1) / v2") is described as
 * its base group.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "description.h"

static const char *const fixed[][2] = {
	{ "Random Access", "Tests performance of selecting arbitrary row "
	    "indices from a file on NVMe storage" },
	{ "Compression", "Measures encoding and decoding throughput (MB/s) "
	    "for Vortex files and Parquet files (with zstd page compression)" },
	{ "Compression Size", "Compares compressed file sizes and compression "
	    "ratios across different encoding strategies" },
	{ "Clickbench", "ClickHouse's analytical benchmark suite testing "
	    "real-world query patterns on web analytics data" },
	{ "Statistical and Population Genetics", "A suite of Statistical and "
	    "Population genetics queries using the gnomAD dataset" },
	{ "PolarSignals Profiling", "Profiling data benchmark modeled on "
	    "PolarSignals/Parca, exercising scan-layer performance with "
	    "projection and filter pushdown on deeply nested schemas" },
};

/* The data a TPC-H scale factor stands for, where the text gives it. */
static const char *
tpch_bytes(const char *sf, size_t len)
{
	static const char *const sizes[][2] = {
		{ "1", "1GB" }, { "10", "10GB" }, { "100", "100GB" },
		{ "1000", "1TB" },
	};
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (strlen(sizes[i][0]) == len &&
		    memcmp(sf, sizes[i][0], len) == 0)
			return sizes[i][1];
	return NULL;
}

/*
 * "TPC-H (NVMe) ..." or "TPC-DS (S3) ...", with digits after an "SF=":
 * 1 with *out set (NULL when out of memory); else 0.
 */
static int
tpc_description(const char *name, char **out)
{
	const char *suite, *rest, *where, *sf, *bytes;
	size_t len;
	int n;

	if (strncmp(name, "TPC-H ", 6) == 0) {
		suite = "TPC-H";
		rest = name + 6;
	} else if (strncmp(name, "TPC-DS ", 7) == 0) {
		suite = "TPC-DS";
		rest = name + 7;
	} else
		return 0;
	if (strncmp(rest, "(NVMe)", 6) == 0)
		where = "on local NVMe storage";
	else if (strncmp(rest, "(S3)", 4) == 0)
		where = "against S3 storage";
	else
		return 0;
	if ((sf = strstr(rest, "SF=")) == NULL)
		return 0;
	sf += 3;
	if ((len = strspn(sf, "0123456789")) == 0)
		return 0;
	bytes = strcmp(suite, "TPC-H") == 0 ? tpch_bytes(sf, len) : NULL;
	if (bytes != NULL)
		n = asprintf(out, "%s benchmark queries %s at SF=%.*s (~%s of "
		    "data)", suite, where, (int)len, sf, bytes);
	else
		n = asprintf(out, "%s benchmark queries %s at SF=%.*s", suite,
		    where, (int)len, sf);
	if (n < 0)
		*out = NULL;
	return 1;
}

int
group_description(const char *name, char **out)
{
	size_t i;

	*out = NULL;
	if (tpc_description(name, out))
		return *out == NULL ? -1 : 0;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcmp(name, fixed[i][0]) == 0)
			return (*out = strdup(fixed[i][1])) == NULL ? -1 : 0;
	return 0;
}
