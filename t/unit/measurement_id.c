/*
 * measurement_id matches the reference implementation on every golden
 * vector of doc/ingest-api.md §6.  The vectors live in ../shared, which
 * only CI and developers have: without it the test skips and says so.
 */
#include <stdlib.h>
#include <string.h>

#include <json.h>

#include "../../src/measurement_id.h"
#include "tap.h"

static const char *
golden_path(void)
{
	const char *p = getenv("BENCHINGEST_GOLDEN");

	return p != NULL ? p : "../shared/contract/measurement_id_golden.json";
}

static const struct kind *
kind_for_table(const char *table)
{
	size_t i;

	for (i = 0; i < KIND_COUNT; i++)
		if (strcmp(record_kinds[i].table, table) == 0)
			return &record_kinds[i];
	return NULL;
}

/* Fills the key values of k from the vector; -1 if the fields disagree. */
static int
fill(const struct kind *k, struct json_object *fields, struct value *v)
{
	struct json_object *f;
	size_t i, nkey = 0;

	for (i = 0; i < k->nfields && k->fields[i].key; i++, nkey++) {
		if (!json_object_object_get_ex(fields, k->fields[i].name, &f))
			return -1;
		v[i].null = f == NULL;
		if (f == NULL)
			continue;
		switch (k->fields[i].type) {
		case FT_STR:
		case FT_STR_OPT:
			v[i].u.str.ptr = json_object_get_string(f);
			v[i].u.str.len = (size_t)json_object_get_string_len(f);
			break;
		case FT_I32:
			v[i].u.i64 = json_object_get_int64(f);
			break;
		case FT_F64:
			v[i].u.f64 = json_object_get_double(f);
			break;
		default:
			return -1;
		}
	}
	return json_object_object_length(fields) == (int)nkey ? 0 : -1;
}

static void
golden_vectors(struct json_object *root)
{
	struct json_object *vectors, *vec, *table, *fields, *want;
	struct value values[KIND_MAX_FIELDS];
	const struct kind *k;
	size_t i, n;

	if (!ok(json_object_object_get_ex(root, "vectors", &vectors),
	    "golden file has vectors"))
		return;
	n = json_object_array_length(vectors);
	ok(n == 63, "63 golden vectors (got %zu)", n);
	for (i = 0; i < n; i++) {
		vec = json_object_array_get_idx(vectors, i);
		json_object_object_get_ex(vec, "table", &table);
		json_object_object_get_ex(vec, "fields", &fields);
		json_object_object_get_ex(vec, "measurement_id", &want);
		k = kind_for_table(json_object_get_string(table));
		memset(values, 0, sizeof(values));
		if (!ok(k != NULL && fill(k, fields, values) == 0,
		    "vector %zu: key fields of %s are the table's", i,
		    json_object_get_string(table)))
			continue;
		ok(measurement_id(k, values) == json_object_get_int64(want),
		    "vector %zu (%s) hashes to %lld", i, k->table,
		    (long long)json_object_get_int64(want));
	}
}

/* Properties the golden file happens not to pin down. */
static void
properties(void)
{
	const struct kind *vs = kind_for_table("vector_search_runs");
	const struct kind *cs = kind_for_table("compression_sizes");
	struct value a[KIND_MAX_FIELDS], b[KIND_MAX_FIELDS];
	int i;

	memset(a, 0, sizeof(a));
	for (i = 0; i < 4; i++) {
		a[i].u.str.ptr = "x";
		a[i].u.str.len = 1;
	}
	a[4].u.f64 = 0.0;
	memcpy(b, a, sizeof(a));
	b[4].u.f64 = -0.0;
	ok(measurement_id(vs, a) != measurement_id(vs, b),
	    "threshold -0.0 and 0.0 hash differently");

	memset(a, 0, sizeof(a));
	for (i = 0; i < 4; i++) {
		a[i].u.str.ptr = "";
		a[i].u.str.len = 0;
	}
	memcpy(b, a, sizeof(a));
	b[2].null = true;
	ok(measurement_id(cs, a) != measurement_id(cs, b),
	    "an empty dataset_variant is not a null one");
	b[2].null = false;
	b[3].u.str.ptr = "y";
	b[3].u.str.len = 1;
	ok(measurement_id(cs, a) != measurement_id(cs, b),
	    "a key field changes the id");
}

int
main(void)
{
	struct json_object *root;

	root = json_object_from_file(golden_path());
	if (root == NULL) {
		printf("ok %d # SKIP golden vectors not found at %s "
		    "(../shared is absent; set BENCHINGEST_GOLDEN)\n",
		    ++tap_count, golden_path());
	} else {
		golden_vectors(root);
		json_object_put(root);
	}
	properties();
	return done_testing();
}
