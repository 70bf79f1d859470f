/* The record-kind table, and what every kind's fields must be. */
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

#define NFIELDS(a)	(sizeof(a) / sizeof((a)[0]))
#define FIELDS(a)	(a), NFIELDS(a)

_Static_assert(NFIELDS(query_measurement_fields) <= KIND_MAX_FIELDS &&
    NFIELDS(compression_time_fields) <= KIND_MAX_FIELDS &&
    NFIELDS(compression_size_fields) <= KIND_MAX_FIELDS &&
    NFIELDS(random_access_time_fields) <= KIND_MAX_FIELDS &&
    NFIELDS(vector_search_run_fields) <= KIND_MAX_FIELDS,
    "a kind has more than KIND_MAX_FIELDS fields");

const struct kind record_kinds[KIND_COUNT] = {
	[KIND_QUERY_MEASUREMENT] = { "query_measurement", "query_measurements",
	  FIELDS(query_measurement_fields), true, check_query_measurement },
	[KIND_COMPRESSION_TIME] = { "compression_time", "compression_times",
	  FIELDS(compression_time_fields), false, NULL },
	[KIND_COMPRESSION_SIZE] = { "compression_size", "compression_sizes",
	  FIELDS(compression_size_fields), false, NULL },
	[KIND_RANDOM_ACCESS_TIME] = { "random_access_time",
	  "random_access_times", FIELDS(random_access_time_fields), false,
	  NULL },
	[KIND_VECTOR_SEARCH_RUN] = { "vector_search_run", "vector_search_runs",
	  FIELDS(vector_search_run_fields), false, NULL },
};

/* The field types measurement_id() hashes: a key field has one of them. */
static bool
hashed_type(enum field_type t)
{
	return t == FT_STR || t == FT_STR_OPT || t == FT_I32 || t == FT_F64;
}

static int
check_kind(const struct kind *k, char *why, size_t whylen)
{
	const struct field *f;
	size_t i, j;
	bool keys = true;

	if (k->nfields == 0 || k->nfields > KIND_MAX_FIELDS) {
		snprintf(why, whylen, "%s: %zu fields, not 1 to %d", k->name,
		    k->nfields, KIND_MAX_FIELDS);
		return -1;
	}
	f = &k->fields[FIELD_COMMIT_SHA];
	if (strcmp(f->name, "commit_sha") != 0 || f->type != FT_STR ||
	    !f->key) {
		snprintf(why, whylen, "%s: the first field is not the key "
		    "string commit_sha", k->name);
		return -1;
	}
	for (i = 0; i < k->nfields; i++) {
		f = &k->fields[i];
		if (f->name == NULL || f->namelen != strlen(f->name)) {
			snprintf(why, whylen, "%s: field %zu has no name or a "
			    "wrong length", k->name, i);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(k->fields[j].name, f->name) == 0) {
				snprintf(why, whylen, "%s: two fields %s",
				    k->name, f->name);
				return -1;
			}
		if (f->key && !keys) {
			snprintf(why, whylen, "%s: key field %s after a field "
			    "that is not (measurement_id stops at the first)",
			    k->name, f->name);
			return -1;
		}
		keys = f->key;
		if (f->key && !hashed_type(f->type)) {
			snprintf(why, whylen, "%s: key field %s is of a type "
			    "measurement_id does not hash", k->name, f->name);
			return -1;
		}
		/* Else record_key_index_bytes() would not bound it. */
		if (f->key && (f->type == FT_STR || f->type == FT_STR_OPT) &&
		    f->max_bytes == 0) {
			snprintf(why, whylen, "%s: key string %s has no limit "
			    "(max_bytes)", k->name, f->name);
			return -1;
		}
	}
	if (record_key_index_bytes(k) > RECORD_BTREE_MAX_ITEM) {
		snprintf(why, whylen, "%s: an index over the key columns may "
		    "need %zu bytes, more than a btree entry's %d", k->name,
		    record_key_index_bytes(k), RECORD_BTREE_MAX_ITEM);
		return -1;
	}
	return 0;
}

int
record_kinds_check(const struct kind *kinds, size_t n, char *why,
    size_t whylen)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (kinds[i].name == NULL || kinds[i].table == NULL) {
			snprintf(why, whylen, "record kind %zu: no row", i);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (strcmp(kinds[j].name, kinds[i].name) == 0 ||
			    strcmp(kinds[j].table, kinds[i].table) == 0) {
				snprintf(why, whylen, "record kinds %s and %s: "
				    "one name or table", kinds[j].name,
				    kinds[i].name);
				return -1;
			}
		if (check_kind(&kinds[i], why, whylen) == -1)
			return -1;
	}
	return 0;
}

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
