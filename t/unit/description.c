/*
 * Group descriptions by group name, as the reference read service words
 * them (its lib/descriptions.ts; t/reference), quirks included.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/description.h"
#include "tap.h"

static void
is(const char *name, const char *want)
{
	char *got = (char *)"unset";
	int rc;

	rc = group_description(name, &got);
	if (want == NULL)
		ok(rc == 0 && got == NULL, "%s: no description", name);
	else
		ok(rc == 0 && got != NULL && strcmp(got, want) == 0,
		    "%s: \"%s\" (got \"%s\")", name, want,
		    got ? got : "(null)");
	free(got);
}

int
main(void)
{
	is("TPC-H (NVMe) (SF=1)", "TPC-H benchmark queries on local NVMe "
	    "storage at SF=1 (~1GB of data)");
	is("TPC-H (S3) (SF=10)", "TPC-H benchmark queries against S3 storage "
	    "at SF=10 (~10GB of data)");
	is("TPC-H (NVMe) (SF=100)", "TPC-H benchmark queries on local NVMe "
	    "storage at SF=100 (~100GB of data)");
	is("TPC-H (S3) (SF=1000)", "TPC-H benchmark queries against S3 storage "
	    "at SF=1000 (~1TB of data)");
	is("TPC-H (NVMe) (SF=3)", "TPC-H benchmark queries on local NVMe "
	    "storage at SF=3");
	is("TPC-H (NVMe) (SF=0.1)", "TPC-H benchmark queries on local NVMe "
	    "storage at SF=0");
	is("TPC-H (NVMe) (SF=1) / v2", "TPC-H benchmark queries on local NVMe "
	    "storage at SF=1 (~1GB of data)");
	is("TPC-DS (NVMe) (SF=1)", "TPC-DS benchmark queries on local NVMe "
	    "storage at SF=1");
	is("TPC-DS (S3) (SF=100)", "TPC-DS benchmark queries against S3 "
	    "storage at SF=100");
	is("TPC-H (GCS) (SF=1)", NULL);
	is("TPC-H (NVMe) (SF=x)", NULL);
	is("TPC-H (NVMe)", NULL);
	is("tpch [nvme]", NULL);
	is("Random Access", "Tests performance of selecting arbitrary row "
	    "indices from a file on NVMe storage");
	is("Compression", "Measures encoding and decoding throughput (MB/s) "
	    "for Vortex files and Parquet files (with zstd page compression)");
	is("Compression Size", "Compares compressed file sizes and compression "
	    "ratios across different encoding strategies");
	is("Clickbench", "ClickHouse's analytical benchmark suite testing "
	    "real-world query patterns on web analytics data");
	is("Clickbench / partitioned", NULL);
	is("Statistical and Population Genetics", "A suite of Statistical and "
	    "Population genetics queries using the gnomAD dataset");
	is("PolarSignals Profiling", "Profiling data benchmark modeled on "
	    "PolarSignals/Parca, exercising scan-layer performance with "
	    "projection and filter pushdown on deeply nested schemas");
	is("sift-1m / hnsw", NULL);
	is("", NULL);
	return done_testing();
}
