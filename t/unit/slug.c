/*
 * Slugs (the read API's chart and group keys): one canonical encoding that
 * round-trips every value, nulls, Unicode and thresholds included; decoding
 * that ignores the prefix and member order and refuses everything else.
 * Also the window parameter n of the chart and group routes.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/read.h"
#include "../../src/records.h"
#include "../../src/slug.h"
#include "tap.h"

static const struct chart_kind *
kind_named(const char *k)
{
	size_t i;

	for (i = 0; i < CHART_KIND_COUNT; i++)
		if (strcmp(chart_kinds[i].chart_k, k) == 0)
			return &chart_kinds[i];
	return NULL;
}

static struct chart_key
key_of(const char *k, bool group, const char *const *values)
{
	struct chart_key key;
	size_t i;

	memset(&key, 0, sizeof(key));
	key.kind = kind_named(k);
	key.group = group;
	for (i = 0; i < chart_key_ndims(&key); i++) {
		key.values[i].null = values[i] == NULL;
		key.values[i].text = values[i] ? strdup(values[i]) : NULL;
	}
	return key;
}

/* Base64url of a JSON text, as a slug with the given prefix. */
static char *
slug_of(const char *prefix, const char *json)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(json), i, o;
	char *s = malloc(strlen(prefix) + 2 + n * 2);
	const unsigned char *p = (const unsigned char *)json;

	o = (size_t)sprintf(s, "%s.", prefix);
	for (i = 0; i < n; i += 3) {
		unsigned v = p[i] << 16 | (i + 1 < n ? p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);

		s[o++] = b64[v >> 18 & 63];
		s[o++] = b64[v >> 12 & 63];
		if (i + 1 < n)
			s[o++] = b64[v >> 6 & 63];
		if (i + 2 < n)
			s[o++] = b64[v & 63];
	}
	s[o] = '\0';
	return s;
}

static void
round_trip(const char *k, bool group, const char *const *values,
    const char *json, const char *what)
{
	struct chart_key key = key_of(k, group, values), back;
	struct api_error err;
	char *slug = slug_encode(&key);
	char *want = slug_of(group ? key.kind->group_prefix :
	    key.kind->chart_prefix, json);
	size_t i;
	int same;

	ok(slug != NULL && strcmp(slug, want) == 0, "%s: canonical slug", what);
	if (slug != NULL && strcmp(slug, want) != 0)
		diag("got %s, want %s", slug, want);
	api_error_clear(&err);
	same = slug != NULL && slug_decode(slug, &back, &err) == 0 &&
	    back.kind == key.kind && back.group == key.group;
	for (i = 0; same && i < chart_key_ndims(&key); i++)
		same = back.values[i].null == key.values[i].null &&
		    (key.values[i].null ||
		    strcmp(back.values[i].text, key.values[i].text) == 0);
	ok(same, "%s: decodes to the same key", what);
	if (slug != NULL && same)
		chart_key_free(&back);
	chart_key_free(&key);
	free(slug);
	free(want);
}

static void
refused(const char *prefix, const char *json, const char *what)
{
	struct chart_key key;
	struct api_error err;
	char *slug = slug_of(prefix, json);
	int rc;

	api_error_clear(&err);
	rc = slug_decode(slug, &key, &err);
	ok(rc == -1 && err.status == 400 &&
	    strcmp(err.class, "bad_request") == 0, "refused: %s", what);
	if (rc == 0)
		chart_key_free(&key);
	free(slug);
}

static void
refused_raw(const char *slug, const char *what)
{
	struct chart_key key;
	struct api_error err;
	int rc;

	api_error_clear(&err);
	rc = slug_decode(slug, &key, &err);
	ok(rc == -1 && err.status == 400, "refused: %s", what);
	if (rc == 0)
		chart_key_free(&key);
}

/*
 * The longest slugs of keys within the record limits: every string at
 * RECORD_KEY_MAX_BYTES of control characters (six bytes each in JSON),
 * storage as long as it may be, the longest numbers.  They round-trip, and
 * fit in SLUG_MAX_BYTES and an nginx request line of 8 KiB.
 */
static void
longest_slugs(void)
{
	static const char *const cases[][6] = {
		{ "QueryMeasurement", NULL, NULL, NULL, "nvme", "-2147483648" },
		{ "VectorSearch", NULL, NULL, "-2.2250738585072014e-308" },
		{ "CompressionTime", NULL, NULL },
	};
	char s[RECORD_KEY_MAX_BYTES + 1];
	const char *values[CHART_MAX_DIMS];
	struct chart_key key, back;
	struct api_error err;
	size_t c, i;
	char *slug;

	memset(s, '\x01', RECORD_KEY_MAX_BYTES);
	s[RECORD_KEY_MAX_BYTES] = '\0';
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (i = 0; i < CHART_MAX_DIMS; i++)
			values[i] = i + 1 < 6 && cases[c][i + 1] != NULL ?
			    cases[c][i + 1] : s;
		key = key_of(cases[c][0], false, values);
		slug = slug_encode(&key);
		api_error_clear(&err);
		ok(slug != NULL && strlen(slug) <= 8192 - 64 &&
		    slug_decode(slug, &back, &err) == 0,
		    "%s: the longest slug, %zu bytes, fits and decodes",
		    cases[c][0], slug != NULL ? strlen(slug) : 0);
		if (err.status == 0)
			chart_key_free(&back);
		chart_key_free(&key);
		free(slug);
	}
}

static void
f64_is(double v, const char *want)
{
	char buf[64];

	ok(slug_format_f64(v, buf, sizeof(buf)) == 0 && strcmp(buf, want) == 0,
	    "%.17g is written %s", v, want);
}

static void
decodes_to(const char *prefix, const char *json, size_t dim,
    const char *want, const char *what)
{
	struct chart_key key;
	struct api_error err;
	char *slug = slug_of(prefix, json);

	api_error_clear(&err);
	if (!ok(slug_decode(slug, &key, &err) == 0, "accepted: %s", what)) {
		diag("%s", err.message);
		free(slug);
		return;
	}
	ok(key.values[dim].text != NULL &&
	    strcmp(key.values[dim].text, want) == 0, "%s: value %s", what,
	    want);
	chart_key_free(&key);
	free(slug);
}

int
main(void)
{
	const char *qm[] = { "tpch", NULL, "1", "nvme", "1" };
	const char *qm_variant[] = { "clickbench", "partitioned", NULL, "s3",
	    "42" };
	const char *unicode[] = { "データ \"q\" \\ \n\x01", "ü", "1", "nvme",
	    "-7" };
	const char *vs[] = { "cohere", "flat", "0.83" };
	const char *vs_group[] = { "cohere", "flat" };
	const char *ct[] = { "taxi", NULL };
	const char *ra[] = { "taxi" };
	char *huge;

	round_trip("QueryMeasurement", false, qm,
	    "{\"k\":\"QueryMeasurement\",\"dataset\":\"tpch\","
	    "\"dataset_variant\":null,\"scale_factor\":\"1\","
	    "\"storage\":\"nvme\",\"query_idx\":1}", "query chart, nulls");
	round_trip("QueryMeasurement", false, qm_variant,
	    "{\"k\":\"QueryMeasurement\",\"dataset\":\"clickbench\","
	    "\"dataset_variant\":\"partitioned\",\"scale_factor\":null,"
	    "\"storage\":\"s3\",\"query_idx\":42}", "query chart, variant");
	round_trip("QueryMeasurement", true, qm,
	    "{\"k\":\"QueryGroup\",\"dataset\":\"tpch\","
	    "\"dataset_variant\":null,\"scale_factor\":\"1\","
	    "\"storage\":\"nvme\"}", "query group");
	round_trip("QueryMeasurement", false, unicode,
	    "{\"k\":\"QueryMeasurement\",\"dataset\":\"データ \\\"q\\\" \\\\ "
	    "\\n\\u0001\",\"dataset_variant\":\"ü\",\"scale_factor\":\"1\","
	    "\"storage\":\"nvme\",\"query_idx\":-7}",
	    "Unicode and escapes");
	round_trip("VectorSearch", false, vs,
	    "{\"k\":\"VectorSearch\",\"dataset\":\"cohere\",\"layout\":"
	    "\"flat\",\"threshold\":0.83}", "vector search, threshold 0.83");
	round_trip("VectorSearch", true, vs_group,
	    "{\"k\":\"VectorSearchGroup\",\"dataset\":\"cohere\",\"layout\":"
	    "\"flat\"}", "vector search group");
	round_trip("CompressionTime", false, ct,
	    "{\"k\":\"CompressionTime\",\"dataset\":\"taxi\","
	    "\"dataset_variant\":null}", "compression time chart");
	round_trip("CompressionTime", true, ct,
	    "{\"k\":\"CompressionTimeGroup\"}", "compression time group");
	round_trip("CompressionSize", false, ct,
	    "{\"k\":\"CompressionSize\",\"dataset\":\"taxi\","
	    "\"dataset_variant\":null}", "compression size chart");
	round_trip("CompressionSize", true, ct,
	    "{\"k\":\"CompressionSizeGroup\"}", "compression size group");
	round_trip("RandomAccess", false, ra,
	    "{\"k\":\"RandomAccess\",\"dataset\":\"taxi\"}",
	    "random access chart");
	round_trip("RandomAccess", true, ra,
	    "{\"k\":\"RandomAccessGroup\"}", "random access group");

	/* Thresholds: the shortest text that reads back, serde_json style. */
	f64_is(0.83, "0.83");
	f64_is(0.1 + 0.2, "0.30000000000000004");
	f64_is(1, "1.0");
	f64_is(0, "0.0");
	f64_is(-0.0, "-0.0");
	f64_is(-2.5, "-2.5");
	f64_is(1e-7, "1e-7");
	f64_is(0.0001, "0.0001");
	f64_is(1.5e16, "1.5e16");
	f64_is(1e15, "1000000000000000.0");
	f64_is(123456.789, "123456.789");
	f64_is(5e-324, "5e-324");
	f64_is(1.7976931348623157e308, "1.7976931348623157e308");
	ok(slug_format_f64(0.0 / 0.0, (char[64]){0}, 64) == -1,
	    "NaN has no slug form");

	/* Decoding is lenient where it cannot change the key. */
	decodes_to("anything", "{\"threshold\":0.830,\"layout\":\"flat\","
	    "\"dataset\":\"cohere\",\"k\":\"VectorSearch\"}", 2, "0.83",
	    "prefix ignored, members in any order, 0.830 is 0.83");
	decodes_to("vsr", "{\"k\":\"VectorSearch\",\"dataset\":\"c\","
	    "\"layout\":\"f\",\"threshold\":1}", 2, "1.0",
	    "an integer threshold");
	decodes_to("qm", "{\"k\":\"QueryMeasurement\",\"dataset\":\"tpch\","
	    "\"dataset_variant\":null,\"scale_factor\":\"1\","
	    "\"storage\":\"nvme\",\"query_idx\":-0}", 4, "0", "query_idx -0");
	decodes_to("qm", " {\"k\":\"QueryMeasurement\",\"dataset\":"
	    "\"\\u0074pch\",\"dataset_variant\":null,\"scale_factor\":\"1\","
	    "\"storage\":\"nvme\",\"query_idx\":1} ", 0, "tpch",
	    "escapes and surrounding blanks");

	refused_raw("qmnodot", "no dot");
	refused_raw("qm.e30=", "padding");
	refused_raw("qm.e30*", "a character outside base64url");
	refused_raw("qm.e", "a length base64 cannot have");
	refused_raw("qm.e31", "non-zero leftover bits");
	refused_raw("qm.", "nothing after the dot");
	refused("qm", "[1,2]", "not an object");
	refused("qm", "{}", "no k");
	refused("qm", "{\"k\":1}", "k not a string");
	refused("qm", "{\"k\":\"Nope\"}", "unknown k");
	refused("ctg", "{\"k\":\"CompressionTimeGroup\",\"dataset\":\"x\"}",
	    "a member the key does not have");
	refused("ra", "{\"k\":\"RandomAccess\"}", "a missing member");
	refused("ra", "{\"k\":\"RandomAccess\",\"dataset\":\"a\","
	    "\"dataset\":\"b\"}", "a duplicate member");
	refused("ra", "{\"k\":\"RandomAccess\",\"k\":\"RandomAccess\","
	    "\"dataset\":\"b\"}", "a duplicate k");
	refused("ra", "{\"k\":\"RandomAccess\",\"dataset\":null}",
	    "null for a required string");
	refused("ra", "{\"k\":\"RandomAccess\",\"dataset\":7}",
	    "a number for a string");
	refused("ra", "{\"k\":\"RandomAccess\",\"dataset\":\"a\\u0000b\"}",
	    "U+0000 in a string");
	refused("ra", "{\"k\":\"RandomAccess\",\"dataset\":[\"a\"]}",
	    "an array member");
	refused("ra", "{\"k\":\"RandomAccess\",\"dataset\":\"a\"} x",
	    "trailing bytes");
	refused("ra", "{\"k\":\"RandomAccess\",\"dataset\":\"\xff\"}",
	    "invalid UTF-8");
	refused("qm", "{\"k\":\"QueryMeasurement\",\"dataset\":\"tpch\","
	    "\"dataset_variant\":null,\"scale_factor\":\"1\","
	    "\"storage\":\"nvme\",\"query_idx\":2147483648}",
	    "query_idx out of range");
	refused("qm", "{\"k\":\"QueryMeasurement\",\"dataset\":\"tpch\","
	    "\"dataset_variant\":null,\"scale_factor\":\"1\","
	    "\"storage\":\"nvme\",\"query_idx\":1.5}", "query_idx a fraction");
	refused("qm", "{\"k\":\"QueryMeasurement\",\"dataset\":\"tpch\","
	    "\"dataset_variant\":null,\"scale_factor\":\"1\","
	    "\"storage\":\"nvme\",\"query_idx\":\"1\"}", "query_idx a string");
	refused("vsr", "{\"k\":\"VectorSearch\",\"dataset\":\"c\","
	    "\"layout\":\"f\",\"threshold\":1e999}", "an infinite threshold");
	huge = malloc(9000);
	memset(huge, 'A', 8999);
	memcpy(huge, "qm.", 3);
	huge[8999] = '\0';
	refused_raw(huge, "a slug over 8 KiB");
	free(huge);
	longest_slugs();

	/* The window: missing or malformed 100, all (any case) 0, else clamped. */
	ok(read_window("") == 100, "no n: 100");
	ok(read_window("x=1") == 100, "another parameter only: 100");
	ok(read_window("n=") == 100, "empty n: 100");
	ok(read_window("n=abc") == 100, "n=abc: 100");
	ok(read_window("n=1.5") == 100, "n=1.5: 100");
	ok(read_window("n=+5") == 100, "n=+5: 100");
	ok(read_window("n=-") == 100, "n=-: 100");
	ok(read_window("n=all") == 0, "n=all: no limit");
	ok(read_window("n=ALL") == 0, "n=ALL: no limit");
	ok(read_window("n=aLl") == 0, "n=aLl: no limit");
	ok(read_window("n=alll") == 100, "n=alll: 100");
	ok(read_window("n=0") == 1, "n=0: clamped to 1");
	ok(read_window("n=-5") == 1, "n=-5: clamped to 1");
	ok(read_window("n=1") == 1, "n=1");
	ok(read_window("n=007") == 7, "n=007: 7");
	ok(read_window("n=1000") == 1000, "n=1000");
	ok(read_window("n=1001") == 1000, "n=1001: clamped to 1000");
	ok(read_window("n=99999999999999999999999") == 1000,
	    "a huge n: clamped to 1000");
	ok(read_window("a=1&n=5&n=7") == 5, "the first n counts");
	ok(read_window("nn=5") == 100, "nn is not n");
	return done_testing();
}
