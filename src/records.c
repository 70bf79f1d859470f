#include <stdio.h>
#include <string.h>

#include "records.h"
#include "timestamp.h"

#define FIELD(n, type, key, max)	{ n, sizeof(n) - 1, type, key, max }
#define SHA	RECORD_SHA_MAX_BYTES
#define KEY	RECORD_KEY_MAX_BYTES

enum {
	QM_COMMIT_SHA, QM_DATASET, QM_DATASET_VARIANT, QM_SCALE_FACTOR,
	QM_QUERY_IDX, QM_STORAGE, QM_ENGINE, QM_FORMAT, QM_VALUE_NS,
	QM_ALL_RUNTIMES_NS, QM_PEAK_PHYSICAL, QM_PEAK_VIRTUAL,
	QM_PHYSICAL_DELTA, QM_VIRTUAL_DELTA, QM_ENV_TRIPLE, QM_NFIELDS
};

static const struct field query_measurement_fields[QM_NFIELDS] = {
	[QM_COMMIT_SHA]		= FIELD("commit_sha", FT_STR, true, SHA),
	[QM_DATASET]		= FIELD("dataset", FT_STR, true, KEY),
	[QM_DATASET_VARIANT]	=
	    FIELD("dataset_variant", FT_STR_OPT, true, KEY),
	[QM_SCALE_FACTOR]	= FIELD("scale_factor", FT_STR_OPT, true, KEY),
	[QM_QUERY_IDX]		= FIELD("query_idx", FT_I32, true, 0),
	[QM_STORAGE]		= FIELD("storage", FT_STR, true, KEY),
	[QM_ENGINE]		= FIELD("engine", FT_STR, true, KEY),
	[QM_FORMAT]		= FIELD("format", FT_STR, true, KEY),
	[QM_VALUE_NS]		= FIELD("value_ns", FT_I64, false, 0),
	[QM_ALL_RUNTIMES_NS]	=
	    FIELD("all_runtimes_ns", FT_I64_ARR, false, 0),
	[QM_PEAK_PHYSICAL]	= FIELD("peak_physical", FT_I64_OPT, false, 0),
	[QM_PEAK_VIRTUAL]	= FIELD("peak_virtual", FT_I64_OPT, false, 0),
	[QM_PHYSICAL_DELTA]	= FIELD("physical_delta", FT_I64_OPT, false, 0),
	[QM_VIRTUAL_DELTA]	= FIELD("virtual_delta", FT_I64_OPT, false, 0),
	[QM_ENV_TRIPLE]		= FIELD("env_triple", FT_STR_OPT, false, 0),
};

static const struct field compression_time_fields[] = {
	FIELD("commit_sha", FT_STR, true, SHA),
	FIELD("dataset", FT_STR, true, KEY),
	FIELD("dataset_variant", FT_STR_OPT, true, KEY),
	FIELD("format", FT_STR, true, KEY),
	FIELD("op", FT_STR, true, KEY),
	FIELD("value_ns", FT_I64, false, 0),
	FIELD("all_runtimes_ns", FT_I64_ARR, false, 0),
	FIELD("env_triple", FT_STR_OPT, false, 0),
};

static const struct field compression_size_fields[] = {
	FIELD("commit_sha", FT_STR, true, SHA),
	FIELD("dataset", FT_STR, true, KEY),
	FIELD("dataset_variant", FT_STR_OPT, true, KEY),
	FIELD("format", FT_STR, true, KEY),
	FIELD("value_bytes", FT_I64, false, 0),
};

static const struct field random_access_time_fields[] = {
	FIELD("commit_sha", FT_STR, true, SHA),
	FIELD("dataset", FT_STR, true, KEY),
	FIELD("format", FT_STR, true, KEY),
	FIELD("value_ns", FT_I64, false, 0),
	FIELD("all_runtimes_ns", FT_I64_ARR, false, 0),
	FIELD("env_triple", FT_STR_OPT, false, 0),
};

static const struct field vector_search_run_fields[] = {
	FIELD("commit_sha", FT_STR, true, SHA),
	FIELD("dataset", FT_STR, true, KEY),
	FIELD("layout", FT_STR, true, KEY),
	FIELD("flavor", FT_STR, true, KEY),
	FIELD("threshold", FT_F64, true, 0),
	FIELD("value_ns", FT_I64, false, 0),
	FIELD("all_runtimes_ns", FT_I64_ARR, false, 0),
	FIELD("matches", FT_I64, false, 0),
	FIELD("rows_scanned", FT_I64, false, 0),
	FIELD("bytes_scanned", FT_I64, false, 0),
	FIELD("iterations", FT_I32, false, 0),
	FIELD("env_triple", FT_STR_OPT, false, 0),
};

static int
check_query_measurement(const struct record *r, char *why, size_t whylen)
{
	const struct value *storage = &r->values[QM_STORAGE];
	int i, present = 0;

	if (strcmp(storage->u.str.ptr, "nvme") != 0 &&
	    strcmp(storage->u.str.ptr, "s3") != 0) {
		snprintf(why, whylen, "storage must be \"nvme\" or \"s3\"");
		return -1;
	}
	for (i = QM_PEAK_PHYSICAL; i <= QM_VIRTUAL_DELTA; i++)
		present += !r->values[i].null;
	if (present != 0 && present != 4) {
		snprintf(why, whylen, "peak_physical, peak_virtual, "
		    "physical_delta and virtual_delta must be all present "
		    "or all absent");
		return -1;
	}
	return 0;
}

#define FIELDS(a)	(a), sizeof(a) / sizeof((a)[0])

const struct kind record_kinds[KIND_COUNT] = {
	{ "query_measurement", "query_measurements",
	  FIELDS(query_measurement_fields), true, check_query_measurement },
	{ "compression_time", "compression_times",
	  FIELDS(compression_time_fields), false, NULL },
	{ "compression_size", "compression_sizes",
	  FIELDS(compression_size_fields), false, NULL },
	{ "random_access_time", "random_access_times",
	  FIELDS(random_access_time_fields), false, NULL },
	{ "vector_search_run", "vector_search_runs",
	  FIELDS(vector_search_run_fields), false, NULL },
};

const struct kind *
record_kind_find(const struct jp_str *name)
{
	size_t i;

	for (i = 0; i < KIND_COUNT; i++)
		if (jp_str_eq(name, record_kinds[i].name))
			return &record_kinds[i];
	return NULL;
}

/* Hot: once per member of every record, so lengths are compared first. */
int
record_field_find(const struct kind *k, const struct jp_str *name)
{
	size_t i;

	for (i = 0; i < k->nfields; i++)
		if (k->fields[i].namelen == name->len &&
		    jp_str_eq(name, k->fields[i].name))
			return (int)i;
	return -1;
}

const char *
field_type_sql(enum field_type t)
{
	switch (t) {
	case FT_STR:
	case FT_STR_OPT:
		return "text";
	case FT_I32:
		return "integer";
	case FT_I64:
	case FT_I64_OPT:
		return "bigint";
	case FT_I64_ARR:
		return "bigint[]";
	case FT_F64:
		return "double precision";
	}
	return "text";
}

/*
 * Worst case: a null bitmap, every value at its limit with a 4-byte header
 * and the most alignment padding, then commit_timestamp and an included
 * value (as in query_measurements_series_idx).
 */
size_t
record_key_index_bytes(const struct kind *k)
{
	/* commit_timestamp and the included value, 8 bytes each, aligned. */
	size_t i, n = 16 + (7 + 8) + (7 + 8);

	for (i = 0; i < k->nfields && k->fields[i].key; i++) {
		switch (k->fields[i].type) {
		case FT_STR:
		case FT_STR_OPT:
			n += 3 + 4 + k->fields[i].max_bytes;
			break;
		case FT_I32:
			n += 3 + 4;
			break;
		default:
			n += 7 + 8;
			break;
		}
	}
	return n;
}

/*
 * Each column as COPY text at its longest: a string escaped throughout
 * (twice its bytes), an integer of 20 characters and its comma, a double of
 * 24; then the measurement_id, the commit_timestamp and the separators.
 * The row in the table is smaller: strings once, integers 8 bytes.
 */
size_t
record_bytes_bound(const struct record *r)
{
	const struct kind *k = r->kind;
	const struct value *v;
	size_t i, n = 20 + 1 + TIMESTAMP_MAX_BYTES + 1;

	for (i = 0; i < k->nfields; i++) {
		v = &r->values[i];
		n += 1;
		if (v->null) {
			n += 2;
			continue;
		}
		switch (k->fields[i].type) {
		case FT_STR:
		case FT_STR_OPT:
			n += 2 * v->u.str.len;
			break;
		case FT_I64_ARR:
			n += 2 + 21 * v->u.arr.n;
			break;
		case FT_F64:
			n += 24;
			break;
		default:
			n += 20;
			break;
		}
	}
	return n;
}

const char *
field_type_expected(enum field_type t)
{
	switch (t) {
	case FT_STR:
		return "expected a string";
	case FT_STR_OPT:
		return "expected a string or null";
	case FT_I32:
		return "expected a 32-bit integer";
	case FT_I64:
		return "expected a 64-bit integer";
	case FT_I64_OPT:
		return "expected a 64-bit integer or null";
	case FT_I64_ARR:
		return "expected an array of 64-bit integers";
	case FT_F64:
		return "expected a finite number";
	}
	return "unexpected value";
}
