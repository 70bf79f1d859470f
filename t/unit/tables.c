/*
 * The record-kind and chart-kind tables pass the checks benchingest runs
 * at start-up (record_kinds_check(), chart_kinds_check()), and each check
 * refuses a table that breaks what it guards: a copy of the real table
 * with one thing wrong.
 *
 * With --columns it prints instead, one line per column of each kind's
 * table, what the table says the database must have: "table column type
 * nullable", as information_schema.columns names them;
 * t/record-kinds-match-schema.t compares that with a migrated database.
 * With --fields, one line per field, "kind table field type key|value",
 * types as doc/ingest-api.md writes them, for t/doc-record-kinds.t.
 */
#include <stdio.h>
#include <string.h>

#include "../../src/charts.h"
#include "../../src/names.h"
#include "../../src/records.h"
#include "tap.h"

/* A field of a test table; key strings at the real tables' limit. */
#define FIELD(n, type, key)	{ n, sizeof(n) - 1, type, key, \
	(key) && ((type) == FT_STR || (type) == FT_STR_OPT) ? \
	RECORD_KEY_MAX_BYTES : 0 }

static struct kind kinds[KIND_COUNT];
static struct chart_kind charts[KIND_COUNT];
static char why[512];

static const char *
data_type(enum field_type t)
{
	/* information_schema calls every array type ARRAY. */
	return t == FT_I64_ARR ? "ARRAY" : field_type_sql(t);
}

static void
print_columns(void)
{
	const struct kind *k;
	size_t i;

	for (k = record_kinds; k < record_kinds + KIND_COUNT; k++) {
		printf("%s measurement_id bigint NO\n", k->table);
		for (i = 0; i < k->nfields; i++)
			printf("%s %s %s %s\n", k->table, k->fields[i].name,
			    data_type(k->fields[i].type),
			    k->fields[i].type == FT_STR_OPT ||
			    k->fields[i].type == FT_I64_OPT ? "YES" : "NO");
		if (k->stamps_commit_timestamp)
			printf("%s commit_timestamp timestamp with time zone "
			    "YES\n", k->table);
	}
}

static const char *
doc_type(enum field_type t)
{
	switch (t) {
	case FT_STR:
		return "str";
	case FT_STR_OPT:
		return "str?";
	case FT_I32:
		return "i32";
	case FT_I64:
		return "i64";
	case FT_I64_OPT:
		return "i64?";
	case FT_I64_ARR:
		return "i64[]";
	case FT_F64:
		return "f64";
	}
	return "?";
}

static void
print_fields(void)
{
	const struct kind *k;
	size_t i;

	for (k = record_kinds; k < record_kinds + KIND_COUNT; k++)
		for (i = 0; i < k->nfields; i++)
			printf("%s %s %s %s %s\n", k->name, k->table,
			    k->fields[i].name, doc_type(k->fields[i].type),
			    k->fields[i].key ? "key" : "value");
}

/* The real tables, copied, for one thing to be broken. */
static void
reset(void)
{
	memcpy(kinds, record_kinds, sizeof(kinds));
	memcpy(charts, chart_kinds, sizeof(charts));
}

static void
record_refused(const char *what, const char *reason)
{
	why[0] = '\0';
	ok(record_kinds_check(kinds, KIND_COUNT, why, sizeof(why)) == -1 &&
	    strstr(why, reason) != NULL, "record kinds: %s is refused (%s)",
	    what, why);
	reset();
}

static void
chart_refused(const char *what, const char *reason)
{
	why[0] = '\0';
	ok(chart_kinds_check(charts, KIND_COUNT, why, sizeof(why)) == -1 &&
	    strstr(why, reason) != NULL, "chart kinds: %s is refused (%s)",
	    what, why);
	reset();
}

static void
record_checks(void)
{
	static const struct field key_after_value[] = {
		FIELD("commit_sha", FT_STR, true),
		FIELD("value_bytes", FT_I64, false),
		FIELD("dataset", FT_STR, true),
	};
	static const struct field unhashed_key[] = {
		FIELD("commit_sha", FT_STR, true),
		FIELD("dataset", FT_STR, true),
		FIELD("size", FT_I64, true),
	};
	static const struct field no_sha[] = {
		FIELD("dataset", FT_STR, true),
		FIELD("commit_sha", FT_STR, true),
	};
	static const struct field twice[] = {
		FIELD("commit_sha", FT_STR, true),
		FIELD("dataset", FT_STR, true),
		FIELD("dataset", FT_STR_OPT, false),
	};
	static const struct field wide_key[] = {
		FIELD("commit_sha", FT_STR, true),
		{ "dataset", 7, FT_STR, true, 4096 },
	};
	static const struct field unbounded_key[] = {
		FIELD("commit_sha", FT_STR, true),
		{ "dataset", 7, FT_STR, true, 0 },
	};
	static struct field many[KIND_MAX_FIELDS + 1];
	size_t i;

	why[0] = '\0';
	ok(record_kinds_check(record_kinds, KIND_COUNT, why, sizeof(why)) ==
	    0, "record_kinds passes its start-up check (%s)", why);

	reset();
	kinds[KIND_COMPRESSION_SIZE].fields = key_after_value;
	kinds[KIND_COMPRESSION_SIZE].nfields = 3;
	record_refused("a key field after one that is not", "after a field");
	kinds[KIND_COMPRESSION_SIZE].fields = unhashed_key;
	kinds[KIND_COMPRESSION_SIZE].nfields = 3;
	record_refused("a key field of a type the hash ignores",
	    "does not hash");
	kinds[KIND_COMPRESSION_SIZE].fields = no_sha;
	kinds[KIND_COMPRESSION_SIZE].nfields = 2;
	record_refused("a kind whose first field is not commit_sha",
	    "commit_sha");
	kinds[KIND_COMPRESSION_SIZE].fields = twice;
	kinds[KIND_COMPRESSION_SIZE].nfields = 3;
	record_refused("a field named twice", "two fields");
	kinds[KIND_COMPRESSION_SIZE].fields = wide_key;
	kinds[KIND_COMPRESSION_SIZE].nfields = 2;
	record_refused("a key string too long for a btree entry", "btree");
	kinds[KIND_COMPRESSION_SIZE].fields = unbounded_key;
	kinds[KIND_COMPRESSION_SIZE].nfields = 2;
	record_refused("a key string without a limit", "no limit");
	many[0] = (struct field)FIELD("commit_sha", FT_STR, true);
	for (i = 1; i <= KIND_MAX_FIELDS; i++)
		many[i] = (struct field)FIELD("x", FT_I64, false);
	kinds[KIND_COMPRESSION_SIZE].fields = many;
	kinds[KIND_COMPRESSION_SIZE].nfields = KIND_MAX_FIELDS + 1;
	record_refused("more than KIND_MAX_FIELDS fields", "fields, not");
	kinds[KIND_VECTOR_SEARCH_RUN].table = "compression_sizes";
	record_refused("two kinds of one table", "one name or table");
	memset(&kinds[KIND_VECTOR_SEARCH_RUN], 0, sizeof(kinds[0]));
	record_refused("a row left out", "no row");
}

static void
chart_checks(void)
{
	static const struct dim string_threshold[] = {
		{ "dataset", DIM_STR },
		{ "layout", DIM_STR },
		{ "threshold", DIM_STR },
	};
	static const struct dim not_a_key[] = {
		{ "dataset", DIM_STR },
		{ "layout", DIM_STR },
		{ "iterations", DIM_I32 },
	};
	struct kind_names both;

	why[0] = '\0';
	ok(chart_kinds_check(chart_kinds, KIND_COUNT, why, sizeof(why)) == 0,
	    "chart_kinds passes its start-up check (%s)", why);

	reset();
	charts[KIND_VECTOR_SEARCH_RUN].dims = string_threshold;
	chart_refused("a dimension of another type than its field",
	    "another type");
	charts[KIND_VECTOR_SEARCH_RUN].dims = not_a_key;
	chart_refused("a dimension that is not a key field", "threshold");
	charts[KIND_COMPRESSION_TIME].series_columns[1] = NULL;
	chart_refused("a key field neither dimension nor series", "op");
	charts[KIND_COMPRESSION_SIZE].series_columns[1] = "dataset";
	chart_refused("a column both dimension and series", "twice");
	charts[KIND_QUERY_MEASUREMENT].ngroup_dims = 6;
	chart_refused("a group keyed by more than the chart", "dimensions");
	charts[KIND_QUERY_MEASUREMENT].value_column = "engine";
	chart_refused("a value column that is not an integer", "value column");
	charts[KIND_RANDOM_ACCESS_TIME].group_k = "QueryGroup";
	chart_refused("two kinds with one slug name", "QueryGroup");
	charts[KIND_RANDOM_ACCESS_TIME].record =
	    &record_kinds[KIND_COMPRESSION_SIZE];
	chart_refused("a row linked to another record kind", "not the row");
	memset(&charts[KIND_VECTOR_SEARCH_RUN], 0, sizeof(charts[0]));
	chart_refused("a row left out", "no row");
	charts[KIND_COMPRESSION_TIME].names = NULL;
	chart_refused("a row without names", "without names");
	both = names_query;
	both.group_name = "Queries";
	charts[KIND_QUERY_MEASUREMENT].names = &both;
	chart_refused("a group named both ways", "without names");
	both.group_name = NULL;
	both.group = NULL;
	charts[KIND_QUERY_MEASUREMENT].names = &both;
	chart_refused("a group named neither way", "without names");
}

int
main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "--columns") == 0) {
		print_columns();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--fields") == 0) {
		print_fields();
		return 0;
	}
	record_checks();
	chart_checks();
	return done_testing();
}
