/*
 * The record kinds of CONTRACT.md §2, as one table.  Parsing, validation,
 * hashing and the SQL all walk these definitions; nothing else knows the
 * field lists.
 */
#ifndef BENCHINGEST_RECORDS_H
#define BENCHINGEST_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum field_type {
	FT_STR,			/* required string */
	FT_STR_OPT,		/* string, null or absent */
	FT_I32,
	FT_I64,
	FT_I64_OPT,		/* integer, null or absent */
	FT_I64_ARR,		/* array of integers, no nulls */
	FT_F64			/* any finite number */
};

struct field {
	const char *name;
	size_t namelen;
	enum field_type type;
	bool key;		/* hashed into measurement_id, in table order */
};

struct value {
	bool null;		/* JSON null, or an optional member left out */
	union {
		struct {
			const char *ptr;	/* NUL-terminated */
			size_t len;
		} str;
		int64_t i64;		/* also holds FT_I32 */
		double f64;
		struct {
			int64_t *v;
			size_t n;
		} arr;
	} u;
};

struct kind;

struct record {
	const struct kind *kind;
	int64_t measurement_id;
	struct value values[];	/* values[i] belongs to kind->fields[i] */
};

struct kind {
	const char *name;	/* the "kind" member */
	const char *table;
	const struct field *fields;
	size_t nfields;
	bool stamps_commit_timestamp;
	/* Rules of CONTRACT §3 step 5 that only this kind has. */
	int (*check)(const struct record *, char *why, size_t whylen);
};

/* Every kind's first field, the one that must match commit.sha. */
#define FIELD_COMMIT_SHA	0
#define KIND_COUNT		5
#define KIND_MAX_FIELDS		16

extern const struct kind record_kinds[KIND_COUNT];

const struct kind	*record_kind_find(const char *name, size_t len);
int			 record_field_find(const struct kind *, const char *name,
			    size_t len);
const char		*field_type_sql(enum field_type);
const char		*field_type_expected(enum field_type);

#endif
