/* The ingest envelope, parsed strictly into typed records, then validated. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "envelope.h"
#include "measurement_id.h"
#include "timestamp.h"

const char *const commit_members[COMMIT_NFIELDS] = {
	[COMMIT_SHA]		 = "sha",
	[COMMIT_TIMESTAMP]	 = "timestamp",
	[COMMIT_MESSAGE]	 = "message",
	[COMMIT_AUTHOR_NAME]	 = "author_name",
	[COMMIT_AUTHOR_EMAIL]	 = "author_email",
	[COMMIT_COMMITTER_NAME]	 = "committer_name",
	[COMMIT_COMMITTER_EMAIL] = "committer_email",
	[COMMIT_TREE_SHA]	 = "tree_sha",
	[COMMIT_URL]		 = "url",
};

static const char *const run_meta_members[] = {
	"benchmark_id", "schema_version", "started_at"
};
static const char *const envelope_members[] = {
	"run_meta", "commit", "records"
};

/* Where the parser is, so that a message can name the path. */
struct ctx {
	struct envelope *env;
	const struct envelope_limits *limits;
	struct jp jp;
	struct api_error *err;
	const char *section;	/* "run_meta", "commit", "records" or NULL */
	long index;		/* record index, or -1 */
	const char *member;	/* member within the section, or NULL */
	long elem;		/* array element, or -1 */
};

/* Member names come from the client: quote them, cut at a UTF-8 boundary. */
static void
quote_name(char *buf, size_t size, const struct jp_str *name)
{
	size_t n = name->len < 64 ? name->len : 64;

	while (n > 0 && n < name->len &&
	    ((unsigned char)name->ptr[n] & 0xc0) == 0x80)
		n--;
	snprintf(buf, size, "\"%.*s\"%s", (int)n, name->ptr,
	    n < name->len ? "..." : "");
}

static int
malformed(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
malformed(struct ctx *c, const char *fmt, ...)
{
	char path[160], what[300];
	size_t n = 0;
	va_list ap;

	path[0] = '\0';
	if (c->section != NULL)
		n += (size_t)snprintf(path, sizeof(path), "%s", c->section);
	else
		n += (size_t)snprintf(path, sizeof(path), "(root)");
	if (c->index >= 0 && n < sizeof(path))
		n += (size_t)snprintf(path + n, sizeof(path) - n, "[%ld]",
		    c->index);
	if (c->member != NULL && n < sizeof(path))
		n += (size_t)snprintf(path + n, sizeof(path) - n, ".%s",
		    c->member);
	if (c->elem >= 0 && n < sizeof(path))
		snprintf(path + n, sizeof(path) - n, "[%ld]", c->elem);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	api_error_set(c->err, 400, "malformed", "%s: %s", path, what);
	return -1;
}

static int
lexical(struct ctx *c)
{
	return malformed(c, "%s", c->jp.error);
}

static int
wrong_type(struct ctx *c, const char *expected, enum jp_type got)
{
	if (got == JP_INVALID) {
		/* Let the lexer say what it saw, e.g. NaN or Infinity. */
		jp_literal(&c->jp, JP_NULL);
		return malformed(c, "%s; not a JSON value (%s)", expected,
		    c->jp.error);
	}
	return malformed(c, "%s, got %s", expected, jp_type_name(got));
}

static int
member_error(struct ctx *c, const char *what, const struct jp_str *name)
{
	char q[80];

	quote_name(q, sizeof(q), name);
	c->member = NULL;
	return malformed(c, "%s %s", what, q);
}

static int
missing_member(struct ctx *c, const char *name)
{
	c->member = NULL;
	return malformed(c, "missing member \"%s\"", name);
}

static int
parse_string(struct ctx *c, struct jp_str *out)
{
	enum jp_type t = jp_peek(&c->jp);

	if (t != JP_STRING)
		return wrong_type(c, "expected a string", t);
	if (jp_string(&c->jp, out) == -1)
		return lexical(c);
	if (out->len > c->limits->max_string_bytes)
		return malformed(c, "string longer than %zu bytes",
		    c->limits->max_string_bytes);
	return 0;
}

/* Exact integer conversion: no fraction, no exponent, no rounding. */
static int
parse_integer(struct ctx *c, int64_t min, int64_t max, const char *expected,
    int64_t *out)
{
	struct jp_num num;
	enum jp_type t = jp_peek(&c->jp);
	const char *s, *e;
	uint64_t mag = 0, limit;
	bool neg;

	if (t != JP_NUMBER)
		return wrong_type(c, expected, t);
	if (jp_number(&c->jp, &num) == -1)
		return lexical(c);
	if (!num.integer)
		return malformed(c, "%s, got a number with a fraction or "
		    "exponent", expected);
	s = num.text;
	e = num.text + num.len;
	if ((neg = *s == '-'))
		s++;
	limit = neg ? (uint64_t)-(min + 1) + 1 : (uint64_t)max;
	for (; s < e; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (mag > (limit - d) / 10)
			return malformed(c, "integer %.*s out of range",
			    (int)(num.len > 40 ? 40 : num.len), num.text);
		mag = mag * 10 + d;
	}
	*out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return 0;
}

static int
parse_double(struct ctx *c, double *out)
{
	struct jp_num num;
	enum jp_type t = jp_peek(&c->jp);

	if (t != JP_NUMBER)
		return wrong_type(c, "expected a finite number", t);
	if (jp_number(&c->jp, &num) == -1)
		return lexical(c);
	/*
	 * glibc's strtod rounds correctly, which the hash needs; the number
	 * ends at a delimiter, so strtod stops where the lexer did.
	 */
	errno = 0;
	*out = strtod(num.text, NULL);
	if (!isfinite(*out))
		return malformed(c, "number %.*s is not finite as a double",
		    (int)(num.len > 40 ? 40 : num.len), num.text);
	return 0;
}

/*
 * Upper bound of the elements of the array whose '[' was just consumed: one
 * more than its commas up to the first ']'.  A valid integer array has
 * nothing nested, so the bound is exact for it; anything else fails to
 * parse before it could run past the bound.
 */
static size_t
array_bound(const char *p, const char *end)
{
	const char *close = memchr(p, ']', (size_t)(end - p));
	size_t n = 1;

	if (close == NULL)
		close = end;
	while ((p = memchr(p, ',', (size_t)(close - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* Straight into the arena, sized once: no copy of a big array is held. */
static int
parse_int_array(struct ctx *c, struct value *v)
{
	enum jp_type t = jp_peek(&c->jp);
	size_t n = 0, cap;
	int rc;

	if (t != JP_ARRAY)
		return wrong_type(c, "expected an array of 64-bit integers", t);
	jp_array_begin(&c->jp);
	cap = array_bound(c->jp.p, c->jp.end);
	if ((v->u.arr.v = arena_alloc(c->env->arena,
	    cap * sizeof(int64_t))) == NULL)
		return api_error_oom(c->err);
	while ((rc = jp_array_next(&c->jp, n)) == 1) {
		c->elem = (long)n;
		if (n == cap)
			return malformed(c, "expected a 64-bit integer");
		if (parse_integer(c, INT64_MIN, INT64_MAX,
		    "expected a 64-bit integer", &v->u.arr.v[n]) == -1)
			return -1;
		n++;
	}
	c->elem = -1;
	if (rc == -1)
		return lexical(c);
	v->u.arr.n = n;
	return 0;
}

static int
parse_field(struct ctx *c, const struct field *f, struct value *v)
{
	struct jp_str s = { NULL, 0 };

	v->null = false;
	if ((f->type == FT_STR_OPT || f->type == FT_I64_OPT) &&
	    jp_peek(&c->jp) == JP_NULL) {
		v->null = true;
		return jp_literal(&c->jp, JP_NULL) == -1 ? lexical(c) : 0;
	}
	switch (f->type) {
	case FT_STR:
	case FT_STR_OPT:
		if (jp_peek(&c->jp) != JP_STRING)
			return wrong_type(c, field_type_expected(f->type),
			    jp_peek(&c->jp));
		if (parse_string(c, &s) == -1)
			return -1;
		v->u.str.ptr = s.ptr;
		v->u.str.len = s.len;
		return 0;
	case FT_I32:
		return parse_integer(c, INT32_MIN, INT32_MAX,
		    field_type_expected(f->type), &v->u.i64);
	case FT_I64:
	case FT_I64_OPT:
		return parse_integer(c, INT64_MIN, INT64_MAX,
		    field_type_expected(f->type), &v->u.i64);
	case FT_I64_ARR:
		return parse_int_array(c, v);
	case FT_F64:
		return parse_double(c, &v->u.f64);
	}
	return -1;
}

/* Skips a JSON string without decoding it; p is on the opening quote. */
static const char *
skip_raw_string(const char *p, const char *end)
{
	for (p++; p < end; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Decodes a short raw JSON string into buf without touching the body. */
static bool
decode_short(const char *raw, size_t rawlen, char *buf, size_t size,
    struct jp_str *out)
{
	struct jp jp;

	if (rawlen >= size)
		return false;
	memcpy(buf, raw, rawlen);
	buf[rawlen] = '\0';
	jp_init(&jp, buf, rawlen);
	return jp_string(&jp, out) == 0;
}

/*
 * Finds the value of a record's "kind" member before the record is parsed,
 * since its members may come in any order.  This scan is lenient: on input
 * that is not valid JSON it may find nothing, and the strict pass that
 * follows reports the real error.
 */
static const struct kind *
find_kind(const char *p, const char *end)
{
	char buf[128];
	struct jp_str name, value;
	const char *q;
	int depth;

	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
		    *p == '\r'))
			p++;
		if (p >= end || *p != '"' || (q = skip_raw_string(p, end)) ==
		    NULL)
			return NULL;
		if (!decode_short(p, (size_t)(q - p), buf, sizeof(buf), &name))
			name.len = 0;
		p = q;
		while (p < end && *p != ':')
			p++;
		for (p++; p < end && (*p == ' ' || *p == '\t' ||
		    *p == '\n' || *p == '\r'); p++)
			;
		if (p >= end)
			return NULL;
		if (jp_str_eq(&name, "kind")) {
			if (*p != '"' || (q = skip_raw_string(p, end)) == NULL ||
			    !decode_short(p, (size_t)(q - p), buf, sizeof(buf),
			    &value))
				return NULL;
			return record_kind_find(&value);
		}
		for (depth = 0; p < end; p++) {
			if (*p == '"') {
				if ((q = skip_raw_string(p, end)) == NULL)
					return NULL;
				p = q - 1;
			} else if (*p == '{' || *p == '[')
				depth++;
			else if (*p == '}' || *p == ']') {
				if (depth-- == 0)
					return NULL;
			} else if (*p == ',' && depth == 0)
				break;
		}
		if (p >= end)
			return NULL;
		p++;
	}
}

static bool
field_required(const struct field *f)
{
	return f->type != FT_STR_OPT && f->type != FT_I64_OPT;
}

static int
push_record(struct envelope *env, struct record *r)
{
	struct record **p;
	size_t cap;

	if (env->nrecords == env->records_cap) {
		cap = env->records_cap ? env->records_cap * 2 : 64;
		if ((p = realloc(env->records, cap * sizeof(struct record *))) ==
		    NULL)
			return -1;
		env->records = p;
		env->records_cap = cap;
	}
	env->records[env->nrecords++] = r;
	return 0;
}

/*
 * The record has no kind we know.  Walk it strictly to report the first
 * real problem: a syntax error, a bad "kind" value, or no "kind" at all.
 */
static int
kind_error(struct ctx *c)
{
	struct jp_str name, kindname;
	char q[80];
	size_t i;
	int rc;

	for (i = 0; (rc = jp_object_next(&c->jp, i, &name)) == 1; i++) {
		if (jp_str_eq(&name, "kind")) {
			c->member = "kind";
			if (parse_string(c, &kindname) == -1)
				return -1;
			c->member = NULL;
			quote_name(q, sizeof(q), &kindname);
			return malformed(c, "unknown kind %s", q);
		}
		if (jp_skip(&c->jp, JP_MAX_DEPTH) == -1)
			return lexical(c);
	}
	if (rc == -1)
		return lexical(c);
	return missing_member(c, "kind");
}

_Static_assert(KIND_MAX_FIELDS <= 32, "parse_record() has a bit per field");

static int
parse_record(struct ctx *c)
{
	const struct kind *k;
	struct record *r;
	struct jp_str name, kindname;
	uint32_t seen = 0;
	bool kind_seen = false;
	size_t i;
	int rc, f;

	if (jp_peek(&c->jp) != JP_OBJECT)
		return wrong_type(c, "expected an object",
		    jp_peek(&c->jp));
	jp_object_begin(&c->jp);
	if ((k = find_kind(c->jp.p, c->jp.end)) == NULL)
		return kind_error(c);

	r = arena_alloc(c->env->arena,
	    sizeof(*r) + k->nfields * sizeof(struct value));
	if (r == NULL)
		return api_error_oom(c->err);
	r->kind = k;
	for (i = 0; (rc = jp_object_next(&c->jp, i, &name)) == 1; i++) {
		if (jp_str_eq(&name, "kind")) {
			if (kind_seen)
				return member_error(c, "duplicate member", &name);
			kind_seen = true;
			c->member = "kind";
			if (parse_string(c, &kindname) == -1)
				return -1;
			/* The lenient scan and this pass must agree. */
			if (!jp_str_eq(&kindname, k->name))
				return malformed(c, "unreadable kind");
			c->member = NULL;
			continue;
		}
		if ((f = record_field_find(k, &name)) == -1) {
			char q[80];

			quote_name(q, sizeof(q), &name);
			return malformed(c, "unknown member %s for kind %s", q,
			    k->name);
		}
		if (seen & (1u << f))
			return member_error(c, "duplicate member", &name);
		seen |= 1u << f;
		c->member = k->fields[f].name;
		if (parse_field(c, &k->fields[f], &r->values[f]) == -1)
			return -1;
		c->member = NULL;
	}
	if (rc == -1)
		return lexical(c);
	for (i = 0; i < k->nfields; i++) {
		if (seen & (1u << i))
			continue;
		if (field_required(&k->fields[i]))
			return missing_member(c, k->fields[i].name);
		r->values[i].null = true;
	}
	if (push_record(c->env, r) == -1)
		return api_error_oom(c->err);
	c->env->kind_count[k - record_kinds]++;
	return 0;
}

static int
parse_records(struct ctx *c)
{
	size_t i;
	int rc;

	if (jp_peek(&c->jp) != JP_ARRAY)
		return wrong_type(c, "expected an array", jp_peek(&c->jp));
	jp_array_begin(&c->jp);
	for (i = 0; (rc = jp_array_next(&c->jp, i)) == 1; i++) {
		c->index = (long)i;
		if (i == c->limits->max_records) {
			c->index = -1;
			return malformed(c, "more than %zu records",
			    c->limits->max_records);
		}
		if (parse_record(c) == -1)
			return -1;
	}
	c->index = -1;
	return rc == -1 ? lexical(c) : 0;
}

/*
 * An object whose members are exactly names[0..n-1], each once, in any
 * order; member() parses the value of names[i].
 */
static int
parse_members(struct ctx *c, const char *const *names, size_t n,
    int (*member)(struct ctx *, size_t))
{
	struct jp_str name;
	unsigned seen = 0;
	size_t i, m;
	int rc;

	if (jp_peek(&c->jp) != JP_OBJECT)
		return wrong_type(c, "expected an object", jp_peek(&c->jp));
	jp_object_begin(&c->jp);
	for (i = 0; (rc = jp_object_next(&c->jp, i, &name)) == 1; i++) {
		for (m = 0; m < n && !jp_str_eq(&name, names[m]); m++)
			;
		if (m == n)
			return member_error(c, "unknown member", &name);
		if (seen & (1u << m))
			return member_error(c, "duplicate member", &name);
		seen |= 1u << m;
		if (member(c, m) == -1)
			return -1;
	}
	if (rc == -1)
		return lexical(c);
	for (m = 0; m < n; m++)
		if (!(seen & (1u << m)))
			return missing_member(c, names[m]);
	return 0;
}

static int
run_meta_member(struct ctx *c, size_t m)
{
	struct envelope *env = c->env;
	int rc;

	c->member = run_meta_members[m];
	if (m == 0)
		rc = parse_string(c, &env->benchmark_id);
	else if (m == 1)
		rc = parse_integer(c, INT32_MIN, INT32_MAX,
		    "expected a 32-bit integer", &env->schema_version);
	else
		rc = parse_string(c, &env->started_at);
	c->member = NULL;
	return rc;
}

static int
commit_member(struct ctx *c, size_t m)
{
	struct jp_str *s = &c->env->commit[m];

	c->member = commit_members[m];
	if (parse_string(c, s) == -1)
		return -1;
	/* Postgres text cannot hold it, and libpq takes C strings. */
	if (memchr(s->ptr, '\0', s->len) != NULL)
		return malformed(c, "contains U+0000");
	if (m == COMMIT_TIMESTAMP && !timestamp_valid(s->ptr, s->len))
		return malformed(c, "not an RFC 3339 date-time that PostgreSQL "
		    "accepts");
	if (m == COMMIT_SHA && s->len > RECORD_SHA_MAX_BYTES)
		return malformed(c, "%zu bytes, longer than the %d a commit "
		    "sha may have", s->len, RECORD_SHA_MAX_BYTES);
	c->member = NULL;
	return 0;
}

static int
envelope_member(struct ctx *c, size_t m)
{
	int rc;

	c->section = envelope_members[m];
	if (m == 0)
		rc = parse_members(c, run_meta_members, 3, run_meta_member);
	else if (m == 1)
		rc = parse_members(c, commit_members, COMMIT_NFIELDS,
		    commit_member);
	else
		rc = parse_records(c);
	if (rc == 0)
		c->section = NULL;
	return rc;
}

int
envelope_parse(struct envelope *env, char *body, size_t len,
    const struct envelope_limits *limits, struct api_error *err)
{
	struct ctx c = { .env = env, .limits = limits, .err = err,
	    .index = -1, .elem = -1 };

	memset(env, 0, sizeof(*env));
	if ((env->arena = arena_new()) == NULL)
		return api_error_oom(err);
	jp_init(&c.jp, body, len);
	if (parse_members(&c, envelope_members, 3, envelope_member) == -1)
		return -1;
	if (jp_end(&c.jp) == -1)
		return lexical(&c);
	return 0;
}

static int
record_error(struct api_error *err, size_t index, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
record_error(struct api_error *err, size_t index, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	api_error_set(err, 400, "record", "records[%zu]: %s", index, what);
	err->record_index = (long)index;
	return -1;
}

static int
check_record(const struct envelope *env, const struct record *r, size_t index,
    struct api_error *err)
{
	const struct kind *k = r->kind;
	const struct value *sha = &r->values[FIELD_COMMIT_SHA];
	char why[200];
	size_t i, size;

	if (sha->u.str.len != env->commit[COMMIT_SHA].len ||
	    memcmp(sha->u.str.ptr, env->commit[COMMIT_SHA].ptr,
	    sha->u.str.len) != 0)
		return record_error(err, index,
		    "commit_sha does not match commit.sha");
	for (i = 0; i < k->nfields; i++) {
		const struct value *v = &r->values[i];
		const struct field *f = &k->fields[i];

		if ((f->type != FT_STR && f->type != FT_STR_OPT) || v->null)
			continue;
		if (memchr(v->u.str.ptr, '\0', v->u.str.len) != NULL)
			return record_error(err, index,
			    "%s contains U+0000", f->name);
		/* Postgres indexes it: a btree entry has a size limit. */
		if (f->max_bytes != 0 && v->u.str.len > f->max_bytes)
			return record_error(err, index, "%s is %zu bytes, "
			    "longer than the %zu a key string may have",
			    f->name, v->u.str.len, f->max_bytes);
	}
	if ((size = record_bytes_bound(r)) > RECORD_MAX_BYTES)
		return record_error(err, index, "%zu bytes, more than the "
		    "%zu a record may take in PostgreSQL", size,
		    RECORD_MAX_BYTES);
	if (k->check != NULL && k->check(r, why, sizeof(why)) == -1)
		return record_error(err, index, "%s", why);
	return 0;
}

int
envelope_validate(struct envelope *env, struct api_error *err)
{
	struct record *r;
	size_t i;

	if (env->schema_version > 1) {
		api_error_set(err, 409, "schema_version_too_new", NULL);
		err->got = (long)env->schema_version;
		return -1;
	}
	if (env->schema_version < 1) {
		api_error_set(err, 400, "malformed",
		    "run_meta.schema_version: must be 1, got %ld",
		    (long)env->schema_version);
		return -1;
	}
	for (i = 0; i < env->nrecords; i++)
		if (check_record(env, env->records[i], i, err) == -1)
			return -1;
	for (i = 0; i < env->nrecords; i++) {
		r = env->records[i];
		r->measurement_id = measurement_id(r->kind, r->values);
	}
	return 0;
}

void
envelope_free(struct envelope *env)
{
	arena_free(env->arena);
	free(env->records);
	memset(env, 0, sizeof(*env));
}
