/*
 * The record kinds of doc/ingest-api.md §3, as one table.
 * Parsing, validation, hashing, the SQL and the read side's chart kinds
 * (charts.h) all walk these definitions; nothing else knows the field
 * lists.  What the table must hold for that to work is checked by the
 * compiler where it can be and by record_kinds_check() at start-up.
 */
#ifndef BENCHINGEST_RECORDS_H
#define BENCHINGEST_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonparse.h"

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
	size_t max_bytes;	/* a string's limit; 0: only max_string_bytes */
};

/*
 * Postgres refuses a btree entry over 2704 bytes (BTMaxItemSize, 8 kB
 * pages) and may have to store every string of one uncompressed; the
 * covering index of query_measurements holds six key strings of a row.
 * With each key string at most RECORD_KEY_MAX_BYTES, every index over a
 * kind's key columns fits (record_key_index_bytes(), checked by
 * t/unit/envelope), and every slug fits in an nginx request line.
 */
#define RECORD_BTREE_MAX_ITEM	2704
#define RECORD_KEY_MAX_BYTES	256
/* commit.sha, the commits primary key. */
#define RECORD_SHA_MAX_BYTES	256
/*
 * Postgres holds no value, row or COPY line over 1 GiB (MaxAllocSize):
 * a record's COPY line, which is longer than its row, stays 1 MiB below.
 */
#define RECORD_MAX_BYTES	(((size_t)1 << 30) - ((size_t)1 << 20))

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

/* The kinds, in table order: an index into record_kinds and chart_kinds. */
enum kind_id {
	KIND_QUERY_MEASUREMENT,
	KIND_COMPRESSION_TIME,
	KIND_COMPRESSION_SIZE,
	KIND_RANDOM_ACCESS_TIME,
	KIND_VECTOR_SEARCH_RUN,
	KIND_COUNT
};

struct kind;

struct record {
	const struct kind *kind;
	int64_t measurement_id;
	struct value values[];	/* values[i] belongs to kind->fields[i] */
};

/*
 * A kind: its fields in table order, the key fields first (measurement_id
 * hashes them in that order and stops at the first other field), the
 * first of them commit_sha.
 */
struct kind {
	const char *name;	/* the "kind" member */
	const char *table;
	const struct field *fields;
	size_t nfields;
	bool stamps_commit_timestamp;	/* the table has commit_timestamp */
	/* Rules of check 5 (doc/ingest-api.md §4) only this kind has. */
	int (*check)(const struct record *, char *why, size_t whylen);
};

/* Every kind's first field, the one that must match commit.sha. */
#define FIELD_COMMIT_SHA	0
/* The most fields a kind may have: envelope.c keeps one bit for each. */
#define KIND_MAX_FIELDS		16

extern const struct kind record_kinds[KIND_COUNT];

/*
 * What the compiler cannot see of the table: every row there, names and
 * tables unique, field counts, commit_sha first, key fields first and of
 * a type measurement_id hashes, every key within a btree entry.  0, or -1
 * with why filled; kinds is a table of n rows (record_kinds at start-up).
 */
int			 record_kinds_check(const struct kind *kinds, size_t n,
			    char *why, size_t whylen);

const struct kind	*record_kind_find(const struct jp_str *name);
int			 record_field_find(const struct kind *,
			    const struct jp_str *name);
const char		*field_type_sql(enum field_type);
/* The largest entry an index over all of a kind's key columns can need. */
size_t			 record_key_index_bytes(const struct kind *);
/* An upper bound of the bytes of a record's COPY line, and so of its row. */
size_t			 record_bytes_bound(const struct record *);
const char		*field_type_expected(enum field_type);

#endif
