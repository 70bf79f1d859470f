/*
 * Every rule of doc/ingest-api.md §4 checks 3 to 5, each with a case that
 * passes and one that fails, checked for its exact status, error class,
 * record_index and the path the message names.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/envelope.h"
#include "tap.h"

#define SHA "8d1f0c2b9a7e6d5c4b3a29180f7e6d5c4b3a2918"
#define RUN_META "\"run_meta\":{\"benchmark_id\":\"b@1\"," \
	"\"schema_version\":1,\"started_at\":\"2026-06-18T12:00:00Z\"}"
#define COMMIT "\"commit\":{\"sha\":\"" SHA "\"," \
	"\"timestamp\":\"2026-06-18T11:59:00Z\",\"message\":\"m\"," \
	"\"author_name\":\"a\",\"author_email\":\"a@x\"," \
	"\"committer_name\":\"c\",\"committer_email\":\"c@x\"," \
	"\"tree_sha\":\"t\",\"url\":\"u\"}"
#define QM "{\"kind\":\"query_measurement\",\"commit_sha\":\"" SHA "\"," \
	"\"dataset\":\"tpch\",\"scale_factor\":\"10\",\"query_idx\":3," \
	"\"storage\":\"nvme\",\"engine\":\"df\",\"format\":\"parquet\"," \
	"\"value_ns\":1000,\"all_runtimes_ns\":[1000,1100]," \
	"\"peak_physical\":1,\"peak_virtual\":2,\"physical_delta\":3," \
	"\"virtual_delta\":-4,\"env_triple\":\"x86_64\"}"
#define CT "{\"kind\":\"compression_time\",\"commit_sha\":\"" SHA "\"," \
	"\"dataset\":\"taxi\",\"format\":\"vortex\",\"op\":\"encode\"," \
	"\"value_ns\":5,\"all_runtimes_ns\":[]}"
#define CS "{\"kind\":\"compression_size\",\"commit_sha\":\"" SHA "\"," \
	"\"dataset\":\"taxi\",\"dataset_variant\":null,\"format\":\"parquet\"," \
	"\"value_bytes\":12345678}"
#define RA "{\"kind\":\"random_access_time\",\"commit_sha\":\"" SHA "\"," \
	"\"dataset\":\"taxi\",\"format\":\"parquet\",\"value_ns\":850000," \
	"\"all_runtimes_ns\":[800000]}"
#define VS "{\"kind\":\"vector_search_run\",\"commit_sha\":\"" SHA "\"," \
	"\"dataset\":\"cohere\",\"layout\":\"partitioned\",\"flavor\":\"v\"," \
	"\"threshold\":0.85,\"value_ns\":42,\"all_runtimes_ns\":[42]," \
	"\"matches\":123,\"rows_scanned\":10,\"bytes_scanned\":512," \
	"\"iterations\":3}"
#define ENVELOPE "{" RUN_META "," COMMIT ",\"records\":[" QM "," CT "," CS \
	"," RA "," VS "]}"

static char *owned[1024];
static size_t nowned;

/* base with the first occurrence of from replaced by to; freed at exit. */
static char *
with(const char *base, const char *from, const char *to)
{
	const char *at = strstr(base, from);
	size_t n;
	char *s;

	if (at == NULL) {
		printf("Bail out! fixture lacks %s\n", from);
		exit(1);
	}
	n = strlen(base) - strlen(from) + strlen(to);
	s = malloc(n + 1);
	memcpy(s, base, (size_t)(at - base));
	strcpy(s + (at - base), to);
	strcat(s, at + strlen(from));
	if (nowned < sizeof(owned) / sizeof(owned[0]))
		owned[nowned++] = s;
	return s;
}

static struct envelope_limits limits = { 1000000, 16 * 1024 * 1024 };

struct outcome {
	int status;		/* 0: accepted */
	const char *class;
	long record_index;
	char message[512];
	size_t nrecords;
};

static struct outcome
run(const char *json, size_t len)
{
	struct outcome o = { 0, NULL, -1, "", 0 };
	struct envelope env;
	struct api_error err;
	char *body = malloc(len + 1);

	memcpy(body, json, len);
	body[len] = '\0';
	api_error_clear(&err);
	if (envelope_parse(&env, body, len, &limits, &err) == 0 &&
	    envelope_validate(&env, &err) == 0)
		o.nrecords = env.nrecords;
	else {
		o.status = err.status;
		o.class = err.class;
		o.record_index = err.record_index;
		snprintf(o.message, sizeof(o.message), "%s", err.message);
	}
	envelope_free(&env);
	free(body);
	return o;
}

static void
accepted(const char *name, const char *json)
{
	struct outcome o = run(json, strlen(json));

	ok(o.status == 0, "%s: accepted%s%s", name, o.status ? " -- got " : "",
	    o.message);
}

static void
refused(const char *name, const char *json, int status, const char *class,
    long index, const char *in_message)
{
	struct outcome o = run(json, strlen(json));

	ok(o.status == status && o.class != NULL &&
	    strcmp(o.class, class) == 0 && o.record_index == index &&
	    (in_message == NULL || strstr(o.message, in_message) != NULL),
	    "%s: %d %s [%ld] \"%s\"", name, o.status, o.class ? o.class : "-",
	    o.record_index, o.message);
}

#define MALFORMED(name, json, path) \
	refused(name, json, 400, "malformed", -1, path)
#define RECORD(name, json, index, text) \
	refused(name, json, 400, "record", index, text)

static void
syntax(void)
{
	struct outcome o;
	const char bad_utf8[] = "{\"run_meta\":{\"benchmark_id\":\"\xc3\x28\"";

	accepted("the contract's envelope", ENVELOPE);
	o = run(ENVELOPE, strlen(ENVELOPE));
	ok(o.nrecords == 5, "five records parsed");
	accepted("trailing whitespace", ENVELOPE " \n\t\r");
	accepted("escapes and Unicode in strings",
	    with(ENVELOPE, "\"message\":\"m\"",
	    "\"message\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00 \xe2\x9c\x93\""));
	MALFORMED("trailing garbage", ENVELOPE "x", "trailing");
	MALFORMED("two documents", ENVELOPE "{}", "trailing");
	MALFORMED("not an object", "[]", "(root): expected an object");
	MALFORMED("empty body", "", "(root)");
	MALFORMED("truncated", "{\"run_meta\":{", "run_meta");
	MALFORMED("invalid UTF-8 in a string", bad_utf8, "invalid UTF-8");
	MALFORMED("overlong UTF-8", with(ENVELOPE, "\"message\":\"m\"",
	    "\"message\":\"\xc0\xaf\""), "commit.message: invalid UTF-8");
	MALFORMED("UTF-8 surrogate", with(ENVELOPE, "\"message\":\"m\"",
	    "\"message\":\"\xed\xa0\x80\""), "invalid UTF-8");
	MALFORMED("lone surrogate escape", with(ENVELOPE, "\"message\":\"m\"",
	    "\"message\":\"\\ud800\""), "surrogate");
	MALFORMED("raw control character", with(ENVELOPE, "\"message\":\"m\"",
	    "\"message\":\"a\nb\""), "control character");
	MALFORMED("bad escape", with(ENVELOPE, "\"message\":\"m\"",
	    "\"message\":\"\\x\""), "bad escape");
	MALFORMED("NaN", with(ENVELOPE, "\"threshold\":0.85",
	    "\"threshold\":NaN"), "records[4].threshold");
	MALFORMED("Infinity", with(ENVELOPE, "\"threshold\":0.85",
	    "\"threshold\":Infinity"), "records[4].threshold");
	MALFORMED("-Infinity", with(ENVELOPE, "\"threshold\":0.85",
	    "\"threshold\":-Infinity"), "records[4].threshold");
	MALFORMED("leading zero", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":01000"), "records[0].value_ns");
	MALFORMED("trailing comma", with(ENVELOPE, "\"virtual_delta\":-4,",
	    "\"virtual_delta\":-4,,"), "records[0]");
	MALFORMED("single quotes", with(ENVELOPE, "\"op\":\"encode\"",
	    "\"op\":'encode'"), "records[1].op");
	MALFORMED("comment", with(ENVELOPE, "{", "{/*c*/"), "(root)");
}

static void
shape(void)
{
	MALFORMED("missing run_meta", "{" COMMIT ",\"records\":[]}",
	    "missing member \"run_meta\"");
	MALFORMED("missing commit", "{" RUN_META ",\"records\":[]}",
	    "missing member \"commit\"");
	MALFORMED("missing records", "{" RUN_META "," COMMIT "}",
	    "missing member \"records\"");
	accepted("members in another order",
	    "{\"records\":[]," COMMIT "," RUN_META "}");
	accepted("empty records", "{" RUN_META "," COMMIT ",\"records\":[]}");
	MALFORMED("unknown top-level member", with(ENVELOPE, "{",
	    "{\"extra\":1,"), "(root): unknown member \"extra\"");
	MALFORMED("duplicate top-level member", "{" RUN_META "," RUN_META ","
	    COMMIT ",\"records\":[]}", "duplicate member \"run_meta\"");
	MALFORMED("unknown run_meta member", with(ENVELOPE, "\"benchmark_id\"",
	    "\"x\":1,\"benchmark_id\""), "run_meta: unknown member \"x\"");
	MALFORMED("missing run_meta member", with(ENVELOPE,
	    "\"started_at\":\"2026-06-18T12:00:00Z\"", "\"x\":0"),
	    "run_meta");
	MALFORMED("duplicate commit member", with(ENVELOPE, "\"tree_sha\":\"t\"",
	    "\"tree_sha\":\"t\",\"url\":\"v\""), "commit: duplicate member "
	    "\"url\"");
	MALFORMED("missing commit member", with(ENVELOPE, ",\"url\":\"u\"", ""),
	    "commit: missing member \"url\"");
	MALFORMED("unknown commit member", with(ENVELOPE, "\"url\":\"u\"",
	    "\"url\":\"u\",\"branch\":\"main\""),
	    "commit: unknown member \"branch\"");
	MALFORMED("commit member not a string", with(ENVELOPE,
	    "\"message\":\"m\"", "\"message\":null"), "commit.message");
	MALFORMED("record not an object", with(ENVELOPE, "[{\"kind\"",
	    "[7,{\"kind\""), "records[0]: expected an object");
	MALFORMED("record missing kind", with(ENVELOPE,
	    "{\"kind\":\"compression_time\",", "{"),
	    "records[1]: missing member \"kind\"");
	MALFORMED("unknown kind", with(ENVELOPE, "\"compression_time\"",
	    "\"compression_times\""), "records[1]: unknown kind");
	MALFORMED("kind not a string", with(ENVELOPE, "\"compression_time\"",
	    "3"), "records[1].kind");
	MALFORMED("duplicate kind", with(ENVELOPE, "\"op\":\"encode\"",
	    "\"op\":\"encode\",\"kind\":\"compression_time\""),
	    "records[1]: duplicate member \"kind\"");
	accepted("kind last in its record", with(ENVELOPE, CS,
	    "{\"commit_sha\":\"" SHA "\",\"dataset\":\"taxi\","
	    "\"format\":\"parquet\",\"value_bytes\":1,"
	    "\"kind\":\"compression_size\"}"));
	accepted("kind spelled with escapes", with(ENVELOPE,
	    "{\"kind\":\"compression_time\"",
	    "{\"\\u006bind\":\"compression_time\""));
	MALFORMED("missing record field", with(ENVELOPE, "\"op\":\"encode\",",
	    ""), "records[1]: missing member \"op\"");
	MALFORMED("unknown record field", with(ENVELOPE, "\"op\":\"encode\"",
	    "\"op\":\"encode\",\"opp\":1"), "records[1]: unknown member "
	    "\"opp\"");
	MALFORMED("field of another kind", with(ENVELOPE, "\"op\":\"encode\"",
	    "\"op\":\"encode\",\"threshold\":1"),
	    "unknown member \"threshold\"");
	MALFORMED("duplicate record field", with(ENVELOPE, "\"op\":\"encode\"",
	    "\"op\":\"encode\",\"op\":\"decode\""),
	    "records[1]: duplicate member \"op\"");
	accepted("optional fields absent", with(ENVELOPE,
	    ",\"env_triple\":\"x86_64\"", ""));
	accepted("optional string null", with(ENVELOPE,
	    "\"scale_factor\":\"10\"", "\"scale_factor\":null"));
	MALFORMED("required string null", with(ENVELOPE,
	    "\"dataset\":\"tpch\"", "\"dataset\":null"), "records[0].dataset");
	MALFORMED("string given a number", with(ENVELOPE,
	    "\"engine\":\"df\"", "\"engine\":1"), "records[0].engine");
	MALFORMED("nested object for a string", with(ENVELOPE,
	    "\"engine\":\"df\"", "\"engine\":{\"a\":[[[[1]]]]}"),
	    "records[0].engine");
}

static void
numbers(void)
{
	MALFORMED("i64 given a string", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":\"1000\""), "records[0].value_ns: expected");
	MALFORMED("i64 given a bool", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":true"), "records[0].value_ns");
	MALFORMED("i64 given 1.5", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":1.5"), "records[0].value_ns");
	MALFORMED("i64 given 1.0", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":1.0"), "records[0].value_ns");
	MALFORMED("i64 given 1e3", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":1e3"), "records[0].value_ns");
	MALFORMED("i64 given null", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":null"), "records[0].value_ns");
	accepted("i64 maximum", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":9223372036854775807"));
	accepted("i64 minimum", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":-9223372036854775808"));
	MALFORMED("i64 above maximum", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":9223372036854775808"), "out of range");
	MALFORMED("i64 below minimum", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":-9223372036854775809"), "out of range");
	MALFORMED("i64 far above", with(ENVELOPE, "\"value_ns\":1000",
	    "\"value_ns\":123456789012345678901234567890"), "out of range");
	accepted("i32 maximum", with(ENVELOPE, "\"query_idx\":3",
	    "\"query_idx\":2147483647"));
	accepted("i32 minimum", with(ENVELOPE, "\"query_idx\":3",
	    "\"query_idx\":-2147483648"));
	MALFORMED("i32 above maximum", with(ENVELOPE, "\"query_idx\":3",
	    "\"query_idx\":2147483648"), "records[0].query_idx");
	MALFORMED("i32 below minimum", with(ENVELOPE, "\"query_idx\":3",
	    "\"query_idx\":-2147483649"), "records[0].query_idx");
	MALFORMED("iterations above i32", with(ENVELOPE, "\"iterations\":3",
	    "\"iterations\":4294967296"), "records[4].iterations");
	accepted("optional i64 null", with(with(with(with(ENVELOPE,
	    "\"peak_physical\":1", "\"peak_physical\":null"),
	    "\"peak_virtual\":2", "\"peak_virtual\":null"),
	    "\"physical_delta\":3", "\"physical_delta\":null"),
	    "\"virtual_delta\":-4", "\"virtual_delta\":null"));
	MALFORMED("optional i64 given a float", with(ENVELOPE,
	    "\"peak_physical\":1", "\"peak_physical\":1.5"),
	    "records[0].peak_physical");
	accepted("empty i64 array", with(ENVELOPE, "[1000,1100]", "[]"));
	MALFORMED("null inside i64 array", with(ENVELOPE, "[1000,1100]",
	    "[1000,null]"), "records[0].all_runtimes_ns[1]");
	MALFORMED("string inside i64 array", with(ENVELOPE, "[1000,1100]",
	    "[\"1\"]"), "records[0].all_runtimes_ns[0]");
	MALFORMED("float inside i64 array", with(ENVELOPE, "[1000,1100]",
	    "[1,2.5]"), "records[0].all_runtimes_ns[1]");
	MALFORMED("nested array inside i64 array", with(ENVELOPE, "[1000,1100]",
	    "[[1]]"), "records[0].all_runtimes_ns[0]");
	MALFORMED("object for i64 array", with(ENVELOPE, "[1000,1100]",
	    "{}"), "records[0].all_runtimes_ns");
	MALFORMED("i64 array given null", with(ENVELOPE, "[1000,1100]",
	    "null"), "records[0].all_runtimes_ns");
	accepted("f64 as an integer literal", with(ENVELOPE,
	    "\"threshold\":0.85", "\"threshold\":1"));
	accepted("f64 with exponent", with(ENVELOPE, "\"threshold\":0.85",
	    "\"threshold\":-1.5e-3"));
	MALFORMED("f64 overflowing to infinity", with(ENVELOPE,
	    "\"threshold\":0.85", "\"threshold\":1e400"),
	    "records[4].threshold");
	MALFORMED("f64 given a string", with(ENVELOPE, "\"threshold\":0.85",
	    "\"threshold\":\"0.85\""), "records[4].threshold");
	MALFORMED("schema_version not an integer", with(ENVELOPE,
	    "\"schema_version\":1", "\"schema_version\":1.0"),
	    "run_meta.schema_version");
	MALFORMED("schema_version above i32", with(ENVELOPE,
	    "\"schema_version\":1", "\"schema_version\":2147483648"),
	    "run_meta.schema_version");
}

static void
timestamps(void)
{
	static const char *const good[] = {
		"2026-06-18T11:59:00Z", "2026-06-18T11:59:00+02:00",
		"2026-06-18T11:59:00.123456Z", "2026-06-18t11:59:00z",
		"2026-06-18 11:59:00-07:30", "2024-02-29T00:00:00Z",
		"2026-06-30T23:59:60Z", "2026-06-18T11:59:00+15:59",
		"2026-06-18T11:59:00-15:59", "0001-01-01T00:00:00Z",
		"9999-12-31T23:59:60-15:59", "2026-06-30T23:59:60.0000005Z",
		"2026-06-18T12:30:60.9999999Z", "2026-06-18T23:59:59.9999999Z",
	};
	static const char *const bad[] = {
		"yesterday", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
		"2025-02-29T00:00:00Z", "2026-06-18T24:00:00Z",
		"2026-06-18T11:59:00", "2026-06-18T11:59Z", "2026-06-18",
		"2026-06-18T11:59:00+0200", "2026-06-18T11:59:00.Z",
		"2026-06-18T11:59:00Z ", "",
		/* What Postgres refuses. */
		"2026-06-18T11:59:00+16:00", "2026-06-18T11:59:00-23:59",
		"0000-01-01T00:00:00Z", "2026-06-30T23:59:60.0000006Z",
		"2026-06-30T23:59:60.5Z",
	};
	char member[256], frac[160];
	size_t i;

	/* Postgres's buffer: 149 bytes with "T", 151 with a blank. */
	static const struct {
		char sep;
		int digits;	/* of the fraction */
		bool ok;
	} lengths[] = { { 'T', 128, true }, { 'T', 129, false },
	    { ' ', 130, true }, { ' ', 131, false } };
	char name[64];

	memset(frac, '1', sizeof(frac));
	for (i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
		snprintf(member, sizeof(member), "\"timestamp\":\"2026-06-18"
		    "%c11:59:00.%.*sZ\"", lengths[i].sep, lengths[i].digits,
		    frac);
		snprintf(name, sizeof(name), "a %d-byte timestamp with '%c'",
		    lengths[i].digits + 21, lengths[i].sep);
		if (lengths[i].ok)
			accepted(name, with(ENVELOPE,
			    "\"timestamp\":\"2026-06-18T11:59:00Z\"", member));
		else
			MALFORMED(name, with(ENVELOPE,
			    "\"timestamp\":\"2026-06-18T11:59:00Z\"", member),
			    "commit.timestamp");
	}

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(member, sizeof(member), "\"timestamp\":\"%s\"", good[i]);
		accepted(good[i], with(ENVELOPE,
		    "\"timestamp\":\"2026-06-18T11:59:00Z\"", member));
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(member, sizeof(member), "\"timestamp\":\"%s\"", bad[i]);
		MALFORMED(bad[i], with(ENVELOPE,
		    "\"timestamp\":\"2026-06-18T11:59:00Z\"", member),
		    "commit.timestamp");
	}
}

static void
version_and_records(void)
{
	refused("schema_version 2", with(ENVELOPE, "\"schema_version\":1",
	    "\"schema_version\":2"), 409, "schema_version_too_new", -1, NULL);
	MALFORMED("schema_version 0", with(ENVELOPE, "\"schema_version\":1",
	    "\"schema_version\":0"), "run_meta.schema_version");
	MALFORMED("schema_version -1", with(ENVELOPE, "\"schema_version\":1",
	    "\"schema_version\":-1"), "run_meta.schema_version");
	MALFORMED("malformed beats version", with(with(ENVELOPE,
	    "\"schema_version\":1", "\"schema_version\":2"),
	    "\"op\":\"encode\"", "\"op\":\"encode\",\"x\":1"), "records[1]");
	refused("version beats record", with(with(ENVELOPE,
	    "\"schema_version\":1", "\"schema_version\":2"),
	    "\"storage\":\"nvme\"", "\"storage\":\"hdd\""), 409,
	    "schema_version_too_new", -1, NULL);
	RECORD("commit_sha mismatch", with(ENVELOPE,
	    "{\"kind\":\"compression_time\",\"commit_sha\":\"8d",
	    "{\"kind\":\"compression_time\",\"commit_sha\":\"9d"), 1,
	    "commit_sha");
	accepted("storage s3", with(ENVELOPE, "\"storage\":\"nvme\"",
	    "\"storage\":\"s3\""));
	RECORD("storage hdd", with(ENVELOPE, "\"storage\":\"nvme\"",
	    "\"storage\":\"hdd\""), 0, "storage");
	RECORD("storage NVME", with(ENVELOPE, "\"storage\":\"nvme\"",
	    "\"storage\":\"NVME\""), 0, "storage");
	accepted("memory fields all absent", with(ENVELOPE,
	    "\"peak_physical\":1,\"peak_virtual\":2,\"physical_delta\":3,"
	    "\"virtual_delta\":-4,", ""));
	RECORD("only peak_physical", with(ENVELOPE,
	    "\"peak_virtual\":2,\"physical_delta\":3,\"virtual_delta\":-4,", ""),
	    0, "all present or all absent");
	RECORD("only virtual_delta", with(ENVELOPE,
	    "\"peak_physical\":1,\"peak_virtual\":2,\"physical_delta\":3,", ""),
	    0, "all present or all absent");
	RECORD("three of four, one null", with(ENVELOPE, "\"peak_virtual\":2",
	    "\"peak_virtual\":null"), 0, "all present or all absent");
	RECORD("U+0000 in a record string", with(ENVELOPE,
	    "\"format\":\"vortex\"", "\"format\":\"vor\\u0000tex\""), 1,
	    "U+0000");
	MALFORMED("U+0000 in a commit string", with(ENVELOPE,
	    "\"message\":\"m\"", "\"message\":\"\\u0000\""), "commit.message");
	RECORD("first failing record wins", with(with(ENVELOPE,
	    "\"dataset\":\"taxi\",\"dataset_variant\":null",
	    "\"dataset\":\"t\\u0000\",\"dataset_variant\":null"),
	    "\"layout\":\"partitioned\"", "\"layout\":\"p\\u0000\""), 2,
	    "records[2]");
}

static void
duplicates_kept(void)
{
	struct envelope env;
	struct api_error err;
	char *body = with(ENVELOPE, VS "]}", VS "," QM "," QM "]}");

	api_error_clear(&err);
	ok(envelope_parse(&env, body, strlen(body), &limits, &err) == 0 &&
	    envelope_validate(&env, &err) == 0 && env.nrecords == 7 &&
	    env.kind_count[0] == 3 &&
	    env.records[0]->measurement_id == env.records[6]->measurement_id,
	    "duplicate keys are kept in order with the same id");
	envelope_free(&env);
}

static void
limits_enforced(void)
{
	struct envelope_limits saved = limits;

	limits.max_records = 5;
	accepted("exactly max_records records", ENVELOPE);
	limits.max_records = 4;
	MALFORMED("more than max_records records", ENVELOPE,
	    "records: more than 4 records");
	limits = saved;
	limits.max_string_bytes = 40;
	accepted("strings up to max_string_bytes", ENVELOPE);
	MALFORMED("a record string over max_string_bytes", with(ENVELOPE,
	    "\"dataset\":\"tpch\"",
	    "\"dataset\":\"0123456789012345678901234567890123456789x\""),
	    "records[0].dataset: string longer than 40 bytes");
	MALFORMED("a commit string over max_string_bytes", with(ENVELOPE,
	    "\"message\":\"m\"",
	    "\"message\":\"0123456789012345678901234567890123456789x\""),
	    "commit.message: string longer than 40 bytes");
	/* Decoded bytes count: each \\u00e9 is six in JSON, two in UTF-8. */
	{
		char msg[256] = "\"message\":\"";
		int i;

		for (i = 0; i < 20; i++)
			strcat(msg, "\\u00e9");
		accepted("20 escaped e-acutes are 40 bytes", with(ENVELOPE,
		    "\"message\":\"m\"", strcat(msg, "\"")));
		msg[strlen(msg) - 1] = '\0';
		MALFORMED("21 escaped e-acutes are 42 bytes", with(ENVELOPE,
		    "\"message\":\"m\"", strcat(msg, "\\u00e9\"")),
		    "commit.message: string longer than 40 bytes");
	}
	limits = saved;
}

/* A string of n bytes of c, as a JSON member "name":"ccc...". */
static const char *
member_of(const char *name, char c, size_t n)
{
	static char buf[512];
	size_t len = (size_t)snprintf(buf, sizeof(buf), "\"%s\":\"", name);

	memset(buf + len, c, n);
	snprintf(buf + len + n, sizeof(buf) - len - n, "\"");
	return buf;
}

static void
postgres_limits(void)
{
	const char *bare = "{" RUN_META "," COMMIT ",\"records\":[]}";
	char sha[300];
	size_t i;

	/* commit.sha is a primary key: at most 256 bytes. */
	snprintf(sha, sizeof(sha), "%s", member_of("sha", 'a', 256));
	accepted("a 256-byte commit.sha", with(bare, "\"sha\":\"" SHA "\"",
	    sha));
	snprintf(sha, sizeof(sha), "%s", member_of("sha", 'a', 257));
	MALFORMED("a 257-byte commit.sha", with(bare, "\"sha\":\"" SHA "\"",
	    sha), "commit.sha: 257 bytes, longer than the 256");

	accepted("a 256-byte dataset", with(ENVELOPE, "\"dataset\":\"taxi\"",
	    member_of("dataset", 'd', 256)));
	RECORD("a 257-byte dataset", with(ENVELOPE, "\"dataset\":\"taxi\"",
	    member_of("dataset", 'd', 257)), 1,
	    "dataset is 257 bytes, longer than the 256 a key string may have");
	RECORD("a 257-byte engine", with(ENVELOPE, "\"engine\":\"df\"",
	    member_of("engine", 'e', 257)), 0, "engine is 257 bytes");
	RECORD("a 257-byte flavor", with(ENVELOPE, "\"flavor\":\"v\"",
	    member_of("flavor", 'f', 257)), 4, "flavor is 257 bytes");
	RECORD("a 257-byte op", with(ENVELOPE, "\"op\":\"encode\"",
	    member_of("op", 'o', 257)), 1, "op is 257 bytes");
	accepted("a 300-byte env_triple (no index holds it)", with(ENVELOPE,
	    "\"env_triple\":\"x86_64\"", member_of("env_triple", 'x', 300)));
	for (i = 0; i < KIND_COUNT; i++)
		ok(record_key_index_bytes(&record_kinds[i]) <=
		    RECORD_BTREE_MAX_ITEM, "%s: every key at its limit fits a "
		    "btree entry (%zu bytes)", record_kinds[i].name,
		    record_key_index_bytes(&record_kinds[i]));
}

/* The COPY line bound of the envelope's records, field by field. */
static void
bytes_bound(void)
{
	struct envelope env;
	struct api_error err;
	char *body = strdup(with(ENVELOPE, "\"records\":[" QM ",",
	    "\"records\":["));

	api_error_clear(&err);
	if (!ok(envelope_parse(&env, body, strlen(body), &limits, &err) == 0,
	    "parses"))
		goto out;
	/*
	 * compression_time: id 20 + tab + timestamp 151 + newline, then per
	 * field a tab and: sha 2 * 40, dataset 2 * 4, variant absent \\N 2,
	 * format 2 * 6, op 2 * 6, value_ns 20, an empty array 2, env_triple
	 * absent 2.
	 */
	ok(record_bytes_bound(env.records[0]) == 20 + 1 + 151 + 1 + 8 +
	    80 + 8 + 2 + 12 + 12 + 20 + 2 + 2, "compression_time: %zu bytes",
	    record_bytes_bound(env.records[0]));
	/* vector_search_run: a double counts 24, an array element 21. */
	ok(record_bytes_bound(env.records[3]) == 20 + 1 + 151 + 1 + 12 +
	    80 + 12 + 22 + 2 + 24 + 20 + (2 + 21) + 20 + 20 + 20 + 20 + 2,
	    "vector_search_run: %zu bytes", record_bytes_bound(env.records[3]));
	ok(RECORD_MAX_BYTES < ((size_t)1 << 30) - 1,
	    "a record stays below Postgres's 1 GiB");
	envelope_free(&env);
out:
	free(body);
}

int
main(void)
{
	syntax();
	shape();
	numbers();
	timestamps();
	version_and_records();
	duplicates_kept();
	limits_enforced();
	postgres_limits();
	bytes_bound();
	while (nowned > 0)
		free(owned[--nowned]);
	return done_testing();
}
