/* Slugs: the canonical encoding of a chart key, and the lenient decoding. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonparse.h"
#include "jsonwrite.h"
#include "slug.h"
#include "strbuf.h"

/* Room for "k" and every dimension name of every kind. */
#define MAX_NAMES	(1 + KIND_COUNT * CHART_MAX_DIMS)
#define REPLACEMENT	0xFFFD

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
slug_format_f64(double v, char *buf, size_t size)
{
	if (!isfinite(v) || size < JW_NUMBER_MAX)
		return -1;
	jw_number_text(v, buf);
	return 0;
}

static void
sb_base64url(struct strbuf *b, const unsigned char *p, size_t n)
{
	char *out;
	uint32_t v;
	size_t i, left;

	/* Written in place: a slug is built for every chart /api/groups lists. */
	if (!sb_reserve(b, (n + 2) / 3 * 4))
		return;
	out = b->data + b->len;
	for (i = 0; i < n; i += 3) {
		left = n - i;
		v = (uint32_t)p[i] << 16;
		v |= left >= 2 ? (uint32_t)p[i + 1] << 8 : 0;
		v |= left >= 3 ? (uint32_t)p[i + 2] : 0;
		*out++ = b64url[(v >> 18) & 63];
		*out++ = b64url[(v >> 12) & 63];
		/* Unpadded: 1, 2 or 3 bytes take 2, 3 or 4 characters. */
		if (left >= 2)
			*out++ = b64url[(v >> 6) & 63];
		if (left >= 3)
			*out++ = b64url[v & 63];
	}
	*out = '\0';
	b->len = (size_t)(out - b->data);
}

char *
slug_encode(const struct chart_key *key)
{
	const struct chart_kind *kind = key->kind;
	const struct dim_value *v;
	struct strbuf json = { 0 }, slug = { 0 };
	struct api_error err;
	struct jw jw;
	size_t i;

	jw_init(&jw, jw_sink_strbuf, &json, &err);
	jw_object(&jw);
	jw_key(&jw, "k");
	jw_string(&jw, key->group ? kind->group_k : kind->chart_k);
	for (i = 0; i < chart_key_ndims(key); i++) {
		v = &key->values[i];
		jw_key(&jw, kind->dims[i].column);
		if (v->null)
			jw_null(&jw);
		else if (kind->dims[i].type == DIM_I32)
			jw_int(&jw, strtoll(v->text, NULL, 10));
		else if (kind->dims[i].type == DIM_F64)
			jw_number(&jw, strtod(v->text, NULL));
		else
			jw_string(&jw, v->text);
	}
	jw_object_end(&jw);
	if (jw_finish(&jw) == 0) {
		sb_str(&slug, key->group ? kind->group_prefix :
		    kind->chart_prefix);
		sb_str(&slug, ".");
		sb_base64url(&slug, (const unsigned char *)json.data,
		    json.len);
	}
	sb_free(&json);
	if (jw.failed || slug.failed) {
		sb_free(&slug);
		return NULL;
	}
	return slug.data;
}

/*
 * The code point of the UTF-8 sequence at s (n > 0 bytes left) and its
 * length.  An ill-formed sequence is U+FFFD over its maximal subpart, as
 * the WHATWG decoder (and so Node) reads it.
 */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t need, i;
	uint32_t v;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		need = 1;
		v = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		need = 2;
		v = s[0] & 0x0F;
		lo = s[0] == 0xE0 ? 0xA0 : 0x80;
		hi = s[0] == 0xED ? 0x9F : 0xBF;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		need = 3;
		v = s[0] & 0x07;
		lo = s[0] == 0xF0 ? 0x90 : 0x80;
		hi = s[0] == 0xF4 ? 0x8F : 0xBF;
	} else {
		*cp = REPLACEMENT;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*cp = REPLACEMENT;
			return i;
		}
		v = v << 6 | (s[i] & 0x3F);
		lo = 0x80;
		hi = 0xBF;
	}
	*cp = v;
	return need + 1;
}

/* A base64 digit of either alphabet, or -1. */
static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/*
 * Buffer.from(s, 'base64url') of Node 20, into out (room for n * 3 / 4
 * bytes); returns the length.  Node reads the low byte of each UTF-16
 * code unit of the string ("\u0141" is an 'A', an emoji's low surrogate
 * may be an '='), skips what is not a digit of either alphabet, stops at
 * the first '=' and drops a lone trailing digit.
 */
static size_t
base64_lenient(const unsigned char *s, size_t n, unsigned char *out)
{
	unsigned char unit[2];
	uint32_t cp, acc = 0;
	size_t i = 0, o = 0, u, nunits;
	int d, bits = 0;

	while (i < n) {
		i += utf8_next(s + i, n - i, &cp);
		nunits = 1;
		if (cp < 0x10000)
			unit[0] = (unsigned char)cp;
		else {
			cp -= 0x10000;
			unit[0] = (unsigned char)(0xD800 + (cp >> 10));
			unit[1] = (unsigned char)(0xDC00 + (cp & 0x3FF));
			nunits = 2;
		}
		for (u = 0; u < nunits; u++) {
			if (unit[u] == '=')
				return o;
			if ((d = b64_value(unit[u])) == -1)
				continue;
			acc = (acc << 6 | (uint32_t)d) & 0xFFFFFF;
			if ((bits += 6) >= 8) {
				bits -= 8;
				out[o++] = (unsigned char)(acc >> bits);
			}
		}
	}
	return o;
}

/* Bytes as UTF-8 text, ill-formed sequences as U+FFFD; out has 3n + 1. */
static size_t
utf8_repair(const unsigned char *s, size_t n, char *out)
{
	size_t i = 0, o = 0, len;
	uint32_t cp;

	while (i < n) {
		len = utf8_next(s + i, n - i, &cp);
		if (cp == REPLACEMENT) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		} else {
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
	return o;
}

/* The last value of a member the keys read ("k" or a dimension). */
struct member {
	const char *name;
	enum jp_type type;
	struct jp_str string;
	struct jp_num number;
};

static int
bad(struct api_error *err, const char *why)
{
	api_error_set(err, 400, "bad_request", "bad slug: %s", why);
	return -1;
}

/* The slot for a member the keys read, NULL for any other member. */
static struct member *
slot(struct member *m, size_t *n, const struct jp_str *name)
{
	const char *wanted = NULL;
	size_t i, j;

	if (jp_str_eq(name, "k"))
		wanted = "k";
	for (i = 0; i < KIND_COUNT && wanted == NULL; i++)
		for (j = 0; j < chart_kinds[i].ndims && wanted == NULL; j++)
			if (jp_str_eq(name, chart_kinds[i].dims[j].column))
				wanted = chart_kinds[i].dims[j].column;
	if (wanted == NULL)
		return NULL;
	for (i = 0; i < *n; i++)
		if (strcmp(m[i].name, wanted) == 0)
			return &m[i];
	if (*n == MAX_NAMES)
		return NULL;
	m[*n].name = wanted;
	return &m[(*n)++];
}

static const struct member *
find(const struct member *m, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return &m[i];
	return NULL;
}

/*
 * JSON.parse of an object, keeping the last value of each member a key
 * reads; other members are checked and skipped, however deep.  The
 * opposite of envelope.c's parse_members(), which takes exactly its
 * members, each once: a slug is read as leniently as the reference
 * reads it, an envelope as strictly as the contract demands.
 */
static int
lenient_members(char *json, size_t len, struct member *m, size_t *count,
    struct api_error *err)
{
	struct member *s;
	struct jp_str name;
	struct jp jp;
	size_t i;
	int rc;

	*count = 0;
	jp_init(&jp, json, len);
	jp.lone_surrogates = true;
	if (jp_peek(&jp) != JP_OBJECT || jp_object_begin(&jp) == -1)
		return bad(err, "not a JSON object");
	for (i = 0; (rc = jp_object_next(&jp, i, &name)) == 1; i++) {
		s = slot(m, count, &name);
		if (s != NULL)
			s->type = jp_peek(&jp);
		if (s == NULL || s->type == JP_OBJECT || s->type == JP_ARRAY)
			rc = jp_skip(&jp, JP_SKIP_DEPTH_MAX);
		else if (s->type == JP_STRING)
			rc = jp_string(&jp, &s->string);
		else if (s->type == JP_NUMBER)
			rc = jp_number(&jp, &s->number);
		else
			rc = jp_literal(&jp, s->type == JP_INVALID ? JP_NULL :
			    s->type);
		if (rc == -1)
			break;
	}
	if (rc == -1 || jp_end(&jp) == -1)
		return bad(err, jp.error);
	return 0;
}

/* One dimension's member, checked against its type, into canonical text. */
static int
dim_from_member(const struct dim *dim, const struct member *m,
    struct dim_value *out, struct api_error *err)
{
	char num[JW_NUMBER_MAX];
	double d;

	if (m == NULL || m->type == JP_NULL) {
		if (dim->type != DIM_STR_OPT)
			return bad(err, "a key member is missing or null");
		out->null = true;
		return 0;
	}
	switch (dim->type) {
	case DIM_STR:
	case DIM_STR_OPT:
		if (m->type != JP_STRING)
			return bad(err, "a key member is not a string");
		/* Postgres text cannot hold U+0000: no row has it. */
		if (memchr(m->string.ptr, '\0', m->string.len) != NULL)
			return bad(err, "a key member contains U+0000");
		out->text = strndup(m->string.ptr, m->string.len);
		break;
	case DIM_I32:
		if (m->type != JP_NUMBER)
			return bad(err, "a key member is not a number");
		/* The number ends at a delimiter: strtod stops there. */
		d = strtod(m->number.text, NULL);
		if (!(d >= INT32_MIN && d <= INT32_MAX) ||
		    d != (double)(int32_t)d)
			return bad(err, "a key member is not a 32-bit integer");
		snprintf(num, sizeof(num), "%d", (int)(int32_t)d);
		out->text = strdup(num);
		break;
	case DIM_F64:
		if (m->type != JP_NUMBER)
			return bad(err, "a key member is not a number");
		d = strtod(m->number.text, NULL);
		if (slug_format_f64(d, num, sizeof(num)) == -1)
			return bad(err, "a key member is not a finite number");
		out->text = strdup(num);
		break;
	}
	if (out->text == NULL)
		return api_error_oom(err);
	return 0;
}

int
slug_decode(const char *slug, struct chart_key *key, struct api_error *err)
{
	struct member m[MAX_NAMES];
	const struct member *k;
	const char *dot;
	unsigned char *raw = NULL;
	char *json = NULL;
	size_t i, n, len;
	int rc = -1;

	memset(key, 0, sizeof(*key));
	if ((n = strlen(slug)) > SLUG_MAX_BYTES)
		return bad(err, "too long");
	if ((dot = strchr(slug, '.')) == NULL)
		return bad(err, "no '.' after the prefix");
	n -= (size_t)(dot + 1 - slug);
	if ((raw = malloc(n * 3 / 4 + 1)) == NULL ||
	    (json = malloc(n * 3 + 1)) == NULL) {
		api_error_oom(err);
		goto out;
	}
	len = base64_lenient((const unsigned char *)dot + 1, n, raw);
	len = utf8_repair(raw, len, json);
	if (lenient_members(json, len, m, &n, err) == -1)
		goto out;
	if ((k = find(m, n, "k")) == NULL || k->type != JP_STRING) {
		bad(err, "no string member \"k\"");
		goto out;
	}
	for (i = 0; i < KIND_COUNT && key->kind == NULL; i++) {
		if (jp_str_eq(&k->string, chart_kinds[i].chart_k))
			key->kind = &chart_kinds[i];
		else if (jp_str_eq(&k->string, chart_kinds[i].group_k)) {
			key->kind = &chart_kinds[i];
			key->group = true;
		}
	}
	if (key->kind == NULL) {
		bad(err, "unknown \"k\"");
		goto out;
	}
	for (i = 0; i < chart_key_ndims(key); i++)
		if (dim_from_member(&key->kind->dims[i], find(m, n,
		    key->kind->dims[i].column), &key->values[i], err) == -1)
			goto out;
	rc = 0;
out:
	free(raw);
	free(json);
	if (rc == -1)
		chart_key_free(key);
	return rc;
}
