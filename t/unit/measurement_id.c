/*
 * measurement_id matches the reference implementation on every golden
 * vector of doc/ingest-api.md §6.  The vectors live in ../shared, which
 * only CI and developers have: without it the test skips and says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/jsonparse.h"
#include "../../src/measurement_id.h"
#include "tap.h"

/* More members than any vector's fields have. */
#define MAX_MEMBERS	32

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

/* A member of a vector's "fields", as the file has it. */
struct member {
	struct jp_str name;
	enum jp_type type;
	struct jp_str string;
	struct jp_num number;
};

/* One vector, its strings pointing into the file's buffer. */
struct vector {
	struct jp_str table;
	struct member fields[MAX_MEMBERS];
	size_t nfields;
	long long measurement_id;
};

static int
read_fields(struct jp *jp, struct vector *v)
{
	struct member *m;
	struct jp_str name;
	size_t i;
	int rc;

	if (jp_object_begin(jp) == -1)
		return -1;
	for (i = 0; (rc = jp_object_next(jp, i, &name)) == 1; i++) {
		if (v->nfields == MAX_MEMBERS)
			return -1;
		m = &v->fields[v->nfields++];
		m->name = name;
		m->type = jp_peek(jp);
		if (m->type == JP_STRING)
			rc = jp_string(jp, &m->string);
		else if (m->type == JP_NUMBER)
			rc = jp_number(jp, &m->number);
		else
			rc = jp_literal(jp, m->type);
		if (rc == -1)
			return -1;
	}
	return rc;
}

static int
read_vector(struct jp *jp, struct vector *v)
{
	struct jp_num num;
	struct jp_str name;
	size_t i;
	int rc;

	memset(v, 0, sizeof(*v));
	if (jp_object_begin(jp) == -1)
		return -1;
	for (i = 0; (rc = jp_object_next(jp, i, &name)) == 1; i++) {
		if (jp_str_eq(&name, "table"))
			rc = jp_string(jp, &v->table);
		else if (jp_str_eq(&name, "fields"))
			rc = read_fields(jp, v);
		else if (jp_str_eq(&name, "measurement_id")) {
			rc = jp_number(jp, &num);
			/* The number ends at a delimiter: strtoll stops there. */
			v->measurement_id = strtoll(num.text, NULL, 10);
		} else
			rc = jp_skip(jp, JP_SKIP_DEPTH_MAX);
		if (rc == -1)
			return -1;
	}
	return rc;
}

/* Fills the key values of k from the vector; -1 if the fields disagree. */
static int
fill(const struct kind *k, const struct vector *vec, struct value *v)
{
	const struct member *f;
	size_t i, j, nkey = 0;

	for (i = 0; i < k->nfields && k->fields[i].key; i++, nkey++) {
		for (j = 0, f = NULL; j < vec->nfields && f == NULL; j++)
			if (jp_str_eq(&vec->fields[j].name, k->fields[i].name))
				f = &vec->fields[j];
		if (f == NULL)
			return -1;
		v[i].null = f->type == JP_NULL;
		if (v[i].null)
			continue;
		switch (k->fields[i].type) {
		case FT_STR:
		case FT_STR_OPT:
			if (f->type != JP_STRING)
				return -1;
			v[i].u.str.ptr = f->string.ptr;
			v[i].u.str.len = f->string.len;
			break;
		case FT_I32:
			if (f->type != JP_NUMBER)
				return -1;
			v[i].u.i64 = strtoll(f->number.text, NULL, 10);
			break;
		case FT_F64:
			if (f->type != JP_NUMBER)
				return -1;
			v[i].u.f64 = strtod(f->number.text, NULL);
			break;
		default:
			return -1;
		}
	}
	return vec->nfields == nkey ? 0 : -1;
}

static void
golden_vectors(char *buf, size_t len)
{
	struct value values[KIND_MAX_FIELDS];
	struct vector vec;
	const struct kind *k;
	struct jp_str name;
	struct jp jp;
	size_t i, n = 0;
	int rc = -1, vectors = 0;

	jp_init(&jp, buf, len);
	if (jp_object_begin(&jp) == -1)
		goto out;
	for (i = 0; (rc = jp_object_next(&jp, i, &name)) == 1; i++) {
		if (!jp_str_eq(&name, "vectors")) {
			if ((rc = jp_skip(&jp, JP_SKIP_DEPTH_MAX)) == -1)
				break;
			continue;
		}
		vectors = 1;
		if ((rc = jp_array_begin(&jp)) == -1)
			break;
		for (n = 0; (rc = jp_array_next(&jp, n)) == 1; n++) {
			if ((rc = read_vector(&jp, &vec)) == -1)
				break;
			/* jp_ strings are NUL-terminated in the buffer. */
			k = kind_for_table(vec.table.ptr);
			memset(values, 0, sizeof(values));
			if (!ok(k != NULL && fill(k, &vec, values) == 0,
			    "vector %zu: key fields of %.*s are the table's", n,
			    (int)vec.table.len, vec.table.ptr))
				continue;
			ok(measurement_id(k, values) == vec.measurement_id,
			    "vector %zu (%s) hashes to %lld", n, k->table,
			    vec.measurement_id);
		}
		if (rc == -1)
			break;
	}
out:
	ok(rc == 0 && jp_end(&jp) == 0, "golden file is JSON (%s)",
	    rc == 0 ? "ok" : jp.error);
	ok(vectors, "golden file has vectors");
	ok(n == 63, "63 golden vectors (got %zu)", n);
}

/* The whole file, NUL-terminated, or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *f;
	char *buf = NULL, *p;
	size_t cap = 0, got;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	*len = 0;
	for (;;) {
		if (cap - *len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if ((p = realloc(buf, cap + 1)) == NULL) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		if ((got = fread(buf + *len, 1, cap - *len, f)) == 0)
			break;
		*len += got;
	}
	fclose(f);
	buf[*len] = '\0';
	return buf;
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
	size_t len;
	char *buf;

	if ((buf = slurp(golden_path(), &len)) == NULL) {
		printf("ok %d # SKIP golden vectors not found at %s "
		    "(../shared is absent; set BENCHINGEST_GOLDEN)\n",
		    ++tap_count, golden_path());
	} else {
		golden_vectors(buf, len);
		free(buf);
	}
	properties();
	return done_testing();
}
