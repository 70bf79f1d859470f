/*
 * Group summaries: what summary.c computes from a summary's rows, and the
 * JSON it writes, byte for byte what the reference read service sends for
 * the same rows.  The expected texts were computed by Node v20.20.2 with
 * the reference's formulas (its lib/summary.ts), once; Node is not needed
 * here.  Numbers chosen so that the last bits depend on summing in the
 * reference's order and on V8's log and exp.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/strbuf.h"
#include "../../src/summary.h"
#include "tap.h"

/* The summary's JSON text, or "" when it writes nothing. */
static char *
json(const struct summary *s)
{
	static struct strbuf sb;
	struct api_error err;
	struct jw w;

	sb_reset(&sb);
	sb_str(&sb, "");
	jw_init(&w, jw_sink_strbuf, &sb, &err);
	if (summary_write(&w, s) == -1 || jw_finish(&w) == -1)
		return (char *)"(failed)";
	return sb.data;
}

static void
is_json(const struct summary *s, const char *want, const char *what)
{
	const char *got = json(s);

	ok(strcmp(got, want) == 0, "%s", what);
	if (strcmp(got, want) != 0)
		diag("got  %s\n# want %s", got, want);
}

static void
geomean(void)
{
	const double v[] = { 2, 8, 0, -1, INFINITY, NAN };
	const double w[] = { 0.1, 0.2, 0.3 };
	double g = 0;

	ok(summary_geomean(v, 6, &g) && g == 4,
	    "geomean over the positive finite values only");
	ok(summary_geomean(w, 3, &g) && g == 0.18171205928321402,
	    "geomean with V8's log and exp: 0.18171205928321402");
	ok(!summary_geomean(v + 2, 4, &g), "no positive value: no geomean");
	ok(!summary_geomean(v, 0, &g), "nothing: no geomean");
}

static void
query(void)
{
	/* In the SQL's order: query_idx, then series name. */
	const struct summary_row rows[] = {
		{ "datafusion:vortex", 1, 1111111 },
		{ "duckdb:parquet", 1, 1234567 },
		{ "duckdb:vortex", 1, 987654 },
		{ "duckdb:parquet", 2, 55555555 },
		{ "duckdb:vortex", 2, 44444444 },
		{ "datafusion:vortex", 3, 888 },
		{ "duckdb:parquet", 3, 777 },
		{ "duckdb:vortex", 3, 999 },
		{ "datafusion:vortex", 10, 123456789 },
		{ "duckdb:vortex", 10, 123456788 },
	};
	struct summary s;

	ok(summary_query(&s, rows, 10) == 0 && s.type == SUMMARY_QUERY,
	    "a query summary");
	is_json(&s, "{\"type\":\"queryBenchmark\",\"title\":\"Performance "
	    "Summary\",\"rankings\":[{\"name\":\"duckdb:vortex\",\"score\":"
	    "1.0640918293592077,\"totalRuntime\":168889885},{\"name\":"
	    "\"duckdb:parquet\",\"score\":1.0889686242896779,\"totalRuntime\":"
	    "56790899},{\"name\":\"datafusion:vortex\",\"score\":"
	    "1.6341626819442518,\"totalRuntime\":124568788}],\"explanation\":"
	    "\"Geomean of query time ratio to fastest (lower is better)\"}",
	    "scores with a missing query's penalty, sorted by score");
	summary_free(&s);
	ok(summary_query(&s, rows, 0) == 0 && s.type == SUMMARY_NONE &&
	    strcmp(json(&s), "") == 0, "no rows: no summary, nothing written");
	ok(summary_query_dataset("tpch") && summary_query_dataset("tpcds") &&
	    summary_query_dataset("clickbench") &&
	    summary_query_dataset("statpopgen") &&
	    summary_query_dataset("polarsignals"),
	    "the five summarised query datasets");
	ok(!summary_query_dataset("fineweb") && !summary_query_dataset("TPCH"),
	    "no other");
}

static void
random_access(void)
{
	/* In the SQL's order: time, then name. */
	const struct summary_row rows[] = {
		{ "parquet", 0, 300123 },
		{ "vortex", 0, 100007 },
		{ "\xf0\x9f\x98\x80", 0, 250001 },
		{ "\xef\xbc\xa1", 0, 250001 },
		{ "lance", 0, 100007 },
	};
	struct summary s;

	ok(summary_random_access(&s, rows, 5) == 0 &&
	    s.type == SUMMARY_RANDOM_ACCESS, "a random-access summary");
	is_json(&s, "{\"type\":\"randomAccess\",\"title\":\"Random Access "
	    "Performance\",\"rankings\":[{\"name\":\"lance\",\"time\":100007,"
	    "\"ratio\":1},{\"name\":\"vortex\",\"time\":100007,\"ratio\":1},"
	    "{\"name\":\"\xf0\x9f\x98\x80\",\"time\":250001,\"ratio\":"
	    "2.4998350115491914},{\"name\":\"\xef\xbc\xa1\",\"time\":250001,"
	    "\"ratio\":2.4998350115491914},{\"name\":\"parquet\",\"time\":"
	    "300123,\"ratio\":3.0010199286049977}],\"explanation\":\"Random "
	    "access time | Ratio to fastest (lower is better)\"}",
	    "by time, then name in UTF-16 order; ratios to the fastest");
	summary_free(&s);
	ok(summary_random_access(&s, rows, 0) == 0 && s.type == SUMMARY_NONE,
	    "no rows: no summary");
}

static void
compression(void)
{
	const double encode[] = { 1.5, 2.25, 3.1, 0.7 };
	const double decode[] = { 1.1, 0.9 };
	const double only[] = { 1.3, 0.37 };
	const double sizes[] = { 0.5, 0.25, 0.8, 0.3333333333333333 };
	struct summary s;

	summary_compression(&s, encode, 4, decode, 2);
	is_json(&s, "{\"type\":\"compression\",\"title\":\"Compression "
	    "Throughput vs Parquet\",\"datasetCount\":4,\"explanation\":"
	    "\"Inverse geomean of Vortex/Parquet ratios (higher is better)\","
	    "\"compressRatio\":1.6450661940786175,\"decompressRatio\":"
	    "0.99498743710662}", "compression: datasetCount before the ratios");
	summary_compression(&s, NULL, 0, only, 2);
	is_json(&s, "{\"type\":\"compression\",\"title\":\"Compression "
	    "Throughput vs Parquet\",\"datasetCount\":0,\"explanation\":"
	    "\"Inverse geomean of Vortex/Parquet ratios (higher is better)\","
	    "\"decompressRatio\":0.693541635375988}",
	    "decode pairs only: no compressRatio, datasetCount 0");
	summary_compression(&s, NULL, 0, NULL, 0);
	ok(s.type == SUMMARY_NONE, "no pairs: no compression summary");
	summary_compression_size(&s, sizes, 4);
	is_json(&s, "{\"type\":\"compressionSize\",\"title\":\"Compression "
	    "Size Summary\",\"minRatio\":0.25,\"meanRatio\":"
	    "0.42728700639623407,\"maxRatio\":0.8,\"datasetCount\":4,"
	    "\"explanation\":\"Geomean of Vortex/Parquet size ratios (lower "
	    "is better)\"}",
	    "compression sizes: min, geomean, max");
	summary_compression_size(&s, NULL, 0);
	ok(s.type == SUMMARY_NONE, "no size pairs: no summary");
}

int
main(void)
{
	geomean();
	query();
	random_access();
	compression();
	return done_testing();
}
