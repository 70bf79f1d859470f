/*
 * Slugs (the read API's chart and group keys): one canonical encoding that
 * round-trips every value, nulls, Unicode and thresholds included, written
 * as the reference read service writes it; decoding as lenient as the
 * reference's, checked case by case against slug-cases.txt: every slug the
 * captured reference answers were asked for (t/reference/answers.xz),
 * corners, and mutations, each with what the reference's own decoder
 * (lib/slug.ts, run in Node by /work/notes/issue11-slug-cases.js, a
 * workplace note) made of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/records.h"
#include "../../src/slug.h"
#include "tap.h"
#include "testdata.h"

static const struct chart_kind *
kind_named(const char *k)
{
	size_t i;

	for (i = 0; i < KIND_COUNT; i++)
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

/* A random-access slug with bytes put inside its base64; 0 if it decodes. */
static int
slug_with_junk(const char *junk)
{
	char slug[256];
	struct chart_key key;
	struct api_error err;

	snprintf(slug, sizeof(slug), "rat.eyJrIjoiUmFu%sZG9tQWNjZXNzIiwiZGF0YXNl"
	    "dCI6ImEifQ", junk);
	if (slug_decode(slug, &key, &err) == -1)
		return -1;
	chart_key_free(&key);
	return 0;
}

/* "x:HEX" into bytes, in place; other text stays. */
static void
unhex(char *s)
{
	size_t i;
	unsigned b;

	if (strncmp(s, "x:", 2) != 0)
		return;
	for (i = 0; sscanf(s + 2 + 2 * i, "%2x", &b) == 1; i++)
		s[i] = (char)b;
	s[i] = '\0';
}

/*
 * Each case: refused (400) on its route, or a key of the route's sort
 * whose slug_encode() is the canonical slug the reference would give.
 * Slugs longer than SLUG_MAX_BYTES, which the reference would decode but
 * no nginx passes, are refused.
 */
static void
reference_cases(void)
{
	char *line = NULL, *route, *want, *slug, *got, *save;
	long n = 0, failed = 0, refused = 0;
	struct chart_key key;
	struct api_error err;
	size_t cap = 0;
	int rc, group;

	FILE *fp = open_test_file("slug-cases.txt");

	if (!ok(fp != NULL, "slug-cases.txt opens"))
		return;
	while (getline(&line, &cap, fp) != -1) {
		if (line[0] == '#')
			continue;
		route = strtok_r(line, " \n", &save);
		want = strtok_r(NULL, " \n", &save);
		slug = strtok_r(NULL, " \n", &save);
		if (route == NULL || want == NULL || slug == NULL)
			continue;
		unhex(slug);
		group = strcmp(route, "group") == 0;
		n++;
		api_error_clear(&err);
		rc = slug_decode(slug, &key, &err);
		got = NULL;
		if (rc == 0 && key.group == group)
			got = slug_encode(&key);
		/* Over nginx's request line, refused: a deliberate difference. */
		if (strcmp(want, "-") == 0 || strlen(slug) > SLUG_MAX_BYTES) {
			refused++;
			if (got != NULL || (rc == -1 && err.status != 400))
				failed++, diag("%s %.70s: accepted or not a "
				    "400", route, slug);
		} else if (got == NULL || strcmp(got, strcmp(want, "=") == 0 ?
		    slug : want) != 0)
			failed++, diag("%s %.70s: %s", route, slug, got ? got :
			    err.message);
		free(got);
		if (rc == 0)
			chart_key_free(&key);
	}
	free(line);
	fclose(fp);
	ok(n > 1000 && refused > 100 && failed == 0, "%ld slugs decode as "
	    "the reference decodes them (%ld refused; %ld differ)", n, refused,
	    failed);
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
	struct chart_key key;
	struct api_error err;
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

	round_trip("VectorSearch", false, (const char *[]){ "c", "f", "1" },
	    "{\"k\":\"VectorSearch\",\"dataset\":\"c\",\"layout\":\"f\","
	    "\"threshold\":1}", "threshold 1, written as JavaScript writes it");
	round_trip("VectorSearch", false, (const char *[]){ "c", "f", "1e-7" },
	    "{\"k\":\"VectorSearch\",\"dataset\":\"c\",\"layout\":\"f\","
	    "\"threshold\":1e-7}", "threshold 1e-7");
	round_trip("VectorSearch", false, (const char *[]){ "c", "f", "1e+21" },
	    "{\"k\":\"VectorSearch\",\"dataset\":\"c\",\"layout\":\"f\","
	    "\"threshold\":1e+21}", "threshold 1e+21");

	/* Thresholds: Number::toString, as the reference's JSON.stringify. */
	f64_is(0.83, "0.83");
	f64_is(0.1 + 0.2, "0.30000000000000004");
	f64_is(1, "1");
	f64_is(0, "0");
	f64_is(-0.0, "0");
	f64_is(-2.5, "-2.5");
	f64_is(1e-7, "1e-7");
	f64_is(0.000001, "0.000001");
	f64_is(1.5e16, "15000000000000000");
	f64_is(1e21, "1e+21");
	f64_is(123456.789, "123456.789");
	f64_is(5e-324, "5e-324");
	f64_is(1.7976931348623157e308, "1.7976931348623157e+308");
	ok(slug_format_f64(0.0 / 0.0, (char[64]){0}, 64) == -1,
	    "NaN has no slug form");
	ok(slug_format_f64(1.0 / 0.0, (char[64]){0}, 64) == -1,
	    "nor has infinity");

	reference_cases();

	/* What the Node-made cases cannot hold: bytes that are not UTF-8. */
	decodes_to("x\xff\xfe", "{\"k\":\"RandomAccess\",\"dataset\":"
	    "\"a\"}", 0, "a", "a prefix that is not UTF-8");
	decodes_to("rat", "{\"k\":\"RandomAccess\",\"dataset\":"
	    "\"a\xff" "b\xe0\x80" "c\xf0\x9f\x98\"}", 0,
	    "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd",
	    "ill-formed UTF-8 in the JSON reads as U+FFFD per maximal subpart");
	ok(slug_with_junk("\xff\xc3") == 0 && slug_with_junk("\xed\xa0\x80")
	    == 0, "ill-formed UTF-8 in the base64 is skipped");
	huge = malloc(SLUG_MAX_BYTES + 2);
	memset(huge, '!', SLUG_MAX_BYTES + 1);
	memcpy(huge, "rat.eyJrIjoiUmFuZG9tQWNjZXNzIiwiZGF0YXNldCI6ImEifQ", 50);
	huge[SLUG_MAX_BYTES] = '\0';
	ok(slug_decode(huge, &key, &err) == 0, "a slug of %d bytes, most of "
	    "them skipped", SLUG_MAX_BYTES);
	chart_key_free(&key);
	huge[SLUG_MAX_BYTES] = '!';
	huge[SLUG_MAX_BYTES + 1] = '\0';
	refused_raw(huge, "a slug of one byte more");
	free(huge);

	longest_slugs();
	return done_testing();
}
